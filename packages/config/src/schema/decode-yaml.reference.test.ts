import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yamlDocument, yamlMutant, yamlSoup } from '../../test/reference/yaml/arbitraries.js';
import { handPicked, Scalars } from '../../test/reference/yaml/cases.js';
import { normalized, ourOutcome } from '../../test/reference/yaml/compare.js';
import { type YamlCase, yamlReference } from '../../test/reference/yaml/reference.js';
import { Config } from '../../test/reference/yaml/test-types.js';

const paths = [['s'], ['ls', 1], ['sub', 'name'], ['subs', 0, 'name'], ['psub', 'n'], ['nope', 'x'], []];

async function compare(cases: readonly YamlCase[]): Promise<string[]> {
  const theirs = await yamlReference(cases);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const want = normalized(theirs[i]!);
    const got = normalized(ourOutcome(c));
    try {
      expect(got).toEqual(want);
    } catch {
      failures.push(`${JSON.stringify(c.doc)}\n  go:  ${JSON.stringify(want)}\n  us:  ${JSON.stringify(got)}`);
    }
  });
  return failures;
}

// Generated documents are compared in one batch per kind (one Go process); the seed is in the failure message.
async function compareGenerated(arb: fc.Arbitrary<string>, numRuns: number): Promise<void> {
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  const docs = fc.sample(arb, { numRuns, seed });
  const failures = await compare(docs.map((doc) => ({ type: Scalars, doc, paths })));
  expect(failures.slice(0, 5).join('\n'), `seed ${seed}, ${failures.length} of ${numRuns} differ`).toBe('');
}

describe('decodeYaml against yaml.v3 and vcontext', () => {
  it('matches on hand-picked documents', async () => {
    expect((await compare(handPicked)).join('\n')).toBe('');
  });

  it('matches on the documents of the unit tests, positions included', async () => {
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
    const cases: YamlCase[] = [
      {
        type: Config,
        doc,
        paths: [
          ['version'],
          ['storage', 'files', 0, 'mode'],
          ['storage', 'files', 1, 'path'],
          ['storage'],
          ['storage', 'files', 0],
          ['storage', 'files', 1, 'contents'],
          ['storage', 'files', 0, 'contents', 'source'],
          ['storage', 'raid', 3],
        ],
      },
      { type: Config, doc: 'storage:\nversion: 1\n' },
      { type: Config, doc: 'version: "é😀"\nvariant: x\n', paths: [['variant']] },
      { type: Config, doc: 'names: [é, 😀, x]', paths: [['names', 2]] },
    ];
    expect((await compare(cases)).join('\n')).toBe('');
  });

  it('matches on generated documents', async () => {
    await compareGenerated(yamlDocument, 300);
  });

  it('matches on generated documents with a few characters changed', async () => {
    await compareGenerated(yamlMutant, 300);
  });

  it('matches on strings of YAML punctuation', async () => {
    await compareGenerated(yamlSoup, 300);
  });
});

describe('decodeYaml on bytes that are not plain UTF-8, against yaml.v3', () => {
  const enc = (s: string): number[] => [...new TextEncoder().encode(s)];
  const docs: [string, number[]][] = [
    ['invalid leading byte', [...enc('s: a'), 0xff, ...enc('\n')]],
    ['invalid trailing byte', [...enc('s: a'), 0xc3, 0x28, ...enc('\n')]],
    ['truncated sequence at the end', [...enc('s: a'), 0xe2, 0x82]],
    ['overlong form', [...enc('s: '), 0xc0, 0xaf]],
    ['encoded surrogate', [...enc('s: '), 0xed, 0xa0, 0x80]],
    ['control character', enc('s: a\u0001b')],
    ['DEL', enc('s: a\u007fb')],
    ['C1 control', enc('s: a\u0085b\u0086')],
    ['U+FFFE', enc('s: a\ufffe')],
    ['NUL', enc('s: a\u0000')],
    ['UTF-8 BOM', [0xef, 0xbb, 0xbf, ...enc('s: bom\n')]],
    [
      'two BOMs, which make yaml.v3 skip the first character of each line',
      [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...enc('xs: a\nxi: 1\n')],
    ],
    ['a BOM at a line start', enc('s: a\n\ufeffi: 1\n')],
    ['UTF-16LE', [0xff, 0xfe, ...[...'s: x\ni: 2\n'].flatMap((c) => [c.charCodeAt(0), 0])]],
    ['UTF-16BE', [0xfe, 0xff, ...[...'s: \u00e9\n'].flatMap((c) => [0, c.charCodeAt(0)])]],
    ['bad byte far after an error', [...enc(`s: [\n${'x'.repeat(600)}`), 0xff]],
    ['bad byte far after valid text', [...enc(`s: ${'x'.repeat(2000)}\ni: a\n`), 0xff]],
    ['bad byte in a later document', [...enc('s: a\n---\n'), ...enc('x'.repeat(600)), 0xff]],
  ];

  it('fails or succeeds as yaml.v3 does', async () => {
    const cases = docs.map(([, bytes]) => ({ type: Scalars, doc: Uint8Array.from(bytes), paths: [['s'], ['i']] }));
    expect((await compare(cases)).join('\n')).toBe('');
  });
});

