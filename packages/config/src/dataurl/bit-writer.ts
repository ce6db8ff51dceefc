/** An LSB-first bit stream into a growing byte buffer, as DEFLATE packs its bits. */
export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  // Pending bits, fewer than 8 between calls, so a write of up to 24 bits still fits in 32.
  private bits = 0;
  private bitCount = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Appends the low `count` bits of `value` (count at most 24). */
  writeBits(value: number, count: number): void {
    this.bits |= value << this.bitCount;
    this.bitCount += count;
    if (this.bitCount >= 8) {
      this.ensure(3);
      const buf = this.buffer;
      while (this.bitCount >= 8) {
        buf[this.length++] = this.bits & 0xff;
        this.bits >>>= 8;
        this.bitCount -= 8;
      }
    }
  }

  /** Empties the stream for reuse, dropping a buffer that grew beyond `keepBytes`. */
  reset(keepBytes: number): void {
    this.length = 0;
    this.bits = 0;
    this.bitCount = 0;
    if (this.buffer.length > keepBytes) this.buffer = new Uint8Array(4096);
  }

  /** Pads the pending bits with zeros up to the next byte boundary. */
  alignToByte(): void {
    if (this.bitCount > 0) {
      this.ensure(1);
      this.buffer[this.length++] = this.bits & 0xff;
      this.bits = 0;
      this.bitCount = 0;
    }
  }

  /** Appends whole bytes; the stream must be byte-aligned. */
  writeBytes(bytes: Uint8Array): void {
    if (this.bitCount !== 0) throw new Error('internal error: writeBytes with unfinished bits');
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes written so far (the stream must be byte-aligned). */
  finish(): Uint8Array {
    this.alignToByte();
    return this.buffer.subarray(0, this.length);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}
