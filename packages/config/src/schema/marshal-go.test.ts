import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goValue } from '../../test/reference/json/values.js';
import { Config, File, Storage } from '../../test/reference/yaml/test-types.js';
import { decodeJson } from './decode-json.js';
import { goStringFromBytes } from './go-text.js';
import { emptySlice, zeroValue } from './go-value.js';
import { isEmptyGoValue, marshalGo } from './marshal-go.js';
import { bool, field, type GoType, int, ptr, slice, str, struct } from './model.js';

// Values whose strings are valid UTF-8 (JSON cannot carry other bytes back).
const goValidValue = (t: GoType): fc.Arbitrary<unknown> =>
  goValue(t).filter((v) => !/\\udc[89a-f][0-9a-f]/i.test(JSON.stringify(v) ?? ''));

const T = struct('T', [
  field('s', str, { omitempty: false }),
  field('raw', slice(int), { omitempty: false }),
  field('e', slice(int), { omitempty: false }),
  field('n', int),
  field('p', ptr(bool), { omitempty: false }),
]);

describe('marshalGo', () => {
  // Checked against encoding/json (Go 1.19) through test/reference/json/main.go.
  it('escapes strings as Go does: HTML-safe, U+2028/9, control characters, invalid bytes', () => {
    const s = `<>&\u2028\u2029\u0000\u001f\u007f\t\n\r"\\/é😀${goStringFromBytes(Uint8Array.from([0xff, 0xe2, 0x82]))}`;
    const value = { s, raw: [], e: emptySlice<number>(), n: 0, p: undefined };
    expect(marshalGo(value, T, { pretty: false })).toBe(
      '{"s":"\\u003c\\u003e\\u0026\\u2028\\u2029\\u0000\\u001f\u007f\\t\\n\\r\\"\\\\/é😀\\ufffd\\ufffd\\ufffd","raw":null,"e":[],"p":null}',
    );
    expect(marshalGo(value, T, { pretty: true })).toBe(
      '{\n  "s": "\\u003c\\u003e\\u0026\\u2028\\u2029\\u0000\\u001f\u007f\\t\\n\\r\\"\\\\/é😀\\ufffd\\ufffd\\ufffd",\n  "raw": null,\n  "e": [],\n  "p": null\n}',
    );
  });

  // clarketm/json's isEmptyValue (encode.go): a struct is empty when every exported field is empty, recursively;
  // encoding/json never omits a struct. Butane relies on this to drop empty sections.
  it('leaves out a struct whose fields are all empty, as clarketm/json does', () => {
    const c = zeroValue(Config);
    expect(marshalGo(c, Config, { pretty: false })).toBe('{}');
    expect(marshalGo(c, Config, { pretty: true })).toBe('{}');
    c.storage.files.push({ ...zeroValue(File), path: '/a' });
    expect(marshalGo(c, Config, { pretty: false })).toBe('{"storage":{"files":[{"path":"/a"}]}}');
  });

  it('keeps a struct with one non-empty field deep inside', () => {
    const f = zeroValue(File);
    f.contents.verification.hash = '';
    expect(isEmptyGoValue(f, File)).toBe(false);
    expect(marshalGo(f, File, { pretty: false })).toBe('{"contents":{"verification":{"hash":""}}}');
  });

  it('writes an empty struct that is not omitempty as {}', () => {
    const Wrapper = struct('W', [field('storage', Storage, { omitempty: false })]);
    expect(marshalGo({ storage: zeroValue(Storage) }, Wrapper, { pretty: true })).toBe('{\n  "storage": {}\n}');
  });

  it('writes nil slices without omitempty as null and empty ones as []', () => {
    const raid = { name: 'md', level: undefined, devices: [], spares: undefined };
    const Raid = Storage.fields[1]!.type.elem;
    expect(marshalGo(raid, Raid, { pretty: false })).toBe('{"name":"md","devices":null}');
    expect(marshalGo({ ...raid, devices: emptySlice() }, Raid, { pretty: false })).toBe('{"name":"md","devices":[]}');
  });

  it('writes integers exactly and zero pointers as values', () => {
    const P = struct('P', [field('a', ptr(int)), field('b', ptr(str)), field('c', ptr(bool)), field('d', int)]);
    expect(marshalGo({ a: 0, b: '', c: false, d: -9007199254740991 }, P, { pretty: false })).toBe(
      '{"a":0,"b":"","c":false,"d":-9007199254740991}',
    );
  });

  it('indents nested arrays and objects by two spaces, with no trailing newline', () => {
    const c = zeroValue(Config);
    c.names = ['a', 'b'];
    c.storage.files.push({ ...zeroValue(File), path: '/x', mode: 420 });
    expect(marshalGo(c, Config, { pretty: true })).toBe(
      [
        '{',
        '  "storage": {',
        '    "files": [',
        '      {',
        '        "path": "/x",',
        '        "mode": 420',
        '      }',
        '    ]',
        '  },',
        '  "names": [',
        '    "a",',
        '    "b"',
        '  ]',
        '}',
      ].join('\n'),
    );
  });
});

describe('marshalGo and decodeJson together', () => {
  it('give back the value written, nil and empty slices included', () => {
    const T2 = struct('T2', [
      field('s', str, { omitempty: false }),
      field('n', int, { omitempty: false }),
      field('b', bool, { omitempty: false }),
      field('p', ptr(str), { omitempty: false }),
      field('l', slice(struct('E', [field('x', ptr(int), { omitempty: false })])), { omitempty: false }),
    ]);
    fc.assert(
      fc.property(goValidValue(T2), (v) => {
        const text = marshalGo(v, T2, { pretty: false });
        const back = decodeJson(text, T2);
        expect(back.reports).toEqual([]);
        expect(marshalGo(back.value, T2, { pretty: true })).toBe(marshalGo(v, T2, { pretty: true }));
      }),
      { numRuns: 200 },
    );
  });
});
