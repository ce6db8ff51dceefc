import type { Report } from '../report.js';
import type { Decoded } from './decode-yaml.js';
import { anonymousStructName, decodeRune, goStringToBytes, goTypeName } from './go-text.js';
import { markNonNil, zeroOf } from './go-value.js';
import type { GoField, GoStruct, GoType, GoValue } from './model.js';
import { type Position, type SourceMap, type SourceNode, sourceMapOf } from './source-map.js';
import { unusedKeyReports } from './unused-keys.js';

/** Report codes of `decodeJson`. */
export const JsonDecodeCodes = {
  /** encoding/json's `SyntaxError` (the text is not JSON). */
  jsonSyntax: 'JSON_SYNTAX',
  /** encoding/json's `UnmarshalTypeError` (the first value of the wrong type). */
  jsonType: 'JSON_TYPE',
} as const;

/**
 * Decodes an Ignition config as Ignition does: encoding/json's `Unmarshal` into the Go structs (Go 1.19: the whole
 * text is checked first, keys match fields case-insensitively, the first type error wins), coreos/go-json's node
 * tree for positions (byte columns), and the unused-key warnings of Ignition's `ValidateWithContext`.
 */
export function decodeJson<S extends GoStruct>(source: string | Uint8Array, type: S): Decoded<GoValue<S>> {
  const bytes = typeof source === 'string' ? goStringToBytes(source) : source;
  const noPositions = sourceMapOf(undefined);
  const parsed = parseJsonTree(bytes);
  if ('error' in parsed) {
    return {
      value: undefined,
      reports: [errorReport(JsonDecodeCodes.jsonSyntax, parsed.error, bytes)],
      positions: noPositions,
    };
  }
  const tree = parsed.tree;
  const { value, error } = decodeGoJson(tree, type);
  if (error) {
    return {
      value: undefined,
      reports: [errorReport(JsonDecodeCodes.jsonType, error, bytes)],
      positions: noPositions,
    };
  }
  const positions = jsonSourceMap(tree, bytes);
  return { value, reports: unusedKeyReports(type, value, positions), positions };
}

/**
 * Positions in the JSON text as vcontext's tree gives them to Ignition's reports (byte columns). vcontext reads every
 * number as a float64; one that overflows fails its tree, and Ignition then goes on without positions (and so
 * without unused-key warnings): the map is empty then.
 */
export function jsonSourceMap(tree: JsonNode, bytes: Uint8Array): SourceMap {
  if (hasFloatOverflow(tree)) return sourceMapOf(undefined);
  return sourceMapOf(jsonSourceTree(tree, bytes));
}

/** An encoding/json error (syntax or type): Go's message and the byte offset it reports. */
export interface GoJsonError {
  readonly message: string;
  /** encoding/json's `Offset`: the error occurred after reading this many bytes. */
  readonly offset: number;
}

function errorReport(code: string, e: GoJsonError, bytes: Uint8Array): Report {
  // Ignition puts the report at the byte the offset names; past the end there is no line and column.
  const { line, column } = lineColumn(bytes, e.offset);
  return { severity: 'error', code, message: e.message, path: [], ...(line > 0 ? { line, column } : {}) };
}

/** vcontext's `FixLineColumn`: the 1-based line and byte column of a byte offset (0 and 0 past the end). */
export function lineColumn(bytes: Uint8Array, offset: number): Position {
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

// --- syntax: encoding/json's scanner ---

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** encoding/json's `quoteChar`: the byte read as a Latin-1 character and quoted as Go would. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const s = String.fromCharCode(c);
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
    92: '\\\\',
  };
  if (named[c] !== undefined) return `'${named[c]}'`;
  if (printable.test(s)) return `'${s}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'\\u${c.toString(16).padStart(4, '0')}'`;
}

type ScanState =
  | 'value'
  | 'valueOrEmpty'
  | 'keyOrEmpty'
  | 'key'
  | 'end'
  | 'endTop'
  | 'string'
  | 'escape'
  | 'u1'
  | 'u2'
  | 'u3'
  | 'u4'
  | 'neg'
  | '0'
  | '1'
  | 'dot'
  | 'dot0'
  | 'e'
  | 'eSign'
  | 'e0'
  | { readonly word: string; readonly at: number };

