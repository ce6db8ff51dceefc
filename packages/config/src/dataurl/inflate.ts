import { crc32 } from './crc32.js';
import { DISTANCE_BASE, DISTANCE_EXTRA_BITS, LENGTH_BASE, LENGTH_EXTRA_BITS } from './deflate-tables.js';

/** The outcome of decompressing: the bytes, or why the input is not valid. */
export type InflateResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string };

class InflateError {
  constructor(readonly message: string) {}
}

const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman decoding table: symbols ordered by code, and how many codes each length has. */
interface DecodeTable {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

function decodeTable(lengths: Uint8Array): DecodeTable {
  const counts = new Uint16Array(16);
  for (const len of lengths) counts[len] = (counts[len] as number) + 1;
  counts[0] = 0;
  // Reject over-subscribed codes; incomplete ones are allowed (a lone distance code is common).
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - (counts[len] as number);
    if (left < 0) throw new InflateError('invalid Huffman code lengths');
  }
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = (offsets[len] as number) + (counts[len] as number);
  const symbols = new Uint16Array(lengths.length);
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym] as number;
    if (len !== 0) {
      symbols[offsets[len] as number] = sym;
      offsets[len] = (offsets[len] as number) + 1;
    }
  }
  return { counts, symbols };
}

// The fixed codes' tables, made on first use: most programs that load this module never inflate anything.
let fixedTables: { literals: ReturnType<typeof decodeTable>; distances: ReturnType<typeof decodeTable> } | undefined;

function fixedCodeTables(): NonNullable<typeof fixedTables> {
  fixedTables ??= {
    literals: decodeTable(
      Uint8Array.from({ length: 288 }, (_, sym) => (sym < 144 ? 8 : sym < 256 ? 9 : sym < 280 ? 7 : 8)),
    ),
    distances: decodeTable(new Uint8Array(30).fill(5)),
  };
  return fixedTables;
}

/** Reads RFC 1951 bits LSB first; correctness over speed, as it only reads configs back. */
class BitReader {
  pos = 0;
  private bits = 0;
  private count = 0;
  constructor(readonly input: Uint8Array) {}

  need(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.input.length) throw new InflateError('unexpected end of compressed data');
      this.bits |= (this.input[this.pos++] as number) << this.count;
      this.count += 8;
    }
    const value = this.bits & ((1 << n) - 1);
    this.bits >>>= n;
    this.count -= n;
    return value;
  }

  alignToByte(): void {
    this.bits = 0;
    this.count = 0;
  }

  decode(table: DecodeTable): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.need(1);
      const count = table.counts[len] as number;
      if (code - first < count) return table.symbols[index + code - first] as number;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateError('invalid Huffman code');
  }
}

class Output {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Decompresses a raw DEFLATE stream; `end` reports where the stream stopped in the input. */
export function inflateRaw(input: Uint8Array): InflateResult & { readonly end?: number } {
  try {
    const reader = new BitReader(input);
    const out = new Output();
    let final = 0;
    while (final === 0) {
      final = reader.need(1);
      const type = reader.need(2);
      if (type === 0) storedBlock(reader, out);
      else if (type === 1) huffmanBlock(reader, out, fixedCodeTables());
      else if (type === 2) huffmanBlock(reader, out, dynamicTables(reader));
      else throw new InflateError('invalid block type');
    }
    return { ok: true, bytes: out.bytes.slice(0, out.length), end: reader.pos };
  } catch (error) {
    if (error instanceof InflateError) return { ok: false, error: error.message };
    throw error;
  }
}

function storedBlock(reader: BitReader, out: Output): void {
  reader.alignToByte();
  const input = reader.input;
  if (reader.pos + 4 > input.length) throw new InflateError('unexpected end of compressed data');
  const len = (input[reader.pos] as number) | ((input[reader.pos + 1] as number) << 8);
  const nlen = (input[reader.pos + 2] as number) | ((input[reader.pos + 3] as number) << 8);
  if ((len ^ 0xffff) !== nlen) throw new InflateError('stored block length does not match its complement');
  reader.pos += 4;
  if (reader.pos + len > input.length) throw new InflateError('unexpected end of compressed data');
  out.ensure(len);
  out.bytes.set(input.subarray(reader.pos, reader.pos + len), out.length);
  out.length += len;
  reader.pos += len;
}

function dynamicTables(reader: BitReader): { literals: DecodeTable; distances: DecodeTable } {
  const literalCount = reader.need(5) + 257;
  const distanceCount = reader.need(5) + 1;
  const codeLengthCount = reader.need(4) + 4;
  if (literalCount > 286 || distanceCount > 30) throw new InflateError('too many length or distance codes');
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i] as number] = reader.need(3);
  const codeLengthTable = decodeTable(codeLengthLengths);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const sym = reader.decode(codeLengthTable);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new InflateError('repeat with no previous code length');
      value = lengths[i - 1] as number;
      repeat = 3 + reader.need(2);
    } else if (sym === 17) {
      repeat = 3 + reader.need(3);
    } else {
      repeat = 11 + reader.need(7);
    }
    if (i + repeat > lengths.length) throw new InflateError('code lengths overflow');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new InflateError('missing end-of-block code');
  return {
    literals: decodeTable(lengths.subarray(0, literalCount)),
    distances: decodeTable(lengths.subarray(literalCount)),
  };
}

