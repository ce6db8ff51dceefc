// Length-limited Huffman codes built the way Go's compress/flate builds them. Any optimal code would decode the
// same, but Butane's output is compared byte for byte, so ties between equally good trees must break the same way:
// symbols are ranked by (frequency, symbol), and the length-limited lengths come from the same lazy
// boundary package-merge walk, which prefers a merged pair over a leaf when their weights are equal.

const MAX_INT32 = 0x7fffffff;
/** Go sizes its per-level tables for depths up to 15 (16 entries). */
const LEVELS = 16;

/** A Huffman code over a fixed alphabet: bit length and LSB-first code of each symbol (length 0 = unused). */
export class HuffmanCode {
  readonly lengths: Uint8Array;
  /** Codes already bit-reversed, ready for an LSB-first bit writer. */
  readonly codes: Uint16Array;
  // Scratch space reused across blocks: the symbols sorted by (frequency, symbol), plus a sentinel.
  private readonly sortedSymbols: Uint16Array;
  private readonly sortedFreqs: Int32Array;
  private readonly order: number[] = [];
  private readonly sortKeys: Float64Array;

  constructor(size: number) {
    this.lengths = new Uint8Array(size);
    this.codes = new Uint16Array(size);
    this.sortedSymbols = new Uint16Array(size + 1);
    this.sortedFreqs = new Int32Array(size + 1);
    this.sortKeys = new Float64Array(size);
  }

  /** Makes this the optimal code for `freqs` with no code longer than `maxBits` (at most 15). */
  build(freqs: Int32Array, maxBits: number): void {
    const size = this.lengths.length;
    const order = this.order;
    order.length = 0;
    for (let sym = 0; sym < size; sym++) {
      if ((freqs[sym] ?? 0) !== 0) order.push(sym);
      else this.lengths[sym] = 0;
    }
    const n = order.length;
    if (n <= 2) {
      // One or two used symbols: each gets a single bit, in symbol order.
      for (let i = 0; i < n; i++) {
        const sym = order[i] as number;
        this.lengths[sym] = 1;
        this.codes[sym] = i;
      }
      return;
    }
    // Ranked by (frequency, symbol): a native numeric sort of frequency * 512 + symbol does it without a comparator
    // (alphabets are smaller than 512, and a double holds the product exactly).
    const keys = this.sortKeys.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const sym = order[i] as number;
      keys[i] = (freqs[sym] as number) * 512 + sym;
    }
    keys.sort();
    for (let i = 0; i < n; i++) {
      const key = keys[i] as number;
      const sym = key % 512;
      this.sortedSymbols[i] = sym;
      this.sortedFreqs[i] = (key - sym) / 512;
    }
    this.sortedFreqs[n] = MAX_INT32;

    const countPerLength = lengthCounts(this.sortedFreqs, { n, maxBits });
    // The most frequent symbols take the shortest codes.
    let next = n;
    for (let bits = 1; bits < countPerLength.length; bits++) {
      const count = countPerLength[bits] as number;
      for (let k = 0; k < count; k++) {
        next--;
        this.lengths[this.sortedSymbols[next] as number] = bits;
      }
    }
    assignCanonicalCodes(this.lengths, this.codes);
  }

  /** Bits needed to write symbols with these frequencies in this code. */
  bitLength(freqs: Int32Array): number {
    let total = 0;
    const n = Math.min(freqs.length, this.lengths.length);
    for (let sym = 0; sym < n; sym++) {
      const f = freqs[sym] as number;
      if (f !== 0) total += f * (this.lengths[sym] as number);
    }
    return total;
  }
}

// Scratch tables of lengthCounts and assignCanonicalCodes, cleared on each use: these run for every block of every
// stream, and fresh typed arrays there cost more than the work itself on small inputs.
const lastFreq = new Int32Array(LEVELS + 1);
const nextCharFreq = new Int32Array(LEVELS + 1);
const nextPairFreq = new Int32Array(LEVELS + 1);
const needed = new Int32Array(LEVELS + 1);
// leafCounts[level * LEVELS + j]: leaves to the left of the level-j ancestor of the rightmost node of `level`.
const leafCounts = new Int32Array(LEVELS * LEVELS);
const countsByLength = new Int32Array(LEVELS);
const countOf = new Uint16Array(16);
const nextCode = new Uint16Array(16);

