/**
 * A YAML scanner that accepts, rejects and positions exactly as gopkg.in/yaml.v3's (its Go port of libyaml): the
 * same token queue with simple-key bookkeeping and two tokens of lookahead, the same indentation and flow limits,
 * the same quirks (tabs, comments eaten after a token, 1024-character simple keys), and the same error texts and
 * marks. Comments are consumed as yaml.v3 consumes them but not kept: nothing downstream needs them.
 */

import { goStringFromBytes } from './go-text.js';

/** A place in the input: character index, 0-based line and column (yaml.v3's `yaml_mark_t`). */
export interface Mark {
  readonly index: number;
  readonly line: number;
  readonly column: number;
}

/** A syntax error as yaml.v3's parser records it; `yamlSyntaxMessage` turns it into Go's error text. */
export class YamlSyntaxError extends Error {
  constructor(
    readonly kind: 'reader' | 'scanner' | 'parser' | 'composer',
    readonly problem: string,
    readonly problemMark: Mark | undefined,
    readonly context = '',
    readonly contextMark: Mark | undefined = undefined,
  ) {
    super(problem);
  }

  /** The line yaml.v3 puts in its message (its own rule: scanner errors count from 1, parser errors from 0). */
  get goLine(): number | undefined {
    let line = 0;
    if (this.contextMark && this.contextMark.line !== 0) line = this.contextMark.line;
    else if (this.problemMark && this.problemMark.line !== 0) line = this.problemMark.line;
    else return undefined;
    return this.kind === 'scanner' ? line + 1 : line;
  }

  /** Go's `err.Error()`: `yaml: line 3: mapping values are not allowed in this context`. */
  get goMessage(): string {
    const line = this.goLine;
    return `yaml: ${line !== undefined ? `line ${line}: ` : ''}${this.problem || 'unknown problem parsing YAML content'}`;
  }
}

/** The tokens of yaml.v3's scanner. */
export type TokenType =
  | 'STREAM-START'
  | 'STREAM-END'
  | 'VERSION-DIRECTIVE'
  | 'TAG-DIRECTIVE'
  | 'DOCUMENT-START'
  | 'DOCUMENT-END'
  | 'BLOCK-SEQUENCE-START'
  | 'BLOCK-MAPPING-START'
  | 'BLOCK-END'
  | 'FLOW-SEQUENCE-START'
  | 'FLOW-SEQUENCE-END'
  | 'FLOW-MAPPING-START'
  | 'FLOW-MAPPING-END'
  | 'BLOCK-ENTRY'
  | 'FLOW-ENTRY'
  | 'KEY'
  | 'VALUE'
  | 'ALIAS'
  | 'ANCHOR'
  | 'TAG'
  | 'SCALAR';

/** How a scalar was written. */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/** One token, with yaml.v3's marks. */
export interface Token {
  readonly type: TokenType;
  readonly start: Mark;
  readonly end: Mark;
  /** Scalar text, anchor or alias name, tag handle, %TAG handle. */
  readonly value?: string;
  /** Tag suffix. */
  readonly suffix?: string;
  /** %TAG prefix. */
  readonly prefix?: string;
  readonly style?: ScalarStyle;
  readonly major?: number;
  readonly minor?: number;
}

/** A comment as yaml.v3 records it while scanning (its text is only kept to know where comments are). */
interface CommentRecord {
  scanMark: Mark;
  tokenMark: Mark;
  startMark: Mark;
  endMark: Mark;
  head: string;
  line: string;
  foot: string;
}

const zeroMark: Mark = { index: 0, line: 0, column: 0 };
const emptyComment = (): CommentRecord => ({
  scanMark: zeroMark,
  tokenMark: zeroMark,
  startMark: zeroMark,
  endMark: zeroMark,
  head: '',
  line: '',
  foot: '',
});

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const NUL = 0;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const NEL = 0x85;
const LS = 0x2028;
const PS = 0x2029;
const BOM = 0xfeff;
// Its text is only kept when all bytes are below 0x80, where every single-byte encoding agrees with ASCII.
const latin1 = new TextDecoder('latin1');
const COLON = 0x3a;
const COMMA = 0x2c;
const QUESTION = 0x3f;

const maxFlowLevel = 10000;
const maxIndents = 10000;
const rawChunk = 512;

const isBlank = (c: number): boolean => c === SPACE || c === TAB;
const isBreak = (c: number): boolean => c === CR || c === LF || c === NEL || c === LS || c === PS;
const isBreakZ = (c: number): boolean => c === NUL || isBreak(c);
const isBlankZ = (c: number): boolean => isBlank(c) || isBreakZ(c);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean =>
  isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const hexValue = (c: number): number => (isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10);
const ch = (s: string): number => s.charCodeAt(0);
const codes = (s: string): Set<number> => new Set([...s].map(ch));
/** Indicators that cannot start a plain scalar (some can when a non-space follows). */
const notPlainStart = codes('-?:,[]{}#&*!|>\'"%@`');
const anchorEnd = codes('?:,]}%@`');
const uriChars = codes(";/?:@&=+$,.!~*'()[]%");

/**
 * Decodes input into characters the way yaml.v3's reader does: UTF-8 (or UTF-16 after a BOM) read in 512-byte
 * chunks, only as far as the scanner asks, so an encoding error surfaces when yaml.v3 would meet it.
 */
class Reader {
  /** Decoded characters; `length` of them are valid, NUL after that (the typed array starts zeroed). */
  readonly chars: Uint32Array;
  length = 0;
  pos = 0;
  /** Where yaml.v3's buffer starts: the position of its last refill (its BOM check looks there). */
  bufferStart = 0;
  /** NULs yaml.v3 has counted as unread past the end (one per refill asked for at the end). */
  private nuls = 0;
  private rawRead = 0;
  private rawPos = 0;
  private eof = false;
  private encoding: 'utf8' | 'utf16le' | 'utf16be' | undefined;

  /**
   * The input as a string when it is all printable ASCII, tabs and line breaks (as configs nearly always are):
   * then character i is byte i, and a run of characters is a slice of this.
   */
  readonly text: string | undefined;

  constructor(private readonly raw: Uint8Array) {
    // Never more characters than bytes, plus room for the NULs yaml.v3 pads the end with.
    this.chars = new Uint32Array(raw.length + 16);
    const text = latin1.decode(raw);
    this.text = /[^\t\n\r\x20-\x7e]/.test(text) ? undefined : text;
  }

