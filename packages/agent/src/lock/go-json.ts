// locksmith is written in Go and stores its semaphore with encoding/json. To share one etcd key with it byte for
// byte, values are written the way Go's json.Marshal writes them and read the way json.Unmarshal reads them
// (per-byte replacement of invalid UTF-8, lone surrogates, integer literals only, case-insensitive field names).

/** A JSON value as Go's decoder sees it: numbers keep their literal text, objects keep duplicate keys in order. */
export type GoJsonValue =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, GoJsonValue])[] }
  | { readonly kind: 'array'; readonly items: readonly GoJsonValue[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly literal: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' };

/** A syntax error in a JSON document, with the byte offset where it was found. */
export class GoJsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

/** Length of the valid UTF-8 sequence at `i`, or 0 where Go's utf8.DecodeRune would return RuneError of width 1. */
function utf8Width(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const decoder = new TextDecoder('utf-8');

/** Decodes bytes as Go converts them to runes: every byte of an invalid sequence becomes one U+FFFD. */
export function decodeUtf8AsGo(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const width = utf8Width(bytes, i);
    if (width === 0) {
      out += decoder.decode(bytes.subarray(start, i)) + '\ufffd';
      i += 1;
      start = i;
    } else {
      i += width;
    }
  }
  return out + decoder.decode(bytes.subarray(start, i));
}

const HEX = '0123456789abcdef';

/** Writes a string as Go's json.Marshal does (HTML-safe escaping, U+2028 and U+2029 escaped). */
export function encodeGoJsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&') out += `\\u00${HEX[cp >> 4]}${HEX[cp & 0xf]}`;
      else out += ch;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go would only ever see the replacement character.
      out += '\ufffd';
    } else if (cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16)}`;
    } else {
      out += ch;
    }
  }
  return out + '"';
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Parser {
  i = 0;
  constructor(readonly bytes: Uint8Array) {}

  fail(message: string): never {
    throw new GoJsonSyntaxError(message, this.i);
  }

  skip(): void {
    while (this.i < this.bytes.length && WHITESPACE.has(this.bytes[this.i]!)) this.i++;
  }

  expect(literal: string): void {
    for (let k = 0; k < literal.length; k++) {
      if (this.bytes[this.i] !== literal.charCodeAt(k)) this.fail(`invalid literal, expected ${literal}`);
      this.i++;
    }
  }

  value(depth: number): GoJsonValue {
    if (depth > 10000) this.fail('exceeded max depth');
    this.skip();
    const b = this.bytes[this.i];
    switch (b) {
      case undefined:
        return this.fail('unexpected end of JSON input');
      case 0x7b:
        return this.object(depth);
      case 0x5b:
        return this.array(depth);
      case 0x22:
        return { kind: 'string', value: this.string() };
      case 0x74:
        this.expect('true');
        return { kind: 'bool', value: true };
      case 0x66:
        this.expect('false');
        return { kind: 'bool', value: false };
      case 0x6e:
        this.expect('null');
        return { kind: 'null' };
      default:
        if (b === 0x2d || (b >= 0x30 && b <= 0x39)) return { kind: 'number', literal: this.number() };
        return this.fail(`invalid character ${JSON.stringify(String.fromCharCode(b))} looking for beginning of value`);
    }
  }

  object(depth: number): GoJsonValue {
    this.i++;
    const entries: [string, GoJsonValue][] = [];
    this.skip();
    if (this.bytes[this.i] === 0x7d) {
      this.i++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skip();
      if (this.bytes[this.i] !== 0x22) this.fail('invalid character looking for beginning of object key string');
      const key = this.string();
      this.skip();
      if (this.bytes[this.i] !== 0x3a) this.fail('invalid character after object key');
      this.i++;
      entries.push([key, this.value(depth + 1)]);
      this.skip();
      const next = this.bytes[this.i];
      this.i++;
      if (next === 0x7d) return { kind: 'object', entries };
      if (next !== 0x2c) {
        this.i--;
        this.fail('invalid character after object key:value pair');
      }
    }
  }

  array(depth: number): GoJsonValue {
    this.i++;
    const items: GoJsonValue[] = [];
    this.skip();
    if (this.bytes[this.i] === 0x5d) {
      this.i++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skip();
      const next = this.bytes[this.i];
      this.i++;
      if (next === 0x5d) return { kind: 'array', items };
      if (next !== 0x2c) {
        this.i--;
        this.fail('invalid character after array element');
      }
    }
  }

  number(): string {
    const start = this.i;
    const digit = () => {
      const b = this.bytes[this.i];
      return b !== undefined && b >= 0x30 && b <= 0x39;
    };
    if (this.bytes[this.i] === 0x2d) this.i++;
    if (this.bytes[this.i] === 0x30) this.i++;
    else if (digit()) while (digit()) this.i++;
    else this.fail('invalid character in numeric literal');
    if (this.bytes[this.i] === 0x2e) {
      this.i++;
      if (!digit()) this.fail('invalid character after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.bytes[this.i] === 0x65 || this.bytes[this.i] === 0x45) {
      this.i++;
      if (this.bytes[this.i] === 0x2b || this.bytes[this.i] === 0x2d) this.i++;
      if (!digit()) this.fail('invalid character in exponent of numeric literal');
      while (digit()) this.i++;
    }
    return String.fromCharCode(...this.bytes.subarray(start, this.i));
  }

  hex4(): number | undefined {
    const text = String.fromCharCode(...this.bytes.subarray(this.i, this.i + 4));
    return /^[0-9a-fA-F]{4}$/.test(text) ? Number.parseInt(text, 16) : undefined;
  }

  string(): string {
    this.i++;
    let out = '';
    let start = this.i;
    const flush = () => {
      out += decodeUtf8AsGo(this.bytes.subarray(start, this.i));
    };
    for (;;) {
      const b = this.bytes[this.i];
      if (b === undefined) this.fail('unexpected end of JSON input');
      if (b === 0x22) {
        flush();
        this.i++;
        return out;
      }
      if (b < 0x20) this.fail('invalid character in string literal');
      if (b !== 0x5c) {
        this.i++;
        continue;
      }
      flush();
      this.i++;
      const e = this.bytes[this.i];
      const simple: Record<number, string> = {
        34: '"',
        92: '\\',
        47: '/',
        98: '\b',
        102: '\f',
        110: '\n',
        114: '\r',
        116: '\t',
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.i++;
      } else if (e === 0x75) {
        this.i++;
        const unit = this.hex4();
        if (unit === undefined) this.fail('invalid character in \\u hexadecimal character escape');
        this.i += 4;
        if (unit >= 0xd800 && unit <= 0xdfff) {
          // As Go: a valid pair makes one character, anything else about a surrogate is U+FFFD.
          const hasLow = this.bytes[this.i] === 0x5c && this.bytes[this.i + 1] === 0x75;
          let low: number | undefined;
          if (hasLow) {
            this.i += 2;
            low = this.hex4();
            this.i -= 2;
          }
          if (unit < 0xdc00 && low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(unit, low);
            this.i += 6;
          } else {
            out += '\ufffd';
          }
        } else {
          out += String.fromCharCode(unit);
        }
      } else {
        this.fail('invalid character in string escape code');
      }
      start = this.i;
    }
  }
}

/** Parses a JSON document as strictly as Go's encoding/json scanner, keeping number literals and key order. */
export function parseGoJson(bytes: Uint8Array): GoJsonValue {
  const parser = new Parser(bytes);
  const value = parser.value(0);
  parser.skip();
  if (parser.i < bytes.length) parser.fail('invalid character after top-level value');
  return value;
}

/** Go's case folding of struct field names: ASCII case-insensitive, with K (U+212A) as k and ſ (U+017F) as s. */
export function goFoldKey(key: string): string {
  return key.replace(/[A-Z\u212a\u017f]/g, (c) => (c === '\u212a' ? 'k' : c === '\u017f' ? 's' : c.toLowerCase()));
}
