import { constants, type FileHandle, open, readFile } from 'node:fs/promises';
import { DiskError } from './disk-error.js';

/**
 * The few operations the GPT reader and writer need from a disk. An image file, a block device and an in-memory
 * buffer all implement it, so tests use image files or memory and simulate crashes between writes.
 */
export interface BlockDevice {
  /** Size in bytes; the last partial sector, if any, is not used. */
  readonly size: number;
  /** Logical sector size when the device knows it (a block device); undefined for image files. */
  readonly sectorSize?: number | undefined;
  /** Reads `length` bytes at `offset`; bytes past the end read as zero. */
  read(offset: number, length: number): Promise<Uint8Array>;
  write(offset: number, data: Uint8Array): Promise<void>;
  /** Makes every earlier write durable before any later one (fsync). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Options for `openDisk`. */
export interface OpenDiskOptions {
  /** Open for writing; the default is read-only. */
  readonly writable?: boolean;
}

/** Opens an image file or a block device as a `BlockDevice`. Errors carry `IMAGE_NOT_FOUND` or `IO_ERROR`. */
export async function openDisk(path: string, options: OpenDiskOptions = {}): Promise<BlockDevice> {
  let handle: FileHandle;
  try {
    handle = await open(path, options.writable ? constants.O_RDWR : constants.O_RDONLY);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DiskError('IMAGE_NOT_FOUND', `${path}: no such image or device`);
    throw new DiskError('IO_ERROR', `${path}: cannot open: ${(cause as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (info.isBlockDevice()) {
      const geometry = await blockGeometry(info.rdev);
      return new FileDevice(handle, path, geometry.size, geometry.sectorSize);
    }
    if (!info.isFile()) throw new DiskError('IO_ERROR', `${path}: not a regular file or block device`);
    return new FileDevice(handle, path, info.size, undefined);
  } catch (cause) {
    await handle.close();
    throw cause;
  }
}

/** Creates a new sparse image file of `size` bytes; refuses to replace an existing file (`IMAGE_EXISTS`). */
export async function createImage(path: string, size: number): Promise<BlockDevice> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new DiskError('IMAGE_EXISTS', `${path}: already exists`);
    throw new DiskError('IO_ERROR', `${path}: cannot create: ${(cause as Error).message}`);
  }
  // truncate() leaves a hole, so a 4 GiB image costs only the sectors written.
  await handle.truncate(size);
  return new FileDevice(handle, path, size, undefined);
}

class FileDevice implements BlockDevice {
  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    readonly size: number,
    readonly sectorSize: number | undefined,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.io('read', () => this.handle.read(buffer, done, length - done, offset + done));
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer;
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.io('write', () =>
        this.handle.write(data, done, data.length - done, offset + done),
      );
      done += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.io('fsync', () => this.handle.sync());
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async io<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (cause) {
      throw new DiskError('IO_ERROR', `${this.path}: ${what} failed: ${(cause as Error).message}`);
    }
  }
}

// Node has no BLKGETSIZE64 ioctl, but sysfs gives the same numbers for a device number.
async function blockGeometry(rdev: number): Promise<{ size: number; sectorSize: number }> {
  // glibc's dev_t encoding; device numbers here fit in 32 bits.
  const major = (rdev >>> 8) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
  const base = `/sys/dev/block/${major}:${minor}`;
  const sectors = Number((await readFile(`${base}/size`, 'utf8')).trim());
  let sectorSize = 512;
  for (const queue of [`${base}/queue`, `${base}/../queue`]) {
    try {
      sectorSize = Number((await readFile(`${queue}/logical_block_size`, 'utf8')).trim());
      break;
    } catch {
      // A partition has no queue directory of its own; its disk's applies.
    }
  }
  // sysfs counts in 512-byte units whatever the logical sector size.
  return { size: sectors * 512, sectorSize };
}

/** An in-memory disk: tests and pure callers use it; `bytes` is the whole disk, shared, not copied. */
export class MemoryDevice implements BlockDevice {
  constructor(
    readonly bytes: Uint8Array,
    readonly sectorSize?: number,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(offset, Math.min(offset + length, this.bytes.length)));
    return out;
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    if (offset + data.length > this.bytes.length) {
      throw new DiskError('IO_ERROR', `write of ${data.length} bytes at ${offset} past the end of the disk`);
    }
    this.bytes.set(data, offset);
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Reads whole sectors. */
export function readSectors(device: BlockDevice, at: { lba: number; count: number; sectorSize: number }) {
  return device.read(at.lba * at.sectorSize, at.count * at.sectorSize);
}
