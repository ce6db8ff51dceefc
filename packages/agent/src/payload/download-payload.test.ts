import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { MemoryDevice } from '@ballast/disk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../agent-error.js';
import { downloadPayload, readBackDigest } from './download-payload.js';
import { PartitionTarget } from './partition-target.js';

// One server for the file; each test says what it serves through `serve`.
let server: Server;
let base: string;
let serve: { bytes: Buffer; dropAfter?: number; ignoreRanges?: boolean; status?: number } = { bytes: Buffer.alloc(0) };
const ranges: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    ranges.push(req.headers.range);
    if (serve.status !== undefined) {
      res.statusCode = serve.status;
      res.end();
      return;
    }
    const match = serve.ignoreRanges ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= serve.bytes.length && match) {
      res.statusCode = 416;
      res.end();
      return;
    }
    const body = serve.bytes.subarray(start);
    if (match) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${serve.bytes.length - 1}/${serve.bytes.length}`);
    }
    res.setHeader('content-length', String(body.length));
    const drop = serve.dropAfter;
    if (drop !== undefined && drop < body.length) {
      const { dropAfter: _, ...rest } = serve;
      serve = rest;
      res.write(body.subarray(0, drop), () => res.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

function target(length = 512 * 1024) {
  // A disk with 4096 bytes before and after the partition, to catch writes outside it.
  const disk = new MemoryDevice(new Uint8Array(length + 8192).fill(0xee));
  return { disk, target: new PartitionTarget(disk, 4096, length, 'partition 4 (USR-B)') };
}

async function download(options: { written?: number; size?: number; hash?: string; t?: PartitionTarget } = {}) {
  const t = options.t ?? target().target;
  const checkpoints: number[] = [];
  const result = await downloadPayload({
    target: t,
    offer: { urls: [`${base}/usr.raw`], size: options.size ?? payload.length, hash: options.hash ?? sha(payload) },
    written: options.written ?? 0,
    checkpointBytes: 64 * 1024,
    attemptsPerUrl: 2,
    checkpoint: async (written) => {
      checkpoints.push(written);
    },
  });
  return { result, checkpoints, target: t };
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

describe('downloadPayload', () => {
  it('streams the payload into the partition, checkpointing as it goes, and never writes outside it', async () => {
    serve = { bytes: payload };
    const { disk, target: t } = target();
    const { result, checkpoints } = await download({ t });
    expect(result.digest.toString('base64')).toBe(sha(payload));
    expect(checkpoints.at(-1)).toBe(payload.length);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect([...checkpoints].sort((a, b) => a - b)).toEqual(checkpoints);
    expect(Buffer.from(disk.bytes.subarray(4096, 4096 + payload.length)).equals(payload)).toBe(true);
    expect(disk.bytes.subarray(0, 4096).every((b) => b === 0xee)).toBe(true);
    expect(disk.bytes.subarray(4096 + 512 * 1024).every((b) => b === 0xee)).toBe(true);
    expect((await readBackDigest(t, payload.length)).toString('base64')).toBe(sha(payload));
  });

  it('resumes with a Range request from what is already in the partition', async () => {
    serve = { bytes: payload };
    const { target: t } = target();
    await t.write(0, payload.subarray(0, 100_000));
    ranges.length = 0;
    const { result } = await download({ t, written: 100_000 });
    expect(ranges).toEqual(['bytes=100000-']);
    expect(result).toMatchObject({ resumedAt: 100_000 });
    expect(result.digest.toString('base64')).toBe(sha(payload));
  });

  it('picks up after a dropped connection in the same run', async () => {
    serve = { bytes: payload, dropAfter: 123_457 };
    ranges.length = 0;
    const { result } = await download();
    // Resumed where the connection broke (a reset may drop the last bytes in flight).
    expect(ranges).toHaveLength(2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1]!)![1]);
    expect(resumedAt).toBeGreaterThan(60_000);
    expect(resumedAt).toBeLessThanOrEqual(123_457);
    expect(result.digest.toString('base64')).toBe(sha(payload));
  });

  it('starts over when the server ignores ranges', async () => {
    serve = { bytes: payload, ignoreRanges: true };
    const { target: t } = target();
    await t.write(0, Buffer.alloc(50_000, 1));
    const { result } = await download({ t, written: 50_000 });
    expect(result.digest.toString('base64')).toBe(sha(payload));
  });

  it('gives up with 9 when no attempt delivers, keeping what arrived for the next run', async () => {
    serve = { bytes: payload, status: 503 };
    const error = await failure(download());
    expect(error).toMatchObject({ code: 'PAYLOAD_TRANSFER_FAILED', exitCode: 9 });
    expect(error.message).toContain('HTTP 503');
  });

  it('refuses a payload larger than the partition before downloading anything', async () => {
    serve = { bytes: payload };
    ranges.length = 0;
    const error = await failure(download({ t: target(1024).target }));
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', exitCode: 13 });
    expect(ranges).toEqual([]);
  });

  it('rejects every corrupted, truncated, extended or mis-announced payload (property)', async () => {
    const spoil = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(payload.length - 1), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat(payload.length - 1) }),
      fc.record({ kind: fc.constant('extend' as const), extra: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ kind: fc.constant('announce' as const), size: fc.integer({ min: 1, max: 500_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(spoil, async (s) => {
        let bytes = payload;
        let size = payload.length;
        if (s.kind === 'flip') {
          bytes = Buffer.from(payload);
          bytes[s.at] = bytes[s.at]! ^ (1 << s.bit);
        } else if (s.kind === 'truncate') bytes = payload.subarray(0, s.keep);
        else if (s.kind === 'extend') bytes = Buffer.concat([payload, Buffer.alloc(s.extra, 9)]);
        else if (s.size !== payload.length) size = s.size;
        else return;
        serve = { bytes };
        const error = await failure(download({ size }));
        const expected = s.kind === 'flip' ? 'PAYLOAD_HASH_MISMATCH' : 'PAYLOAD_SIZE_MISMATCH';
        expect(error.code).toBe(expected);
        expect(error.exitCode).toBe(expected === 'PAYLOAD_HASH_MISMATCH' ? 10 : 11);
      }),
      { numRuns: 120 },
    );
  });
});

describe('PartitionTarget', () => {
  it('refuses every access that would cross the partition’s end', async () => {
    const { disk, target: t } = target(8192);
    await expect(t.write(8000, new Uint8Array(193))).rejects.toMatchObject({ code: 'PAYLOAD_WRITE_FAILED' });
    await expect(t.write(-1, new Uint8Array(1))).rejects.toMatchObject({ code: 'PAYLOAD_WRITE_FAILED' });
    await expect(t.read(8192, 1)).rejects.toMatchObject({ code: 'PAYLOAD_WRITE_FAILED' });
    await t.write(8000, new Uint8Array(192).fill(1));
    expect(disk.bytes[4096 + 8191]).toBe(1);
    expect(disk.bytes[4096 + 8192]).toBe(0xee);
  });
});
