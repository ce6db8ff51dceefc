import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonEncodeCase, jsonReference } from '../../test/reference/json/reference.js';
import { goValue } from '../../test/reference/json/values.js';
import { Scalars } from '../../test/reference/yaml/cases.js';
import { goStringToBytes } from './go-text.js';
import { marshalGo } from './marshal-go.js';
import type { GoStruct } from './model.js';

// encoding/json never leaves out a struct (clarketm/json does when all its fields are empty, see marshal-go.test.ts),
// so struct-typed fields are not omitempty here.
const Encodable: GoStruct = {
  ...Scalars,
  fields: Scalars.fields.map((f) => (f.type.kind === 'struct' ? { ...f, omitempty: false } : f)),
};

describe('marshalGo against encoding/json', () => {
  it('writes the same bytes, compact and indented', async () => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const values = fc.sample(goValue(Encodable), { numRuns: 300, seed });
    const cases: JsonEncodeCase[] = values.flatMap((value) => [
      { mode: 'encode', type: Encodable, value, pretty: false },
      { mode: 'encode', type: Encodable, value, pretty: true },
    ]);
    const theirs = await jsonReference(cases);
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const ours = Buffer.from(goStringToBytes(marshalGo(c.value, c.type, { pretty: c.pretty }))).toString('base64');
      if (ours !== theirs[i]!.output) {
        failures.push(
          `${Buffer.from(theirs[i]!.output, 'base64').toString('latin1')}\n  us: ${Buffer.from(ours, 'base64').toString('latin1')}`,
        );
      }
    });
    expect(failures.slice(0, 3).join('\n'), `seed ${seed}: ${failures.length} differ`).toBe('');
  });
});
