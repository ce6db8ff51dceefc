import type { BlockDevice } from '@ballast/disk';
import { AgentError } from '../agent-error.js';
import { faultPoint } from '../fault-point.js';

/** One partition of a disk as a window: every access is checked to stay inside it. */
export class PartitionTarget {
  constructor(
    readonly device: BlockDevice,
    /** Byte offset of the partition on the disk. */
    readonly offset: number,
    /** Size of the partition in bytes. */
    readonly length: number,
    /** How errors name it, e.g. "partition 4 (USR-B) of disk.img". */
    readonly name: string,
  ) {}

  /** Writes `data` at `position` bytes into the partition; refuses anything that would cross its end. */
  async write(position: number, data: Uint8Array): Promise<void> {
    this.check(position, data.length);
    faultPoint('partition-write');
    try {
      await this.device.write(this.offset + position, data);
    } catch (error) {
      throw new AgentError(
        'PAYLOAD_WRITE_FAILED',
        `${this.name}: write at ${position}: ${(error as Error).message}`,
        14,
      );
    }
  }

  /** Reads `length` bytes at `position` bytes into the partition. */
  async read(position: number, length: number): Promise<Uint8Array> {
    this.check(position, length);
    return this.device.read(this.offset + position, length);
  }

  /** Makes every write so far durable. */
  async sync(): Promise<void> {
    try {
      await this.device.sync();
    } catch (error) {
      throw new AgentError('PAYLOAD_WRITE_FAILED', `${this.name}: fsync: ${(error as Error).message}`, 14);
    }
  }

  private check(position: number, length: number): void {
    if (!Number.isSafeInteger(position) || position < 0 || length < 0 || position + length > this.length) {
      throw new AgentError(
        'PAYLOAD_WRITE_FAILED',
        `${this.name}: ${length} bytes at ${position} would cross the end of the partition (${this.length} bytes)`,
        14,
      );
    }
  }
}
