import { describe, expect, it } from 'vitest';
import { Scalars } from '../../test/reference/yaml/cases.js';
import { Config } from '../../test/reference/yaml/test-types.js';
import { DecodeCodes, decodeParsedYaml, decodeYaml, yamlErrorText } from './decode-yaml.js';
import { isNilSlice } from './go-value.js';
import { field, str, struct } from './model.js';
import { parseYaml } from './yaml-parse.js';

// Every expectation here was checked against gopkg.in/yaml.v3 and coreos/vcontext through the reference harness
// (test/reference/yaml/main.go); decode-yaml.reference.test.ts compares the same documents and many more.

const decodeOne = (key: string, text: string): unknown => {
  const d = decodeYaml(`${key}: ${text}\n`, Scalars);
  return d.value === undefined ? yamlErrorText(d.reports) : (d.value as Record<string, unknown>)[key];
};

describe('decodeYaml: scalars into int', () => {
  it.each([
    ['0644', 420],
    ['0o17', 15],
    ['0x1F', 31],
    ['0b101', 5],
    ['-0b101', -5],
    ['+5', 5],
    ['-0', 0],
    ['1_000', 1000],
    ['1.5', 1],
    ['-1.5', -1],
    ['1e3', 1000],
    ['08', 8],
    ['0o-17', -15],
    ['0b+101', 5],
    ['~', 0],
    ['', 0],
    ['9007199254740991', 9007199254740991],
  ])('%s is %d', (text, want) => {
    expect(decodeOne('i', text)).toBe(want);
  });

  it.each([
    ['9223372036854775808', 'line 1: cannot unmarshal !!int `9223372...` into int'],
    ['1e400', 'line 1: cannot unmarshal !!str `1e400` into int'],
    ['.nan', 'line 1: cannot unmarshal !!float `.nan` into int'],
    ['abc', 'line 1: cannot unmarshal !!str `abc` into int'],
    ["'12'", 'line 1: cannot unmarshal !!str `12` into int'],
    ['true', 'line 1: cannot unmarshal !!bool `true` into int'],
    ['2001-01-01', 'line 1: cannot unmarshal !!timestamp `2001-01-01` into int'],
    ['[1]', 'line 1: cannot unmarshal !!seq into int'],
    ['{a: 1}', 'line 1: cannot unmarshal !!map into int'],
  ])('%s is an unmarshal error', (text, want) => {
    expect(decodeOne('i', text)).toBe(`yaml: unmarshal errors:\n  ${want}`);
  });

  it('fails the whole decode on an explicit tag the text cannot have', () => {
    expect(decodeOne('i', '!!int abc')).toBe('yaml: cannot decode !!str `abc` as a !!int');
  });
});

describe('decodeYaml: scalars into bool and string', () => {
  it.each([
    ['true', true],
    ['False', false],
    ['yes', true],
    ['On', true],
    ['y', true],
    ['OFF', false],
    ['n', false],
    ["'yes'", true],
    ['~', false],
  ])('bool %s is %s', (text, want) => {
    expect(decodeOne('b', text)).toBe(want);
  });

  it.each([
    ['"true"', 'line 1: cannot unmarshal !!str `true` into bool'],
    ['1', 'line 1: cannot unmarshal !!int `1` into bool'],
    ['yEs', 'line 1: cannot unmarshal !!str `yEs` into bool'],
  ])('bool %s is an unmarshal error', (text, want) => {
    expect(decodeOne('b', text)).toBe(`yaml: unmarshal errors:\n  ${want}`);
  });

  it.each([
    ['12', '12'],
    ['1.50', '1.50'],
    ['0x1F', '0x1F'],
    ['true', 'true'],
    ['~', ''],
    ['null', ''],
    ["'it''s'", "it's"],
    ['"a\\tb\\u00e9"', 'a\tbé'],
    ['!!binary aGVsbG8=', 'hello'],
    ['!!binary /w==', '\udcff'],
    ['|\n  a\n  b\n', 'a\nb\n'],
    ['>-\n  a\n  b\n', 'a b'],
  ])('string %s is %j', (text, want) => {
    expect(decodeOne('s', text)).toBe(want);
  });

  it('fails on !!binary that is not base64', () => {
    expect(decodeOne('s', '!!binary aGVsbG8')).toBe('yaml: !!binary value contains invalid base64 data');
  });
});

