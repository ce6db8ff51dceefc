import { decodeBase64 } from './base64.js';
import { unescapeDataUrl } from './escape.js';

/** A media type as dataurl reports it; `params` keys are as written (no case folding). */
export interface DataUrlMediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: Readonly<Record<string, string>>;
}

/** A decoded data URL. */
export interface DataUrl {
  readonly mediaType: DataUrlMediaType;
  readonly encoding: 'base64' | 'ascii';
  readonly data: Uint8Array;
}

/** The outcome of parsing: the data URL, or dataurl's error message (which Ignition reports as is). */
export type DataUrlParse =
  | { readonly ok: true; readonly value: DataUrl }
  | { readonly ok: false; readonly error: string };

// The grammar and its error messages follow vincent-petithory/dataurl's DecodeString, which Ignition uses both to
// validate `data:` sources and to fetch them. It is stricter than RFC 2397 in places (a media type must start
// like a known top-level type, base64 data may contain only the alphabet, '=' and '\n') and looser in others
// (any parameter list, '%' unchecked until unescaping); users see its verdicts, so we keep them.

const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(c: number): boolean {
  // ASCII, not a control character, not a space (Go's unicode.IsSpace also counts U+0085 and U+00A0, both
  // outside ASCII), not a tspecial.
  return c > 0x20 && c < 0x7f && !TSPECIALS.includes(String.fromCharCode(c));
}

const URL_EXCLUDED = ' <>#"{}|\\^[]`';
// One lookup per character: validation runs this over every byte of every data URL in a config.
const URL_DATA_CHARS = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) URL_DATA_CHARS[c] = URL_EXCLUDED.includes(String.fromCharCode(c)) ? 0 : 1;
function isUrlDataChar(c: number): boolean {
  return c < 0x80 && URL_DATA_CHARS[c] === 1;
}

function isBase64DataChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f ||
    c === 0x3d ||
    c === 0x0a
  );
}

/** Whether dataurl accepts `name` as a (non x-) top-level type: it only checks the prefix. */
function isKnownType(name: string): boolean {
  return ['text', 'image', 'audio', 'video', 'application', 'message', 'multipart'].some((p) => name.startsWith(p));
}

const EOF = -1;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Failure {
  constructor(readonly message: string) {}
}

/**
 * A cursor over the URL with dataurl's lexer semantics: reading past the end yields EOF without moving, so a
 * following backup() does not move either.
 */
class Cursor {
  pos = 0;
  private width = 0;
  constructor(readonly input: string) {}

  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const c = this.input.codePointAt(this.pos) as number;
    this.width = c > 0xffff ? 2 : 1;
    this.pos += this.width;
    return c;
  }

  backup(): void {
    this.pos -= this.width;
  }
}

/**
 * Parses a `data:` URL exactly as vincent-petithory/dataurl's DecodeString accepts or rejects it. (Ignition runs
 * Go's url.Parse first, which already rejects control characters and bad escapes in a '#' fragment; callers that
 * validate like Ignition check those before this.)
 */
export function parseDataUrl(url: string): DataUrlParse {
  try {
    return { ok: true, value: parse(url) };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, error: error.message };
    throw error;
  }
}

/** The error dataurl.DecodeString gives for `url` (Ignition reports it as is), or undefined when it decodes. */
export function dataUrlError(url: string): string | undefined {
  if (certainlyDecodes(url)) return undefined;
  const parsed = parseDataUrl(url);
  return parsed.ok ? undefined : parsed.error;
}

const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
// A lookup per character, as for URL characters.
const BASE64_ALPHABET = new Uint8Array(128);
for (let c = 0; c < 0x80; c++) BASE64_ALPHABET[c] = isBase64DataChar(c) && c !== EQUALS && c !== 0x0a ? 1 : 0;
const isBase64Alphabet = (c: number): boolean => c < 0x80 && BASE64_ALPHABET[c] === 1;

/**
 * True for the two forms Butane writes, when they certainly decode, so that validating them builds nothing:
 * `data:,` then URL characters with well-formed `%XX` escapes, and `data:;base64,` then whole quanta of the
 * base64 alphabet with at most two `=` of padding at the end (what DecodeString takes without newlines).
 */
