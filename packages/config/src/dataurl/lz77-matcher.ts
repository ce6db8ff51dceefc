import type { BlockWriter } from './block-writer.js';
import { matchToken } from './deflate-tables.js';

// Go's compress/flate at BestCompression: hash chains over 4-byte prefixes, lazy matching, and the same
// sliding-window bookkeeping. The window mechanics are part of the output: where the window slides decides
// which old candidates are still reachable, and whether a block's raw bytes are still there to store it.

const WINDOW_SIZE = 1 << 15;
const WINDOW_MASK = WINDOW_SIZE - 1;
const BUFFER_SIZE = 2 * WINDOW_SIZE;
const MIN_MATCH = 4;
const MAX_MATCH = 258;
/** Lookahead the matcher keeps unless the input has ended. */
const MIN_LOOKAHEAD = MIN_MATCH + MAX_MATCH;
const HASH_BITS = 17;
const HASH_SIZE = 1 << HASH_BITS;
const HASH_MUL = 0x1e35a7bd;
/** Go rebases its 32-bit hash positions once the running offset passes this. */
const MAX_HASH_OFFSET = 1 << 24;
const MAX_BLOCK_TOKENS = 1 << 14;
const NO_BLOCK_START = 0x7fffffff;

// BestCompression's tuning.
const GOOD_LENGTH = 32;
const LAZY_LENGTH = 258;
const NICE_LENGTH = 258;
const MAX_CHAIN = 4096;
/** Matches of exactly MIN_MATCH bytes are only worth it this close. */
const SHORT_MATCH_MAX_DISTANCE = 4096;

/** Turns input into LZ77 tokens and hands them to a BlockWriter in blocks of at most 16384 tokens. */
export class Lz77Matcher {
  private readonly window = new Uint8Array(BUFFER_SIZE);
  private windowEnd = 0;
  private index = 0;
  private blockStart = 0;
  /** The byte before `index` is still waiting: it becomes a literal unless a better match starts at it. */
  private byteAvailable = false;
  private readonly tokens = new Uint32Array(MAX_BLOCK_TOKENS + 1);
  private tokenCount = 0;

  // Hash chains hold window positions plus hashOffset, so 0 means "nothing" and old entries fall out of reach.
  private readonly hashHead = new Uint32Array(HASH_SIZE);
  private readonly hashPrev = new Uint32Array(WINDOW_SIZE);
  private hashOffset = 1;
  private chainHead = -1;
  private maxInsertIndex = 0;

  // The match found at the previous position, waiting for the lazy comparison.
  private length = MIN_MATCH - 1;
  private offset = 0;
  // Where findMatch leaves its result.
  private foundLength = 0;
  private foundOffset = 0;

  constructor(private readonly blocks: BlockWriter) {}

  /**
   * Makes the matcher ready for a new stream, as a fresh one would be, without clearing its 640 KiB of tables:
   * moving hashOffset past every position stored so far puts all old hash entries out of reach, exactly as
   * Go's rebasing does (a stale entry reads as a negative position, which ends a chain like an empty one).
   * Chains only ever follow entries written during the current stream, and the window is never read past
   * what was filled, so leftovers in the other tables are never seen.
   */
  reset(): void {
    // Every stored entry is below hashOffset + BUFFER_SIZE.
    const next = this.hashOffset + BUFFER_SIZE + WINDOW_SIZE;
    if (next > MAX_HASH_OFFSET) {
      this.hashHead.fill(0);
      this.hashPrev.fill(0);
      this.hashOffset = 1;
    } else {
      this.hashOffset = next;
    }
    this.windowEnd = 0;
    this.index = 0;
    this.blockStart = 0;
    this.byteAvailable = false;
    this.tokenCount = 0;
    this.chainHead = -1;
    this.maxInsertIndex = 0;
    this.length = MIN_MATCH - 1;
    this.offset = 0;
    this.foundLength = 0;
    this.foundOffset = 0;
  }

  /** Feeds all of `data`, in the same window-sized steps as one Write call on Go's writer. */
  write(data: Uint8Array): void {
    let pos = 0;
    while (pos < data.length) {
      this.step(false);
      pos += this.fill(data.subarray(pos));
    }
  }

  /** Encodes everything still buffered (Go's Close before its final empty block). */
  finish(): void {
    this.step(true);
  }

  private fill(data: Uint8Array): number {
    if (this.index >= BUFFER_SIZE - MIN_LOOKAHEAD) this.slide();
    const n = Math.min(BUFFER_SIZE - this.windowEnd, data.length);
    this.window.set(data.subarray(0, n), this.windowEnd);
    this.windowEnd += n;
    return n;
  }

  private slide(): void {
    this.window.copyWithin(0, WINDOW_SIZE, BUFFER_SIZE);
    this.index -= WINDOW_SIZE;
    this.windowEnd -= WINDOW_SIZE;
    // A block that began in the discarded half can no longer be stored.
    this.blockStart = this.blockStart >= WINDOW_SIZE ? this.blockStart - WINDOW_SIZE : NO_BLOCK_START;
    this.hashOffset += WINDOW_SIZE;
    if (this.hashOffset > MAX_HASH_OFFSET) {
      const delta = this.hashOffset - 1;
      this.hashOffset -= delta;
      this.chainHead -= delta;
      rebase(this.hashPrev, delta);
      rebase(this.hashHead, delta);
    }
  }

