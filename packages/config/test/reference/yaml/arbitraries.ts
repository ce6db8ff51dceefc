import fc from 'fast-check';

/** A document tree that `emit` writes out as YAML text in block or flow style. */
type Doc =
  | { readonly kind: 'scalar'; readonly text: string; readonly block?: boolean }
  | { readonly kind: 'alias'; readonly name: string }
  | {
      readonly kind: 'map';
      readonly flow: boolean;
      readonly anchor?: string | undefined;
      readonly entries: readonly [string, Doc][];
    }
  | {
      readonly kind: 'seq';
      readonly flow: boolean;
      readonly anchor?: string | undefined;
      readonly items: readonly Doc[];
    };

const keys = [
  's',
  'i',
  'b',
  'ps',
  'pi',
  'pb',
  'ls',
  'li',
  'sub',
  'psub',
  'subs',
  'name',
  'n',
  'x',
  '<<',
  "'s'",
  '"i"',
  '~',
];
const plain = [
  '0644',
  '0o17',
  '0x1F',
  '0b101',
  '+5',
  '-0',
  '1_000',
  '1.5',
  '1e3',
  '9223372036854775808',
  '.inf',
  '08',
  '~',
  'null',
  'true',
  'yes',
  'off',
  'Y',
  'abc',
  'hello world',
  '2001-01-01',
  '12:30',
  '-',
  'a-b',
  'a:b',
  'x#y',
  '<<',
  '.5',
  '0.',
];
const quoted = ["'12'", '"yes"', "'it''s'", '"a\\tb"', '"\\u00e9"', "''", '""', '"<&>"'];
const tagged = ['!!str 12', '!!int "7"', '!!binary aGk=', '!!bool yes', '!!float 3', '!x y', '! 5'];
const blocks = ['|\n  line\n', '>-\n  folded\n  text\n', '|+\n  keep\n\n'];

const scalar: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom(...plain).map((text) => ({ kind: 'scalar' as const, text })),
  fc.constantFrom(...quoted).map((text) => ({ kind: 'scalar' as const, text })),
  fc.constantFrom(...tagged).map((text) => ({ kind: 'scalar' as const, text })),
  fc.constantFrom(...blocks).map((text) => ({ kind: 'scalar' as const, text, block: true })),
  fc.constant({ kind: 'scalar' as const, text: '' }),
);

const anchorName = fc.constantFrom('a', 'b', 'c');

const docTree: fc.Arbitrary<Doc> = fc.letrec<{ node: Doc }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 4 },
    anchorName.map((name) => ({ kind: 'alias' as const, name })),
    fc.record({
      kind: fc.constant('map' as const),
      flow: fc.boolean(),
      anchor: fc.option(anchorName, { nil: undefined }),
      entries: fc.array(fc.tuple(fc.constantFrom(...keys), tie('node')), { maxLength: 4 }),
    }),
    fc.record({
      kind: fc.constant('seq' as const),
      flow: fc.boolean(),
      anchor: fc.option(anchorName, { nil: undefined }),
      items: fc.array(tie('node'), { maxLength: 3 }),
    }),
  ),
})).node;

function inline(d: Doc): string {
  switch (d.kind) {
    case 'scalar':
      return d.block ? '"block"' : d.text;
    case 'alias':
      return `*${d.name}`;
    case 'map':
      return `${d.anchor ? `&${d.anchor} ` : ''}{${d.entries.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')}}`;
    case 'seq':
      return `${d.anchor ? `&${d.anchor} ` : ''}[${d.items.map(inline).join(', ')}]`;
  }
}

function isBlockCollection(d: Doc): boolean {
  return (d.kind === 'map' && !d.flow && d.entries.length > 0) || (d.kind === 'seq' && !d.flow && d.items.length > 0);
}

// Writes `d` as the value after "key:" or "- " at indentation `indent` (the column of the key or dash).
function emitValue(d: Doc, indent: number): string {
  if (d.kind === 'scalar' && d.block) return ` ${d.text.replace(/\n(?=.)/g, `\n${' '.repeat(indent + 2)}`)}`;
  if (!isBlockCollection(d)) return ` ${inline(d)}\n`;
  const anchor = (d as { anchor?: string }).anchor;
  return `${anchor ? ` &${anchor}` : ''}\n${emitBlock(d, indent + 2)}`;
}

function emitBlock(d: Doc, indent: number): string {
  const pad = ' '.repeat(indent);
  if (d.kind === 'map') return d.entries.map(([k, v]) => `${pad}${k}:${emitValue(v, indent)}`).join('');
  if (d.kind === 'seq') return d.items.map((v) => `${pad}-${emitValue(v, indent)}`).join('');
  return `${pad}${inline(d)}\n`;
}

/** YAML documents with the keys of the test types, in block and flow styles, with anchors, aliases and tags. */
export const yamlDocument: fc.Arbitrary<string> = fc
  .record({
    root: fc.array(fc.tuple(fc.constantFrom(...keys), docTree), { minLength: 1, maxLength: 5 }),
    comment: fc.boolean(),
    start: fc.boolean(),
    anchors: fc.boolean(),
    comments: fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom('# c', '#', '# - x: y', '#\t', ''), fc.boolean()),
      { maxLength: 3 },
    ),
  })
  .map(({ root, comment, start, anchors, comments }) => {
    let body = emitBlock({ kind: 'map', flow: false, entries: root }, 0);
    // Comment lines (and empty lines) at any indentation between lines, or at the end of a line.
    for (const [at, indent, text, trailing] of comments) {
      const lines = body.split('\n');
      const i = at % lines.length;
      if (trailing && text !== '') lines[i] = `${lines[i]} ${text}`;
      else lines.splice(i, 0, `${' '.repeat(indent)}${text}`);
      body = lines.join('\n');
    }
    // Most documents define the anchors first, so aliases mostly resolve.
    const preamble = anchors ? 'x: &a {name: A, n: 1}\ny: &b [p, q]\nz: &c hello\n' : '';
    return `${start ? '---\n' : ''}${comment ? '# generated\n' : ''}${preamble}${body}`;
  });

const soupParts = [
  ' ',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '-',
  ':',
  '?',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '&a',
  '*a',
  '!',
  '!!str',
  '!x!',
  '|',
  '>',
  '|-',
  '>+2',
  "'",
  '"',
  '%YAML 1.1',
  '%TAG ! tag:x,2000:',
  '@',
  '`',
  '.',
  '\\',
  '~',
  '---',
  '...',
  's',
  'i',
  'ls',
  'sub',
  'name',
  '1',
  '0x',
  'é',
  '\ufeff',
  '\u2028',
  '\u0085',
  's: ',
  '- ',
  '\n  ',
  '\n    ',
  'x: y',
  '<<',
  '"\\u00',
  '\\n',
  'yes',
];

/** Strings of YAML punctuation, indentation and odd characters, to compare how errors are found and worded. */
export const yamlSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...soupParts), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** A generated document with a few characters changed, to land near valid YAML. */
export const yamlMutant: fc.Arbitrary<string> = fc
  .tuple(
    yamlDocument,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ' ', '\n', '\t', ':', '-', '"', "'", '[', '{', '#', '  ')), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([doc, edits]) => {
    let s = doc;
    for (const [at, text] of edits) {
      const i = at % (s.length + 1);
      s = text === '' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + text + s.slice(i);
    }
    return s;
  });
