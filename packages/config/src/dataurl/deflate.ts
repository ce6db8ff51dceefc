import { BitWriter } from './bit-writer.js';
import { BlockWriter, writeStoredHeader } from './block-writer.js';
import { Lz77Matcher } from './lz77-matcher.js';

/** A compressor's working state: about 800 KiB of tables, which cost more to allocate than a small input to compress. */
interface Deflater {
  readonly out: BitWriter;
  readonly matcher: Lz77Matcher;
}

/** The one idle Deflater, reused by the next call; taken while in use, so a nested call would build its own. */
let idle: Deflater | undefined;

/** Output buffers above this size are not kept between calls. */
const KEEP_OUTPUT_BYTES = 1 << 20;

/** Raw DEFLATE (RFC 1951) of `data`, byte-identical to Go's compress/flate at BestCompression after one Write and Close. */
export function deflateGo(data: Uint8Array): Uint8Array {
  const deflater = idle ?? newDeflater();
  idle = undefined;
  const { out, matcher } = deflater;
  try {
    matcher.write(data);
    matcher.finish();
    // Go always ends the stream with an empty final stored block rather than marking the last data block final.
    writeStoredHeader(out, { length: 0, final: true });
    return out.finish().slice();
  } finally {
    matcher.reset();
    out.reset(KEEP_OUTPUT_BYTES);
    idle = deflater;
  }
}

function newDeflater(): Deflater {
  const out = new BitWriter(4096);
  return { out, matcher: new Lz77Matcher(new BlockWriter(out)) };
}
