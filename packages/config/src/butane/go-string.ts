/**
 * Go's `string(bytes)` as encoding/json later writes it: each byte that does not start a valid UTF-8 sequence
 * becomes one U+FFFD (TextDecoder would merge some of them into one), and encoded surrogates are invalid.
 */
export function goStringFromBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const decoded = decodeRune(bytes, i);
    if (decoded === undefined) {
      out += '\ufffd';
      i++;
    } else {
      out += String.fromCodePoint(decoded.rune);
      i += decoded.size;
    }
  }
  return out;
}

function decodeRune(bytes: Uint8Array, i: number): { rune: number; size: number } | undefined {
  const b0 = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): number | undefined => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi ? b & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 === undefined ? undefined : { rune: ((b0 & 0x1f) << 6) | c1, size: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // Go's accept ranges: E0 needs A0..BF, ED needs 80..9F (no surrogates)
    const c1 = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    const c2 = cont(2);
    if (c1 === undefined || c2 === undefined) return undefined;
    return { rune: ((b0 & 0x0f) << 12) | (c1 << 6) | c2, size: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 === undefined || c2 === undefined || c3 === undefined) return undefined;
    return { rune: ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, size: 4 };
  }
  return undefined;
}
