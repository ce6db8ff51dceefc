import { crc32 } from './crc32.js';
import { deflateGo } from './deflate.js';

/**
 * Gzip of `data` byte-identical to Go's compress/gzip writer at BestCompression, as Butane calls it: no name,
 * comment or modification time, XFL 2 (best compression), OS 255 (unknown).
 */
export function gzipGo(data: Uint8Array): Uint8Array {
  const body = deflateGo(data);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  out.set(body, 10);
  const view = new DataView(out.buffer);
  view.setUint32(10 + body.length, crc32(data), true);
  view.setUint32(14 + body.length, data.length >>> 0, true);
  return out;
}
