import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { butaneJsonSchema, memoryFilesDir, translateButane, translateButaneValue } from './index.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

describe('public API', () => {
  it("produces a config Debian's ignition-validate accepts (the Caddy example, Ignition 3.3.0)", () => {
    const source = readFileSync(repo('examples/caddy/caddy.bu'), 'utf8');
    const logo = readFileSync(repo('examples/caddy/ballast-logo.png'));
    const result = translateButane(source, { filesDir: memoryFilesDir({ 'ballast-logo.png': logo }) });
    const file = join(mkdtempSync(join(tmpdir(), 'butane-')), 'caddy.ign');
    writeFileSync(file, result.json!);
    // exits non-zero (and throws) on any finding
    expect(execFileSync('/usr/bin/ignition-validate', [file], { encoding: 'utf8' })).toBe('');
  });

  it('translates a config built in TypeScript with the typed builder types', () => {
    const result = translateButaneValue({
      variant: 'flatcar',
      version: '1.1.0',
      systemd: { units: [{ name: 'a.service', enabled: true, contents: '[Service]\n' }] },
    });
    expect(result.json).toBe(
      '{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"contents":"[Service]\\n","enabled":true,"name":"a.service"}]}}\n',
    );
    expect(translateButaneValue({ variant: 'flatcar', version: '9.9.9' }).error).toBe(
      'Error translating config: No translator exists for variant flatcar with version 9.9.9',
    );
  });

  it('gives editors a JSON Schema per version with Butane keys', () => {
    const v10 = JSON.stringify(butaneJsonSchema('1.0.0'));
    const v11 = JSON.stringify(butaneJsonSchema('1.1.0'));
    expect(v10).toContain('"with_mount_unit"');
    expect(v10).not.toContain('"contents_local"');
    expect(v11).toContain('"contents_local"');
    expect(v11).toContain('"ssh_authorized_keys_local"');
  });
});