const maxNestingDepth = 10000;

/** encoding/json's `checkValid`: the first syntax error in the whole text, with Go's message and offset. */
export function checkJson(bytes: Uint8Array): GoJsonError | undefined {
  let state: ScanState = 'value';
  const stack: ('key' | 'value' | 'array')[] = [];
  let endTop = false;
  let offset = 0;
  const fail = (c: number, context: string): GoJsonError => ({
    message: `invalid character ${quoteChar(c)} ${context}`.trimEnd(),
    offset,
  });
  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      state = 'endTop';
      endTop = true;
    } else {
      state = 'end';
    }
  };
  // One byte through the state machine; a message when the byte is an error.
  const step = (c: number): GoJsonError | undefined => {
    for (;;) {
      switch (state) {
        case 'valueOrEmpty':
          if (isSpace(c)) return undefined;
          if (c === 0x5d) {
            state = 'end';
            continue;
          }
          state = 'value';
          continue;
        case 'value':
          if (isSpace(c)) return undefined;
          if (c === 0x7b || c === 0x5b) {
            stack.push(c === 0x7b ? 'key' : 'array');
            state = c === 0x7b ? 'keyOrEmpty' : 'valueOrEmpty';
            return stack.length > maxNestingDepth ? fail(c, 'exceeded max depth') : undefined;
          }
          if (c === 0x22) state = 'string';
          else if (c === 0x2d) state = 'neg';
          else if (c === 0x30) state = '0';
          else if (c >= 0x31 && c <= 0x39) state = '1';
          else if (c === 0x74) state = { word: 'true', at: 1 };
          else if (c === 0x66) state = { word: 'false', at: 1 };
          else if (c === 0x6e) state = { word: 'null', at: 1 };
          else return fail(c, 'looking for beginning of value');
          return undefined;
        case 'keyOrEmpty':
          if (isSpace(c)) return undefined;
          if (c === 0x7d) {
            stack[stack.length - 1] = 'value';
            state = 'end';
            continue;
          }
          state = 'key';
          continue;
        case 'key':
          if (isSpace(c)) return undefined;
          if (c === 0x22) {
            state = 'string';
            return undefined;
          }
          return fail(c, 'looking for beginning of object key string');
        case 'end': {
          if (stack.length === 0) {
            state = 'endTop';
            endTop = true;
            continue;
          }
          if (isSpace(c)) return undefined;
          const top = stack[stack.length - 1];
          if (top === 'key') {
            if (c === 0x3a) {
              stack[stack.length - 1] = 'value';
              state = 'value';
              return undefined;
            }
            return fail(c, 'after object key');
          }
          if (top === 'value') {
            if (c === 0x2c) {
              stack[stack.length - 1] = 'key';
              state = 'key';
              return undefined;
            }
            if (c === 0x7d) {
              pop();
              return undefined;
            }
            return fail(c, 'after object key:value pair');
          }
          if (c === 0x2c) {
            state = 'value';
            return undefined;
          }
          if (c === 0x5d) {
            pop();
            return undefined;
          }
          return fail(c, 'after array element');
        }
        case 'endTop':
          return isSpace(c) ? undefined : fail(c, 'after top-level value');
        case 'string':
          if (c === 0x22) state = 'end';
          else if (c === 0x5c) state = 'escape';
          else if (c < 0x20) return fail(c, 'in string literal');
          return undefined;
        case 'escape':
          if ('bfnrt\\/"'.includes(String.fromCharCode(c))) state = 'string';
          else if (c === 0x75) state = 'u1';
          else return fail(c, 'in string escape code');
          return undefined;
        case 'u1':
        case 'u2':
        case 'u3':
        case 'u4':
          if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
          state = state === 'u1' ? 'u2' : state === 'u2' ? 'u3' : state === 'u3' ? 'u4' : 'string';
          return undefined;
        case 'neg':
          if (c === 0x30) state = '0';
          else if (c >= 0x31 && c <= 0x39) state = '1';
          else return fail(c, 'in numeric literal');
          return undefined;
        case '1':
          if (isDigit(c)) return undefined;
          state = '0';
          continue;
        case '0':
          if (c === 0x2e) state = 'dot';
          else if (c === 0x65 || c === 0x45) state = 'e';
          else {
            state = 'end';
            continue;
          }
          return undefined;
        case 'dot':
          if (!isDigit(c)) return fail(c, 'after decimal point in numeric literal');
          state = 'dot0';
          return undefined;
        case 'dot0':
          if (isDigit(c)) return undefined;
          if (c === 0x65 || c === 0x45) {
            state = 'e';
            return undefined;
          }
          state = 'end';
          continue;
        case 'e':
          if (c === 0x2b || c === 0x2d) {
            state = 'eSign';
            return undefined;
          }
          state = 'eSign';
          continue;
        case 'eSign':
          if (!isDigit(c)) return fail(c, 'in exponent of numeric literal');
          state = 'e0';
          return undefined;
        case 'e0':
          if (isDigit(c)) return undefined;
          state = 'end';
          continue;
        default: {
          const { word, at } = state;
          if (c !== word.charCodeAt(at)) return fail(c, `in literal ${word} (expecting '${word[at]}')`);
          state = at + 1 === word.length ? 'end' : { word, at: at + 1 };
          return undefined;
        }
      }
    }
  };
  for (const c of bytes) {
    offset++;
    const e = step(c);
    if (e) return e;
  }
  if (endTop) return undefined;
  // Go feeds a space at the end, which ends a number at the top level (or is itself the bad character).
  const last = step(0x20);
  if (endTop) return undefined;
  return last ?? { message: 'unexpected end of JSON input', offset };
}