/**
 * How many symbols get each code length (index = length), for `n` >= 3 frequencies sorted ascending with a
 * MAX_INT32 sentinel after them. Each level is a row of the package-merge table filled lazily from the top:
 * a row asks the row below for a pair only when it needs one.
 */
function lengthCounts(freqs: Int32Array, options: { n: number; maxBits: number }): Int32Array {
  // The counts live in a scratch table: read them before the next call.
  const { n } = options;
  const maxBits = Math.min(options.maxBits, n - 1);
  lastFreq.fill(0);
  nextCharFreq.fill(0);
  nextPairFreq.fill(0);
  needed.fill(0);
  leafCounts.fill(0);

  for (let level = 1; level <= maxBits; level++) {
    lastFreq[level] = freqs[1] as number;
    nextCharFreq[level] = freqs[2] as number;
    nextPairFreq[level] = level === 1 ? MAX_INT32 : (freqs[0] as number) + (freqs[1] as number);
    leafCounts[level * LEVELS + level] = 2;
  }
  needed[maxBits] = 2 * n - 4;

  let level = maxBits;
  for (;;) {
    if (nextPairFreq[level] === MAX_INT32 && nextCharFreq[level] === MAX_INT32) {
      // Out of leaves and pairs at this row: retire it and everything below for good.
      needed[level] = 0;
      nextPairFreq[level + 1] = MAX_INT32;
      level++;
      continue;
    }
    const prevFreq = lastFreq[level] as number;
    if ((nextCharFreq[level] as number) < (nextPairFreq[level] as number)) {
      const leaves = (leafCounts[level * LEVELS + level] as number) + 1;
      lastFreq[level] = nextCharFreq[level] as number;
      leafCounts[level * LEVELS + level] = leaves;
      nextCharFreq[level] = freqs[leaves] as number;
    } else {
      lastFreq[level] = nextPairFreq[level] as number;
      // Go's copy(leafCounts[level][:level], leafCounts[level-1][:level]), a few entries: a loop beats a call.
      for (let j = 0, to = level * LEVELS, from = to - LEVELS; j < level; j++) {
        leafCounts[to + j] = leafCounts[from + j] as number;
      }
      needed[level - 1] = 2;
    }
    needed[level] = (needed[level] as number) - 1;
    if (needed[level] === 0) {
      if (level === maxBits) break;
      nextPairFreq[level + 1] = prevFreq + (lastFreq[level] as number);
      level++;
    } else {
      while ((needed[level - 1] as number) > 0) level--;
    }
  }

  if (leafCounts[maxBits * LEVELS + maxBits] !== n) {
    throw new Error('internal error: Huffman length computation lost leaves');
  }
  const counts = countsByLength.subarray(0, maxBits + 1);
  counts.fill(0);
  for (let lvl = maxBits, bits = 1; lvl > 0; lvl--, bits++) {
    counts[bits] = (leafCounts[maxBits * LEVELS + lvl] as number) - (leafCounts[maxBits * LEVELS + lvl - 1] as number);
  }
  return counts;
}

/** RFC 1951 §3.2.2 canonical codes from code lengths, stored bit-reversed for LSB-first output. */
export function assignCanonicalCodes(lengths: Uint8Array, codes: Uint16Array): void {
  countOf.fill(0);
  for (const len of lengths) countOf[len] = (countOf[len] as number) + 1;
  countOf[0] = 0;
  nextCode.fill(0);
  let code = 0;
  for (let bits = 1; bits < 16; bits++) {
    code = (code + (countOf[bits - 1] as number)) << 1;
    nextCode[bits] = code;
  }
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym] as number;
    if (len === 0) continue;
    const c = nextCode[len] as number;
    nextCode[len] = c + 1;
    codes[sym] = reverseBits(c, len);
  }
}

/** The low `bits` bits of `value`, in reverse order. */
export function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) {
    out = (out << 1) | ((value >>> i) & 1);
  }
  return out;
}