  /** Makes `n` characters available from the current position (NUL past the end), or throws a reader error. */
  need(n: number): void {
    if (this.length - this.pos + this.nuls >= n) return;
    // yaml.v3 moves what is left of its buffer to the front before refilling.
    this.bufferStart = this.pos;
    if (this.encoding === undefined) this.determineEncoding();
    let first = true;
    while (this.length - this.pos + this.nuls < n) {
      if (!first || this.rawPos === this.rawRead) this.readRaw();
      first = false;
      this.decode();
      if (this.eof) {
        this.nuls++;
        break;
      }
    }
    // Past the end everything reads as NUL.
  }

  /** yaml.v3's `is_bom`, which looks at the start of its buffer rather than at the current position. */
  bomAtBufferStart(): boolean {
    return this.bufferStart < this.length && this.chars[this.bufferStart] === BOM;
  }

  /** The character `k` places ahead (NUL past the end). */
  at(k: number): number {
    const i = this.pos + k;
    return i < this.chars.length ? this.chars[i]! : NUL;
  }

  private readRaw(): void {
    if (this.eof) return;
    // yaml.v3 keeps undecoded bytes and fills the rest of its 512-byte raw buffer; a read of nothing is EOF.
    const room = rawChunk - (this.rawRead - this.rawPos);
    if (this.rawRead >= this.raw.length || room <= 0) {
      if (this.rawRead >= this.raw.length) this.eof = true;
      return;
    }
    this.rawRead = Math.min(this.raw.length, this.rawRead + room);
  }

  private determineEncoding(): void {
    while (!this.eof && this.rawRead - this.rawPos < 3) {
      const before = this.rawRead;
      this.readRaw();
      if (this.rawRead === before && !this.eof) break;
    }
    const b = this.raw;
    const p = this.rawPos;
    const avail = this.rawRead - p;
    if (avail >= 2 && b[p] === 0xff && b[p + 1] === 0xfe) {
      this.encoding = 'utf16le';
      this.rawPos += 2;
    } else if (avail >= 2 && b[p] === 0xfe && b[p + 1] === 0xff) {
      this.encoding = 'utf16be';
      this.rawPos += 2;
    } else if (avail >= 3 && b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) {
      this.encoding = 'utf8';
      this.rawPos += 3;
    } else {
      this.encoding = 'utf8';
    }
  }

  private fail(problem: string): never {
    throw new YamlSyntaxError('reader', problem, undefined);
  }

  private decode(): void {
    const b = this.raw;
    if (this.text !== undefined) {
      // Every byte is a character that passes all the checks below.
      this.chars.set(b.subarray(this.rawPos, this.rawRead), this.length);
      this.length += this.rawRead - this.rawPos;
      this.rawPos = this.rawRead;
      return;
    }
    const utf8 = this.encoding === 'utf8';
    while (this.rawPos !== this.rawRead) {
      const p = this.rawPos;
      if (utf8) {
        // Printable ASCII, tabs and line breaks stand for themselves and need none of the checks below.
        const octet = b[p]!;
        if ((octet >= 0x20 && octet <= 0x7e) || octet === LF || octet === TAB || octet === CR) {
          this.chars[this.length++] = octet;
          this.rawPos = p + 1;
          continue;
        }
      }
      const unread = this.rawRead - this.rawPos;
      let value: number;
      let width: number;
      if (this.encoding === 'utf8') {
        const octet = b[p]!;
        if ((octet & 0x80) === 0) width = 1;
        else if ((octet & 0xe0) === 0xc0) width = 2;
        else if ((octet & 0xf0) === 0xe0) width = 3;
        else if ((octet & 0xf8) === 0xf0) width = 4;
        else this.fail('invalid leading UTF-8 octet');
        if (width > unread) {
          if (this.eof) this.fail('incomplete UTF-8 octet sequence');
          return;
        }
        value = width === 1 ? octet & 0x7f : width === 2 ? octet & 0x1f : width === 3 ? octet & 0x0f : octet & 0x07;
        for (let k = 1; k < width; k++) {
          const o = b[p + k]!;
          if ((o & 0xc0) !== 0x80) this.fail('invalid trailing UTF-8 octet');
          value = (value << 6) + (o & 0x3f);
        }
        if (
          !(
            width === 1 ||
            (width === 2 && value >= 0x80) ||
            (width === 3 && value >= 0x800) ||
            (width === 4 && value >= 0x10000)
          )
        ) {
          this.fail('invalid length of a UTF-8 sequence');
        }
        if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) this.fail('invalid Unicode character');
      } else {
        const [lo, hi] = this.encoding === 'utf16le' ? [0, 1] : [1, 0];
        if (unread < 2) {
          if (this.eof) this.fail('incomplete UTF-16 character');
          return;
        }
        value = b[p + lo]! + (b[p + hi]! << 8);
        if ((value & 0xfc00) === 0xdc00) this.fail('unexpected low surrogate area');
        if ((value & 0xfc00) === 0xd800) {
          width = 4;
          if (unread < 4) {
            if (this.eof) this.fail('incomplete UTF-16 surrogate pair');
            return;
          }
          const value2 = b[p + lo + 2]! + (b[p + hi + 2]! << 8);
          if ((value2 & 0xfc00) !== 0xdc00) this.fail('expected low surrogate area');
          value = 0x10000 + ((value & 0x3ff) << 10) + (value2 & 0x3ff);
        } else {
          width = 2;
        }
      }
      if (
        !(
          value === TAB ||
          value === LF ||
          value === CR ||
          (value >= 0x20 && value <= 0x7e) ||
          value === NEL ||
          (value >= 0xa0 && value <= 0xd7ff) ||
          (value >= 0xe000 && value <= 0xfffd) ||
          (value >= 0x10000 && value <= 0x10ffff)
        )
      ) {
        this.fail('control characters are not allowed');
      }
      this.rawPos += width;
      this.chars[this.length++] = value;
    }
  }
}

/** Builds token text from characters (and raw bytes, which only %-escapes in tags produce). */
class TextBuilder {
  private text = '';
  // UTF-16 code units not yet turned into a string: String.fromCharCode over a run of them is far cheaper than a
  // string per character or String.fromCodePoint.
  private pending: number[] = [];
  push(c: number): void {
    if (c < 0x10000) {
      this.pending.push(c);
    } else {
      this.pending.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
    }
    if (this.pending.length >= 4096) this.flush();
  }
  pushAll(cs: readonly number[]): void {
    for (let i = 0; i < cs.length; i++) this.push(cs[i]!);
  }
  /** Adds characters `from` to `to` (exclusive) of a character buffer. */
  pushRun(chars: Uint32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (chars[i]! >= 0x10000) {
        for (let k = from; k < to; k++) this.push(chars[k]!);
        return;
      }
    }
    this.flush();
    for (let i = from; i < to; i += 4096) {
      const run = chars.subarray(i, Math.min(to, i + 4096));
      this.text += String.fromCharCode.apply(null, run as unknown as number[]);
    }
  }
  pushString(s: string): void {
    this.flush();
    this.text += s;
  }
  private flush(): void {
    if (this.pending.length > 0) {
      this.text += String.fromCharCode.apply(null, this.pending);
      this.pending.length = 0;
    }
  }
  /** Zero when nothing was added (otherwise a count that only tells it apart from zero). */
  get length(): number {
    return this.text.length + this.pending.length;
  }
  toString(): string {
    this.flush();
    return this.text;
  }
}