describe('decodeYaml on hostile input, against yaml.v3', () => {
  const mergeBomb = ['a0: &a0 {name: x}'];
  const listBomb = ['a0: &a0 [x, y, z, w, v, u, t, s, r, q]'];
  for (let i = 1; i < 10; i++) {
    mergeBomb.push(
      `a${i}: &a${i} {<<: [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]}`,
    );
    listBomb.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  }
  const docs = {
    'merge keys that expand a billion times': `${mergeBomb.join('\n')}\nsub: *a9\n`,
    'aliases that would expand a billion times': `${listBomb.join('\n')}\nsubs: *a9\nls: *a9\n`,
    'flow nesting past the limit': '['.repeat(10001),
    'flow nesting at the limit': `x: ${'['.repeat(9999)}${']'.repeat(9999)}`,
    'deep flow mappings': `x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`,
    'deep block mappings': `${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1`,
    'deep block sequences': `x:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')} 1`,
    'many entries': `subs:\n${Array.from({ length: 5000 }, (_, i) => `  - name: n${i}\n    n: ${i}\n    x: ${i}\n`).join('')}`,
    'a long line': `s: ${'a'.repeat(200000)}`,
    'a long key': `${'k'.repeat(5000)}: 1`,
  };

  it('fails or succeeds as yaml.v3 does, in bounded time', async () => {
    const cases = Object.values(docs).map((doc) => ({ type: Scalars, doc, paths: [['subs', 3, 'name'], ['s']] }));
    expect((await compare(cases)).join('\n')).toBe('');
  });
});

describe('decodeYaml across the reader chunks, against yaml.v3', () => {
  // yaml.v3 decodes its input 512 bytes at a time, as the scanner asks; the scanner reads long plain and block
  // scalars a run at a time, so runs are cut right where a chunk ends and where a special byte sits.
  const enc = (s: string): number[] => [...new TextEncoder().encode(s)];
  const specials: [string, number[]][] = [
    ['an invalid byte', [0xff]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a control character', [0x01]],
    ['a two-byte character', enc('é')],
    ['a four-byte character', enc('\u{1f600}')],
    ['a line separator', enc('\u2028')],
    ['a colon and a space', enc(': ')],
    ['a colon', enc(':')],
    ['a hash', enc(' #c')],
    ['a tab', [0x09]],
    ['a line break', [0x0a]],
    ['CR LF', [0x0d, 0x0a]],
  ];
  const cases: { type: typeof Scalars; doc: Uint8Array; paths: (string | number)[][] }[] = [];
  for (const [, special] of specials) {
    for (const at of [505, 507, 508, 509, 510, 511, 512, 513, 1019, 1021, 1022, 1023, 1024]) {
      const plain = [...enc('s: '), ...enc('a'.repeat(at - 3)), ...special, ...enc('bc de\ni: 1\n')];
      const block = [...enc('s: |\n  '), ...enc('a'.repeat(at - 7)), ...special, ...enc('bc\n  de\ni: 1\n')];
      const flow = [...enc('ls: [x, '), ...enc('a'.repeat(at - 8)), ...special, ...enc('b, c]\n')];
      const indented = [...enc('sub:\n'), ...enc(' '.repeat(at - 5)), ...special, ...enc('name: x\n')];
      const blockIndented = [...enc('s: |\n'), ...enc(' '.repeat(at - 5)), ...special, ...enc('x\n  y\n')];
      for (const doc of [plain, block, flow, indented, blockIndented]) {
        cases.push({ type: Scalars, doc: Uint8Array.from(doc), paths: [['s'], ['sub', 'name']] });
      }
    }
  }

  it('fails or succeeds as yaml.v3 does, with the same values and positions', async () => {
    expect((await compare(cases)).join('\n')).toBe('');
  });
});