// --- the tree: coreos/go-json's nodes ---

/** A JSON value with byte offsets: `start` at its first byte, `end` just past its last. */
export type JsonNode =
  | { readonly kind: 'object'; readonly start: number; readonly end: number; readonly entries: readonly JsonEntry[] }
  | { readonly kind: 'array'; readonly start: number; readonly end: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly start: number; readonly end: number; readonly value: string }
  | { readonly kind: 'number'; readonly start: number; readonly end: number; readonly literal: string }
  | { readonly kind: 'bool'; readonly start: number; readonly end: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly start: number; readonly end: number };

/** One `"key": value` of an object, in source order (repeated keys kept). */
export interface JsonEntry {
  readonly key: string;
  /** The offset of the key's opening quote. */
  readonly keyStart: number;
  readonly value: JsonNode;
}

/** Reads JSON text as encoding/json accepts it: the tree with byte offsets, or the syntax error Go gives. */
export function parseJsonTree(bytes: Uint8Array): { readonly tree: JsonNode } | { readonly error: GoJsonError } {
  const tree = readTree(bytes);
  if (tree) return { tree };
  // Only text with an error gets the second, byte-at-a-time pass that names the error as Go does.
  const error = checkJson(bytes);
  if (!error) throw new Error('decode-json: readTree refused text that checkJson accepts');
  return { error };
}

/**
 * Reads and checks the text in one pass, building the tree as it goes; undefined at the first thing encoding/json's
 * scanner would refuse (`checkJson` then says what and where). Iterative: JSON may nest 10000 deep.
 */
