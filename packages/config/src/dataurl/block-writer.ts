import type { BitWriter } from './bit-writer.js';
import {
  DISTANCE_BASE,
  DISTANCE_CODES,
  DISTANCE_EXTRA_BITS,
  distanceCode,
  END_OF_BLOCK,
  FIRST_LENGTH_CODE,
  LENGTH_BASE,
  LENGTH_CODE,
  LENGTH_EXTRA_BITS,
  LITERAL_CODES,
  MATCH_FLAG,
} from './deflate-tables.js';
import { assignCanonicalCodes, HuffmanCode } from './huffman-code.js';

const CODE_LENGTH_CODES = 19;
/** Order in which the code-length code lengths are sent (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
const MAX_STORED_BLOCK = 65535;

function fixedCode(size: number, lengthOf: (sym: number) => number): HuffmanCode {
  const code = new HuffmanCode(size);
  for (let sym = 0; sym < size; sym++) code.lengths[sym] = lengthOf(sym);
  assignCanonicalCodes(code.lengths, code.codes);
  return code;
}

// All 288 symbols take part in the canonical numbering of the fixed code, though 286 and 287 never occur.
const FIXED_LITERALS = fixedCode(288, (sym) => (sym < 144 ? 8 : sym < 256 ? 9 : sym < 280 ? 7 : 8));
const FIXED_DISTANCES = fixedCode(DISTANCE_CODES, () => 5);

/**
 * Writes blocks of tokens, each as whichever of stored, fixed or dynamic Huffman Go's encoder would pick: the
 * cheapest by its own bit estimates, with stored only when the block's raw bytes are known and fit one block.
 */
export class BlockWriter {
  private readonly literalFreqs = new Int32Array(LITERAL_CODES);
  private readonly distanceFreqs = new Int32Array(DISTANCE_CODES);
  private readonly literalCode = new HuffmanCode(LITERAL_CODES);
  private readonly distanceCode = new HuffmanCode(DISTANCE_CODES);
  private readonly codeLengthCode = new HuffmanCode(CODE_LENGTH_CODES);
  private readonly codeLengthFreqs = new Int32Array(CODE_LENGTH_CODES);
  // Run-length encoded code lengths of both trees: symbols 0..18, each of 16/17/18 followed by its repeat count.
  private readonly rle = new Uint8Array(LITERAL_CODES + DISTANCE_CODES + 1);
  private rleLength = 0;

  constructor(private readonly out: BitWriter) {}

  /**
   * Writes `tokens[0..count)` and an end-of-block as one non-final block. `raw` is the input the tokens stand
   * for, or null when it is no longer in the window (then the block cannot be stored).
   */
  writeBlock(tokens: Uint32Array, options: { count: number; raw: Uint8Array | null }): void {
    const { count, raw } = options;
    const { literalCount, distanceCount } = this.countSymbols(tokens, count);
    const lit = this.literalFreqs;
    const dist = this.distanceFreqs;

    const storable = raw !== null && raw.length <= MAX_STORED_BLOCK;
    // Extra bits cost the same in fixed and dynamic blocks, so they only matter against a stored block.
    let extraBits = 0;
    if (storable) {
      for (let code = FIRST_LENGTH_CODE + 8; code < literalCount; code++) {
        extraBits += (lit[code] as number) * (LENGTH_EXTRA_BITS[code - FIRST_LENGTH_CODE] as number);
      }
      for (let code = 4; code < distanceCount; code++) {
        extraBits += (dist[code] as number) * (DISTANCE_EXTRA_BITS[code] as number);
      }
    }

    let literals = FIXED_LITERALS;
    let distances = FIXED_DISTANCES;
    let size = 3 + FIXED_LITERALS.bitLength(lit) + FIXED_DISTANCES.bitLength(dist) + extraBits;

    this.encodeCodeLengths(literalCount, distanceCount);
    this.codeLengthCode.build(this.codeLengthFreqs, 7);
    const { bits: dynamicBits, codeLengthCount } = this.dynamicSize(extraBits);
    if (dynamicBits < size) {
      size = dynamicBits;
      literals = this.literalCode;
      distances = this.distanceCode;
    }

    if (storable && (raw.length + 5) * 8 < size) {
      writeStoredHeader(this.out, { length: raw.length, final: false });
      this.out.writeBytes(raw);
      return;
    }
    if (literals === FIXED_LITERALS) {
      this.out.writeBits(2, 3);
    } else {
      this.writeDynamicHeader({ literalCount, distanceCount, codeLengthCount });
    }
    this.writeTokens(tokens, { count, literals, distances });
  }

  private countSymbols(tokens: Uint32Array, count: number): { literalCount: number; distanceCount: number } {
    const lit = this.literalFreqs;
    const dist = this.distanceFreqs;
    lit.fill(0);
    dist.fill(0);
    for (let i = 0; i < count; i++) {
      const t = tokens[i] as number;
      if (t < MATCH_FLAG) {
        lit[t] = (lit[t] as number) + 1;
      } else {
        const lc = FIRST_LENGTH_CODE + (LENGTH_CODE[(t >>> 22) & 0xff] as number);
        lit[lc] = (lit[lc] as number) + 1;
        const dc = distanceCode(t & 0x3fffff);
        dist[dc] = (dist[dc] as number) + 1;
      }
    }
    lit[END_OF_BLOCK] = (lit[END_OF_BLOCK] as number) + 1;

    let literalCount = LITERAL_CODES;
    while (lit[literalCount - 1] === 0) literalCount--;
    let distanceCount = DISTANCE_CODES;
    while (distanceCount > 0 && dist[distanceCount - 1] === 0) distanceCount--;
    if (distanceCount === 0) {
      // A dynamic block must describe at least one distance code, so pretend one was used (this also
      // counts in the size estimates, as it does in Go).
      dist[0] = 1;
      distanceCount = 1;
    }
    this.literalCode.build(lit, 15);
    this.distanceCode.build(dist, 15);
    return { literalCount, distanceCount };
  }