describe('decodeYaml: pointers, slices and structs', () => {
  it('leaves a pointer nil for null, ~ and an empty value, and sets it for anything else', () => {
    const d = decodeYaml('ps: ~\npi:\npb: false\npsub: {}\n', Scalars);
    expect(d.value?.ps).toBeUndefined();
    expect(d.value?.pi).toBeUndefined();
    expect(d.value?.pb).toBe(false);
    expect(d.value?.psub).toEqual({ name: '', n: undefined });
  });

  it('tells an empty sequence from a missing or null one', () => {
    const d = decodeYaml('ls: []\nli: ~\n', Scalars);
    expect(isNilSlice(d.value!.ls)).toBe(false);
    expect(isNilSlice(d.value!.li)).toBe(true);
    expect(isNilSlice(d.value!.subs)).toBe(true);
  });

  it('drops null elements of a sequence of non-pointers, as yaml.v3 does', () => {
    expect(decodeOne('ls', '[a, ~, b, null, ""]')).toEqual(['a', 'b', '']);
    expect(decodeOne('subs', '[{name: a}, ~]')).toEqual([{ name: 'a', n: undefined }]);
  });

  it('reports a mapping where a sequence is expected, and the reverse', () => {
    expect(decodeOne('ls', '{a: 1}')).toBe('yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []string');
    expect(decodeOne('sub', '[a]')).toBe('yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into v0_5.Sub');
    expect(decodeOne('subs', 'x')).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` into []v0_5.Sub',
    );
  });

  it('collects every unmarshal error, in document order, and gives no value', () => {
    const d = decodeYaml('i: x\nsub:\n  n: y\nls: {}\n', Scalars);
    expect(d.value).toBeUndefined();
    expect(d.reports.map((r) => [r.code, r.message, r.line, r.column])).toEqual([
      [DecodeCodes.yamlType, 'line 1: cannot unmarshal !!str `x` into int', 1, 4],
      [DecodeCodes.yamlType, 'line 3: cannot unmarshal !!str `y` into int', 3, 6],
      [DecodeCodes.yamlType, 'line 4: cannot unmarshal !!map into []string', 4, 5],
    ]);
  });
});

describe('decodeYaml: keys, anchors, merges, documents', () => {
  it('rejects duplicate keys, quoted or not', () => {
    const d = decodeYaml('s: 1\n"s": 2\ni: 1\n', Scalars);
    expect(yamlErrorText(d.reports)).toBe(
      'yaml: unmarshal errors:\n  line 2: mapping key "s" already defined at line 1',
    );
  });

  it('expands aliases into independent values', () => {
    const d = decodeYaml('sub: &s {name: a}\nsubs: [*s, *s]\n', Scalars);
    expect(d.value?.subs).toEqual([
      { name: 'a', n: undefined },
      { name: 'a', n: undefined },
    ]);
    expect(d.value?.subs[0]).not.toBe(d.value?.subs[1]);
  });

  it('merges << keys, the mapping itself winning, and warns that << is not a field', () => {
    const d = decodeYaml('x: &b {name: base, n: 1}\nsub:\n  <<: *b\n  n: 2\n', Scalars);
    expect(d.value?.sub).toEqual({ name: 'base', n: 2 });
    expect(d.reports.map((r) => [r.message, r.path, r.line, r.column])).toEqual([
      ['Unused key x', ['x'], 1, 1],
      ['Unused key <<', ['sub', '<<'], 3, 3],
    ]);
  });

  it('fails on a merge of something that is not a mapping', () => {
    expect(decodeOne('sub', '{<<: 1}')).toBe('yaml: map merge requires map or sequence of maps as the value');
  });

  it('fails on an unknown alias and on an alias bomb', () => {
    expect(decodeOne('s', '*nope')).toBe("yaml: unknown anchor 'nope' referenced");
    const bomb = ['a0: &a0 {name: x}'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `a${i}: &a${i} {<<: [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]}`,
      );
    const d = decodeYaml(`${bomb.join('\n')}\nsub: *a9\n`, Scalars);
    expect(yamlErrorText(d.reports)).toBe('yaml: document contains excessive aliasing');
  });

  it('reads only the first document', () => {
    expect(decodeYaml('s: a\n---\ns: b\n', Scalars).value?.s).toBe('a');
  });

  it('says EOF for a stream without a document, and decodes an empty document to zero', () => {
    expect(decodeYaml('# nothing\n', Scalars).reports).toEqual([
      { severity: 'error', code: DecodeCodes.yamlEmpty, message: 'EOF', path: [] },
    ]);
    expect(decodeYaml('---\n', Scalars).value?.s).toBe('');
  });
});

describe('decodeYaml: syntax errors in yaml.v3 words', () => {
  it.each([
    ['a: b: c', 'yaml: mapping values are not allowed in this context', 1, 5],
    ['s: a\n b: c', 'yaml: line 2: mapping values are not allowed in this context', 2, 3],
    ['s: [a, b', "yaml: line 1: did not find expected ',' or ']'", 2, 1],
    ["s: 'open", 'yaml: found unexpected end of stream', 1, 9],
    ['\ts: 1', 'yaml: found character that cannot start any token', 1, 1],
    ['ls:\n- a\n-b', "yaml: line 3: could not find expected ':'", 4, 1],
    ['%YAML 1.2\n---\ns: a', 'yaml: found incompatible YAML document', 1, 1],
    ['s: "\\q"', 'yaml: found unknown escape character', 1, 5],
  ])('%j', (doc, message, line, column) => {
    expect(decodeYaml(doc, Scalars).reports).toEqual([
      { severity: 'error', code: DecodeCodes.yamlSyntax, message, path: [], line, column },
    ]);
  });

  it('goes on past a failed lookahead after a comment before a "-", as yaml.v3 does', () => {
    // yaml.v3 peeks at the token after a "-" when a comment precedes it and ignores a failure to scan it; the
    // scanner then goes on from there, and the error that ends the decode is the next one.
    expect(yamlErrorText(decodeYaml("x:\n  name:\n  #\n      - ! 5\n  'a", Scalars).reports)).toBe(
      "yaml: line 5: could not find expected ':'",
    );
    expect(yamlErrorText(decodeYaml("x:\n  name:\n      - ! 5\n  'a", Scalars).reports)).toBe(
      'yaml: line 4: found unexpected end of stream',
    );
  });

  it('fails on nesting past 10000 levels without running out of stack', () => {
    expect(yamlErrorText(decodeYaml('['.repeat(10001), Scalars).reports)).toBe('yaml: exceeded max depth of 10000');
  });
});

describe('decodeYaml: positions and unused keys, as vcontext and Ignition give them', () => {
  const doc = [
    'version: 1.1.0',
    'storage:',
    '  files:',
    '    - path: /a',
    '      mode: 0644',
    '      contens: {}',
    '    - path:',
    '      contents: &c',
    '        inline: hi',
    'flag:',
  ].join('\n');
  const d = decodeYaml(doc, Config);

  it('points at the value of a path', () => {
    expect(d.positions.position(['version'])).toEqual({ line: 1, column: 10 });
    expect(d.positions.position(['storage', 'files', 0, 'mode'])).toEqual({ line: 5, column: 13 });
  });

  it('places an empty value just after its colon, and a block mapping at its first key', () => {
    expect(d.positions.position(['storage', 'files', 1, 'path'])).toEqual({ line: 7, column: 12 });
    expect(d.positions.position(['storage'])).toEqual({ line: 3, column: 3 });
    expect(d.positions.position(['storage', 'files', 0])).toEqual({ line: 4, column: 7 });
  });

  it('places a node with an anchor at the anchor', () => {
    expect(d.positions.position(['storage', 'files', 1, 'contents'])).toEqual({ line: 8, column: 17 });
  });

  it('answers for a path below a missing node with its deepest ancestor', () => {
    expect(d.positions.position(['storage', 'files', 0, 'contents', 'source'])).toEqual({ line: 4, column: 7 });
    expect(d.positions.position(['storage', 'raid', 3])).toEqual({ line: 3, column: 3 });
  });

  it('points at the key for keyPosition', () => {
    expect(d.positions.keyPosition(['storage', 'files', 0, 'mode'])).toEqual({ line: 5, column: 7 });
    expect(d.positions.keyPosition(['storage', 'files', 0, 'missing'])).toEqual({ line: 4, column: 7 });
  });

  it('warns about unknown keys at the key, in Ignition words', () => {
    expect(d.reports).toEqual([
      {
        severity: 'warning',
        code: 'UNUSED_KEY',
        message: 'Unused key contens',
        path: ['storage', 'files', 0, 'contens'],
        line: 6,
        column: 7,
      },
    ]);
  });

  it('warns when a struct is written as something else than a mapping', () => {
    const r = decodeYaml('storage:\nversion: 1\n', Config).reports;
    expect(r).toEqual([
      {
        severity: 'warning',
        code: 'SOURCE_TREE_MISMATCH',
        message:
          'context tree does not match content tree at $.storage. Line and column reporting may be inconsistent. Unused keys may not be reported.',
        path: ['storage'],
        line: 1,
        column: 9,
      },
    ]);
  });

  it('counts columns in characters', () => {
    const p = decodeYaml('version: "é😀"\nvariant: x\n', Config).positions;
    expect(p.position(['variant'])).toEqual({ line: 2, column: 10 });
    expect(decodeYaml('names: [é, 😀, x]', Config).positions.position(['names', 2])).toEqual({ line: 1, column: 15 });
  });
});

describe('decodeParsedYaml', () => {
  const text = 'name: a\nitems:\n  - x: 1\nstray: 2\n';
  const narrow = struct('Narrow', [field('name', str)]);

  it('decodes one parse into several types, each as decodeYaml would', () => {
    const parsed = parseYaml(text);
    const first = decodeParsedYaml(parsed, { type: narrow });
    const second = decodeParsedYaml(parsed, { type: Config });
    expect(first.value).toEqual(decodeYaml(text, narrow).value);
    expect(first.reports).toEqual(decodeYaml(text, narrow).reports);
    expect(second.value).toEqual(decodeYaml(text, Config).value);
    expect(second.reports).toEqual(decodeYaml(text, Config).reports);
    expect(second.positions.position(['stray'])).toEqual(decodeYaml(text, Config).positions.position(['stray']));
  });

  it('leaves out unused-key warnings when asked, and still knows positions', () => {
    const d = decodeParsedYaml(parseYaml(text), { type: narrow, unusedKeys: false });
    expect(d.reports).toEqual([]);
    expect(decodeYaml(text, narrow).reports.map((r) => r.code)).toEqual(['UNUSED_KEY', 'UNUSED_KEY']);
    expect(d.positions.position(['items', 0, 'x'])).toEqual({ line: 3, column: 8 });
  });
});
