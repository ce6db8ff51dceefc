import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGuid, encodeGuid, isGuid, normalizeGuid, randomGuid } from './guid.js';

describe('GUIDs', () => {
  it('stores the first three groups little-endian and the rest in text order (UEFI mixed-endian)', () => {
    // The bytes cgpt writes for the EFI System Partition type.
    const bytes = encodeGuid('C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
    expect(Buffer.from(bytes).toString('hex')).toBe('28732ac11ff8d211ba4b00a0c93ec93b');
    expect(decodeGuid(bytes)).toBe('C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
  });

  it('round-trips any 16 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(encodeGuid(decodeGuid(bytes))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts either case and rejects what is not a GUID', () => {
    expect(normalizeGuid('7130c94a-213a-4e5a-8e26-6cce9662f132')).toBe('7130C94A-213A-4E5A-8E26-6CCE9662F132');
    expect(isGuid('7130c94a-213a-4e5a-8e26-6cce9662f13')).toBe(false);
    expect(() => normalizeGuid('not-a-guid')).toThrow(/Not a GUID/);
  });

  it('makes version 4 GUIDs from the random source it is given', () => {
    const guid = randomGuid(() => new Uint8Array(16).fill(0xff));
    expect(guid).toBe('FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF');
    expect(isGuid(guid)).toBe(true);
  });
});
