import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import { encodeBase64 } from './base64.js';
import { escapeDataUrl } from './escape.js';
import { gzipGo } from './gzip.js';
import { makeDataUrl } from './make-data-url.js';

const harness = new URL('../../test/reference/gzip/main.go', import.meta.url).pathname;
let bin = '';
beforeAll(async () => {
  bin = await buildGoReference(harness);
}, 120_000);

function frames(inputs: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const input of inputs) {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(input.length);
    parts.push(header, input);
  }
  return Buffer.concat(parts);
}

async function goMake(
  inputs: readonly Uint8Array[],
  options: { compression: string | undefined; allow: boolean },
): Promise<{ url: string; compression: string }[]> {
  const out = await runGoReference(
    bin,
    ['make-batch', options.compression ?? '-', options.allow ? '1' : '0'],
    frames(inputs),
  );
  return out
    .toString('utf8')
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const auto = { compression: undefined, allowCompression: true } as const;

describe('makeDataUrl', () => {
  // Expected values from Butane's own base/v0_5 translate tests.
  const zzz = 'z'.repeat(149);
  it('picks gzip for compressible text, as Butane does', () => {
    expect(makeDataUrl(bytes(zzz), auto)).toEqual({
      url: 'data:;base64,H4sIAAAAAAAC/6oajAAQAAD//5tA8d+VAAAA',
      compression: 'gzip',
    });
  });

  it('picks base64 for short binary data and writes an empty compression', () => {
    const random = latin1('\xc0\x9cl\x01\x89i\xa5\xbfW\xe4\x1b\xf4J_\xb79P\xa3#\xa7');
    expect(makeDataUrl(random, auto)).toEqual({ url: 'data:;base64,wJxsAYlppb9X5Bv0Sl+3OVCjI6c=', compression: '' });
  });

  it('picks URL escaping for short text', () => {
    expect(makeDataUrl(bytes('xyzzy'), auto)).toEqual({ url: 'data:,xyzzy', compression: '' });
    expect(makeDataUrl(bytes('file contents\n'), auto)).toEqual({
      url: 'data:,file%20contents%0A',
      compression: '',
    });
  });

  it('never compresses again what the user compressed, and keeps their compression value', () => {
    expect(makeDataUrl(bytes(zzz), { compression: 'invalid', allowCompression: true })).toEqual({
      url: `data:,${zzz}`,
      compression: 'invalid',
    });
    expect(makeDataUrl(bytes('hello'), { compression: 'gzip', allowCompression: true })).toEqual({
      url: 'data:,hello',
      compression: 'gzip',
    });
  });

  it('does not compress when auto-compression is off', () => {
    expect(makeDataUrl(bytes(zzz), { compression: undefined, allowCompression: false })).toEqual({
      url: `data:,${zzz}`,
      compression: '',
    });
  });

  it('treats an empty compression like an unset one', () => {
    expect(makeDataUrl(bytes(zzz), { compression: '', allowCompression: true })).toEqual(makeDataUrl(bytes(zzz), auto));
  });

  it('makes an empty file a bare "data:,"', () => {
    expect(makeDataUrl(new Uint8Array(0), auto)).toEqual({ url: 'data:,', compression: '' });
  });

  describe('length boundaries', () => {
    // 9 bytes encode to 12 base64 characters (";base64," + 12 = 20); URL escaping costs 1 + 9 + 2 per escaped byte.
    it('keeps URL escaping when base64 is the same length', () => {
      const shorter = bytes('a b c d e'); // four spaces: 1 + 9 + 8 = 18 < 20
      expect(makeDataUrl(shorter, auto).url).toBe('data:,a%20b%20c%20d%20e');
      const equal = bytes('a b c d  '); // five spaces: 1 + 9 + 10 = 20, a tie
      expect(makeDataUrl(equal, auto).url).toBe('data:,a%20b%20c%20d%20%20');
      const longer = bytes('a b c    '); // six spaces: 22 > 20
      expect(makeDataUrl(longer, auto).url).toBe(`data:;base64,${encodeBase64(longer)}`);
    });

    // Runs of one letter: URL escaping grows by one per byte, gzip hardly at all, so somewhere gzip starts to
    // win; it must win by more than 4 characters.
    const runs = Array.from({ length: 80 }, (_, i) => bytes('q'.repeat(i + 1)));
    const plainLength = (data: Uint8Array) => 1 + escapeDataUrl(data).length;
    const gzipLength = (data: Uint8Array) => ';base64,'.length + encodeBase64(gzipGo(data)).length;

    it('prefers the plain encoding until gzip is shorter by more than the length of "gzip"', async () => {
      const tie = runs.find((r) => gzipLength(r) + 4 === plainLength(r));
      const win = runs.find((r) => gzipLength(r) + 4 < plainLength(r));
      expect(tie, 'some run length ties exactly').toBeDefined();
      expect(win).toBeDefined();
      expect(makeDataUrl(tie as Uint8Array, auto).compression).toBe('');
      expect(makeDataUrl(win as Uint8Array, auto).compression).toBe('gzip');
      const expected = await goMake(runs, { compression: undefined, allow: true });
      expect(runs.map((r) => makeDataUrl(r, auto))).toEqual(expected);
    });
  });

  it('skips gzip only where it cannot win: a plain form of at most 44 characters', async () => {
    // Lengths around the bound, in both plain encodings; Go decides each one with gzip computed.
    const contents = [
      ...Array.from({ length: 30 }, (_, i) => bytes('q'.repeat(30 + i))),
      ...Array.from({ length: 30 }, (_, i) => new Uint8Array(20 + i)),
      ...Array.from({ length: 16 }, (_, i) => bytes(' '.repeat(10 + i))),
    ];
    expect(contents.map((c) => makeDataUrl(c, auto))).toEqual(
      await goMake(contents, { compression: undefined, allow: true }),
    );
  });

  it('agrees with the reference rule on generated contents, with and without compression', async () => {
    const contents = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.string({ maxLength: 200 }).map(bytes),
        fc
          .tuple(fc.constantFrom('a', ' ', 'ab', '\n', '%'), fc.integer({ min: 0, max: 120 }))
          .map(([unit, n]) => bytes(unit.repeat(n))),
      ),
      { numRuns: 300, seed: 7 },
    );
    for (const options of [
      { compression: undefined, allow: true },
      { compression: undefined, allow: false },
      { compression: 'gzip', allow: true },
    ]) {
      const expected = await goMake(contents, options);
      const ours = contents.map((c) =>
        makeDataUrl(c, { compression: options.compression, allowCompression: options.allow }),
      );
      expect(ours).toEqual(expected);
    }
  });
});
