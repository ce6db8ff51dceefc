/**
 * Go strings are byte sequences; ours are UTF-16. A Go string that is valid UTF-8 maps to the same JS string. Each
 * byte of an invalid UTF-8 sequence maps to a lone low surrogate U+DC80..U+DCFF (as Python's "surrogateescape"),
 * so nothing is lost: the encoder writes such a unit as Go writes the invalid byte (`\ufffd`), and
 * `goStringToBytes` gives the original bytes back.
 */

import type { GoStruct, GoType } from './model.js';

const encoder = new TextEncoder();

/** Decodes bytes into a Go string as Go's `utf8.DecodeRune` sees them, escaping each invalid byte. */
export function goStringFromBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  let chunkStart = 0;
  // Fast path for ASCII runs, which is most of any config.
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [rune, width] = decodeRune(bytes, i);
    if (rune < 0) {
      out += asciiSlice(bytes, chunkStart, i) + String.fromCharCode(0xdc00 + b);
      i += 1;
      chunkStart = i;
      continue;
    }
    out += asciiSlice(bytes, chunkStart, i) + String.fromCodePoint(rune);
    i += width;
    chunkStart = i;
  }
  return out + asciiSlice(bytes, chunkStart, n);
}

function asciiSlice(bytes: Uint8Array, start: number, end: number): string {
  if (start >= end) return '';
  let s = '';
  // String.fromCharCode over large spreads overflows the stack: go in chunks.
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  }
  return s;
}

/** Go's `utf8.DecodeRune` at `i`: the rune and its width, or `[-1, 1]` for an invalid byte. */
export function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  const n = bytes.length;
  const cont = (j: number, lo = 0x80, hi = 0xbf): number => {
    if (j >= n) return -1;
    const b = bytes[j]!;
    return b >= lo && b <= hi ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(i + 1);
    return c1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // Overlong forms and surrogates are invalid, as in Go.
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(i + 1, lo, hi);
    if (c1 < 0) return [-1, 1];
    const c2 = cont(i + 2);
    if (c2 < 0) return [-1, 1];
    return [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(i + 1, lo, hi);
    if (c1 < 0) return [-1, 1];
    const c2 = cont(i + 2);
    if (c2 < 0) return [-1, 1];
    const c3 = cont(i + 3);
    if (c3 < 0) return [-1, 1];
    return [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [-1, 1];
}

/** The bytes of a Go string (see `goStringFromBytes`). */
export function goStringToBytes(s: string): Uint8Array {
  if (!/[\ud800-\udfff]/.test(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Any other lone surrogate cannot come from Go; write what Go writes for an invalid rune.
      out.push(0xef, 0xbf, 0xbd);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/** Length in bytes of a Go string. */
export function goByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) n += 1;
    else n += 3;
  }
  return n;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

let printable: RegExp | undefined;

// Made on first use: a Unicode property class costs a CLI run noticeable time to build, and most runs need none.
function isPrintableOrSpace(ch: string): boolean {
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
  return printable.test(ch);
}

/** Go's `strconv.Quote` (and `%q`, `%#v` of a string). */
export function goQuote(s0: string): string {
  // Escaped bytes next to each other may spell a valid character in Go.
  const s = /[\udc80-\udcff]/.test(s0) ? goStringFromBytes(goStringToBytes(s0)) : s0;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`;
      continue;
    }
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (isPrintableOrSpace(ch)) out += ch;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A type as Go's `reflect.Type.String()` prints it, for error messages (`[]v0_5.File`, `int`). */
export function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'string':
    case 'int':
    case 'bool':
      return type.kind;
    case 'pointer':
      return `*${goTypeName(type.elem)}`;
    case 'slice':
      return `[]${goTypeName(type.elem)}`;
    case 'struct':
      return type.name === '' ? anonymousStructName(type, goTypeName) : type.name;
  }
}

/**
 * `reflect.Type.String()` of an anonymous struct, `struct { Version string }`: its fields by name and type. The
 * model keeps a field's document key, which is its Go name only when it has no tag, so anonymous structs here are
 * untagged (as Ignition's version stub is).
 */
export function anonymousStructName(type: GoStruct, nameOf: (type: GoType) => string): string {
  return type.fields.length === 0
    ? 'struct {}'
    : `struct { ${type.fields.map((field) => `${field.key} ${nameOf(field.type)}`).join('; ')} }`;
}
