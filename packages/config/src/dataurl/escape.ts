const HEX = '0123456789ABCDEF';

/** Bytes that vincent-petithory/dataurl leaves as they are: RFC 2396 "unreserved" (alphanumerics and -_.!~*'()). */
const UNRESERVED = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()") {
  UNRESERVED[c.charCodeAt(0)] = 1;
}

/** URL-escapes bytes exactly as dataurl.Escape does: unreserved bytes kept, every other byte as %XX (upper case). */
export function escapeDataUrl(data: Uint8Array): string {
  const parts: string[] = [];
  let piece = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    piece += UNRESERVED[b] === 1 ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
    if (piece.length >= 8192) {
      parts.push(piece);
      piece = '';
    }
  }
  parts.push(piece);
  return parts.join('');
}

/** Length of escapeDataUrl(data), without building it. */
export function escapedDataLength(data: Uint8Array): number {
  let length = data.length;
  for (let i = 0; i < data.length; i++) {
    if (UNRESERVED[data[i] as number] === 0) length += 2;
  }
  return length;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Result of unescaping: the bytes, or dataurl's error message. */
export type UnescapeResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string };

/**
 * Reverses escapeDataUrl as dataurl.Unescape does: %XX with either hex case, any other ASCII character as itself.
 * (dataurl reports a bad hex digit as "invalid char 0x25": it prints the '%', not the offending digit.)
 */
export function unescapeDataUrl(s: string): UnescapeResult {
  const out = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return { ok: false, error: 'rfc2396: non-ASCII char detected' };
    if (c !== 0x25) {
      out[n++] = c;
      continue;
    }
    for (let k = 1; k <= 2; k++) {
      if (i + k >= s.length) return { ok: false, error: 'rfc2396: unexpected end of unescape sequence' };
      if (hexValue(s.charCodeAt(i + k)) < 0) {
        return { ok: false, error: 'rfc2396: invalid char 0x25 in unescape sequence' };
      }
    }
    out[n++] = hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2));
    i += 2;
  }
  return { ok: true, bytes: out.slice(0, n) };
}