function readTree(bytes: Uint8Array): JsonNode | undefined {
  const length = bytes.length;
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < length && isSpace(bytes[pos]!)) pos++;
  };
  type Container = JsonNode & { kind: 'object' | 'array' };
  type Open = { node: Container; key: string; keyStart: number };
  const stack: Open[] = [];
  // An object key and its colon, up to the value; false when they are not there.
  const readKey = (open: Open): boolean => {
    if (bytes[pos] !== 0x22) return false;
    const keyStart = pos;
    const key = readCheckedString(bytes, pos);
    if (key === undefined) return false;
    open.key = key[0];
    open.keyStart = keyStart;
    pos = key[1];
    skipSpace();
    if (bytes[pos] !== 0x3a) return false;
    pos++;
    skipSpace();
    return true;
  };
  skipSpace();
  for (;;) {
    const start = pos;
    const c = bytes[pos];
    let node: JsonNode;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxNestingDepth) return undefined;
      pos++;
      const open: Open = {
        node:
          c === 0x7b
            ? { kind: 'object', start, end: start, entries: [] }
            : { kind: 'array', start, end: start, items: [] },
        key: '',
        keyStart: 0,
      };
      skipSpace();
      if (bytes[pos] === (c === 0x7b ? 0x7d : 0x5d)) {
        pos++;
        (open.node as { end: number }).end = pos;
        node = open.node;
      } else {
        stack.push(open);
        if (c === 0x7b && !readKey(open)) return undefined;
        continue;
      }
    } else if (c === 0x22) {
      const read = readCheckedString(bytes, pos);
      if (read === undefined) return undefined;
      pos = read[1];
      node = { kind: 'string', start, end: pos, value: read[0] };
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      for (let i = 1; i < word.length; i++) if (bytes[pos + i] !== word.charCodeAt(i)) return undefined;
      pos += word.length;
      node = c === 0x6e ? { kind: 'null', start, end: pos } : { kind: 'bool', start, end: pos, value: c === 0x74 };
    } else {
      pos = numberEnd(bytes, pos);
      if (pos < 0) return undefined;
      node = {
        kind: 'number',
        start,
        end: pos,
        literal: String.fromCharCode.apply(null, bytes.subarray(start, pos) as unknown as number[]),
      };
    }
    // Attach the value, then close every container that ends after it.
    for (;;) {
      const top = stack[stack.length - 1];
      skipSpace();
      if (!top) return pos === length ? node : undefined;
      const object = top.node.kind === 'object';
      if (top.node.kind === 'object') {
        (top.node.entries as JsonEntry[]).push({ key: top.key, keyStart: top.keyStart, value: node });
      } else {
        (top.node.items as JsonNode[]).push(node);
      }
      const d = bytes[pos];
      if (d === 0x2c) {
        pos++;
        skipSpace();
        if (object && !readKey(top)) return undefined;
        break;
      }
      if (d !== (object ? 0x7d : 0x5d)) return undefined;
      pos++;
      (top.node as { end: number }).end = pos;
      stack.pop();
      node = top.node;
    }
  }
}

/** The end of the JSON number at `pos`, or -1 when there is none. */
function numberEnd(bytes: Uint8Array, start: number): number {
  let pos = start;
  if (bytes[pos] === 0x2d) pos++;
  if (bytes[pos] === 0x30) pos++;
  else if (bytes[pos]! >= 0x31 && bytes[pos]! <= 0x39) {
    while (isDigit(bytes[pos]!)) pos++;
  } else return -1;
  if (bytes[pos] === 0x2e) {
    pos++;
    if (!isDigit(bytes[pos]!)) return -1;
    while (isDigit(bytes[pos]!)) pos++;
  }
  if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
    pos++;
    if (bytes[pos] === 0x2b || bytes[pos] === 0x2d) pos++;
    if (!isDigit(bytes[pos]!)) return -1;
    while (isDigit(bytes[pos]!)) pos++;
  }
  return pos;
}

/**
 * The JSON string at `pos` (its opening quote) and the offset past it, or undefined where the scanner would refuse
 * it: a control character, a bad escape, no closing quote. Plain ASCII is taken without a decoder.
 */
function readCheckedString(bytes: Uint8Array, start: number): [string, number] | undefined {
  let pos = start + 1;
  let ascii = true;
  let escaped = false;
  for (;;) {
    const c = bytes[pos];
    if (c === undefined || c < 0x20) return undefined;
    if (c === 0x22) break;
    if (c === 0x5c) {
      escaped = true;
      const e = bytes[pos + 1];
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) if (!isHex(bytes[pos + k] ?? 0)) return undefined;
        pos += 6;
        continue;
      }
      if (e === undefined || !isSimpleEscape(e)) return undefined;
      pos += 2;
      continue;
    }
    if (c >= 0x80) ascii = false;
    pos++;
  }
  if (escaped) return readString(bytes, start);
  const text =
    ascii && pos - start <= 4096
      ? String.fromCharCode.apply(null, bytes.subarray(start + 1, pos) as unknown as number[])
      : utf8Text(bytes.subarray(start + 1, pos));
  return [text, pos + 1];
}

const isSimpleEscape = (c: number): boolean =>
  c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/** Reads a JSON string at `pos` (its opening quote) as Go's `unquote`: bad UTF-8 and lone surrogates become U+FFFD. */
