const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Characters per String.fromCharCode call, a multiple of 4 well below engines' argument limits. */
const CHUNK = 4 * 8192;

/** Standard padded base64 (RFC 4648 §4), as Go's base64.StdEncoding writes it. */
export function encodeBase64(data: Uint8Array): string {
  const parts: string[] = [];
  const chunk = new Uint16Array(Math.min(CHUNK, 4 * Math.ceil(data.length / 3)));
  let used = 0;
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    if (used === chunk.length) {
      parts.push(String.fromCharCode.apply(null, chunk as unknown as number[]));
      used = 0;
    }
    const v = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number);
    chunk[used] = CODES[v >>> 18] as number;
    chunk[used + 1] = CODES[(v >>> 12) & 63] as number;
    chunk[used + 2] = CODES[(v >>> 6) & 63] as number;
    chunk[used + 3] = CODES[v & 63] as number;
    used += 4;
  }
  const rest = data.length - i;
  if (rest > 0) {
    if (used === chunk.length) {
      parts.push(String.fromCharCode.apply(null, chunk as unknown as number[]));
      used = 0;
    }
    const v = ((data[i] as number) << 16) | (rest === 2 ? (data[i + 1] as number) << 8 : 0);
    chunk[used] = CODES[v >>> 18] as number;
    chunk[used + 1] = CODES[(v >>> 12) & 63] as number;
    chunk[used + 2] = rest === 2 ? (CODES[(v >>> 6) & 63] as number) : PAD;
    chunk[used + 3] = PAD;
    used += 4;
  }
  if (used > 0) parts.push(String.fromCharCode.apply(null, chunk.subarray(0, used) as unknown as number[]));
  return parts.join('');
}

/** Result of decoding: the bytes, or Go's error message for the first bad input byte. */
export type Base64Result =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string };

function corrupt(at: number): Base64Result {
  return { ok: false, error: `illegal base64 data at input byte ${at}` };
}

const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;

/**
 * Decodes like Go's base64.StdEncoding.DecodeString: padding required, CR and LF skipped anywhere, unused
 * trailing bits ignored, and the same error offsets.
 */
export function decodeBase64(src: string): Base64Result {
  const out = new Uint8Array(Math.floor(src.length / 4) * 3 + 3);
  let n = 0;
  let si = 0;
  const len = src.length;
  const quad = [0, 0, 0, 0];
  while (si < len) {
    let count = 4;
    let trailing = -1;
    let j = 0;
    for (; j < 4; j++) {
      if (si === len) {
        if (j === 0) return { ok: true, bytes: out.slice(0, n) };
        return corrupt(si - j);
      }
      const c = src.charCodeAt(si++);
      const v = c < 256 ? (DECODE[c] as number) : -1;
      if (v >= 0) {
        quad[j] = v;
        continue;
      }
      if (isLineBreak(c)) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return corrupt(si - 1);
      if (j === 2) {
        // "xx=" must be followed by a second '=' (line breaks allowed in between).
        while (si < len && isLineBreak(src.charCodeAt(si))) si++;
        if (si === len) return corrupt(len);
        if (src.charCodeAt(si) !== PAD) return corrupt(si - 1);
        si++;
      }
      while (si < len && isLineBreak(src.charCodeAt(si))) si++;
      if (si < len) trailing = si;
      count = j;
      break;
    }
    for (let k = count; k < 4; k++) quad[k] = 0;
    const v =
      ((quad[0] as number) << 18) | ((quad[1] as number) << 12) | ((quad[2] as number) << 6) | (quad[3] as number);
    out[n++] = v >>> 16;
    if (count >= 3) out[n++] = (v >>> 8) & 0xff;
    if (count === 4) out[n++] = v & 0xff;
    if (trailing >= 0) return corrupt(trailing);
  }
  return { ok: true, bytes: out.slice(0, n) };
}
