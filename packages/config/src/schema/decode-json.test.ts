import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDocument, jsonMutant } from '../../test/reference/json/arbitraries.js';
import { Scalars } from '../../test/reference/yaml/cases.js';
import { Config } from '../../test/reference/yaml/test-types.js';
import { checkJson, decodeJson, JsonDecodeCodes, type JsonNode, parseJsonTree } from './decode-json.js';
import { isNilSlice } from './go-value.js';

// Expectations checked against encoding/json (Go 1.19) and coreos/vcontext through test/reference/json/main.go;
// decode-json.reference.test.ts compares these documents and many generated ones.

const error = (doc: string): unknown => {
  const r = decodeJson(doc, Scalars).reports[0];
  return r && [r.code, r.message, r.line, r.column];
};

describe('decodeJson: syntax errors', () => {
  it.each([
    ['{"s": "a"', 'unexpected end of JSON input', undefined, undefined],
    ['{"s": "a",}', "invalid character '}' looking for beginning of object key string", undefined, undefined],
    ['{"s" "a"}', "invalid character '\"' after object key", 1, 7],
    ["{'s': 1}", "invalid character '\\'' looking for beginning of object key string", 1, 3],
    ['{"s": tru}', "invalid character '}' in literal true (expecting 'e')", undefined, undefined],
    ['{"s": 01}', "invalid character '1' after object key:value pair", 1, 9],
    ['{"s": "a\tb"}', "invalid character '\\t' in string literal", 1, 10],
    ['{}\n{}', "invalid character '{' after top-level value", 2, 2],
    ['\u00e9', "invalid character 'Ã' looking for beginning of value", 1, 2],
  ])('%j', (doc, message, line, column) => {
    expect(error(doc)).toEqual([JsonDecodeCodes.jsonSyntax, message, line, column]);
  });

  it('checks the whole text before decoding, as encoding/json does', () => {
    expect(error('{"i": "not a number"} x')).toEqual([
      JsonDecodeCodes.jsonSyntax,
      "invalid character 'x' after top-level value",
      undefined,
      undefined,
    ]);
  });
});

describe('decodeJson: type errors', () => {
  it.each([
    ['{"i": "1"}', 'json: cannot unmarshal string into Go struct field Scalars.i of type int', 1, 10],
    ['{"i": 1.5}', 'json: cannot unmarshal number 1.5 into Go struct field Scalars.i of type int', 1, 10],
    ['{"pi": true}', 'json: cannot unmarshal bool into Go struct field Scalars.pi of type int', 1, 12],
    ['{"sub": {"name": 1}}', 'json: cannot unmarshal number into Go struct field Sub.sub.name of type string', 1, 19],
    ['{"subs": ["x"]}', 'json: cannot unmarshal string into Go struct field Scalars.subs of type v0_5.Sub', 1, 14],
    ['{"ls": {}}', 'json: cannot unmarshal object into Go struct field Scalars.ls of type []string', 1, 9],
    ['[]', 'json: cannot unmarshal array into Go value of type v1_1.Scalars', 1, 2],
  ])('%j', (doc, message, line, column) => {
    expect(error(doc)).toEqual([JsonDecodeCodes.jsonType, message, line, column]);
  });

  it('keeps only the first type error', () => {
    expect(decodeJson('{"i": "x", "b": "y"}', Scalars).reports).toHaveLength(1);
  });
});