  private insertHash(pos: number): void {
    const h = hash4(this.window, pos);
    this.hashPrev[pos & WINDOW_MASK] = this.hashHead[h] as number;
    this.hashHead[h] = pos + this.hashOffset;
  }

  private flushBlock(end: number): void {
    if (end > 0) {
      const raw = this.blockStart <= end ? this.window.subarray(this.blockStart, end) : null;
      this.blockStart = end;
      this.blocks.writeBlock(this.tokens, { count: this.tokenCount, raw });
    }
    this.tokenCount = 0;
  }

  private step(sync: boolean): void {
    if (this.windowEnd - this.index < MIN_LOOKAHEAD && !sync) return;
    const window = this.window;
    const windowEnd = this.windowEnd;
    this.maxInsertIndex = windowEnd - (MIN_MATCH - 1);

    for (;;) {
      const index = this.index;
      const lookahead = windowEnd - index;
      if (lookahead < MIN_LOOKAHEAD) {
        if (!sync) return;
        if (lookahead === 0) {
          if (this.byteAvailable) {
            this.tokens[this.tokenCount++] = window[index - 1] as number;
            this.byteAvailable = false;
          }
          if (this.tokenCount > 0) this.flushBlock(index);
          return;
        }
      }
      if (index < this.maxInsertIndex) {
        const h = hash4(window, index);
        this.chainHead = this.hashHead[h] as number;
        this.hashPrev[index & WINDOW_MASK] = this.chainHead;
        this.hashHead[h] = index + this.hashOffset;
      }
      // Near the end of the input chainHead is deliberately left from the last insertion, as Go does.

      const prevLength = this.length;
      const prevOffset = this.offset;
      this.length = MIN_MATCH - 1;
      this.offset = 0;
      const minIndex = Math.max(index - WINDOW_SIZE, 0);
      const head = this.chainHead - this.hashOffset;
      if (head >= minIndex && lookahead > prevLength && prevLength < LAZY_LENGTH) {
        if (this.findMatch(index, head, lookahead)) {
          this.length = this.foundLength;
          this.offset = this.foundOffset;
        }
      }

      if (prevLength >= MIN_MATCH && this.length <= prevLength) {
        // The match at the previous position is at least as good: take it.
        this.tokens[this.tokenCount++] = matchToken(prevLength, prevOffset);
        const newIndex = index + prevLength - 1;
        const maxInsert = this.maxInsertIndex;
        for (let i = index + 1; i < newIndex; i++) {
          if (i < maxInsert) this.insertHash(i);
        }
        this.index = newIndex;
        this.byteAvailable = false;
        this.length = MIN_MATCH - 1;
        if (this.tokenCount === MAX_BLOCK_TOKENS) this.flushBlock(newIndex);
      } else {
        if (this.byteAvailable) {
          this.tokens[this.tokenCount++] = window[index - 1] as number;
          if (this.tokenCount === MAX_BLOCK_TOKENS) this.flushBlock(index);
        }
        this.index = index + 1;
        this.byteAvailable = true;
      }
    }
  }

  /** Looks for a match at `pos` longer than 3 along the hash chain from `head`; true if one was found. */
  private findMatch(pos: number, head: number, lookahead: number): boolean {
    const window = this.window;
    const hashPrev = this.hashPrev;
    const hashOffset = this.hashOffset;
    const maxLook = Math.min(lookahead, MAX_MATCH);
    const nice = Math.min(maxLook, NICE_LENGTH);
    let length = MIN_MATCH - 1;
    let tries = length >= GOOD_LENGTH ? MAX_CHAIN >> 2 : MAX_CHAIN;
    let found = false;
    let endByte = window[pos + length] as number;
    const minIndex = pos - WINDOW_SIZE;

    for (let i = head; tries > 0; tries--) {
      if (endByte === window[i + length]) {
        let n = 0;
        while (n < maxLook && window[i + n] === window[pos + n]) n++;
        if (n > length && (n > MIN_MATCH || pos - i <= SHORT_MATCH_MAX_DISTANCE)) {
          length = n;
          this.foundLength = n;
          this.foundOffset = pos - i;
          found = true;
          if (n >= nice) break;
          endByte = window[pos + n] as number;
        }
      }
      // The slot for minIndex has already been reused by a newer position.
      if (i === minIndex) break;
      i = (hashPrev[i & WINDOW_MASK] as number) - hashOffset;
      if (i < minIndex || i < 0) break;
    }
    return found;
  }
}

function hash4(window: Uint8Array, pos: number): number {
  const word =
    ((window[pos] as number) << 24) |
    ((window[pos + 1] as number) << 16) |
    ((window[pos + 2] as number) << 8) |
    (window[pos + 3] as number);
  return Math.imul(word, HASH_MUL) >>> (32 - HASH_BITS);
}

function rebase(table: Uint32Array, delta: number): void {
  for (let i = 0; i < table.length; i++) {
    const v = table[i] as number;
    table[i] = v > delta ? v - delta : 0;
  }
}