/** yaml.v3's scanner: `next()` hands out tokens, keeping its lookahead queue as yaml.v3 does. */
export class Scanner {
  private readonly r: Reader;
  private mark = { index: 0, line: 0, column: 0 };
  private readonly tokens: Token[] = [];
  private head = 0;
  private tokensParsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  private streamEndProduced = false;
  private flowLevel = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private readonly simpleKeysByTok = new Map<number, number>();
  private newlines = 0;
  private readonly comments: CommentRecord[] = [];
  private commentsHead = 0;
  /**
   * The comments gathered for the next event, as yaml.v3's parser keeps them. Nothing here needs their text, but
   * yaml.v3's parser behaves differently when a head comment is pending (see `EventParser.splitStemComment`).
   */
  headComment = '';
  lineComment = '';
  footComment = '';
  stemComment = '';

  constructor(input: Uint8Array) {
    this.r = new Reader(input);
  }

  /** The next token without consuming it (yaml.v3's `peek_token`), gathering the comments before it. */
  peek(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    const token = this.tokens[this.head]!;
    this.unfoldComments(token);
    return token;
  }

  private unfoldComments(token: Token): void {
    while (
      this.commentsHead < this.comments.length &&
      token.start.index >= this.comments[this.commentsHead]!.tokenMark.index
    ) {
      const c = this.comments[this.commentsHead]!;
      if (c.head.length > 0) {
        // No head comment on an end: it waits for the token that follows.
        if (token.type === 'BLOCK-END') break;
        this.headComment = this.headComment.length > 0 ? `${this.headComment}\n${c.head}` : c.head;
      }
      if (c.foot.length > 0) this.footComment = this.footComment.length > 0 ? `${this.footComment}\n${c.foot}` : c.foot;
      if (c.line.length > 0) this.lineComment = this.lineComment.length > 0 ? `${this.lineComment}\n${c.line}` : c.line;
      this.comments[this.commentsHead] = emptyComment();
      this.commentsHead++;
    }
  }

  /** Consumes the token `peek` returned (yaml.v3's `skip_token`). */
  skip(): void {
    this.tokenAvailable = false;
    this.tokensParsed++;
    this.streamEndProduced = this.tokens[this.head]!.type === 'STREAM-END';
    this.head++;
    if (this.head > 1024) {
      // Drop consumed tokens; positions in the queue are relative to the head, so nothing else changes.
      this.tokens.splice(0, this.head);
      this.head = 0;
    }
  }

  get ended(): boolean {
    return this.streamEndProduced;
  }

  // --- character access ---

  private c(k = 0): number {
    return this.r.at(k);
  }

  private need(n: number): void {
    this.r.need(n);
  }

  private here(): Mark {
    return { index: this.mark.index, line: this.mark.line, column: this.mark.column };
  }

  private advance(): void {
    if (!isBlank(this.c())) this.newlines = 0;
    this.mark.index++;
    this.mark.column++;
    this.r.pos++;
  }

  private read(into: TextBuilder | number[]): void {
    if (Array.isArray(into)) into.push(this.c());
    else into.push(this.c());
    this.advance();
  }

  private skipLine(): void {
    const c = this.c();
    if (c === CR && this.c(1) === LF) {
      this.mark.index += 2;
      this.mark.column = 0;
      this.mark.line++;
      this.r.pos += 2;
      this.newlines++;
    } else if (isBreak(c)) {
      this.mark.index++;
      this.mark.column = 0;
      this.mark.line++;
      this.r.pos++;
      this.newlines++;
    }
  }

  private readLine(into: number[]): void {
    const c = this.c();
    if (c === CR && this.c(1) === LF) {
      into.push(LF);
      this.r.pos += 2;
      this.mark.index++;
    } else if (c === CR || c === LF || c === NEL) {
      into.push(LF);
      this.r.pos++;
    } else if (c === LS || c === PS) {
      into.push(c);
      this.r.pos++;
    } else {
      return;
    }
    this.mark.index++;
    this.mark.column = 0;
    this.mark.line++;
    this.newlines++;
  }

  private error(context: string, contextMark: Mark, problem: string): never {
    throw new YamlSyntaxError('scanner', problem, this.here(), context, contextMark);
  }

  // --- the token queue ---

  private insertToken(pos: number, token: Token): void {
    if (pos < 0) this.tokens.push(token);
    else this.tokens.splice(this.head + pos, 0, token);
  }

  private get lastToken(): Token | undefined {
    return this.tokens[this.tokens.length - 1];
  }

