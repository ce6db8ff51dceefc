import fc from 'fast-check';

const keys = ['s', 'i', 'b', 'ps', 'pi', 'pb', 'ls', 'li', 'sub', 'psub', 'subs', 'name', 'n', 'S', 'Name', 'x', 'ſ'];
const strings = ['', 'a', 'caf\u00e9', '\\u00e9', '\\ud83d\\ude00', '\\ud800', '\\"', '\\\\', '<&>', '\\n'];
const numbers = ['0', '-0', '1', '-7', '1.5', '1e3', '9223372036854775807', '9223372036854775808', '0.0'];

const scalar = fc.oneof(
  fc.constantFrom(...strings).map((s) => `"${s}"`),
  fc.constantFrom(...numbers),
  fc.constantFrom('true', 'false', 'null'),
);

const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 3 },
    fc.array(tie('v'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom(...keys), tie('v')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `"${k}": ${v}`).join(',\n ')}}`),
  ),
})).v;

/** JSON documents with the keys of the test types, values of every kind in every place. */
export const jsonDocument: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 5 })
  .map((entries) => `{\n  ${entries.map(([k, v]) => `"${k}": ${v}`).join(',\n  ')}\n}`);

/** A generated document with a few characters changed. */
export const jsonMutant: fc.Arbitrary<string> = fc
  .tuple(
    jsonDocument,
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('', ' ', '"', ',', ':', '{', '}', '[', ']', '\\', 'e', '-', '\u00e9', '\t')),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  )
  .map(([doc, edits]) => {
    let s = doc;
    for (const [at, text] of edits) {
      const i = at % (s.length + 1);
      s = text === '' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + text + s.slice(i);
    }
    return s;
  });
