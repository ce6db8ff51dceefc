import { decodeRune } from '../schema/go-text.js';

const encoder = new TextEncoder();
let printable: RegExp | undefined;

// Made on first use: a Unicode property class costs a CLI run noticeable time to build, and most runs need none.
function isGoPrintable(ch: string): boolean {
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return printable.test(ch);
}
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Go's `%q` of a string given as UTF-8 bytes (strconv.Quote): printable runes kept, the rest escaped. */
export function goQuote(bytes: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [rune, size] = decodeRune(bytes, i);
    if (rune < 0) {
      out += `\\x${hex(bytes[i] as number, 2)}`;
      i += 1;
      continue;
    }
    i += size;
    const ch = String.fromCodePoint(rune);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (rune === 0x20 || isGoPrintable(ch)) out += ch;
    else if (rune === 0x07) out += '\\a';
    else if (rune === 0x08) out += '\\b';
    else if (rune === 0x0c) out += '\\f';
    else if (rune === 0x0a) out += '\\n';
    else if (rune === 0x0d) out += '\\r';
    else if (rune === 0x09) out += '\\t';
    else if (rune === 0x0b) out += '\\v';
    else if (rune < 0x20 || rune === 0x7f) out += `\\x${hex(rune, 2)}`;
    else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
    else out += `\\U${hex(rune, 8)}`;
  }
  return `${out}"`;
}

/** Go's `%q` of a JavaScript string, encoded as UTF-8 first. */
export function goQuoteString(text: string): string {
  return goQuote(encoder.encode(text));
}
