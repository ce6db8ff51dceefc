import { createHash, type Hash } from 'node:crypto';
import { ActionExitCode } from '@ballast/omaha';
import { AgentError } from '../agent-error.js';
import { faultPoint } from '../fault-point.js';
import { openHttp } from '../omaha/http-request.js';
import type { PartitionTarget } from './partition-target.js';
import { streamed } from './release-buffers.js';

/** The payload an update check offered. */
export interface PayloadOffer {
  readonly urls: readonly string[];
  readonly size: number;
  /** Base64 SHA-256, as the Omaha answer's postinstall action gives it. */
  readonly hash: string;
}

/** Options for `downloadPayload`. */
export interface DownloadOptions {
  readonly target: PartitionTarget;
  readonly offer: PayloadOffer;
  /** Bytes already in the partition and durable from an earlier, interrupted download. */
  readonly written: number;
  /** Bytes between two durable checkpoints. */
  readonly checkpointBytes: number;
  /** Consecutive failed attempts on one URL before the next is tried. */
  readonly attemptsPerUrl?: number;
  readonly idleTimeoutMs?: number;
  /** Called after the first `written` bytes are on stable storage; the caller records it in its state. */
  readonly checkpoint: (written: number) => Promise<void>;
  /** Called as bytes arrive (awaited); `received` counts bytes not yet durable too. */
  readonly progress?: (received: number) => void | Promise<void>;
}

/** A finished download: the SHA-256 of the payload as it went into the partition. */
export interface DownloadResult {
  readonly digest: Buffer;
  /** Where this run started: 0 for a fresh download. */
  readonly resumedAt: number;
}

const BUFFER_BYTES = 4 * 1024 * 1024;

class TransferFailure extends Error {}

/**
 * Streams the payload into the partition, resuming at `written` with an HTTP Range request, hashing every byte on
 * the way and checking the size as it goes: more bytes than offered stop the transfer at once. Fails with
 * update_engine's codes: 9 when no URL delivers, 11 for a size mismatch, 10 for a hash mismatch. Memory stays at
 * one 4 MiB buffer whatever the payload size.
 */