describe('decodeJson: values', () => {
  it('matches keys case-insensitively but warns about them as written', () => {
    const d = decodeJson('{"S": "a", "sUB": {"NAME": "n"}}', Scalars);
    expect(d.value?.s).toBe('a');
    expect(d.value?.sub.name).toBe('n');
    expect(d.reports.map((r) => r.message)).toEqual(['Unused key S', 'Unused key sUB']);
  });

  it('ignores null for non-pointers and clears pointers and slices', () => {
    const d = decodeJson('{"s": "a", "s": null, "ps": "x", "ps": null, "ls": ["a"], "ls": null}', Scalars);
    expect([d.value?.s, d.value?.ps, isNilSlice(d.value!.ls)]).toEqual(['a', undefined, true]);
  });

  it('decodes a repeated key over the earlier value', () => {
    const d = decodeJson('{"psub": {"name": "a"}, "psub": {"n": 1}}', Scalars);
    expect(d.value?.psub).toEqual({ name: 'a', n: 1 });
  });

  it('turns invalid UTF-8 and lone surrogate escapes into U+FFFD', () => {
    const bytes = new TextEncoder().encode('{"s": "a\u00ff\\ud800b"}');
    bytes[9] = 0xff;
    expect(decodeJson(bytes, Scalars).value?.s).toBe('a\ufffd\ufffd\ufffdb');
  });
});

describe('decodeJson: positions, as vcontext counts them (bytes)', () => {
  const doc = '{\n  "version": "é",\n  "storage": {"files": [{"path": "/a", "x": 1}]}\n}';
  const d = decodeJson(doc, Config);

  it('points at values, and one byte into objects and arrays', () => {
    expect(d.positions.position(['version'])).toEqual({ line: 2, column: 14 });
    expect(d.positions.position(['storage'])).toEqual({ line: 3, column: 15 });
    expect(d.positions.position(['storage', 'files'])).toEqual({ line: 3, column: 25 });
    expect(d.positions.position(['storage', 'files', 0, 'path'])).toEqual({ line: 3, column: 34 });
  });

  it('warns about unknown keys at the key, in Ignition words', () => {
    expect(d.reports).toEqual([
      {
        severity: 'warning',
        code: 'UNUSED_KEY',
        message: 'Unused key x',
        path: ['storage', 'files', 0, 'x'],
        line: 3,
        column: 40,
      },
    ]);
  });
});

describe('parseJsonTree: one pass for good text, the scanner for bad', () => {
  // The tree as a plain value (a repeated key keeps its last value), to compare with JSON.parse.
  const plain = (n: JsonNode): unknown => {
    switch (n.kind) {
      case 'object':
        return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
      case 'array':
        return n.items.map(plain);
      case 'number':
        return Number(n.literal);
      case 'null':
        return null;
      default:
        return n.value;
    }
  };
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const text = fc.oneof(
    jsonDocument,
    jsonMutant,
    fc.string({ unit: fc.constantFrom(...'{}[]:,"\\ \n0123456789-+.eEtrufalsn\u00e9\u0001'.split('')), maxLength: 24 }),
  );

  it('accepts exactly what checkJson accepts, and reads what JSON.parse reads', () => {
    fc.assert(
      fc.property(text, (doc) => {
        const bytes = new TextEncoder().encode(doc);
        const parsed = parseJsonTree(bytes);
        const error = checkJson(bytes);
        if (error) {
          expect(parsed).toEqual({ error });
          return;
        }
        // Go's unquote turns lone surrogate escapes into U+FFFD; JSON.parse keeps them.
        const want = JSON.parse(doc, (_, v) => (typeof v === 'string' ? v.replace(loneSurrogate, '\ufffd') : v));
        expect('tree' in parsed && plain(parsed.tree)).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses nesting past 10000 levels, empty containers included', () => {
    for (const inner of ['[]', '{}', '1']) {
      const doc = (depth: number): Uint8Array =>
        new TextEncoder().encode(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`);
      const deepest = inner === '1' ? 10000 : 9999;
      expect('tree' in parseJsonTree(doc(deepest))).toBe(true);
      const tooDeep = parseJsonTree(doc(deepest + 1));
      expect(tooDeep).toEqual({ error: { message: expect.stringMatching(/exceeded max depth$/), offset: 10001 } });
      expect(tooDeep).toEqual({ error: checkJson(doc(deepest + 1)) });
    }
  });
});
