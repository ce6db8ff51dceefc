import fc from 'fast-check';
import { emptySlice } from '../../../src/schema/go-value.js';
import type { GoType } from '../../../src/schema/model.js';

// Strings that exercise Go's escaping: HTML characters, control characters, U+2028/9, astral characters, and lone
// low surrogates U+DC80..U+DCFF, which stand for invalid UTF-8 bytes in our Go strings.
const goChar = fc.oneof(
  fc.constantFrom('<', '>', '&', '"', '\\', '/', '\u2028', '\u2029', '\u007f', '\u0080', '\ufffd', 'é', '😀', ' '),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xdc80, max: 0xdcff }).map((c) => String.fromCharCode(c)),
  fc.string({ maxLength: 3 }),
);
export const goString: fc.Arbitrary<string> = fc.array(goChar, { maxLength: 8 }).map((a) => a.join(''));

/** Values of a Go type, nil and empty slices both included. */
export function goValue(type: GoType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'string':
      return fc.oneof(fc.constant(''), goString);
    case 'int':
      return fc.oneof(fc.constant(0), fc.integer(), fc.maxSafeInteger());
    case 'bool':
      return fc.boolean();
    case 'pointer':
      return fc.option(goValue(type.elem), { nil: undefined });
    case 'slice':
      return fc.oneof(
        fc.constant(null).map(() => []),
        fc.constant(null).map(() => emptySlice()),
        fc.array(goValue(type.elem), { minLength: 1, maxLength: 3 }),
      );
    case 'struct':
      return fc.record(Object.fromEntries(type.fields.map((f) => [f.key, goValue(f.type)])));
  }
}