export async function downloadPayload(options: DownloadOptions): Promise<DownloadResult> {
  const { target, offer } = options;
  if (offer.size > target.length) {
    throw new AgentError(
      'PAYLOAD_TOO_LARGE',
      `The payload (${offer.size} bytes) does not fit ${target.name} (${target.length} bytes)`,
      ActionExitCode.DownloadNewPartitionInfoError,
    );
  }
  const expected = Buffer.from(offer.hash, 'base64');
  let hash = createHash('sha256');
  let position = Math.min(options.written, offer.size);
  const resumedAt = position;
  // Node cannot save a hash's midstate, so a resumed download hashes again what is already in the partition.
  if (position > 0) await hashPartition(target, position, hash);

  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let buffered = 0;
  let durable = position;
  const flush = async () => {
    if (buffered === 0) return;
    await target.write(position - buffered, buffer.subarray(0, buffered));
    buffered = 0;
  };
  const checkpoint = async () => {
    await flush();
    await target.sync();
    faultPoint('payload-synced');
    durable = position;
    await options.checkpoint(position);
    faultPoint('payload-checkpoint');
  };

  const transfer = async (url: string): Promise<void> => {
    const start = position;
    let response: Awaited<ReturnType<typeof openHttp>>;
    try {
      response = await openHttp(url, {
        headers: start > 0 ? { range: `bytes=${start}-` } : {},
        idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      });
    } catch (error) {
      throw new TransferFailure(`${url}: ${(error as Error).message}`);
    }
    const status = response.statusCode ?? 0;
    if (status === 416) {
      response.resume();
      throw sizeMismatch(`${url} has fewer bytes than the ${offer.size} offered (416 for bytes=${start}-)`);
    }
    if (status === 200 && start > 0) {
      // The server ignores ranges: start over from the first byte.
      position = 0;
      durable = 0;
      hash = createHash('sha256');
    } else if (status === 206) {
      const range = /^bytes (\d+)-/.exec(response.headers['content-range'] ?? '');
      if (!range || Number(range[1]) !== start) {
        response.resume();
        throw new TransferFailure(`${url}: asked for bytes=${start}-, got ${response.headers['content-range']}`);
      }
    } else if (status !== 200) {
      response.resume();
      throw new TransferFailure(`${url}: HTTP ${status}`);
    }
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        if (position + chunk.length > offer.size) {
          response.destroy();
          throw sizeMismatch(`${url} sends more than the ${offer.size} bytes offered`);
        }
        hash.update(chunk);
        let used = 0;
        while (used < chunk.length) {
          const take = Math.min(chunk.length - used, BUFFER_BYTES - buffered);
          chunk.copy(buffer, buffered, used, used + take);
          buffered += take;
          used += take;
          position += take;
          if (buffered === BUFFER_BYTES) await flush();
        }
        streamed(chunk.length);
        await options.progress?.(position);
        if (position - durable >= options.checkpointBytes) await checkpoint();
      }
    } catch (error) {
      if (error instanceof AgentError) throw error;
      await flush();
      throw new TransferFailure(`${url}: ${(error as Error).message} after ${position} bytes`);
    }
    await flush();
    if (position < offer.size) {
      if (response.complete) throw sizeMismatch(`${url} ends after ${position} of the ${offer.size} bytes offered`);
      throw new TransferFailure(`${url}: connection closed after ${position} bytes`);
    }
  };

  const attempts = options.attemptsPerUrl ?? 3;
  const failures: string[] = [];
  for (let index = 0; index < offer.urls.length && position < offer.size; index++) {
    let failed = 0;
    while (position < offer.size && failed < attempts) {
      const before = position;
      try {
        await transfer(offer.urls[index]!);
      } catch (error) {
        if (!(error instanceof TransferFailure)) throw error;
        failures.push(error.message);
        failed = position > before ? 1 : failed + 1;
      }
    }
  }
  if (position < offer.size) {
    await checkpoint();
    throw new AgentError(
      'PAYLOAD_TRANSFER_FAILED',
      `Download stopped at ${position} of ${offer.size} bytes: ${failures.slice(-3).join('; ')}`,
      ActionExitCode.DownloadTransferError,
    );
  }
  await checkpoint();
  const digest = hash.digest();
  if (!digest.equals(expected)) {
    throw new AgentError(
      'PAYLOAD_HASH_MISMATCH',
      `The payload's SHA-256 is ${digest.toString('base64')}, the update server offered ${offer.hash}`,
      ActionExitCode.PayloadHashMismatchError,
    );
  }
  return { digest, resumedAt };
}

function sizeMismatch(message: string): AgentError {
  return new AgentError('PAYLOAD_SIZE_MISMATCH', message, ActionExitCode.PayloadSizeMismatchError);
}

const READ_BYTES = 1024 * 1024;

/** Feeds the first `length` bytes of the partition into `hash`, 1 MiB at a time. */
export async function hashPartition(target: PartitionTarget, length: number, hash: Hash): Promise<void> {
  for (let at = 0; at < length; at += READ_BYTES) {
    faultPoint('partition-read');
    const part = Math.min(READ_BYTES, length - at);
    hash.update(await target.read(at, part));
    streamed(part);
  }
}

/** Reads back the first `length` bytes written into the partition and returns their SHA-256. */
export async function readBackDigest(target: PartitionTarget, length: number): Promise<Buffer> {
  const hash = createHash('sha256');
  await hashPartition(target, length, hash);
  return hash.digest();
}

/**
 * Destroys what a rejected payload left in the partition: its first MiB (where filesystems keep their superblock)
 * is zeroed, so nothing can mistake the rest for a usable /usr. The slot itself stays unbootable.
 */
export async function discardPayload(target: PartitionTarget, written: number): Promise<void> {
  const length = Math.min(written, 1024 * 1024, target.length);
  if (length > 0) await target.write(0, new Uint8Array(length));
  await target.sync();
}
