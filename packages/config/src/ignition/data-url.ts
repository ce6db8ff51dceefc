// Whether github.com/vincent-petithory/dataurl's DecodeString accepts a `data:` URL, and the error text it gives
// when not: Ignition reports that text as is. The decoder is a lexer feeding a parser; the first failure in the
// order the two meet it wins.

const MAX_ASCII = 0x7f;
const TSPECIALS = '()<>@,;:\\"/[]?=';

const isTokenRune = (r: number): boolean =>
  r <= MAX_ASCII && r > 0x20 && r !== 0x7f && !TSPECIALS.includes(String.fromCharCode(r));

const isUrlCharRune = (r: number): boolean =>
  r <= MAX_ASCII && r > 0x20 && r !== 0x7f && !'<>#"{}|\\^[]`'.includes(String.fromCharCode(r));

const isBase64Rune = (r: number): boolean =>
  (r >= 97 && r <= 122) || (r >= 65 && r <= 90) || (r >= 48 && r <= 57) || r === 43 || r === 47 || r === 61 || r === 10;

const hasPrefixOf = (s: string, prefixes: readonly string[]): boolean => prefixes.some((p) => s.startsWith(p));

type Item =
  | { readonly t: 'error'; readonly val: string }
  | { readonly t: 'paramVal' | 'data'; readonly val: string }
  | { readonly t: 'leftQuote' | 'base64' | 'comma' | 'eof' };