function certainlyDecodes(url: string): boolean {
  if (url.startsWith('data:,')) {
    for (let i = 6; i < url.length; i++) {
      const c = url.charCodeAt(i);
      if (!isUrlDataChar(c)) return false;
      if (c === 0x25) {
        if (i + 2 >= url.length || !isHexDigit(url.charCodeAt(i + 1)) || !isHexDigit(url.charCodeAt(i + 2))) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }
  if (url.startsWith('data:;base64,')) {
    const start = 13;
    if ((url.length - start) % 4 !== 0) return false;
    let end = url.length;
    if (end > start && url.charCodeAt(end - 1) === EQUALS) end--;
    if (end > start && url.charCodeAt(end - 1) === EQUALS) end--;
    for (let i = start; i < end; i++) {
      if (!isBase64Alphabet(url.charCodeAt(i))) return false;
    }
    return true;
  }
  return false;
}

function parse(url: string): DataUrl {
  if (!url.startsWith('data:')) throw new Failure('missing data prefix');
  const cur = new Cursor(url);
  cur.pos = 5;
  let type = 'text';
  let subtype = 'plain';
  const params = new Map<string, string>([['charset', 'US-ASCII']]);
  let base64 = false;
  let unquoteNext = false;

  // Media type, if any.
  let start = cur.pos;
  const first = cur.next();
  if (first === EOF) throw new Failure('missing comma before data');
  if (first !== SEMICOLON && first !== COMMA) {
    if (first === 0x78 || first === 0x58) {
      // "x-" types are free-form; after a lone 'x' the next character has been consumed either way.
      const second = cur.next();
      if (second === 0x2d) scanMediaName(cur, { checkKnown: false });
      else scanMediaName(cur, { checkKnown: true, start });
    } else if (isTokenChar(first)) {
      scanMediaName(cur, { checkKnown: true, start });
    } else {
      throw new Failure('invalid character after data prefix');
    }
    // scanMediaName stops before the '/'.
    if (cur.pos > start) {
      type = url.slice(start, cur.pos);
      params.delete('charset');
    }
    cur.next();
    start = cur.pos;
    for (;;) {
      const c = cur.next();
      if (c === SEMICOLON || c === COMMA) {
        cur.backup();
        break;
      }
      if (c === EOF) throw new Failure('incomplete media type');
      if (!isTokenChar(c)) throw new Failure('invalid character for media subtype');
    }
    if (cur.pos > start) subtype = url.slice(start, cur.pos);
  } else {
    cur.backup();
  }

  // Parameters, and the base64 marker, up to the comma.
  for (;;) {
    const c = cur.next();
    if (c === COMMA) break;
    if (c === EOF) throw new Failure('missing comma before data');
    if (c !== SEMICOLON) throw new Failure('expected semicolon or comma');
    const after = cur.next();
    if (after === EOF || after === EQUALS || after === COMMA) throw new Failure('unterminated parameter sequence');
    if (!isTokenChar(after)) throw new Failure('invalid character for parameter attribute');
    cur.backup();
    start = cur.pos;
    let attrEnd: number;
    for (;;) {
      const a = cur.next();
      if (a === EQUALS || a === COMMA) {
        cur.backup();
        attrEnd = cur.pos;
        break;
      }
      if (a === EOF) throw new Failure('unterminated parameter sequence');
      if (!isTokenChar(a)) throw new Failure('invalid character for parameter attribute');
    }
    const attr = url.slice(start, attrEnd);
    if (url.charCodeAt(attrEnd) === COMMA) {
      // An attribute without a value must be the base64 marker, and must be last.
      if (attr !== 'base64') throw new Failure(`expected base64, got ${attr}`);
      base64 = true;
      cur.next();
      break;
    }
    cur.next();
    const value = scanParamValue(cur);
    // dataurl remembers an opening quote until some value consumes it: an empty quoted value sets nothing and
    // makes the next value go through Go's Unquote instead of URL unescaping.
    if (value.quoted) unquoteNext = true;
    if (value.raw !== '' || !value.quoted) {
      params.set(attr, unquoteNext ? unquote(value.raw) : unescapeParam(value.raw));
      unquoteNext = false;
    }
    if (value.quoted) expectParamEnd(cur);
  }

  const dataStart = cur.pos;
  for (;;) {
    const c = cur.next();
    if (c === EOF) break;
    if (base64 ? !isBase64DataChar(c) : !isUrlDataChar(c)) throw new Failure('invalid data character');
  }
  const text = url.slice(dataStart);
  let data: Uint8Array;
  if (base64) {
    const decoded = decodeBase64(text);
    if (!decoded.ok) throw new Failure(decoded.error);
    data = decoded.bytes;
  } else {
    const decoded = unescapeDataUrl(text);
    if (!decoded.ok) throw new Failure(decoded.error);
    data = decoded.bytes;
  }
  return {
    mediaType: { type, subtype, params: Object.fromEntries(params) },
    encoding: base64 ? 'base64' : 'ascii',
    data,
  };
}

/** Scans a top-level type up to (not including) its '/'. */
function scanMediaName(cur: Cursor, options: { checkKnown: boolean; start?: number }): void {
  for (;;) {
    const c = cur.next();
    if (c === SLASH) {
      cur.backup();
      if (options.checkKnown && !isKnownType(cur.input.slice(options.start ?? 0, cur.pos))) {
        throw new Failure('invalid media type');
      }
      return;
    }
    if (c === EOF) throw new Failure('missing media type slash');
    if (!isTokenChar(c)) throw new Failure('invalid character for media type');
  }
}

/**
 * Scans a parameter value after its '='. A quoted value's raw text is what lies between the quotes, with the
 * cursor left after the closing quote; an unquoted one leaves the cursor before the following ';' or ','.
 */
function scanParamValue(cur: Cursor): { raw: string; quoted: boolean } {
  const c = cur.next();
  if (c === QUOTE) {
    const start = cur.pos;
    for (;;) {
      const q = cur.next();
      if (q === EOF) throw new Failure('unclosed quoted string');
      if (q === BACKSLASH) {
        const escaped = cur.next();
        if (escaped === EOF) throw new Failure('unclosed quoted string');
        if (escaped > 0x7f) throw new Failure('invalid escaped character');
        continue;
      }
      if (q === QUOTE) break;
      if (q > 0x7f) throw new Failure('invalid character for parameter value');
    }
    return { raw: cur.input.slice(start, cur.pos - 1), quoted: true };
  }
  if (c === EOF) throw new Failure('missing comma before data');
  if (!isTokenChar(c)) throw new Failure('invalid character for parameter value');
  const start = cur.pos - 1;
  for (;;) {
    const v = cur.next();
    if (v === SEMICOLON || v === COMMA) {
      cur.backup();
      break;
    }
    if (v === EOF) throw new Failure('missing comma before data');
    if (!isTokenChar(v)) throw new Failure('invalid character for parameter value');
  }
  return { raw: cur.input.slice(start, cur.pos), quoted: false };
}

function unescapeParam(raw: string): string {
  const unescaped = unescapeDataUrl(raw);
  if (!unescaped.ok) throw new Failure(unescaped.error);
  return latin1(unescaped.bytes);
}

function expectParamEnd(cur: Cursor): void {
  const c = cur.next();
  if (c === SEMICOLON || c === COMMA) {
    cur.backup();
    return;
  }
  if (c === EOF) throw new Failure('missing comma before data');
  throw new Failure('expected semicolon or comma');
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * Go's strconv.Unquote of a double-quoted string, for the ASCII text dataurl lets through. (Go keeps `\xNN`
 * as a raw byte; here it becomes the character U+00NN.)
 */
function unquote(raw: string): string {
  if (raw.includes('\n')) throw new Failure('invalid syntax');
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '"') throw new Failure('invalid syntax');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i];
    if (e === undefined) throw new Failure('invalid syntax');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const hexDigits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexDigits > 0) {
      const digits = raw.slice(i + 1, i + 1 + hexDigits);
      if (digits.length !== hexDigits || !/^[0-9a-fA-F]+$/.test(digits)) throw new Failure('invalid syntax');
      const value = Number.parseInt(digits, 16);
      if (e !== 'x' && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))) {
        throw new Failure('invalid syntax');
      }
      out += String.fromCodePoint(value);
      i += hexDigits;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const digits = raw.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) throw new Failure('invalid syntax');
      const value = Number.parseInt(digits, 8);
      if (value > 255) throw new Failure('invalid syntax');
      out += String.fromCharCode(value);
      i += 2;
      continue;
    }
    throw new Failure('invalid syntax');
  }
  return out;
}
