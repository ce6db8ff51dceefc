import { decodeRune, goQuote, goStringFromBytes } from '../schema/go-text.js';

// The systemd unit parser Ignition validates unit contents with (github.com/coreos/go-systemd/v22/unit
// Deserialize), including its read buffer: its "line too long" check looks at how many bytes a 4096-byte
// bufio.Reader holds at each step, so the buffer is simulated rather than approximated.

/** One `Name=Value` of a unit, with the section it is in. */
export interface UnitOption {
  readonly section: string;
  readonly name: string;
}

/** The options of a unit, or the parser's error text. */
export type UnitParse = { readonly options: readonly UnitOption[] } | { readonly error: string };

const BUFFER_SIZE = 4096;
const LINE_MAX = 2048;

class BufferedReader {
  private r = 0;
  private w = 0;
  private eof = false;
  private lastRuneSize = -1;

  constructor(private readonly src: Uint8Array) {}

  buffered(): number {
    return this.w - this.r;
  }

  private fill(): void {
    const remaining = this.src.length - this.w;
    if (remaining === 0) {
      this.eof = true;
      return;
    }
    this.w += Math.min(BUFFER_SIZE - (this.w - this.r), remaining);
  }

  /** The next `n` buffered bytes; only called with at least `n` buffered. */
  peek(n: number): Uint8Array {
    return this.src.subarray(this.r, this.r + n);
  }

  readRune(): number | undefined {
    while (this.r + 4 > this.w && !this.fullRune() && !this.eof && this.w - this.r < BUFFER_SIZE) this.fill();
    if (this.r === this.w) {
      this.lastRuneSize = -1;
      return undefined;
    }
    const b0 = this.src[this.r] as number;
    if (b0 < 0x80) {
      this.r++;
      this.lastRuneSize = 1;
      return b0;
    }
    const [rune, size] = decodeRune(this.src.subarray(0, this.w), this.r);
    this.r += size;
    this.lastRuneSize = size;
    return rune < 0 ? 0xfffd : rune;
  }

  private fullRune(): boolean {
    const n = this.w - this.r;
    if (n === 0) return false;
    const b0 = this.src[this.r] as number;
    if (b0 < 0x80) return true;
    const need = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
    return n >= need || decodeRune(this.src.subarray(0, this.w), this.r)[1] < n;
  }

  unreadRune(): void {
    if (this.lastRuneSize >= 0) this.r -= this.lastRuneSize;
    this.lastRuneSize = -1;
  }

  /** ReadBytes(delim): the bytes up to and including `delim`, and whether the input ended first. */
  readBytes(delim: number): { bytes: Uint8Array; eof: boolean } {
    const start = this.r;
    let scanned = this.r;
    for (;;) {
      const at = this.src.indexOf(delim, scanned);
      if (at >= 0 && at < this.w) {
        this.r = at + 1;
        return { bytes: this.src.subarray(start, this.r), eof: false };
      }
      if (this.eof) {
        this.r = this.w;
        return { bytes: this.src.subarray(start, this.w), eof: true };
      }
      scanned = this.w;
      // A full buffer is handed over as a fragment and the search goes on.
      if (this.w - this.r >= BUFFER_SIZE) this.r = this.w;
      this.fill();
    }
  }
}

const SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
const isSpace = (r: number): boolean => SPACES.has(r) || (r >= 0x2000 && r <= 0x200a);

function trimSpace(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  while (start < end) {
    const [rune, size] = decodeRune(bytes, start);
    if (!isSpace(rune)) break;
    start += size;
  }
  while (end > start) {
    let at = end - 1;
    while (at > start && ((bytes[at] as number) & 0xc0) === 0x80) at--;
    const [rune, size] = decodeRune(bytes, at);
    if (at + size !== end || !isSpace(rune)) break;
    end = at;
  }
  return bytes.subarray(start, end);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const text = (bytes: Uint8Array): string => decoder.decode(bytes);
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Parses unit contents as go-systemd's Deserialize does. */
export function parseUnitContents(contents: string): UnitParse {
  const buf = new BufferedReader(encoder.encode(contents));
  const options: UnitOption[] = [];

  const toEOL = (): { line: Uint8Array; eof: boolean } => {
    const { bytes, eof } = buf.readBytes(NEWLINE);
    // TrimSuffix "\r" then "\n", in that order: a line read up to "\r\n" keeps its '\r'.
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    if (end > 0 && bytes[end - 1] === NEWLINE) end--;
    return { line: bytes.subarray(0, end), eof };
  };

  type Step = () => Step | undefined;
  let failure: string | undefined;
  const fail = (message: string): undefined => {
    failure = message;
    return undefined;
  };

  const ignoreLine =
    (next: Step): Step =>
    () => {
      for (;;) {
        const { line } = toEOL();
        let end = line.length;
        if (end > 0 && line[end - 1] === 0x20) end--;
        if (end === 0 || line[end - 1] !== 0x5c) break;
      }
      return next;
    };

  const nextSection: Step = () => {
    const r = buf.readRune();
    if (r === undefined) return undefined;
    if (r === 0x5b) return sectionName;
    if (r === 0x23 || r === 0x3b) return ignoreLine(nextSection);
    return nextSection;
  };

  const sectionName: Step = () => {
    const { bytes, eof } = buf.readBytes(0x5d);
    if (eof) return fail('unable to find end of section');
    const section = text(bytes.subarray(0, bytes.length - 1));
    return () => {
      const garbage = trimSpace(toEOL().line);
      // The reference names its (never set) current section here, so the name is always empty.
      if (garbage.length > 0) return fail(`found garbage after section name : ${goQuote(goStringFromBytes(garbage))}`);
      return sectionOrOption(section);
    };
  };

  const sectionOrOption =
    (section: string): Step =>
    () => {
      const r = buf.readRune();
      if (r === undefined) return undefined;
      if (isSpace(r)) return sectionOrOption(section);
      if (r === 0x5b) return sectionName;
      if (r === 0x23 || r === 0x3b) return ignoreLine(sectionOrOption(section));
      buf.unreadRune();
      return optionName(section);
    };

  const optionName =
    (section: string): Step =>
    () => {
      let name = '';
      for (;;) {
        const r = buf.readRune();
        if (r === undefined) return fail('EOF');
        if (r === NEWLINE || r === CR) return fail('unexpected newline encountered while parsing option name');
        if (r === 0x3d) break;
        name += String.fromCodePoint(r);
      }
      return optionValue(section, name.trim());
    };

  const optionValue =
    (section: string, name: string): Step =>
    () => {
      for (;;) {
        const { line } = toEOL();
        if (trimSpace(line).length === 0) break;
        const lastBackslash = line.lastIndexOf(0x5c);
        if (lastBackslash === -1 || lastBackslash !== line.length - 1) break;
        return optionValue(section, name);
      }
      options.push({ section, name });
      return sectionOrOption(section);
    };

  let step: Step | undefined = nextSection;
  while (step !== undefined) {
    if (buf.buffered() >= LINE_MAX) {
      const window = buf.peek(LINE_MAX);
      if (!window.includes(NEWLINE) && !window.includes(CR)) return { error: 'line too long (max 2048 bytes)' };
    }
    step = step();
    if (failure !== undefined) return { error: failure };
  }
  return { options };
}