function readString(bytes: Uint8Array, pos0: number): [string, number] {
  let pos = pos0 + 1;
  let out = '';
  let run = pos;
  const flushRun = (end: number): void => {
    if (end > run) out += utf8Text(bytes.subarray(run, end));
  };
  const u4 = (at: number): number => {
    if (bytes[at] !== 0x5c || bytes[at + 1] !== 0x75) return -1;
    let v = 0;
    for (let k = 2; k < 6; k++) {
      const c = bytes[at + k];
      if (c === undefined || !isHex(c)) return -1;
      v = v * 16 + Number.parseInt(String.fromCharCode(c), 16);
    }
    return v;
  };
  for (;;) {
    const c = bytes[pos]!;
    if (c === 0x22) {
      flushRun(pos);
      return [out, pos + 1];
    }
    if (c !== 0x5c) {
      pos++;
      continue;
    }
    flushRun(pos);
    const e = bytes[pos + 1]!;
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
    if (e !== 0x75) {
      out += simple[e] ?? '';
      pos += 2;
    } else {
      let r = u4(pos);
      pos += 6;
      if (r >= 0xd800 && r < 0xe000) {
        const r2 = u4(pos);
        if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
          out += String.fromCharCode(r, r2);
          pos += 6;
          run = pos;
          continue;
        }
        r = 0xfffd;
      }
      out += String.fromCharCode(r);
    }
    run = pos;
  }
}

const validUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text as Go reads it: each byte of an invalid sequence is one U+FFFD. */
function utf8Text(b: Uint8Array): string {
  try {
    return validUtf8.decode(b);
  } catch {
    // Invalid UTF-8: TextDecoder would replace whole sequences, Go replaces each byte.
  }
  let s = '';
  for (let i = 0; i < b.length; ) {
    const [r, w] = decodeRune(b, i);
    s += r < 0 ? '\ufffd' : String.fromCodePoint(r);
    i += w;
  }
  return s;
}

function hasFloatOverflow(root: JsonNode): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'number' && !Number.isFinite(Number(n.literal))) return true;
    if (n.kind === 'array') stack.push(...n.items);
    else if (n.kind === 'object') for (const e of n.entries) stack.push(e.value);
  }
  return false;
}

/** vcontext's JSON tree: containers are placed one byte past their bracket, as go-json's nodes have them. */
function jsonSourceTree(root: JsonNode, bytes: Uint8Array): SourceNode {
  const lineStarts = [0];
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) lineStarts.push(i + 1);
  // FixLineColumn's answer for a byte offset: its line and 1-based byte column.
  const at = (offset: number): Position => {
    if (offset >= bytes.length) return { line: 0, column: 0 };
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const build = (n: JsonNode): SourceNode => {
    if (n.kind === 'object') return { kind: 'map', at: at(n.start + 1), keys: new Map() };
    if (n.kind === 'array') return { kind: 'slice', at: at(n.start + 1), items: [] };
    return { kind: 'leaf', at: at(n.start) };
  };
  const top = build(root);
  const stack: [JsonNode, SourceNode][] = [[root, top]];
  while (stack.length > 0) {
    const [n, s] = stack.pop()!;
    if (n.kind === 'object' && s.kind === 'map') {
      const keys = s.keys as Map<string, { at: Position | undefined; node: SourceNode }>;
      for (const e of n.entries) {
        const child = build(e.value);
        keys.set(e.key, { at: at(e.keyStart), node: child });
        if (e.value.kind === 'object' || e.value.kind === 'array') stack.push([e.value, child]);
      }
    } else if (n.kind === 'array' && s.kind === 'slice') {
      const items = s.items as SourceNode[];
      for (const item of n.items) {
        const child = build(item);
        items.push(child);
        if (item.kind === 'object' || item.kind === 'array') stack.push([item, child]);
      }
    }
  }
  return top;
}

// --- decoding: encoding/json's rules ---

/** How encoding/json's type errors name Go types, where the model alone does not say. */
export interface GoTypeNames {
  /** The package struct names are printed in (`types` gives `types.Storage`); without it names print as written. */
  readonly pkg?: string;
  /**
   * Fields whose strings are of a named Go string type (`type Device string`), by `Struct.field`
   * (`'Raid.devices': 'Device'`): the model keeps them as plain strings, encoding/json names them.
   */
  readonly namedStrings?: Readonly<Record<string, string>>;
}