function huffmanBlock(reader: BitReader, out: Output, tables: { literals: DecodeTable; distances: DecodeTable }): void {
  for (;;) {
    const sym = reader.decode(tables.literals);
    if (sym < 256) {
      out.ensure(1);
      out.bytes[out.length++] = sym;
      continue;
    }
    if (sym === 256) return;
    const code = sym - 257;
    if (code >= 29) throw new InflateError('invalid length code');
    const length = 3 + (LENGTH_BASE[code] as number) + reader.need(LENGTH_EXTRA_BITS[code] as number);
    const dcode = reader.decode(tables.distances);
    if (dcode >= 30) throw new InflateError('invalid distance code');
    const distance = 1 + (DISTANCE_BASE[dcode] as number) + reader.need(DISTANCE_EXTRA_BITS[dcode] as number);
    if (distance > out.length) throw new InflateError('distance too far back');
    out.ensure(length);
    const bytes = out.bytes;
    for (let k = 0; k < length; k++, out.length++) bytes[out.length] = bytes[out.length - distance] as number;
  }
}

/**
 * Decompresses gzip (RFC 1952) data, checking the header, CRC-32 and size. Concatenated members are read one
 * after another, as Go's gzip reader does.
 */
export function gunzip(input: Uint8Array): InflateResult {
  const parts: Uint8Array[] = [];
  let pos = 0;
  do {
    const member = gunzipMember(input.subarray(pos));
    if (!member.ok) return { ok: false, error: member.error };
    parts.push(member.bytes);
    pos += member.end;
  } while (pos < input.length);
  if (parts.length === 1) return { ok: true, bytes: parts[0] as Uint8Array };
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes };
}

function gunzipMember(input: Uint8Array): InflateResult & { readonly end: number } {
  const fail = (error: string) => ({ ok: false as const, error, end: 0 });
  if (input.length < 18 || input[0] !== 0x1f || input[1] !== 0x8b) return fail('invalid gzip header');
  if (input[2] !== 8) return fail('unsupported gzip compression method');
  const flags = input[3] as number;
  let pos = 10;
  if (flags & 4) {
    const xlen = (input[pos] as number) | ((input[pos + 1] as number) << 8);
    pos += 2 + xlen;
  }
  const skipString = () => {
    while (pos < input.length && input[pos] !== 0) pos++;
    pos++;
  };
  if (flags & 8) skipString();
  if (flags & 16) skipString();
  if (flags & 2) pos += 2;
  if (pos >= input.length) return fail('invalid gzip header');
  const body = inflateRaw(input.subarray(pos));
  if (!body.ok) return { ...body, end: 0 };
  const trailer = pos + (body.end ?? 0);
  if (trailer + 8 > input.length) return fail('unexpected end of gzip data');
  const view = new DataView(input.buffer, input.byteOffset + trailer, 8);
  if (view.getUint32(0, true) !== crc32(body.bytes)) return fail('gzip checksum mismatch');
  if (view.getUint32(4, true) !== body.bytes.length >>> 0) return fail('gzip size mismatch');
  return { ok: true, bytes: body.bytes, end: trailer + 8 };
}