// The lexer over UTF-8 bytes, yielding the items the parser acts on (the others are left out).
function* lexDataUrl(input: Uint8Array): Generator<Item> {
  let start = 0;
  let pos = 0;
  let width = 0;
  let seenBase64 = false;
  const EOF = -1;
  const next = (): number => {
    if (pos >= input.length) {
      width = 0;
      return EOF;
    }
    const { rune, size } = decodeRune(input, pos);
    width = size;
    pos += size;
    return rune;
  };
  const backup = (): void => {
    pos -= width;
  };
  const text = (): string => latin(input.subarray(start, pos));
  const error = (val: string): Item => ({ t: 'error', val });

  if (!startsWith(input, 'data:')) {
    yield error('missing data prefix');
    return;
  }
  pos = 5;
  start = pos;
  let state: 'afterPrefix' | 'afterParamVal' | 'semicolon' | 'comma' = 'afterPrefix';
  for (;;) {
    if (state === 'afterPrefix' || state === 'afterParamVal') {
      const r = next();
      if (r === 0x3b) {
        backup();
        state = 'semicolon';
      } else if (r === 0x2c) {
        backup();
        state = 'comma';
      } else if (r === EOF) {
        yield error('missing comma before data');
        return;
      } else if (state === 'afterPrefix') {
        // A media type: `x-token/...` or one of the discrete or composite types.
        let xToken = false;
        if (r === 0x78 || r === 0x58) xToken = next() === 0x2d;
        else if (!isTokenRune(r)) {
          yield error('invalid character after data prefix');
          return;
        }
        for (;;) {
          const c = next();
          if (c === 0x2f) {
            backup();
            const type = text();
            if (
              !xToken &&
              !hasPrefixOf(type, ['text', 'image', 'audio', 'video', 'application', 'message', 'multipart'])
            ) {
              yield error('invalid media type');
              return;
            }
            break;
          }
          if (c === EOF) {
            yield error('missing media type slash');
            return;
          }
          if (!isTokenRune(c)) {
            yield error('invalid character for media type');
            return;
          }
        }
        next(); // the slash
        start = pos;
        for (;;) {
          const c = next();
          if (c === 0x3b || c === 0x2c) {
            backup();
            break;
          }
          if (c === EOF) {
            yield error('incomplete media type');
            return;
          }
          if (!isTokenRune(c)) {
            yield error('invalid character for media subtype');
            return;
          }
        }
        start = pos;
        const after = next();
        if (after === 0x3b) {
          backup();
          state = 'semicolon';
        } else if (after === 0x2c) {
          backup();
          state = 'comma';
        } else if (after === EOF) {
          yield error('missing comma before data');
          return;
        } else {
          yield error('expected semicolon or comma');
          return;
        }
      } else {
        yield error('expected semicolon or comma');
        return;
      }
    } else if (state === 'semicolon') {
      next();
      start = pos;
      const r = next();
      if (r === EOF || r === 0x3d || r === 0x2c) {
        yield error('unterminated parameter sequence');
        return;
      }
      if (!isTokenRune(r)) {
        yield error('invalid character for parameter attribute');
        return;
      }
      backup();
      // The attribute, then `=value`, or `base64` right before the comma.
      let toComma = false;
      for (;;) {
        const c = next();
        if (c === 0x3d) {
          backup();
          break;
        }
        if (c === 0x2c) {
          backup();
          toComma = true;
          break;
        }
        if (c === EOF) {
          yield error('unterminated parameter sequence');
          return;
        }
        if (!isTokenRune(c)) {
          yield error('invalid character for parameter attribute');
          return;
        }
      }
      if (toComma) {
        if (pos > start) {
          const v = text();
          if (v !== 'base64') {
            yield error(`expected base64, got ${v}`);
            return;
          }
          seenBase64 = true;
          yield { t: 'base64' };
          start = pos;
        }
        state = 'comma';
        continue;
      }
      next(); // '='
      start = pos;
      const v = next();
      if (v === 0x22) {
        yield { t: 'leftQuote' };
        start = pos;
        for (;;) {
          const c = next();
          if (c === EOF) {
            yield error('unclosed quoted string');
            return;
          }
          if (c === 0x5c) {
            // EOF passes here (it is <= MaxASCII in the reference) and is caught as an unclosed string.
            const e = next();
            if (e > MAX_ASCII) {
              yield error('invalid escaped character');
              return;
            }
            continue;
          }
          if (c === 0x22) {
            backup();
            break;
          }
          if (c > MAX_ASCII) {
            yield error('invalid character for parameter value');
            return;
          }
        }
        if (pos > start) yield { t: 'paramVal', val: text() };
        next(); // closing quote
        start = pos;
      } else if (v === EOF) {
        yield error('missing comma before data');
        return;
      } else if (isTokenRune(v)) {
        for (;;) {
          const c = next();
          if (c === 0x3b || c === 0x2c) {
            backup();
            break;
          }
          if (c === EOF) {
            yield error('missing comma before data');
            return;
          }
          if (!isTokenRune(c)) {
            yield error('invalid character for parameter value');
            return;
          }
        }
        if (pos > start) yield { t: 'paramVal', val: text() };
        start = pos;
      } else {
        yield error('invalid character for parameter value');
        return;
      }
      state = 'afterParamVal';
    } else {
      next(); // ','
      start = pos;
      yield { t: 'comma' };
      const accept = seenBase64 ? isBase64Rune : isUrlCharRune;
      for (;;) {
        const c = next();
        if (c === EOF) break;
        if (!accept(c)) {
          yield error('invalid data character');
          return;
        }
      }
      if (pos > start) yield { t: 'data', val: text() };
      yield { t: 'eof' };
      return;
    }
  }
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

// Bytes as a string of code units 0-255; the data and parameter texts that reach this are ASCII anyway.
function latin(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** utf8.DecodeRune: invalid encodings give U+FFFD with a width of 1. */
export function decodeRune(bytes: Uint8Array, at: number): { rune: number; size: number } {
  const b0 = bytes[at] as number;
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const invalid = { rune: 0xfffd, size: 1 };
  const cont = (i: number): number | undefined => {
    const b = bytes[at + i];
    return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 === undefined ? invalid : { rune: ((b0 & 0x1f) << 6) | c1, size: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 === undefined || c2 === undefined) return invalid;
    const rune = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (rune < 0x800 || (rune >= 0xd800 && rune <= 0xdfff)) return invalid;
    return { rune, size: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 === undefined || c2 === undefined || c3 === undefined) return invalid;
    const rune = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (rune < 0x10000 || rune > 0x10ffff) return invalid;
    return { rune, size: 4 };
  }
  return invalid;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.DecodeString's error, `illegal base64 data at input byte N`, or undefined when it decodes. */
export function goBase64Error(s: string): string | undefined {
  const corrupt = (offset: number): string => `illegal base64 data at input byte ${offset}`;
  let si = 0;
  const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r';
  while (si < s.length) {
    // One quantum of four symbols (decodeQuantum), newlines skipped.
    let j = 0;
    for (; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = s[si] as string;
      si++;
      if (BASE64.includes(c)) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== '=') return corrupt(si - 1);
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < s.length && isNewline(s[si])) si++;
        if (si === s.length) return corrupt(s.length);
        if (s[si] !== '=') return corrupt(si - 1);
        si++;
      }
      while (si < s.length && isNewline(s[si])) si++;
      if (si < s.length) return corrupt(si);
      return undefined;
    }
  }
  return undefined;
}

