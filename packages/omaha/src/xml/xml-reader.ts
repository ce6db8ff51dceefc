import { isAscii } from 'node:buffer';
import { fail, type OmahaErrorCode, type OmahaResult } from '../omaha-error.js';

/**
 * An element's attributes in document order. Elements carry a few dozen at most (the reader's limit is 64), where a
 * linear search over the names costs less than hashing every name into a Map.
 */
export class XmlAttributes implements Iterable<[string, string]> {
  /** Names and values in turn. */
  private readonly pairs: string[] = [];

  get size(): number {
    return this.pairs.length >>> 1;
  }

  get(name: string): string | undefined {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === name) return pairs[i + 1];
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Adds an attribute the document has not named yet (the reader checks). */
  add(name: string, value: string): void {
    this.pairs.push(name, value);
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this.pairs.length; i += 2) yield [this.pairs[i]!, this.pairs[i + 1]!];
  }
}

/** One element of a read document: its name, its attributes in document order, and its child elements. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Omit<XmlAttributes, 'add'>;
  readonly children: readonly XmlElement[];
  /** Offset of the `<` in the decoded text; `lineColumn` turns it into a position for messages. */
  readonly offset: number;
}

/** A read document: the root element and the text it came from (for positions in messages). */
export interface XmlDocument {
  readonly root: XmlElement;
  readonly source: string;
}

/** Bounds that keep a hostile document from costing more than a small, fixed amount of time and memory. */
export interface XmlLimits {
  /** Largest document in bytes (UTF-8); larger ones fail with `XML_TOO_LARGE` before any parsing. */
  readonly maxBytes: number;
  /** Deepest element nesting; the root is at depth 1. */
  readonly maxDepth: number;
  /** Most attributes on one element. */
  readonly maxAttributes: number;
  /** Most elements in the whole document. */
  readonly maxElements: number;
}

