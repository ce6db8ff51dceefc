// A JSON reader that keeps what Ignition's reports need and JSON.parse drops: byte offsets of every value and key
// (vcontext reports line and column in bytes), duplicate keys, and encoding/json's syntax errors (Go 1.19 scanner
// messages and offsets).

/** A JSON value with the byte offsets of its start and end. */
export type JsonNode =
  | { readonly kind: 'object'; readonly start: number; readonly end: number; readonly entries: readonly JsonEntry[] }
  | { readonly kind: 'array'; readonly start: number; readonly end: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly start: number; readonly end: number; readonly value: string }
  | { readonly kind: 'number'; readonly start: number; readonly end: number; readonly literal: string }
  | { readonly kind: 'bool'; readonly start: number; readonly end: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly start: number; readonly end: number };

/** One `"key": value` of an object, in source order (duplicates kept). */
export interface JsonEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: JsonNode;
}

/** A syntax error as encoding/json reports it: its message and the byte offset it counts. */
export interface JsonSyntaxError {
  readonly message: string;
  readonly offset: number;
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// encoding/json's quoteChar.
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  if (c === 0x5c) return "'\\\\'";
  const ch = String.fromCharCode(c);
  if (c < 0x20 || c === 0x7f) {
    const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
    return `'${named[c] ?? `\\x${c.toString(16).padStart(2, '0')}`}'`;
  }
  if (c >= 0x80 && c < 0xa0) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  if (c === 0xad) return "'\\u00ad'";
  return `'${ch}'`;
}

const utf8 = new TextDecoder();
const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};
const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/** Parses JSON text the way encoding/json accepts it; the tree, or the syntax error Go would give. */
export function parseJsonTree(bytes: Uint8Array): { tree: JsonNode } | { error: JsonSyntaxError } {
  let pos = 0;
  // Go counts the offending byte as read: its offset is one past it.
  // At the end of the input Go's scanner steps once more on a space: where a space is wrong too (inside a literal,
  // an escape or an unfinished number) that is the error it reports.
  const fail = (context: string, spaceAtEnd = false): never => {
    if (pos >= bytes.length) {
      if (spaceAtEnd) throw new SyntaxFailure(`invalid character ' ' ${context}`, bytes.length);
      throw new SyntaxFailure('unexpected end of JSON input', bytes.length);
    }
    throw new SyntaxFailure(`invalid character ${quoteChar(bytes[pos] as number)} ${context}`, pos + 1);
  };
  const skipSpace = (): void => {
    while (isSpace(bytes[pos])) pos++;
  };
  const literal = (word: string, make: (start: number) => JsonNode): JsonNode => {
    const start = pos;
    pos++;
    for (let i = 1; i < word.length; i++) {
      if (bytes[pos] !== word.charCodeAt(i))
        fail(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(i))})`, true);
      pos++;
    }
    return make(start);
  };
  const string = (): { value: string; start: number; end: number } => {
    const start = pos;
    pos++;
    let value = '';
    let run = pos;
    const flush = (): void => {
      value += utf8.decode(bytes.subarray(run, pos));
    };
    for (;;) {
      const c = bytes[pos];
      if (c === undefined) fail('in string literal');
      if (c === 0x22) {
        flush();
        pos++;
        break;
      }
      if ((c as number) < 0x20) fail('in string literal');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      flush();
      pos++;
      const e = bytes[pos] as number;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        value += simple;
        pos++;
      } else {
        if (e !== 0x75) fail('in string escape code', true);
        pos++;
        for (let i = 0; i < 4; i++) {
          if (!isHex(bytes[pos])) fail('in \\u hexadecimal character escape', true);
          pos++;
        }
        value += String.fromCharCode(Number.parseInt(latin1(bytes.subarray(pos - 4, pos)), 16));
      }
      run = pos;
    }
    // Lone surrogates from \u escapes become U+FFFD, as Go's unquote makes them.
    return { value: value.replace(LONE_SURROGATE, '\ufffd'), start, end: pos };
  };
  const number = (): JsonNode => {
    const start = pos;
    if (bytes[pos] === 0x2d) {
      pos++;
      if (!isDigit(bytes[pos])) fail('in numeric literal', true);
    }
    if (bytes[pos] === 0x30) pos++;
    else while (isDigit(bytes[pos])) pos++;
    if (bytes[pos] === 0x2e) {
      pos++;
      if (!isDigit(bytes[pos])) fail('after decimal point in numeric literal', true);
      while (isDigit(bytes[pos])) pos++;
    }
    if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
      pos++;
      if (bytes[pos] === 0x2b || bytes[pos] === 0x2d) pos++;
      if (!isDigit(bytes[pos])) fail('in exponent of numeric literal', true);
      while (isDigit(bytes[pos])) pos++;
    }
    return { kind: 'number', start, end: pos, literal: new TextDecoder().decode(bytes.subarray(start, pos)) };
  };
  const value = (): JsonNode => {
    skipSpace();
    const c = bytes[pos];
    const start = pos;
    if (c === 0x7b) {
      pos++;
      const entries: JsonEntry[] = [];
      skipSpace();
      if (bytes[pos] === 0x7d) {
        pos++;
        return { kind: 'object', start, end: pos, entries };
      }
      for (;;) {
        skipSpace();
        if (bytes[pos] !== 0x22) fail('looking for beginning of object key string');
        const key = string();
        skipSpace();
        if (bytes[pos] !== 0x3a) fail('after object key');
        pos++;
        const v = value();
        entries.push({ key: key.value, keyStart: key.start, value: v });
        skipSpace();
        if (bytes[pos] === 0x2c) {
          pos++;
          continue;
        }
        if (bytes[pos] === 0x7d) {
          pos++;
          return { kind: 'object', start, end: pos, entries };
        }
        fail('after object key:value pair');
      }
    }
    if (c === 0x5b) {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (bytes[pos] === 0x5d) {
        pos++;
        return { kind: 'array', start, end: pos, items };
      }
      for (;;) {
        items.push(value());
        skipSpace();
        if (bytes[pos] === 0x2c) {
          pos++;
          continue;
        }
        if (bytes[pos] === 0x5d) {
          pos++;
          return { kind: 'array', start, end: pos, items };
        }
        fail('after array element');
      }
    }
    if (c === 0x22) {
      const s = string();
      return { kind: 'string', start: s.start, end: s.end, value: s.value };
    }
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true', (s) => ({ kind: 'bool', start: s, end: pos, value: true }));
    if (c === 0x66) return literal('false', (s) => ({ kind: 'bool', start: s, end: pos, value: false }));
    if (c === 0x6e) return literal('null', (s) => ({ kind: 'null', start: s, end: pos }));
    return fail('looking for beginning of value');
  };
  try {
    const tree = value();
    skipSpace();
    if (pos < bytes.length) fail('after top-level value');
    return { tree };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { error: { message: e.message, offset: e.offset } };
    throw e;
  }
}

/** 1-based line and column of a byte offset, counted as vcontext does (columns in bytes; 0/0 past the end). */
export function lineColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  if (offset < 0 || offset >= bytes.length) return { line: 0, column: 0 };
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset; i++) {
    column++;
    if (bytes[i] === 0x0a) {
      line++;
      column = 1;
    }
  }
  return { line, column };
}
