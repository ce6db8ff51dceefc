import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIgnition } from './format-ignition.js';
import { parseIgnition } from './parse-ignition.js';
import { upgradeIgnition } from './upgrade-ignition.js';

const VALID = fileURLToPath(new URL('../../test/fixtures/ignition/valid/', import.meta.url));

describe('formatIgnition', () => {
  it('writes Go field order, leaves empty fields out and ends with a newline', () => {
    const parsed = parseIgnition(
      '{"storage":{"files":[{"mode":420,"path":"/a","contents":{}}]},"ignition":{"version":"3.3.0","config":{}}}',
    );
    expect(parsed.config).toBeDefined();
    if (parsed.config === undefined || parsed.version === undefined) return;
    expect(formatIgnition(parsed.config, parsed.version, { pretty: false })).toBe(
      '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420}]}}\n',
    );
    expect(formatIgnition(parsed.config, parsed.version, { pretty: true })).toBe(
      '{\n  "ignition": {\n    "version": "3.3.0"\n  },\n  "storage": {\n    "files": [\n      {\n        "path": "/a",\n        "mode": 420\n      }\n    ]\n  }\n}\n',
    );
  });

  it('round-trips every valid fixture, and its upgrade to 3.4.0', () => {
    for (const file of readdirSync(VALID)) {
      const parsed = parseIgnition(readFileSync(join(VALID, file), 'utf8'));
      if (parsed.config === undefined || parsed.version === undefined) continue;
      for (const pretty of [false, true]) {
        const again = parseIgnition(formatIgnition(parsed.config, parsed.version, { pretty }));
        expect(again.config, file).toEqual(parsed.config);
        const upgraded = upgradeIgnition(parsed.config, parsed.version, '3.4.0');
        expect(parseIgnition(formatIgnition(upgraded, '3.4.0', { pretty })).config, file).toEqual(upgraded);
      }
    }
  });
});