/**
 * Decodes a tree into a zero-filled value of `type` as encoding/json's `Unmarshal` does (Go 1.19): keys match fields
 * case-insensitively, `null` leaves non-pointers alone, a repeated key decodes over what the earlier one left, and
 * the first type mismatch is kept (with Go's message and offset) while decoding goes on.
 */
export function decodeGoJson<S extends GoStruct>(
  tree: JsonNode,
  type: S,
  names: GoTypeNames = {},
): { readonly value: GoValue<S>; readonly error: GoJsonError | undefined } {
  const decoder = new JsonDecoder(names);
  const value = zeroOf(type) as GoValue<S>;
  decoder.value(tree, type, { get: () => value, set: () => {} }, undefined);
  return { value, error: decoder.error };
}

interface Slot {
  get(): unknown;
  set(v: unknown): void;
}

const maxInt64 = (1n << 63n) - 1n;
const minInt64 = -(1n << 63n);
const ZERO = Symbol('zero element');

const fieldMaps = new WeakMap<GoStruct, ReadonlyMap<string, GoField>>();

/** A struct's fields by exact key; the first field of a key wins, as a search in field order finds it. */
function fieldsByKey(t: GoStruct): ReadonlyMap<string, GoField> {
  let map = fieldMaps.get(t);
  if (!map) {
    const m = new Map<string, GoField>();
    for (const f of t.fields) if (!m.has(f.key)) m.set(f.key, f);
    map = m;
    fieldMaps.set(t, map);
  }
  return map;
}

/** Whether an object key selects a field: exactly, or as encoding/json folds case (with ſ and the Kelvin sign). */
function keyMatches(name: string, key: string): boolean {
  const k = [...key];
  if (k.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const n = name[i]!;
    const c = k[i]!;
    if (n === c) continue;
    const letter = /[A-Za-z]/.test(n);
    if (letter && c.length === 1 && c.charCodeAt(0) < 0x80 && n.toLowerCase() === c.toLowerCase()) continue;
    if ((n === 's' || n === 'S') && c === '\u017f') continue;
    if ((n === 'k' || n === 'K') && c === '\u212a') continue;
    return false;
  }
  return true;
}

class JsonDecoder {
  error: GoJsonError | undefined;
  private readonly fieldStack: string[] = [];
  /**
   * The backing array of each decoded slice with room past its length, for a repeated key to decode over. Only one
   * decode can meet its own slices again, so the map lives and dies with the decoder.
   */
  private readonly backings = new Map<unknown[], { items: unknown[]; cap: number }>();
  private struct: GoStruct | undefined;

  constructor(private readonly names: GoTypeNames) {}

  /** `reflect.Type.String()` of `type`; `stringName` names its strings. */
  private typeName(type: GoType, stringName: string | undefined): string {
    const { pkg } = this.names;
    switch (type.kind) {
      case 'pointer':
        return `*${this.typeName(type.elem, stringName)}`;
      case 'slice':
        return `[]${this.typeName(type.elem, stringName)}`;
      case 'struct':
        if (type.name === '') return anonymousStructName(type, (field) => this.typeName(field, undefined));
        return pkg === undefined ? type.name : `${pkg}.${type.name}`;
      case 'string':
        if (stringName === undefined) return goTypeName(type);
        return pkg === undefined ? stringName : `${pkg}.${stringName}`;
      default:
        return goTypeName(type);
    }
  }

  private typeError(what: string, type: GoType, offset: number, stringName: string | undefined): void {
    if (this.error) return;
    const target = this.typeName(type, stringName);
    const message =
      this.struct !== undefined || this.fieldStack.length > 0
        ? `json: cannot unmarshal ${what} into Go struct field ${shortName(this.struct)}.${this.fieldStack.join('.')} of type ${target}`
        : `json: cannot unmarshal ${what} into Go value of type ${target}`;
    this.error = { message, offset };
  }

  /** encoding/json's `indirect`: allocate and step through pointers (a null stops at the last pointer). */
  private indirect(type: GoType, slot: Slot, decodingNull: boolean): GoType {
    let t = type;
    while (t.kind === 'pointer') {
      if (decodingNull) return t;
      if (slot.get() === undefined) slot.set(zeroOf(t.elem));
      t = t.elem;
    }
    return t;
  }

