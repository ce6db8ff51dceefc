import { deflateRawSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateGo } from './deflate.js';
import { gzipGo } from './gzip.js';
import { gunzip, inflateRaw } from './inflate.js';

const bytesOf = (r: ReturnType<typeof gunzip>) => (r.ok ? [...r.bytes] : r.error);

describe('gunzip', () => {
  it('reads back gzipGo output', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ min: 97, max: 99, maxLength: 70_000 })),
        (data) => {
          expect(bytesOf(gunzip(gzipGo(data)))).toEqual([...data]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads back Node zlib output at every level, including stored and fixed blocks', () => {
    const text = new TextEncoder().encode('Ballast provisions Flatcar nodes. '.repeat(500));
    for (const level of [0, 1, 6, 9]) {
      expect(bytesOf(gunzip(gzipSync(text, { level })))).toEqual([...text]);
      const raw = inflateRaw(deflateRawSync(text, { level }));
      expect(raw.ok && [...raw.bytes]).toEqual([...text]);
    }
  });

  it('reads a raw deflateGo stream', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 13);
    const raw = inflateRaw(deflateGo(data));
    expect(raw.ok && [...raw.bytes]).toEqual([...data]);
  });

  it('reads concatenated members', () => {
    const a = new TextEncoder().encode('first ');
    const b = new TextEncoder().encode('second');
    const joined = new Uint8Array([...gzipGo(a), ...gzipGo(b)]);
    expect(bytesOf(gunzip(joined))).toEqual([...a, ...b]);
  });

  it('reports damaged input instead of throwing', () => {
    const good = gzipGo(new TextEncoder().encode('hello hello hello hello'));
    expect(gunzip(new Uint8Array([1, 2, 3]))).toEqual({ ok: false, error: 'invalid gzip header' });
    const badCrc = good.slice();
    badCrc[badCrc.length - 8] = (badCrc[badCrc.length - 8] as number) ^ 1;
    expect(gunzip(badCrc)).toEqual({ ok: false, error: 'gzip checksum mismatch' });
    expect(gunzip(good.subarray(0, good.length - 3)).ok).toBe(false);
    expect(gunzip(good.subarray(0, 14)).ok).toBe(false);
  });
});
