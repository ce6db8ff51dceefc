import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import { gzipGo } from './gzip.js';

const harness = new URL('../../test/reference/gzip/main.go', import.meta.url).pathname;
let bin = '';

beforeAll(async () => {
  bin = await buildGoReference(harness);
}, 120_000);

/** Go's gzip of each input, from one run of the reference program. */
async function goGzipAll(inputs: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for (const input of inputs) {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, input.length);
    frames.push(header, input);
  }
  const out = await runGoReference(bin, ['gzip-batch'], Buffer.concat(frames));
  const results: Uint8Array[] = [];
  for (let pos = 0; pos < out.length; ) {
    const n = out.readUInt32BE(pos);
    results.push(new Uint8Array(out.subarray(pos + 4, pos + 4 + n)));
    pos += 4 + n;
  }
  return results;
}

/** Deterministic pseudo-random bytes, so failures reproduce. */
function noise(length: number, seed: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % alphabet;
  }
  return out;
}

const text = new TextEncoder();
const prose = text.encode(
  [
    'variant: flatcar\nversion: 1.1.0\nstorage:\n  files:\n    - path: /etc/hostname\n      contents:\n',
    '        inline: node-1\n[Unit]\nDescription=Example\nAfter=network-online.target\n\n[Service]\n',
    'ExecStart=/usr/bin/docker run --rm --name example -p 80:80 nginx:latest\nRestart=always\n',
  ].join(''),
);

function repeatTo(unit: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += unit.length) out.set(unit.subarray(0, Math.min(unit.length, length - i)), i);
  return out;
}

/** Byte frequencies in Fibonacci proportions: an optimal Huffman tree would be deeper than DEFLATE's 15 bits. */
function fibonacciBytes(symbols: number): Uint8Array {
  const counts = [1, 1];
  while (counts.length < symbols) counts.push((counts.at(-1) as number) + (counts.at(-2) as number));
  const bytes = counts.flatMap((count, sym) => Array.from({ length: count }, () => sym * 7));
  const order = noise(bytes.length, 99);
  // A fixed pseudo-random shuffle keeps LZ77 from finding long matches.
  for (let i = bytes.length - 1; i > 0; i--) {
    const j = ((order[i] as number) * 65599 + i * 31) % (i + 1);
    [bytes[i], bytes[j]] = [bytes[j] as number, bytes[i] as number];
  }
  return Uint8Array.from(bytes);
}

const KiB = 1024;
const cases: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', Uint8Array.of(0x41)],
  ['two bytes', Uint8Array.of(0, 0xff)],
  ['four equal bytes', Uint8Array.of(7, 7, 7, 7)],
  ['short text', text.encode('hello hello hello')],
  ['config text', prose],
  ['text repeated past 64 KiB', repeatTo(prose, 200 * KiB)],
  ['random 1 KiB', noise(KiB, 1)],
  ['random 100 KiB', noise(100 * KiB, 2)],
  ['three-letter alphabet 300 KiB', noise(300 * KiB, 3, 3)],
  ['zeros 1 MiB', new Uint8Array(1024 * KiB)],
  ['ab repeated 1 MiB', repeatTo(text.encode('ab'), 1024 * KiB)],
  ['zeros then random', new Uint8Array([...new Uint8Array(40 * KiB), ...noise(40 * KiB, 4)])],
  ['random then its copy', new Uint8Array([...noise(20 * KiB, 5), ...noise(20 * KiB, 5)])],
  ['copy 33 KiB back, out of reach', new Uint8Array([...noise(33 * KiB, 6), ...noise(33 * KiB, 6)])],
  ['random 1 MiB', noise(1024 * KiB, 7)],
  ['Fibonacci byte frequencies (length-limited codes)', fibonacciBytes(24)],
  ['mixed text and random 1 MiB', new Uint8Array([...repeatTo(prose, 512 * KiB), ...noise(512 * KiB, 8, 16)])],
];
// Sizes around the window (32 KiB), the buffer (64 KiB), the stored-block limit (65535) and its slide threshold.
for (const size of [32 * KiB - 1, 32 * KiB, 32 * KiB + 1, 65535, 64 * KiB, 64 * KiB + 1, 65274, 65275, 96 * KiB]) {
  cases.push([`random ${size}`, noise(size, size)]);
  cases.push([`text ${size}`, repeatTo(prose, size)]);
  cases.push([`low entropy ${size}`, noise(size, size + 1, 4)]);
}
// 16384 tokens fill a block: literal-only inputs cross that limit at 16 KiB.
for (const size of [16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 16 * KiB + 2]) {
  cases.push([`random ${size}`, noise(size, size)]);
}

describe('gzipGo', () => {
  it('matches Go compress/gzip at BestCompression byte for byte on hand-picked inputs', async () => {
    const expected = await goGzipAll(cases.map(([, data]) => data));
    for (const [i, [name, data]] of cases.entries()) {
      const ours = gzipGo(data);
      expect({ name, equal: Buffer.compare(Buffer.from(ours), Buffer.from(expected[i] as Uint8Array)) === 0 }).toEqual({
        name,
        equal: true,
      });
    }
  });

  it('matches Go on generated inputs', async () => {
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ min: 97, max: 100, maxLength: 2000 }),
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 600 }))
        .map(([unit, times]) => repeatTo(unit, unit.length * times)),
    );
    const inputs = fc.sample(
      fc.array(chunk, { maxLength: 12 }).map((parts) => new Uint8Array(parts.flatMap((p) => [...p]))),
      { numRuns: 200, seed: 20_240_611 },
    );
    const expected = await goGzipAll(inputs);
    for (const [i, input] of inputs.entries()) {
      const ours = gzipGo(input);
      expect(
        Buffer.from(ours).equals(Buffer.from(expected[i] as Uint8Array)),
        `input #${i} (${input.length} bytes)`,
      ).toBe(true);
    }
  });

  it('round-trips through Node zlib', () => {
    for (const [name, data] of cases) {
      expect(Buffer.from(gunzipSync(gzipGo(data))).equals(Buffer.from(data)), name).toBe(true);
    }
  });

  it('gives the same bytes on every call: the reused compressor state leaks nothing between inputs', async () => {
    // Enough calls, some large, to pass the point where the reused hash tables are cleared for real (1 << 24).
    const probe = prose;
    const others = [noise(66 * KiB, 11, 4), repeatTo(prose, 5 * KiB), new Uint8Array(0)];
    const expected = (await goGzipAll([probe]))[0] as Uint8Array;
    for (let i = 0; i < 200; i++) {
      gzipGo(others[i % others.length] as Uint8Array);
      expect(Buffer.from(gzipGo(probe)).equals(Buffer.from(expected)), `call ${i}`).toBe(true);
    }
  });

  it('never writes fewer than 23 bytes (what makeDataUrl relies on to skip gzip)', () => {
    expect(gzipGo(new Uint8Array(0)).length).toBe(23);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (data) => gzipGo(data).length >= 23),
      { numRuns: 300, seed: 3 },
    );
  });

  it('writes Go header fields: no mtime, XFL 2, OS 255', () => {
    expect([...gzipGo(new Uint8Array(0))]).toEqual([
      0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
});