  /** Decodes `n` into `slot`, of `type`; `stringName` names the strings of a field of a named string type. */
  value(n: JsonNode, type: GoType, slot: Slot, stringName: string | undefined): void {
    if (n.kind === 'object') this.object(n, type, slot, stringName);
    else if (n.kind === 'array') this.array(n, type, slot, stringName);
    else this.literal(n, type, slot, stringName);
  }

  private array(n: JsonNode & { kind: 'array' }, type: GoType, slot: Slot, stringName: string | undefined): void {
    const t = this.indirect(type, slot, false);
    if (t.kind !== 'slice') {
      this.typeError('array', t, n.start + 1, stringName);
      return;
    }
    // Elements decode into what the slice already holds, and Go's growth keeps stale elements past the length
    // within the capacity: a repeated key decodes over the earlier value, exactly as encoding/json does.
    const old = (slot.get() as unknown[] | undefined) ?? [];
    const back = this.backings.get(old);
    let items: unknown[] = back ? back.items : [...old];
    let cap = back ? back.cap : old.length;
    let len = old.length;
    let i = 0;
    for (const item of n.items) {
      if (i >= cap) {
        const grown = Math.max(4, cap + Math.floor(cap / 2));
        items = [...items.slice(0, len), ...new Array<unknown>(grown - len).fill(ZERO)];
        cap = grown;
      }
      if (i >= len) len = i + 1;
      let e = items[i] === ZERO ? zeroOf(t.elem) : items[i];
      this.value(item, t.elem, { get: () => e, set: (v) => (e = v) }, stringName);
      items[i] = e;
      i++;
    }
    if (i < len) len = i;
    if (i === 0) {
      slot.set(markNonNil([]));
      return;
    }
    const result = items.slice(0, len);
    // With no room past the length, the slice itself is all the backing a later decode needs.
    if (cap > len) this.backings.set(result, { items, cap });
    slot.set(markNonNil(result));
  }

  private object(n: JsonNode & { kind: 'object' }, type: GoType, slot: Slot, stringName: string | undefined): void {
    const t = this.indirect(type, slot, false);
    if (t.kind !== 'struct') {
      this.typeError('object', t, n.start + 1, stringName);
      return;
    }
    const obj = slot.get() as Record<string, unknown>;
    const saved = { depth: this.fieldStack.length, struct: this.struct };
    for (const e of n.entries) {
      const f = fieldsByKey(t).get(e.key) ?? t.fields.find((x) => keyMatches(x.key, e.key));
      if (!f) continue;
      this.fieldStack.push(f.key);
      this.struct = t;
      const key = f.key;
      const named = this.names.namedStrings?.[`${t.name}.${key}`];
      this.value(e.value, f.type, { get: () => obj[key], set: (v) => (obj[key] = v) }, named);
      this.fieldStack.length = saved.depth;
      this.struct = saved.struct;
    }
  }

  private literal(
    n: Exclude<JsonNode, { kind: 'object' | 'array' }>,
    type: GoType,
    slot: Slot,
    stringName: string | undefined,
  ): void {
    const t = this.indirect(type, slot, n.kind === 'null');
    switch (n.kind) {
      case 'null':
        if (t.kind === 'pointer') slot.set(undefined);
        else if (t.kind === 'slice') slot.set([]);
        return;
      case 'bool':
        if (t.kind === 'bool') slot.set(n.value);
        else this.typeError('bool', t, n.end, stringName);
        return;
      case 'string':
        if (t.kind === 'string') slot.set(n.value);
        else this.typeError('string', t, n.end, stringName);
        return;
      case 'number': {
        if (t.kind !== 'int') {
          this.typeError('number', t, n.end, stringName);
          return;
        }
        const v = /^-?(0|[1-9][0-9]*)$/.test(n.literal) ? BigInt(n.literal) : undefined;
        if (v === undefined || v > maxInt64 || v < minInt64) this.typeError(`number ${n.literal}`, t, n.end, undefined);
        else slot.set(Number(v));
        return;
      }
    }
  }
}

function shortName(t: GoStruct | undefined): string {
  if (!t) return '';
  return t.name.slice(t.name.lastIndexOf('.') + 1);
}