  private fetchMoreTokens(): void {
    for (;;) {
      // yaml.v3 keeps two tokens beyond the head queued (it needs them for comments), and more while the head
      // could still turn out to be a simple key.
      if (this.head < this.tokens.length - 2) {
        const idx = this.simpleKeysByTok.get(this.tokensParsed);
        if (idx === undefined) break;
        if (!this.simpleKeyIsValid(this.simpleKeys[idx]!)) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  private fetchNextToken(): void {
    this.need(1);
    if (!this.streamStartProduced) {
      this.fetchStreamStart();
      return;
    }
    const { index, line, column } = this.mark;
    this.scanToNextToken();
    // The scan mark is only needed for BLOCK-END tokens, which most tokens do not bring.
    if (this.flowLevel === 0 && this.indent > this.mark.column) {
      this.unrollIndent(this.mark.column, { index, line, column });
    }
    this.need(4);
    const c = this.c();
    if (c === NUL) {
      this.fetchStreamEnd();
      return;
    }
    if (this.mark.column === 0 && c === ch('%')) {
      this.fetchDirective();
      return;
    }
    if (this.mark.column === 0 && isBlankZ(this.c(3))) {
      if (c === ch('-') && this.c(1) === ch('-') && this.c(2) === ch('-')) {
        this.fetchDocumentIndicator('DOCUMENT-START');
        return;
      }
      if (c === ch('.') && this.c(1) === ch('.') && this.c(2) === ch('.')) {
        this.fetchDocumentIndicator('DOCUMENT-END');
        return;
      }
    }
    let commentMark = this.here();
    const last = this.lastToken;
    if (last && ((this.flowLevel === 0 && c === ch(':')) || (this.flowLevel > 0 && c === ch(',')))) {
      commentMark = last.start;
    }
    this.fetchContentToken(c);
    // A comment on the rest of the line belongs to the token just read; yaml.v3 eats it right away, which also
    // lets a tab stand before it where a tab would otherwise be an error.
    if (this.lastToken?.type !== 'BLOCK-ENTRY') this.scanLineComment(commentMark);
  }

  private fetchContentToken(c: number): void {
    const next = this.c(1);
    if (c === ch('[')) this.fetchFlowCollectionStart('FLOW-SEQUENCE-START');
    else if (c === ch('{')) this.fetchFlowCollectionStart('FLOW-MAPPING-START');
    else if (c === ch(']')) this.fetchFlowCollectionEnd('FLOW-SEQUENCE-END');
    else if (c === ch('}')) this.fetchFlowCollectionEnd('FLOW-MAPPING-END');
    else if (c === ch(',')) this.fetchFlowEntry();
    else if (c === ch('-') && isBlankZ(next)) this.fetchBlockEntry();
    else if (c === ch('?') && (this.flowLevel > 0 || isBlankZ(next))) this.fetchKey();
    else if (c === ch(':') && (this.flowLevel > 0 || isBlankZ(next))) this.fetchValue();
    else if (c === ch('*')) this.fetchAnchor('ALIAS');
    else if (c === ch('&')) this.fetchAnchor('ANCHOR');
    else if (c === ch('!')) this.fetchTag();
    else if (c === ch('|') && this.flowLevel === 0) this.fetchBlockScalar(true);
    else if (c === ch('>') && this.flowLevel === 0) this.fetchBlockScalar(false);
    else if (c === ch("'")) this.fetchFlowScalar(true);
    else if (c === ch('"')) this.fetchFlowScalar(false);
    else if (
      !(isBlankZ(c) || notPlainStart.has(c)) ||
      (c === ch('-') && !isBlank(next)) ||
      (this.flowLevel === 0 && (c === ch('?') || c === ch(':')) && !isBlankZ(next))
    ) {
      this.fetchPlainScalar();
    } else {
      this.error('while scanning for the next token', this.here(), 'found character that cannot start any token');
    }
  }

  // --- simple keys, indentation, flow levels ---

  private simpleKeyIsValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    // A simple key is on one line and at most 1024 characters long.
    if (key.mark.line < this.mark.line || key.mark.index + 1024 < this.mark.index) {
      if (key.required) this.error('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.mark.column;
    if (!this.simpleKeyAllowed) return;
    const key: SimpleKey = {
      possible: true,
      required,
      tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
      mark: this.here(),
    };
    this.removeSimpleKey();
    this.simpleKeys[this.simpleKeys.length - 1] = key;
    this.simpleKeysByTok.set(key.tokenNumber, this.simpleKeys.length - 1);
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (key.possible) {
      if (key.required) this.error('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({
      possible: false,
      required: false,
      tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
      mark: this.here(),
    });
    this.flowLevel++;
    if (this.flowLevel > maxFlowLevel) {
      this.error(
        'while increasing flow level',
        this.simpleKeys[this.simpleKeys.length - 1]!.mark,
        `exceeded max depth of ${maxFlowLevel}`,
      );
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const last = this.simpleKeys.pop()!;
      this.simpleKeysByTok.delete(last.tokenNumber);
    }
  }

  private rollIndent(column: number, number: number, type: TokenType, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > maxIndents) {
        this.error(
          'while increasing indent level',
          this.simpleKeys[this.simpleKeys.length - 1]!.mark,
          `exceeded max depth of ${maxIndents}`,
        );
      }
      this.insertToken(number > -1 ? number - this.tokensParsed : -1, { type, start: mark, end: mark });
    }
  }

  private unrollIndent(column: number, scanMark: Mark): void {
    if (this.flowLevel > 0) return;
    // yaml.v3 moves these marks before trailing comments; nothing reads them, so the scan mark will do.
    const mark = { index: scanMark.index - 1, line: scanMark.line, column: scanMark.column };
    while (this.indent > column) {
      this.insertToken(-1, { type: 'BLOCK-END', start: mark, end: mark });
      this.indent = this.indents.pop()!;
    }
  }

  // --- token fetchers ---

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.here() });
    this.simpleKeyAllowed = true;
    this.streamStartProduced = true;
    const m = this.here();
    this.insertToken(-1, { type: 'STREAM-START', start: m, end: m });
  }

  private fetchStreamEnd(): void {
    if (this.mark.column !== 0) {
      this.mark.column = 0;
      this.mark.line++;
    }
    this.unrollIndent(-1, this.here());
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const m = this.here();
    this.insertToken(-1, { type: 'STREAM-END', start: m, end: m });
  }

  private fetchDirective(): void {
    this.unrollIndent(-1, this.here());
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: 'DOCUMENT-START' | 'DOCUMENT-END'): void {
    this.unrollIndent(-1, this.here());
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.advance();
    this.advance();
    this.advance();
    this.insertToken(-1, { type, start, end: this.here() });
  }

  private fetchFlowCollectionStart(type: 'FLOW-SEQUENCE-START' | 'FLOW-MAPPING-START'): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    this.single(type);
  }

  private fetchFlowCollectionEnd(type: 'FLOW-SEQUENCE-END' | 'FLOW-MAPPING-END'): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    this.single(type);
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.single('FLOW-ENTRY');
  }

  private single(type: TokenType): void {
    const start = this.here();
    this.advance();
    this.insertToken(-1, { type, start, end: this.here() });
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        this.error('', this.here(), 'block sequence entries are not allowed in this context');
      }
      this.rollIndent(this.mark.column, -1, 'BLOCK-SEQUENCE-START', this.here());
    }
    // In a flow collection the parser reports the '-', as it can say where.
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.single('BLOCK-ENTRY');
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.error('', this.here(), 'mapping keys are not allowed in this context');
      this.rollIndent(this.mark.column, -1, 'BLOCK-MAPPING-START', this.here());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    this.single('KEY');
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (this.simpleKeyIsValid(key)) {
      this.insertToken(key.tokenNumber - this.tokensParsed, { type: 'KEY', start: key.mark, end: key.mark });
      this.rollIndent(key.mark.column, key.tokenNumber, 'BLOCK-MAPPING-START', key.mark);
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.error('', this.here(), 'mapping values are not allowed in this context');
        this.rollIndent(this.mark.column, -1, 'BLOCK-MAPPING-START', this.here());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    this.single('VALUE');
  }

  private fetchAnchor(type: 'ALIAS' | 'ANCHOR'): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanAnchor(type));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insertToken(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanPlainScalar());
  }

  // --- whitespace and comments ---

  private scanToNextToken(): void {
    const { index, line, column } = this.mark;
    for (;;) {
      this.need(1);
      // yaml.v3 means to let a BOM start any line, but checks the start of its buffer: when that holds a BOM,
      // the first character of every line is skipped, whatever it is.
      if (this.mark.column === 0 && this.r.bomAtBufferStart()) this.advance();
      this.need(1);
      // Tabs are whitespace in flow context and after a token on the same line, not in block indentation.
      const tabs = this.flowLevel > 0 || !this.simpleKeyAllowed;
      this.skipBlankRun(tabs, Number.POSITIVE_INFINITY);
      while (this.c() === SPACE || (tabs && this.c() === TAB)) {
        this.advance();
        this.need(1);
      }
      // A line comment after a sequence's first "-" heads what follows instead.
      const comment = this.comments[this.comments.length - 1];
      if (comment && this.tokens.length > 1) {
        const a = this.tokens[this.tokens.length - 2]!;
        const b = this.tokens[this.tokens.length - 1]!;
        if (
          a.type === 'BLOCK-SEQUENCE-START' &&
          b.type === 'BLOCK-ENTRY' &&
          comment.line.length > 0 &&
          !isBreak(this.c())
        ) {
          comment.head = comment.line;
          comment.line = '';
          if (comment.startMark.line === this.mark.line - 1) comment.tokenMark = this.here();
        }
      }
      if (this.c() === ch('#')) this.scanComments({ index, line, column });
      if (isBreak(this.c())) {
        this.need(2);
        this.skipLine();
        if (this.flowLevel === 0) this.simpleKeyAllowed = true;
      } else {
        break;
      }
    }
  }

  /**
   * Eats the comment lines from here on, with the blank lines between them, and records them as yaml.v3 does:
   * as the foot of what came before or the head of what follows.
   */
  private scanComments(scanMark0: Mark): void {
    let scanMark = scanMark0;
    let token = this.tokens[this.tokens.length - 1]!;
    if (token.type === 'FLOW-ENTRY' && this.tokens.length > 1) token = this.tokens[this.tokens.length - 2]!;
    let tokenMark = token.start;
    let startMark = zeroMark;
    let nextIndent = Math.max(this.indent, 0);
    let recentEmpty = false;
    let firstEmpty = this.newlines <= 1;
    let line = this.mark.line;
    let column = this.mark.column;
    let text = '';
    let footLine = -1;
    if (scanMark.line > 0) {
      footLine = this.mark.line - this.newlines + 1;
      if (this.newlines === 0 && this.mark.column > 1) footLine++;
    }
    const foot = (peek: number): void => {
      const at = { index: this.mark.index + peek, line, column };
      this.comments.push({ scanMark, tokenMark, startMark, endMark: at, head: '', line: '', foot: text });
      scanMark = at;
      tokenMark = at;
      text = '';
    };
    let peek = 0;
    for (; peek < 512; peek++) {
      this.need(peek + 1);
      column++;
      const c = this.c(peek);
      if (isBlank(c)) continue;
      const closeFlow = this.flowLevel > 0 && (c === ch(']') || c === ch('}'));
      if (closeFlow || isBreakZ(c)) {
        if (closeFlow || !recentEmpty) {
          if (
            closeFlow ||
            (firstEmpty &&
              ((startMark.line === footLine && token.type !== 'VALUE') || startMark.column - 1 < nextIndent))
          ) {
            // The comment right after content, before any empty line, is the foot of that content.
            if (text.length > 0) {
              if (startMark.column - 1 < nextIndent) tokenMark = startMark;
              foot(peek);
            }
          } else if (text.length > 0 && c !== NUL) {
            text += '\n';
          }
        }
        if (!isBreak(c)) break;
        firstEmpty = false;
        recentEmpty = true;
        column = 0;
        line++;
        continue;
      }
      if (text.length > 0 && (closeFlow || (column - 1 < nextIndent && column !== startMark.column))) foot(peek);
      if (c !== ch('#')) break;
      if (text.length === 0) startMark = { index: this.mark.index + peek, line, column };
      else text += '\n';
      recentEmpty = false;
      text += this.consumeThroughComment(this.mark.index + peek).text;
      // yaml.v3 restarts its lookahead one past the line break that ends the comment.
      peek = 0;
      column = 0;
      line = this.mark.line;
      nextIndent = Math.max(this.indent, 0);
    }
    if (text.length > 0) {
      this.comments.push({
        scanMark,
        tokenMark: startMark,
        startMark,
        endMark: { index: this.mark.index + peek - 1, line, column },
        head: text,
        line: '',
        foot: '',
      });
    }
  }

  /** Eats (and records) a comment on the rest of the current line, if there is one. */
  private scanLineComment(tokenMark: Mark): void {
    if (this.newlines > 0) return;
    for (let peek = 0; peek < 512; peek++) {
      this.need(peek + 1);
      const c = this.c(peek);
      if (isBlank(c)) continue;
      if (c === ch('#')) {
        const { text, startMark } = this.consumeThroughComment(this.mark.index + peek);
        if (startMark !== undefined) this.comments.push({ ...emptyComment(), tokenMark, startMark, line: text });
      }
      break;
    }
  }

  /**
   * Skips to the comment at character index `seen` and reads it to the end of its line: its text, and where that
   * text starts (undefined when it is empty).
   */
  private consumeThroughComment(seen: number): { text: string; startMark: Mark | undefined } {
    let text = '';
    let startMark: Mark | undefined;
    for (;;) {
      this.need(1);
      if (isBreakZ(this.c())) {
        if (this.mark.index >= seen) break;
        this.need(2);
        this.skipLine();
      } else {
        if (this.mark.index >= seen) {
          startMark ??= this.here();
          text += String.fromCodePoint(this.c());
        }
        this.advance();
      }
    }
    return { text, startMark };
  }

  // --- directives ---

  private scanDirective(): Token {
    const start = this.here();
    this.advance();
    const name = this.scanDirectiveName(start);
    let token: Token;
    if (name === 'YAML') {
      const [major, minor] = this.scanVersionDirectiveValue(start);
      token = { type: 'VERSION-DIRECTIVE', start, end: this.here(), major, minor };
    } else if (name === 'TAG') {
      const [handle, prefix] = this.scanTagDirectiveValue(start);
      token = { type: 'TAG-DIRECTIVE', start, end: this.here(), value: handle, prefix };
    } else {
      this.error('while scanning a directive', start, 'found unknown directive name');
    }
    this.need(1);
    while (isBlank(this.c())) {
      this.advance();
      this.need(1);
    }
    if (this.c() === ch('#')) {
      while (!isBreakZ(this.c())) {
        this.advance();
        this.need(1);
      }
    }
    if (!isBreakZ(this.c())) {
      this.error('while scanning a directive', start, 'did not find expected comment or line break');
    }
    if (isBreak(this.c())) {
      this.need(2);
      this.skipLine();
    }
    return token;
  }

  private scanDirectiveName(start: Mark): string {
    this.need(1);
    const s: number[] = [];
    while (isAlpha(this.c())) {
      this.read(s);
      this.need(1);
    }
    if (s.length === 0) this.error('while scanning a directive', start, 'could not find expected directive name');
    if (!isBlankZ(this.c())) {
      this.error('while scanning a directive', start, 'found unexpected non-alphabetical character');
    }
    return String.fromCodePoint(...s);
  }

  private scanVersionDirectiveValue(start: Mark): [number, number] {
    this.need(1);
    while (isBlank(this.c())) {
      this.advance();
      this.need(1);
    }
    const major = this.scanVersionDirectiveNumber(start);
    if (this.c() !== ch('.')) {
      this.error('while scanning a %YAML directive', start, "did not find expected digit or '.' character");
    }
    this.advance();
    const minor = this.scanVersionDirectiveNumber(start);
    return [major, minor];
  }

  private scanVersionDirectiveNumber(start: Mark): number {
    this.need(1);
    let value = 0;
    let length = 0;
    while (isDigit(this.c())) {
      length++;
      if (length > 2) this.error('while scanning a %YAML directive', start, 'found extremely long version number');
      value = value * 10 + (this.c() - 0x30);
      this.advance();
      this.need(1);
    }
    if (length === 0) this.error('while scanning a %YAML directive', start, 'did not find expected version number');
    return value;
  }

  private scanTagDirectiveValue(start: Mark): [string, string] {
    this.need(1);
    while (isBlank(this.c())) {
      this.advance();
      this.need(1);
    }
    const handle = this.scanTagHandle(true, start);
    this.need(1);
    if (!isBlank(this.c())) this.error('while scanning a %TAG directive', start, 'did not find expected whitespace');
    while (isBlank(this.c())) {
      this.advance();
      this.need(1);
    }
    const prefix = this.scanTagUri(true, '', start);
    this.need(1);
    if (!isBlankZ(this.c())) {
      this.error('while scanning a %TAG directive', start, 'did not find expected whitespace or line break');
    }
    return [handle, prefix];
  }

  // --- anchors and tags ---

  private scanAnchor(type: 'ALIAS' | 'ANCHOR'): Token {
    const start = this.here();
    this.advance();
    this.need(1);
    const s: number[] = [];
    while (isAlpha(this.c())) {
      this.read(s);
      this.need(1);
    }
    const end = this.here();
    const c = this.c();
    if (s.length === 0 || !(isBlankZ(c) || anchorEnd.has(c))) {
      this.error(
        type === 'ANCHOR' ? 'while scanning an anchor' : 'while scanning an alias',
        start,
        'did not find expected alphabetic or numeric character',
      );
    }
    return { type, start, end, value: String.fromCodePoint(...s) };
  }

  private scanTag(): Token {
    const start = this.here();
    this.need(2);
    let handle: string;
    let suffix: string;
    if (this.c(1) === ch('<')) {
      handle = '';
      this.advance();
      this.advance();
      suffix = this.scanTagUri(false, '', start);
      if (this.c() !== ch('>')) this.error('while scanning a tag', start, "did not find the expected '>'");
      this.advance();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle.startsWith('!') && handle.endsWith('!')) {
        suffix = this.scanTagUri(false, '', start);
      } else {
        suffix = this.scanTagUri(false, handle, start);
        handle = '!';
        // A lone '!' is the non-specific tag: handle '' and suffix '!'.
        if (suffix.length === 0) [handle, suffix] = [suffix, handle];
      }
    }
    this.need(1);
    if (!isBlankZ(this.c()))
      this.error('while scanning a tag', start, 'did not find expected whitespace or line break');
    return { type: 'TAG', start, end: this.here(), value: handle, suffix };
  }

  private tagError(directive: boolean, start: Mark, problem: string): never {
    this.error(directive ? 'while parsing a %TAG directive' : 'while parsing a tag', start, problem);
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    this.need(1);
    if (this.c() !== ch('!')) this.tagError(directive, start, "did not find expected '!'");
    const s: number[] = [];
    this.read(s);
    this.need(1);
    while (isAlpha(this.c())) {
      this.read(s);
      this.need(1);
    }
    if (this.c() === ch('!')) {
      this.read(s);
    } else if (directive && !(s.length === 1 && s[0] === ch('!'))) {
      this.tagError(directive, start, "did not find expected '!'");
    }
    return String.fromCodePoint(...s);
  }

  private scanTagUri(directive: boolean, head: string, start: Mark): string {
    const bytes: number[] = [];
    let hasTag = head.length > 0;
    // The head's leading '!' is not part of the URI.
    for (const b of new TextEncoder().encode(head.slice(1))) bytes.push(b);
    this.need(1);
    for (;;) {
      const c = this.c();
      if (!(isAlpha(c) || uriChars.has(c))) break;
      if (c === ch('%')) this.scanUriEscapes(directive, start, bytes);
      else {
        for (const b of new TextEncoder().encode(String.fromCodePoint(c))) bytes.push(b);
        this.advance();
      }
      this.need(1);
      hasTag = true;
    }
    if (!hasTag) this.tagError(directive, start, 'did not find expected tag URI');
    return goStringFromBytes(Uint8Array.from(bytes));
  }

  private scanUriEscapes(directive: boolean, start: Mark, bytes: number[]): void {
    let w = 1024;
    while (w > 0) {
      this.need(3);
      if (!(this.c() === ch('%') && isHex(this.c(1)) && isHex(this.c(2)))) {
        this.tagError(directive, start, 'did not find URI escaped octet');
      }
      const octet = (hexValue(this.c(1)) << 4) + hexValue(this.c(2));
      if (w === 1024) {
        w =
          (octet & 0x80) === 0
            ? 1
            : (octet & 0xe0) === 0xc0
              ? 2
              : (octet & 0xf0) === 0xe0
                ? 3
                : (octet & 0xf8) === 0xf0
                  ? 4
                  : 0;
        if (w === 0) this.tagError(directive, start, 'found an incorrect leading UTF-8 octet');
      } else if ((octet & 0xc0) !== 0x80) {
        this.tagError(directive, start, 'found an incorrect trailing UTF-8 octet');
      }
      bytes.push(octet);
      this.advance();
      this.advance();
      this.advance();
      w--;
    }
  }

  // --- scalars ---

  private scanBlockScalar(literal: boolean): Token {
    const start = this.here();
    this.advance();
    this.need(1);
    let chomping = 0;
    let increment = 0;
    const chompOf = (c: number): number => (c === ch('+') ? 1 : -1);
    if (this.c() === ch('+') || this.c() === ch('-')) {
      chomping = chompOf(this.c());
      this.advance();
      this.need(1);
      if (isDigit(this.c())) {
        if (this.c() === ch('0')) {
          this.error('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
        }
        increment = this.c() - 0x30;
        this.advance();
      }
    } else if (isDigit(this.c())) {
      if (this.c() === ch('0')) {
        this.error('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
      }
      increment = this.c() - 0x30;
      this.advance();
      this.need(1);
      if (this.c() === ch('+') || this.c() === ch('-')) {
        chomping = chompOf(this.c());
        this.advance();
      }
    }
    this.need(1);
    while (isBlank(this.c())) {
      this.advance();
      this.need(1);
    }
    if (this.c() === ch('#')) {
      this.scanLineComment(start);
      while (!isBreakZ(this.c())) {
        this.advance();
        this.need(1);
      }
    }
    if (!isBreakZ(this.c())) {
      this.error('while scanning a block scalar', start, 'did not find expected comment or line break');
    }
    if (isBreak(this.c())) {
      this.need(2);
      this.skipLine();
    }
    let end = this.here();
    let indent = 0;
    if (increment > 0) indent = this.indent >= 0 ? this.indent + increment : increment;
    const s = new TextBuilder();
    let leadingBreak: number[] = [];
    let trailingBreaks: number[] = [];
    const breaks = (): void => {
      const r = this.scanBlockScalarBreaks(indent, trailingBreaks, start);
      indent = r.indent;
      end = r.end;
    };
    breaks();
    this.need(1);
    let leadingBlank = false;
    while (this.mark.column === indent && this.c() !== NUL) {
      const trailingBlank = isBlank(this.c());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.length > 0 && leadingBreak[0] === LF) {
        if (trailingBreaks.length === 0) s.push(SPACE);
      } else {
        s.pushAll(leadingBreak);
      }
      leadingBreak = [];
      s.pushAll(trailingBreaks);
      trailingBreaks = [];
      leadingBlank = isBlank(this.c());
      while (!isBreakZ(this.c())) {
        if (this.readLineRun(s) === 0) {
          this.read(s);
          this.need(1);
        }
      }
      this.need(2);
      this.readLine(leadingBreak);
      breaks();
    }
    if (chomping !== -1) s.pushAll(leadingBreak);
    if (chomping === 1) s.pushAll(trailingBreaks);
    return { type: 'SCALAR', start, end, value: s.toString(), style: literal ? 'literal' : 'folded' };
  }

  private scanBlockScalarBreaks(indentIn: number, breaks: number[], start: Mark): { indent: number; end: Mark } {
    let indent = indentIn;
    let end = this.here();
    let maxIndent = 0;
    for (;;) {
      this.need(1);
      this.skipBlankRun(false, indent === 0 ? Number.POSITIVE_INFINITY : indent);
      while ((indent === 0 || this.mark.column < indent) && this.c() === SPACE) {
        this.advance();
        this.need(1);
      }
      if (this.mark.column > maxIndent) maxIndent = this.mark.column;
      if ((indent === 0 || this.mark.column < indent) && this.c() === TAB) {
        this.error(
          'while scanning a block scalar',
          start,
          'found a tab character where an indentation space is expected',
        );
      }
      if (!isBreak(this.c())) break;
      this.need(2);
      this.readLine(breaks);
      end = this.here();
    }
    if (indent === 0) {
      indent = maxIndent;
      if (indent < this.indent + 1) indent = this.indent + 1;
      if (indent < 1) indent = 1;
    }
    return { indent, end };
  }

  private scanFlowScalar(single: boolean): Token {
    const start = this.here();
    this.advance();
    const s = new TextBuilder();
    let leadingBreak: number[] = [];
    let trailingBreaks: number[] = [];
    let whitespaces: number[] = [];
    for (;;) {
      this.need(4);
      if (
        this.mark.column === 0 &&
        ((this.c() === ch('-') && this.c(1) === ch('-') && this.c(2) === ch('-')) ||
          (this.c() === ch('.') && this.c(1) === ch('.') && this.c(2) === ch('.'))) &&
        isBlankZ(this.c(3))
      ) {
        this.error('while scanning a quoted scalar', start, 'found unexpected document indicator');
      }
      if (this.c() === NUL) this.error('while scanning a quoted scalar', start, 'found unexpected end of stream');
      let leadingBlanks = false;
      while (!isBlankZ(this.c())) {
        const c = this.c();
        if (single && c === ch("'") && this.c(1) === ch("'")) {
          s.push(ch("'"));
          this.advance();
          this.advance();
        } else if (single && c === ch("'")) {
          break;
        } else if (!single && c === ch('"')) {
          break;
        } else if (!single && c === ch('\\') && isBreak(this.c(1))) {
          this.need(3);
          this.advance();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === ch('\\')) {
          this.scanEscape(s, start);
        } else {
          this.read(s);
        }
        this.need(2);
      }
      this.need(1);
      if (this.c() === ch(single ? "'" : '"')) break;
      while (isBlank(this.c()) || isBreak(this.c())) {
        if (isBlank(this.c())) {
          if (!leadingBlanks) this.read(whitespaces);
          else this.advance();
        } else {
          this.need(2);
          if (!leadingBlanks) {
            whitespaces = [];
            this.readLine(leadingBreak);
            leadingBlanks = true;
          } else {
            this.readLine(trailingBreaks);
          }
        }
        this.need(1);
      }
      if (leadingBlanks) {
        if (leadingBreak.length > 0 && leadingBreak[0] === LF) {
          if (trailingBreaks.length === 0) s.push(SPACE);
          else s.pushAll(trailingBreaks);
        } else {
          s.pushAll(leadingBreak);
          s.pushAll(trailingBreaks);
        }
        trailingBreaks = [];
        leadingBreak = [];
      } else {
        s.pushAll(whitespaces);
        whitespaces = [];
      }
    }
    this.advance();
    return { type: 'SCALAR', start, end: this.here(), value: s.toString(), style: single ? 'single' : 'double' };
  }

  private scanEscape(s: TextBuilder, start: Mark): void {
    let codeLength = 0;
    const simple: Record<string, number> = {
      '0': 0,
      a: 0x07,
      b: 0x08,
      t: 0x09,
      '\t': 0x09,
      n: 0x0a,
      v: 0x0b,
      f: 0x0c,
      r: 0x0d,
      e: 0x1b,
      ' ': 0x20,
      '"': 0x22,
      "'": 0x27,
      '\\': 0x5c,
      N: 0x85,
      _: 0xa0,
      L: 0x2028,
      P: 0x2029,
    };
    const e = String.fromCodePoint(this.c(1));
    const value = simple[e];
    if (value !== undefined) s.push(value);
    else if (e === 'x') codeLength = 2;
    else if (e === 'u') codeLength = 4;
    else if (e === 'U') codeLength = 8;
    else this.error('while parsing a quoted scalar', start, 'found unknown escape character');
    this.advance();
    this.advance();
    if (codeLength === 0) return;
    this.need(codeLength);
    let code = 0;
    for (let k = 0; k < codeLength; k++) {
      if (!isHex(this.c(k)))
        this.error('while parsing a quoted scalar', start, 'did not find expected hexdecimal number');
      code = code * 16 + hexValue(this.c(k));
    }
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      this.error('while parsing a quoted scalar', start, 'found invalid Unicode character escape code');
    }
    s.push(code);
    for (let k = 0; k < codeLength; k++) this.advance();
  }

  // Fast paths for the long runs of ordinary characters in scalars. Each reads at once the characters that the loop
  // it stands in for would read one by one, with the same marks and the same `newlines`, and stops where that loop
  // would next have to decode input in `need` (so decoding, and its errors, happen exactly where they did).

  /**
   * Spaces (and tabs, when `tabs`) from here, up to column `column`: what `advance` then `need(1)` would skip in
   * turn (blanks leave newlines as they are).
   */
  private skipBlankRun(tabs: boolean, column: number): void {
    const r = this.r;
    const chars = r.chars;
    const from = r.pos;
    // need(1) after position p decodes nothing while p + 2 <= length.
    const limit = Math.min(r.length - 1, from + (column - this.mark.column));
    let p = from;
    while (p < limit) {
      const c = chars[p]!;
      if (c !== SPACE && !(tabs && c === TAB)) break;
      p++;
    }
    this.mark.index += p - from;
    this.mark.column += p - from;
    r.pos = p;
  }

  /** A plain scalar's word from here: what `read` then `need(2)` would take in turn. Returns how many it read. */
  private readPlainRun(s: TextBuilder): number {
    const r = this.r;
    const chars = r.chars;
    const from = r.pos;
    // need(2) after reading position p decodes nothing while p + 3 <= length.
    const limit = r.length - 2;
    const flow = this.flowLevel > 0;
    let p = from;
    while (p < limit) {
      const c = chars[p]!;
      if (c === SPACE || c === TAB || c === LF || c === CR || c === NUL || c === NEL || c === LS || c === PS) break;
      if (c === COLON && isBlankZ(chars[p + 1]!)) break;
      if (flow && (c === COMMA || c === QUESTION || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d)) break;
      p++;
    }
    if (p === from) return 0;
    if (r.text !== undefined) s.pushString(r.text.slice(from, p));
    else s.pushRun(chars, from, p);
    // None of these characters is blank, so `advance` would have zeroed newlines.
    this.newlines = 0;
    this.mark.index += p - from;
    this.mark.column += p - from;
    r.pos = p;
    return p - from;
  }

  /** A block scalar's line up to its break: what `read` then `need(1)` would take in turn. Returns how many. */
  private readLineRun(s: TextBuilder): number {
    const r = this.r;
    const chars = r.chars;
    const from = r.pos;
    // need(1) after reading position p decodes nothing while p + 2 <= length.
    const limit = r.length - 1;
    let p = from;
    let blanksOnly = true;
    while (p < limit) {
      const c = chars[p]!;
      if (c === LF || c === CR || c === NUL || c === NEL || c === LS || c === PS) break;
      if (c !== SPACE && c !== TAB) blanksOnly = false;
      p++;
    }
    if (p === from) return 0;
    if (r.text !== undefined) s.pushString(r.text.slice(from, p));
    else s.pushRun(chars, from, p);
    if (!blanksOnly) this.newlines = 0;
    this.mark.index += p - from;
    this.mark.column += p - from;
    r.pos = p;
    return p - from;
  }

  private scanPlainScalar(): Token {
    const s = new TextBuilder();
    let leadingBreak: number[] = [];
    let trailingBreaks: number[] = [];
    let whitespaces: number[] = [];
    let leadingBlanks = false;
    const indent = this.indent + 1;
    const start = this.here();
    let end = this.here();
    for (;;) {
      this.need(4);
      if (
        this.mark.column === 0 &&
        ((this.c() === ch('-') && this.c(1) === ch('-') && this.c(2) === ch('-')) ||
          (this.c() === ch('.') && this.c(1) === ch('.') && this.c(2) === ch('.'))) &&
        isBlankZ(this.c(3))
      ) {
        break;
      }
      if (this.c() === ch('#')) break;
      while (!isBlankZ(this.c())) {
        const c = this.c();
        if (
          (c === ch(':') && isBlankZ(this.c(1))) ||
          (this.flowLevel > 0 &&
            (c === ch(',') || c === ch('?') || c === ch('[') || c === ch(']') || c === ch('{') || c === ch('}')))
        ) {
          break;
        }
        if (leadingBlanks || whitespaces.length > 0) {
          if (leadingBlanks) {
            if (leadingBreak[0] === LF) {
              if (trailingBreaks.length === 0) s.push(SPACE);
              else s.pushAll(trailingBreaks);
            } else {
              s.pushAll(leadingBreak);
              s.pushAll(trailingBreaks);
            }
            trailingBreaks = [];
            leadingBreak = [];
            leadingBlanks = false;
          } else {
            s.pushAll(whitespaces);
            whitespaces = [];
          }
        }
        if (this.readPlainRun(s) === 0) {
          this.read(s);
          this.need(2);
        }
        end = this.here();
      }
      if (!(isBlank(this.c()) || isBreak(this.c()))) break;
      this.need(1);
      while (isBlank(this.c()) || isBreak(this.c())) {
        if (isBlank(this.c())) {
          if (leadingBlanks && this.mark.column < indent && this.c() === TAB) {
            this.error('while scanning a plain scalar', start, 'found a tab character that violates indentation');
          }
          if (!leadingBlanks) this.read(whitespaces);
          else this.advance();
        } else {
          this.need(2);
          if (!leadingBlanks) {
            whitespaces = [];
            this.readLine(leadingBreak);
            leadingBlanks = true;
          } else {
            this.readLine(trailingBreaks);
          }
        }
        this.need(1);
      }
      if (this.flowLevel === 0 && this.mark.column < indent) break;
    }
    // A plain scalar that ran over line breaks leaves the scanner at the start of a line, where a key may begin.
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return { type: 'SCALAR', start, end, value: s.toString(), style: 'plain' };
  }
}
