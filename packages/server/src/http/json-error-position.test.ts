import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColumn } from './json-error-position.js';

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ['[1, 2', 5],
    ['{"a" 1}', 5],
    ['"\\x"', 2],
    ['01', 1],
    ['{"a": tru}', 9],
    ['{} x', 3],
    ['', 0],
  ])('finds where %j breaks', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('agrees with JSON.parse on which texts are JSON', () => {
    const texts = fc.oneof(
      fc.json(),
      fc.json().map((text) => text.slice(0, -1)),
      fc
        .tuple(fc.json(), fc.nat(), fc.constantFrom('}', ']', ',', ':', '"', 'x', ' '))
        .map(([text, at, char]) => text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1))),
    );
    fc.assert(
      fc.property(texts, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(text) === undefined).toBe(valid);
      }),
      { numRuns: 300 },
    );
  });

  it('says line:column', () => {
    expect(lineColumn('{\n  "a": }', 9)).toBe('2:8');
  });
});
