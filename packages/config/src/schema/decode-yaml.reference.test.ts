import { describe, expect, it } from 'vitest';
import { handPicked } from '../../test/reference/yaml/cases.js';
import { normalized, ourOutcome } from '../../test/reference/yaml/compare.js';
import { yamlReference } from '../../test/reference/yaml/reference.js';

describe('decodeYaml against yaml.v3 and vcontext', () => {
  it('matches on hand-picked documents', async () => {
    const theirs = await yamlReference(handPicked);
    const failures: string[] = [];
    handPicked.forEach((c, i) => {
      const want = normalized(theirs[i]!);
      const got = normalized(ourOutcome(c));
      try {
        expect(got).toEqual(want);
      } catch {
        failures.push(`${JSON.stringify(c.doc)}\n  go:  ${JSON.stringify(want)}\n  us:  ${JSON.stringify(got)}`);
      }
    });
    expect(failures.join('\n')).toBe('');
  });
});