/** strconv.Unquote of a double-quoted Go string literal: true when it is valid. */
export function goUnquoteOk(literal: string): boolean {
  if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) return false;
  const body = literal.slice(1, -1);
  if (body.includes('\n')) return false;
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c === '"') return false;
    if (c !== '\\') {
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return false;
    if ('abfnrtv\\"'.includes(e)) {
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) return false;
      const v = Number.parseInt(hex, 16);
      if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) return false;
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

// rfc2396 Unescape: the error text, or undefined.
function rfc2396Error(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > MAX_ASCII) return 'rfc2396: non-ASCII char detected';
    if (s[i] !== '%') continue;
    for (let k = 1; k <= 2; k++) {
      const h = s[i + k];
      if (h === undefined) return 'rfc2396: unexpected end of unescape sequence';
      // The reference prints the '%' rather than the offending byte.
      if (!/[0-9A-Fa-f]/.test(h)) return 'rfc2396: invalid char 0x25 in unescape sequence';
    }
    i += 2;
  }
  return undefined;
}

// ASCII characters the lexer takes as data after `data:,` (isUrlCharRune) and the standard base64 alphabet.
const URL_CHAR = new Uint8Array(128);
const BASE64_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) URL_CHAR[c] = isUrlCharRune(c) ? 1 : 0;
for (const c of BASE64) BASE64_CHAR[c.charCodeAt(0)] = 1;

const isHexCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * True for the two forms Butane writes, when they certainly decode: `data:,` then URL characters with well-formed
 * `%XX` escapes (the lexer takes every character, rfc2396 unescapes them all), and `data:;base64,` then whole
 * quanta of the base64 alphabet with at most two `=` of padding at the end (what DecodeString takes without
 * newlines). Anything else goes through the full lexer and parser, which name the error.
 */
function certainlyDecodes(url: string): boolean {
  if (url.startsWith('data:,')) {
    for (let i = 6; i < url.length; i++) {
      const c = url.charCodeAt(i);
      if (c >= 128 || URL_CHAR[c] === 0) return false;
      if (c === 0x25) {
        if (i + 2 >= url.length || !isHexCode(url.charCodeAt(i + 1)) || !isHexCode(url.charCodeAt(i + 2))) return false;
        i += 2;
      }
    }
    return true;
  }
  if (url.startsWith('data:;base64,')) {
    const start = 13;
    if ((url.length - start) % 4 !== 0) return false;
    let end = url.length;
    if (end > start && url.charCodeAt(end - 1) === 0x3d) end--;
    if (end > start && url.charCodeAt(end - 1) === 0x3d) end--;
    for (let i = start; i < end; i++) {
      const c = url.charCodeAt(i);
      if (c >= 128 || BASE64_CHAR[c] === 0) return false;
    }
    return true;
  }
  return false;
}

/** The error dataurl.DecodeString gives for `url`, or undefined when it decodes. */
export function dataUrlError(url: string): string | undefined {
  if (certainlyDecodes(url)) return undefined;
  let unquote = false;
  let base64 = false;
  for (const item of lexDataUrl(new TextEncoder().encode(url))) {
    switch (item.t) {
      case 'error':
        return item.val;
      case 'leftQuote':
        unquote = true;
        break;
      case 'paramVal': {
        if (unquote) {
          unquote = false;
          if (!goUnquoteOk(`"${item.val}"`)) return 'invalid syntax';
        } else {
          const err = rfc2396Error(item.val);
          if (err !== undefined) return err;
        }
        break;
      }
      case 'base64':
        base64 = true;
        break;
      case 'data': {
        const err = base64 ? goBase64Error(item.val) : rfc2396Error(item.val);
        if (err !== undefined) return err;
        break;
      }
      case 'comma':
        break;
      case 'eof':
        return undefined;
    }
  }
  return undefined;
}
