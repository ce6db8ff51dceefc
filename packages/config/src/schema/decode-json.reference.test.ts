import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDocument, jsonMutant } from '../../test/reference/json/arbitraries.js';
import { type Comparable, ourOutcome, theirOutcome } from '../../test/reference/json/compare.js';
import { type JsonDecodeCase, jsonReference } from '../../test/reference/json/reference.js';
import { Scalars } from '../../test/reference/yaml/cases.js';
import { Config } from '../../test/reference/yaml/test-types.js';

const paths = [
  ['s'],
  ['ls', 1],
  ['sub', 'name'],
  ['subs', 0, 'name'],
  ['psub', 'n'],
  ['nope', 'x'],
  [],
  ['version'],
  ['storage'],
  ['storage', 'files'],
  ['storage', 'files', 0, 'path'],
];

async function compare(docs: readonly string[], type: JsonDecodeCase['type'] = Scalars): Promise<string[]> {
  const cases: JsonDecodeCase[] = docs.map((doc) => ({ mode: 'decode', type, doc, paths }));
  const theirs = await jsonReference(cases);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const want: Comparable = theirOutcome(c, theirs[i]!);
    const got = ourOutcome(c);
    try {
      expect(got).toEqual(want);
    } catch {
      failures.push(`${JSON.stringify(c.doc)}\n  go:  ${JSON.stringify(want)}\n  us:  ${JSON.stringify(got)}`);
    }
  });
  return failures;
}

const handPicked = [
  '{}',
  '',
  ' ',
  'null',
  '[]',
  '"x"',
  '1',
  'true',
  '{"s": "a", "i": 1, "b": true}',
  '{"s": 1}',
  '{"i": "1"}',
  '{"i": 1.5}',
  '{"i": 1e2}',
  '{"i": -0}',
  '{"i": 9223372036854775807}',
  '{"i": 9223372036854775808}',
  '{"i": -9223372036854775808}',
  '{"i": -9223372036854775809}',
  '{"b": "true"}',
  '{"b": 1}',
  '{"s": null, "i": null, "b": null, "ps": null, "ls": null}',
  '{"ps": "a", "pi": 3, "pb": false}',
  '{"pi": "x"}',
  '{"pi": null}',
  '{"ls": []}',
  '{"ls": ["a", null, "b"]}',
  '{"ls": ["a", 1]}',
  '{"ls": "a"}',
  '{"ls": {}}',
  '{"sub": []}',
  '{"sub": "x"}',
  '{"sub": {"name": 1}}',
  '{"psub": {"n": "x"}}',
  '{"subs": [{"name": "a", "n": 1}, {"name": "b", "bogus": true}]}',
  '{"subs": ["x"]}',
  '{"subs": [[]]}',
  '{"subs": [{"n": []}]}',
  '{"S": "upper", "I": 2, "sUb": {"NAME": "x"}}',
  '{"\\u017f": "long s", "ſ": "long s raw", "Ls": ["x"], "LS": ["y"]}',
  '{"psub": {"\\u212a": 1, "N": 2}}',
  '{"s": "a", "s": "b"}',
  '{"s": "a", "S": "b"}',
  '{"subs": [{"name": "a", "n": 1}, {"name": "b", "n": 2}, {"name": "c"}], "subs": [{"name": "d"}], "subs": [{}, {}]}',
  '{"subs": [{"name": "a"}], "subs": []}',
  '{"ls": ["a", "b", "c", "d", "e"], "ls": ["x"], "ls": ["1", "2", "3", "4", "5", "6"]}',
  '{"psub": {"name": "a"}, "psub": {"n": 1}}',
  '{"psub": {"name": "a"}, "psub": null}',
  '{"s": "\\u00e9\\ud83d\\ude00\\ud800\\udc00x\\ud800\\u0041\\udc00"}',
  '{"s": "\\"\\\\\\/\\b\\f\\n\\r\\t"}',
  '{"s": "<>&\u2028"}',
  '{"s": "\ufeffa"}',
  `{"s": "${'a'.repeat(300_000)}"}`,
  '{"unknown": {"deep": [1, {"x": null}]}, "s": "ok"}',
  '{"x": 1,\n "s": "a",\n\t"y": [\n  1\n ]\n}',
  '{\r\n"s": 1}',
  '{"s": "a"',
  '{"s": "a",}',
  '{"s" "a"}',
  '{s: "a"}',
  "{'s': 'a'}",
  '{"s": tru}',
  '{"s": nul}',
  '{"s": 01}',
  '{"s": 1.}',
  '{"s": 1e}',
  '{"s": -}',
  '{"s": .5}',
  '{"s": "\\x"}',
  '{"s": "\\u12"}',
  '{"s": "a\tb"}',
  '{"s": "a"} x',
  '{"s": "a"}}',
  '[1, 2',
  '[1 2]',
  '{"a": [}',
  '\u00e9',
  '{"s": "caf\u00e9"} \u00e9',
  '{"s": "\x7f"}',
  `${'['.repeat(10001)}`,
  `{"x": ${'['.repeat(9999)}${']'.repeat(9999)}}`,
  '{"s": "a"}\n',
  '\n\n  {"s": 1}',
  '{"i": 1, "s": 2}',
  '{"x": 1e400, "y": 1}',
  '{"x": [1e-400, -1e308, 2e308]}',
  '{"i": 1e999}',
  '{"sub": {"name": "x"}, "i": "bad", "s": 2}',
];

describe('decodeJson against encoding/json and vcontext', () => {
  it('matches on hand-picked documents', async () => {
    expect((await compare(handPicked)).join('\n')).toBe('');
  });

  it('matches on the documents of the unit tests', async () => {
    const docs = [
      '{\n  "version": "é",\n  "storage": {"files": [{"path": "/a", "x": 1}]}\n}',
      '{"storage": null, "version": 1}',
      '{"storage": {"files": [{"path": "a"}, null, {"mode": 0}]}}',
      '{"storage": {"files": {"path": "a"}}}',
    ];
    expect((await compare(docs, Config)).join('\n')).toBe('');
  });

  it.each([
    ['generated documents', jsonDocument],
    ['generated documents with a few characters changed', jsonMutant],
  ])('matches on %s', async (_, arb) => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const failures = await compare(fc.sample(arb, { numRuns: 300, seed }));
    expect(failures.slice(0, 5).join('\n'), `seed ${seed}: ${failures.length} differ`).toBe('');
  });
});
