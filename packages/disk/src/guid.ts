const GUID_PATTERN = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** The all-zero GUID: an unused partition entry has this type. */
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/** True for a GUID in the canonical text form `C12A7328-F81F-11D2-BA4B-00A0C93EC93B` (either case). */
export function isGuid(text: string): boolean {
  return GUID_PATTERN.test(text.toUpperCase());
}

/** Upper-cases a GUID, the form cgpt and sgdisk print; throws on anything that is not a GUID. */
export function normalizeGuid(text: string): string {
  const upper = text.toUpperCase();
  if (!GUID_PATTERN.test(upper)) throw new TypeError(`Not a GUID: '${text}'`);
  return upper;
}

/**
 * Encodes a GUID into the 16 bytes GPT stores on disk. The first three groups are little-endian
 * and the last two big-endian (Microsoft's "mixed-endian" layout), so the bytes differ from the text order.
 */
export function encodeGuid(text: string, target: Uint8Array = new Uint8Array(16), offset = 0): Uint8Array {
  const hex = normalizeGuid(text).replaceAll('-', '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  for (let i = 0; i < 16; i++) target[offset + i] = bytes[order[i]!]!;
  return target;
}

/** Decodes 16 on-disk GUID bytes (mixed-endian) into upper-case text. */
export function decodeGuid(source: Uint8Array, offset = 0): string {
  const hex = (i: number) => source[offset + i]!.toString(16).padStart(2, '0');
  const group = (indexes: readonly number[]) => indexes.map(hex).join('');
  return [group([3, 2, 1, 0]), group([5, 4]), group([7, 6]), group([8, 9]), group([10, 11, 12, 13, 14, 15])]
    .join('-')
    .toUpperCase();
}

/** A source of random bytes; tests pass a seeded one so layouts are reproducible. */
export type RandomBytes = (length: number) => Uint8Array;

/** A random (version 4, RFC 4122 variant) GUID made from `random`. */
export function randomGuid(random: RandomBytes): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toUpperCase();
}
