import { BitWriter } from './bit-writer.js';
import { BlockWriter, writeStoredHeader } from './block-writer.js';
import { Lz77Matcher } from './lz77-matcher.js';

/** Raw DEFLATE (RFC 1951) of `data`, byte-identical to Go's compress/flate at BestCompression after one Write and Close. */
export function deflateGo(data: Uint8Array): Uint8Array {
  const out = new BitWriter(Math.min(1 << 20, (data.length >> 1) + 64));
  const matcher = new Lz77Matcher(new BlockWriter(out));
  matcher.write(data);
  matcher.finish();
  // Go always ends the stream with an empty final stored block rather than marking the last data block final.
  writeStoredHeader(out, { length: 0, final: true });
  return out.finish();
}