  /** RFC 1951 §3.2.7 run-length encoding of the two code-length sequences, and the frequency of each symbol. */
  private encodeCodeLengths(literalCount: number, distanceCount: number): void {
    const freqs = this.codeLengthFreqs;
    freqs.fill(0);
    const total = literalCount + distanceCount;
    const lengthAt = (i: number): number =>
      i < literalCount
        ? (this.literalCode.lengths[i] as number)
        : (this.distanceCode.lengths[i - literalCount] as number);
    const rle = this.rle;
    let out = 0;
    const emit = (sym: number): void => {
      rle[out++] = sym;
      freqs[sym] = (freqs[sym] as number) + 1;
    };
    let i = 0;
    while (i < total) {
      const len = lengthAt(i);
      let run = 1;
      while (i + run < total && lengthAt(i + run) === len) run++;
      i += run;
      if (len !== 0) {
        // A non-zero length is sent once, then repeated in runs of 3..6.
        emit(len);
        run--;
        while (run >= 3) {
          const n = Math.min(run, 6);
          emit(16);
          rle[out++] = n - 3;
          run -= n;
        }
      } else {
        while (run >= 11) {
          const n = Math.min(run, 138);
          emit(18);
          rle[out++] = n - 11;
          run -= n;
        }
        if (run >= 3) {
          emit(17);
          rle[out++] = run - 3;
          run = 0;
        }
      }
      for (; run > 0; run--) emit(len);
    }
    this.rleLength = out;
  }

  private dynamicSize(extraBits: number): { bits: number; codeLengthCount: number } {
    const freqs = this.codeLengthFreqs;
    let codeLengthCount = CODE_LENGTH_CODES;
    while (codeLengthCount > 4 && freqs[CODE_LENGTH_ORDER[codeLengthCount - 1] as number] === 0) codeLengthCount--;
    const header =
      3 +
      5 +
      5 +
      4 +
      3 * codeLengthCount +
      this.codeLengthCode.bitLength(freqs) +
      (freqs[16] as number) * 2 +
      (freqs[17] as number) * 3 +
      (freqs[18] as number) * 7;
    const bits =
      header +
      this.literalCode.bitLength(this.literalFreqs) +
      this.distanceCode.bitLength(this.distanceFreqs) +
      extraBits;
    return { bits, codeLengthCount };
  }

  private writeDynamicHeader(counts: { literalCount: number; distanceCount: number; codeLengthCount: number }): void {
    const out = this.out;
    const clc = this.codeLengthCode;
    out.writeBits(4, 3);
    out.writeBits(counts.literalCount - 257, 5);
    out.writeBits(counts.distanceCount - 1, 5);
    out.writeBits(counts.codeLengthCount - 4, 4);
    for (let i = 0; i < counts.codeLengthCount; i++) {
      out.writeBits(clc.lengths[CODE_LENGTH_ORDER[i] as number] as number, 3);
    }
    const rle = this.rle;
    for (let i = 0; i < this.rleLength; i++) {
      const sym = rle[i] as number;
      out.writeBits(clc.codes[sym] as number, clc.lengths[sym] as number);
      if (sym >= 16) {
        const extra = sym === 16 ? 2 : sym === 17 ? 3 : 7;
        out.writeBits(rle[++i] as number, extra);
      }
    }
  }

  private writeTokens(
    tokens: Uint32Array,
    options: { count: number; literals: HuffmanCode; distances: HuffmanCode },
  ): void {
    const out = this.out;
    const { count } = options;
    const litCodes = options.literals.codes;
    const litLengths = options.literals.lengths;
    const distCodes = options.distances.codes;
    const distLengths = options.distances.lengths;
    for (let i = 0; i < count; i++) {
      const t = tokens[i] as number;
      if (t < MATCH_FLAG) {
        out.writeBits(litCodes[t] as number, litLengths[t] as number);
        continue;
      }
      const xlength = (t >>> 22) & 0xff;
      const lc = LENGTH_CODE[xlength] as number;
      out.writeBits(litCodes[FIRST_LENGTH_CODE + lc] as number, litLengths[FIRST_LENGTH_CODE + lc] as number);
      const lengthExtra = LENGTH_EXTRA_BITS[lc] as number;
      if (lengthExtra > 0) out.writeBits(xlength - (LENGTH_BASE[lc] as number), lengthExtra);
      const xdist = t & 0x3fffff;
      const dc = distanceCode(xdist);
      out.writeBits(distCodes[dc] as number, distLengths[dc] as number);
      const distExtra = DISTANCE_EXTRA_BITS[dc] as number;
      if (distExtra > 0) out.writeBits(xdist - (DISTANCE_BASE[dc] as number), distExtra);
    }
    out.writeBits(litCodes[END_OF_BLOCK] as number, litLengths[END_OF_BLOCK] as number);
  }
}

/** A stored block's header: BFINAL, type 00, padding to a byte, then LEN and NLEN. */
export function writeStoredHeader(out: BitWriter, options: { length: number; final: boolean }): void {
  out.writeBits(options.final ? 1 : 0, 3);
  out.alignToByte();
  out.writeBits(options.length, 16);
  out.writeBits(~options.length & 0xffff, 16);
}
