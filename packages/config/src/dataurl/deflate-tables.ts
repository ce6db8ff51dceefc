// RFC 1951 §3.2.5 length and distance alphabets, and the token packing shared by the matcher and block writer.

/** Literal/length alphabet size that Go's encoder counts (codes 286 and 287 never occur). */
export const LITERAL_CODES = 286;
export const DISTANCE_CODES = 30;
export const END_OF_BLOCK = 256;
export const FIRST_LENGTH_CODE = 257;

/** A token is a literal byte (< 256) or MATCH_FLAG | (length - 3) << 22 | (distance - 1). */
export const MATCH_FLAG = 0x40000000;

/** Packs a match of `length` bytes (3..258) at `distance` (1..32768) into a token. */
export function matchToken(length: number, distance: number): number {
  return MATCH_FLAG | ((length - 3) << 22) | (distance - 1);
}

export const LENGTH_EXTRA_BITS = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
/** Smallest (length - 3) of each length code. */
export const LENGTH_BASE = Uint16Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255,
]);
export const DISTANCE_EXTRA_BITS = Uint8Array.from([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
/** Smallest (distance - 1) of each distance code. */
export const DISTANCE_BASE = Uint16Array.from([
  0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144,
  8192, 12288, 16384, 24576,
]);

/** Length code (0..28, add 257 for the symbol) of each (length - 3). */
export const LENGTH_CODE = new Uint8Array(256);
// Distance codes by (distance - 1): directly below 256, and from there by (distance - 1) >> 7, as every code's
// range above 256 starts at a multiple of 128 (zlib's table, 512 entries rather than 32768 to fill at start-up).
const DISTANCE_CODE_TABLE = new Uint8Array(512);

/** Distance code of (distance - 1). */
export function distanceCode(xdist: number): number {
  return DISTANCE_CODE_TABLE[xdist < 256 ? xdist : 256 + (xdist >> 7)] as number;
}

for (let code = 0; code < 28; code++) {
  const end = LENGTH_BASE[code + 1] as number;
  for (let x = LENGTH_BASE[code] as number; x < end; x++) LENGTH_CODE[x] = code;
}
LENGTH_CODE[255] = 28;
for (let code = 0; code < DISTANCE_CODES; code++) {
  const start = DISTANCE_BASE[code] as number;
  const end = start + (1 << (DISTANCE_EXTRA_BITS[code] as number));
  for (let x = start; x < end; x += x < 256 ? 1 : 128) {
    DISTANCE_CODE_TABLE[x < 256 ? x : 256 + (x >> 7)] = code;
  }
}