/** The size limit Nebraska applies to Omaha requests (64 KiB), and bounds far above what update_engine sends. */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 64 * 1024,
  maxDepth: 32,
  maxAttributes: 64,
  maxElements: 4096,
};

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text of UTF-8 bytes (a byte order mark kept as U+FEFF), or undefined when they are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  // Update checks are ASCII, which Buffer reads without TextDecoder's checks.
  if (isAscii(bytes)) {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return buffer.toString('latin1');
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

// Character codes used by the scanner.
const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const HASH = 0x23;
const DASH = 0x2d;
const RBRACKET = 0x5d;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** The XML declaration nearly every client sends, taken whole without reading it piece by piece. */
const USUAL_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

class XmlFailure {
  constructor(
    readonly code: OmahaErrorCode,
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** Turns an offset in `source` into a 1-based line and column. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Reads a small XML 1.0 document strictly: UTF-8 only, no DOCTYPE or other markup declaration (so no entity can
 * ever expand), only the five predefined entities and character references, and every limit checked as it goes.
 * Comments, processing instructions and character data are checked for well-formedness and then dropped: Omaha
 * carries everything in elements and attributes.
 */
export function readXml(input: string | Uint8Array, limits: Partial<XmlLimits> = {}): OmahaResult<XmlDocument> {
  const bounds: XmlLimits = { ...DEFAULT_XML_LIMITS, ...limits };
  let source: string;
  if (typeof input === 'string') {
    // A string never has more code units than its UTF-8 encoding has bytes, so the cheap test comes first.
    if (input.length > bounds.maxBytes || Buffer.byteLength(input, 'utf8') > bounds.maxBytes) {
      return tooLarge(bounds.maxBytes);
    }
    source = input;
  } else {
    if (input.byteLength > bounds.maxBytes) return tooLarge(bounds.maxBytes);
    const decoded = decodeUtf8(input);
    if (decoded === undefined) return fail('XML_MALFORMED', 'The document is not valid UTF-8');
    source = decoded;
  }
  try {
    const root = new Reader(source, bounds).document();
    return { ok: true, value: { root, source } };
  } catch (error) {
    if (error instanceof XmlFailure) {
      return fail(error.code, error.message, lineColumn(source, error.offset));
    }
    throw error;
  }
}

function tooLarge(maxBytes: number): OmahaResult<XmlDocument> {
  return fail('XML_TOO_LARGE', `The document is larger than ${maxBytes} bytes`);
}

interface OpenElement {
  readonly name: string;
  readonly children: XmlElement[];
}

class Reader {
  private pos = 0;
  private elements = 0;

  constructor(
    private readonly src: string,
    private readonly limits: XmlLimits,
  ) {}

  document(): XmlElement {
    const src = this.src;
    // The decoder keeps a byte order mark as U+FEFF; it may only stand first.
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (this.startsWith(USUAL_XML_DECLARATION)) this.pos += USUAL_XML_DECLARATION.length;
    else if (this.startsWith('<?xml') && this.isWhitespaceAt(this.pos + 5)) this.xmlDeclaration();
    this.misc();
    if (this.pos >= src.length) this.fail('XML_MALFORMED', 'The document has no root element');
    if (src.charCodeAt(this.pos) !== LT) this.fail('XML_MALFORMED', 'Text before the root element');
    const root = this.elementTree();
    this.misc();
    if (this.pos < src.length) {
      this.fail('XML_MALFORMED', 'Content after the root element');
    }
    return root;
  }

  /** Whitespace, comments and processing instructions, as allowed around the root element. */
  private misc(): void {
    const src = this.src;
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= src.length) return;
      if (src.charCodeAt(this.pos) !== LT) return;
      const next = src.charCodeAt(this.pos + 1);
      if (next === QUESTION) this.processingInstruction();
      else if (next === BANG) {
        if (this.startsWith('<!--')) this.comment();
        else this.declaration();
      } else return;
    }
  }

  private xmlDeclaration(): void {
    const start = this.pos;
    this.pos += 5;
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.skipWhitespace();
      if (this.startsWith('?>')) {
        this.pos += 2;
        break;
      }
      if (!hadSpace || this.pos >= this.src.length) this.fail('XML_MALFORMED', 'Malformed XML declaration');
      const name = this.name();
      this.skipWhitespace();
      this.expect(EQUALS, 'Expected = in the XML declaration');
      this.skipWhitespace();
      const value = this.quotedLiteral();
      if (attributes.has(name)) this.fail('XML_MALFORMED', `Repeated ${name} in the XML declaration`);
      attributes.set(name, value);
    }
    const keys = [...attributes.keys()];
    const order = ['version', 'encoding', 'standalone'];
    let last = -1;
    for (const key of keys) {
      const index = order.indexOf(key);
      if (index <= last) this.failAt(start, 'XML_MALFORMED', 'Malformed XML declaration');
      last = index;
    }
    const version = attributes.get('version');
    if (version === undefined || !/^1\.[0-9]+$/.test(version)) {
      this.failAt(start, 'XML_MALFORMED', 'The XML declaration needs version="1.x"');
    }
    const encoding = attributes.get('encoding');
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      this.failAt(start, 'XML_MALFORMED', `Encoding ${encoding} is not supported: Omaha documents are UTF-8`);
    }
    const standalone = attributes.get('standalone');
    if (standalone !== undefined && standalone !== 'yes' && standalone !== 'no') {
      this.failAt(start, 'XML_MALFORMED', 'Malformed standalone in the XML declaration');
    }
  }

  /** A literal in the XML declaration: no markup, no references. */
  private quotedLiteral(): string {
    const src = this.src;
    const quote = src.charCodeAt(this.pos);
    if (quote !== DQUOTE && quote !== SQUOTE) this.fail('XML_MALFORMED', 'Expected a quoted value');
    const end = src.indexOf(quote === DQUOTE ? '"' : "'", this.pos + 1);
    if (end < 0) this.fail('XML_MALFORMED', 'Unterminated quoted value');
    const value = src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  /** Reads the root element and everything in it without recursion, so depth costs no native stack. */
  private elementTree(): XmlElement {
    const src = this.src;
    const stack: OpenElement[] = [];
    const holder: XmlElement[] = [];
    let parentChildren = holder;
    for (;;) {
      // Here pos is at '<' of a start tag.
      const tagStart = this.pos;
      this.pos++;
      const name = this.name();
      const attributes = this.attributes();
      if (++this.elements > this.limits.maxElements) {
        this.failAt(tagStart, 'XML_LIMIT_EXCEEDED', `More than ${this.limits.maxElements} elements`);
      }
      if (stack.length + 1 > this.limits.maxDepth) {
        this.failAt(tagStart, 'XML_LIMIT_EXCEEDED', `Elements nest deeper than ${this.limits.maxDepth}`);
      }
      const children: XmlElement[] = [];
      parentChildren.push({ name, attributes, children, offset: tagStart });
      let selfClosing = false;
      if (src.charCodeAt(this.pos) === SLASH) {
        this.pos++;
        selfClosing = true;
      }
      this.expect(GT, `Expected > to close <${name}>`);
      if (!selfClosing) {
        stack.push({ name, children });
        parentChildren = children;
      }
      // Content until the next start tag, or until the stack unwinds to the root's end.
      for (;;) {
        if (stack.length === 0) return holder[0]!;
        this.characterData();
        if (this.pos >= src.length) {
          this.fail('XML_MALFORMED', `Unexpected end of document inside <${stack[stack.length - 1]!.name}>`);
        }
        // characterData stops only at '<'.
        const next = src.charCodeAt(this.pos + 1);
        if (next === SLASH) {
          const open = stack.pop()!;
          this.endTag(open.name);
          parentChildren = stack.length > 0 ? stack[stack.length - 1]!.children : holder;
        } else if (next === BANG) {
          if (this.startsWith('<!--')) this.comment();
          else if (this.startsWith('<![CDATA[')) this.cdata();
          else this.declaration();
        } else if (next === QUESTION) {
          this.processingInstruction();
        } else {
          break;
        }
      }
    }
  }

  private attributes(): XmlAttributes {
    const src = this.src;
    const attributes = new XmlAttributes();
    for (;;) {
      if (this.plainAttribute(attributes)) continue;
      const hadSpace = this.skipWhitespace();
      const c = src.charCodeAt(this.pos);
      if (c === GT || c === SLASH || Number.isNaN(c)) return attributes;
      if (!hadSpace) this.fail('XML_MALFORMED', 'Expected whitespace between attributes');
      const nameStart = this.pos;
      const name = this.name();
      this.skipWhitespace();
      this.expect(EQUALS, `Expected = after attribute ${name}`);
      this.skipWhitespace();
      const value = this.attributeValue();
      if (attributes.has(name)) this.failAt(nameStart, 'XML_MALFORMED', `Attribute ${name} appears twice`);
      if (attributes.size >= this.limits.maxAttributes) {
        this.failAt(
          nameStart,
          'XML_LIMIT_EXCEEDED',
          `More than ${this.limits.maxAttributes} attributes on one element`,
        );
      }
      attributes.add(name, value);
    }
  }

  /**
   * The common case, read in one pass: whitespace, an ASCII name, `=` and a double-quoted value of plain text (see
   * {@link PLAIN_VALUE_CHAR}), on an element that has room for it and no attribute of that name yet. Anything else
   * (or nothing) is left to the general path, with pos unmoved.
   */
  private plainAttribute(attributes: XmlAttributes): boolean {
    const src = this.src;
    let i = this.pos;
    let c = src.charCodeAt(i);
    if (!isWhitespace(c)) return false;
    do c = src.charCodeAt(++i);
    while (isWhitespace(c));
    if (!(c < 0x80 && ASCII_NAME_START[c] === 1)) return false;
    const nameStart = i;
    do c = src.charCodeAt(++i);
    while (c < 0x80 && ASCII_NAME_CHAR[c] === 1);
    const nameEnd = i;
    while (isWhitespace(c)) c = src.charCodeAt(++i);
    if (c !== EQUALS) return false;
    do c = src.charCodeAt(++i);
    while (isWhitespace(c));
    if (c !== DQUOTE) return false;
    const valueStart = i + 1;
    do c = src.charCodeAt(++i);
    while (c < 0x80 ? PLAIN_VALUE_CHAR[c] === 1 : isPlainAboveAscii(c));
    if (c !== DQUOTE) return false;
    const name = src.slice(nameStart, nameEnd);
    if (attributes.has(name) || attributes.size >= this.limits.maxAttributes) return false;
    attributes.add(name, src.slice(valueStart, i));
    this.pos = i + 1;
    return true;
  }

  /** An attribute value with references resolved and whitespace normalised as XML 1.0 §3.3.3 says (as libxml2 does). */
  private attributeValue(): string {
    const src = this.src;
    const quote = src.charCodeAt(this.pos);
    if (quote !== DQUOTE && quote !== SQUOTE) this.fail('XML_MALFORMED', 'Expected a quoted attribute value');
    this.pos++;
    let value = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= src.length) this.fail('XML_MALFORMED', 'Unterminated attribute value');
      const c = src.charCodeAt(this.pos);
      if (c === quote) {
        value += src.slice(runStart, this.pos);
        this.pos++;
        return value;
      }
      if (c === LT) this.fail('XML_MALFORMED', 'A < in an attribute value');
      if (c === AMP) {
        value += src.slice(runStart, this.pos) + this.reference();
        runStart = this.pos;
      } else if (c === TAB || c === LF || c === CR) {
        value += src.slice(runStart, this.pos) + ' ';
        this.pos += c === CR && src.charCodeAt(this.pos + 1) === LF ? 2 : 1;
        runStart = this.pos;
      } else {
        this.checkChar(c);
      }
    }
  }

  /** Character data between tags: checked, then dropped. Stops at '<' or the end. */
  private characterData(): void {
    const src = this.src;
    // Usually only the indentation between two tags: skipped in one pass when it is plain text.
    let i = this.pos;
    let c = src.charCodeAt(i);
    while (c < 0x80 ? PLAIN_TEXT_CHAR[c] === 1 : isPlainAboveAscii(c)) c = src.charCodeAt(++i);
    if (c === LT) {
      this.pos = i;
      return;
    }
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === LT) return;
      if (c === AMP) {
        this.reference();
        continue;
      }
      if (c === RBRACKET && this.startsWith(']]>')) this.fail('XML_MALFORMED', ']]> in character data');
      this.checkChar(c);
    }
  }

  /** `&name;` or a character reference; returns the replacement text. */
  private reference(): string {
    const src = this.src;
    const start = this.pos;
    // The longest legal reference is &#x10FFFF; (10 characters); anything longer is malformed, not slow.
    const end = src.indexOf(';', start);
    if (end < 0 || end - start > 10) this.failAt(start, 'XML_MALFORMED', 'Malformed entity or character reference');
    const body = src.slice(start + 1, end);
    this.pos = end + 1;
    switch (body) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    if (body.charCodeAt(0) !== HASH) {
      return this.failAt(start, 'XML_MALFORMED', `Unknown entity &${body}; (only the five predefined ones exist here)`);
    }
    const hex = body.charCodeAt(1) === 0x78; // 'x'
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) {
      this.failAt(start, 'XML_MALFORMED', `Malformed character reference &${body};`);
    }
    const code = Number.parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(code)) this.failAt(start, 'XML_MALFORMED', `Character reference &${body}; is not an XML character`);
    return String.fromCodePoint(code);
  }

  private endTag(expected: string): void {
    const start = this.pos;
    this.pos += 2;
    const name = this.name();
    if (name !== expected) this.failAt(start, 'XML_MALFORMED', `</${name}> closes <${expected}>`);
    this.skipWhitespace();
    this.expect(GT, `Expected > to close </${name}>`);
  }

  private comment(): void {
    const start = this.pos;
    const end = this.src.indexOf('--', start + 4);
    if (end < 0) this.failAt(start, 'XML_MALFORMED', 'Unterminated comment');
    if (this.src.charCodeAt(end + 2) !== GT) this.failAt(end, 'XML_MALFORMED', '-- inside a comment');
    this.checkChars(start + 4, end);
    this.pos = end + 3;
  }

  private cdata(): void {
    const start = this.pos;
    const end = this.src.indexOf(']]>', start + 9);
    if (end < 0) this.failAt(start, 'XML_MALFORMED', 'Unterminated CDATA section');
    this.checkChars(start + 9, end);
    this.pos = end + 3;
  }

  private processingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name();
    // Only the exact "xml" is an error, as in libxml2; "XML" and the like are merely reserved names.
    if (target === 'xml') {
      this.failAt(start, 'XML_MALFORMED', 'An XML declaration is only allowed at the very start');
    }
    const end = this.src.indexOf('?>', this.pos);
    if (end < 0) this.failAt(start, 'XML_MALFORMED', 'Unterminated processing instruction');
    if (end > this.pos && !this.isWhitespaceAt(this.pos)) {
      this.fail('XML_MALFORMED', 'Expected whitespace after the processing instruction target');
    }
    this.checkChars(this.pos, end);
    this.pos = end + 2;
  }

  /** `<!` that is neither a comment nor CDATA: a DOCTYPE or another declaration, which we refuse outright. */
  private declaration(): never {
    const rest = this.src.slice(this.pos + 2, this.pos + 10);
    if (/^(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/.test(rest)) {
      return this.fail('XML_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
    }
    return this.fail('XML_MALFORMED', 'Malformed markup declaration');
  }

  private name(): string {
    const src = this.src;
    const start = this.pos;
    if (start >= src.length || !isNameStart(src.charCodeAt(start))) this.fail('XML_MALFORMED', 'Expected a name');
    let i = start + 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c < 0x80 ? ASCII_NAME_CHAR[c] === 1 : isNameChar(c)) i++;
      else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(src.charCodeAt(i + 1))) {
        // Names may use characters above the BMP (#x10000-#xEFFFF).
        const cp = src.codePointAt(i)!;
        if (cp > 0xeffff) break;
        i += 2;
      } else break;
    }
    this.pos = i;
    return src.slice(start, i);
  }

  private checkChars(from: number, to: number): void {
    const saved = this.pos;
    this.pos = from;
    while (this.pos < to) this.checkChar(this.src.charCodeAt(this.pos));
    this.pos = saved;
  }

  /** Accepts one XML character at pos (a surrogate pair counts as one) and moves past it. */
  private checkChar(c: number): void {
    if (c >= SPACE && c < 0xd800) {
      this.pos++;
      return;
    }
    if (c === TAB || c === LF || c === CR || (c >= 0xe000 && c <= 0xfffd)) {
      this.pos++;
      return;
    }
    if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(this.src.charCodeAt(this.pos + 1))) {
      this.pos += 2;
      return;
    }
    this.fail('XML_MALFORMED', `Character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
  }

  private skipWhitespace(): boolean {
    const start = this.pos;
    while (this.isWhitespaceAt(this.pos)) this.pos++;
    return this.pos > start;
  }

  private isWhitespaceAt(i: number): boolean {
    return isWhitespace(this.src.charCodeAt(i));
  }

  private startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  private expect(c: number, message: string): void {
    if (this.src.charCodeAt(this.pos) !== c) this.fail('XML_MALFORMED', message);
    this.pos++;
  }

  private fail(code: OmahaErrorCode, message: string): never {
    throw new XmlFailure(code, message, this.pos);
  }

  private failAt(offset: number, code: OmahaErrorCode, message: string): never {
    throw new XmlFailure(code, message, offset);
  }
}

// Text with nothing to resolve, normalise or refuse is made of XML characters of the BMP other than surrogates,
// without '&' and '<'. Which ASCII characters it may hold: PLAIN_VALUE_CHAR in a double-quoted attribute value (not
// '"', nor tab, LF and CR, which become spaces), PLAIN_TEXT_CHAR in character data (not ']', which may start ']]>').
// Anything else takes the character-by-character path.
const PLAIN_VALUE_CHAR = Uint8Array.from({ length: 0x80 }, (_, c) =>
  c >= SPACE && c !== DQUOTE && c !== AMP && c !== LT ? 1 : 0,
);
const PLAIN_TEXT_CHAR = Uint8Array.from({ length: 0x80 }, (_, c) =>
  (c >= SPACE || c === TAB || c === LF || c === CR) && c !== AMP && c !== LT && c !== RBRACKET ? 1 : 0,
);

/** A code unit above ASCII that is plain text as it stands: in the BMP, not a surrogate (NaN, past the end, is not). */
function isPlainAboveAscii(c: number): boolean {
  return c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

// NameStartChar and NameChar of XML 1.0 fifth edition, for the BMP; above it the name() loop decides.
function isNameStart(c: number): boolean {
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
  }
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    (c >= 0x200c && c <= 0x200d) ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

/** isNameStart and isNameChar for the ASCII range, as tables: names are read a character at a time. */
const ASCII_NAME_START = Uint8Array.from({ length: 0x80 }, (_, c) => (isNameStart(c) ? 1 : 0));
const ASCII_NAME_CHAR = Uint8Array.from({ length: 0x80 }, (_, c) => (isNameChar(c) ? 1 : 0));

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

function isNameChar(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === 0x3a ||
      c === DASH ||
      c === 0x2e
    );
  }
  return isNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}
