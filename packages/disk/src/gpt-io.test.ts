import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BlockDevice, MemoryDevice } from './block-device.js';
import { crc32 } from './crc32.js';
import { DiskError } from './disk-error.js';
import {
  checkHeaderPlacement,
  decodeEntries,
  decodeHeader,
  entriesSectors,
  type GptPartition,
  type GptTable,
} from './gpt.js';
import { readGpt, writeGpt } from './gpt-io.js';
import { PARTITION_TYPES } from './layout.js';
import { chooseBootSlot, prepareUpdate, USR_PARTITION_TYPE, withSlotState } from './slot-rules.js';

const MiB = 1024 * 1024;
const SIZE = 4 * MiB;

// A small disk keeps the crash tests fast: the rules do not depend on the partition sizes.
function layout(sectorSize = 512): GptTable {
  const sectors = SIZE / sectorSize;
  const array = 16384 / sectorSize;
  const mib = MiB / sectorSize;
  const part = (number: number, label: string, type: string, first: number, last: number, attributes = 0n) => ({
    number,
    type,
    guid: `${'0'.repeat(8)}-0000-4000-8000-${number.toString(16).padStart(12, '0')}`.toUpperCase(),
    firstLba: first,
    lastLba: last,
    attributes,
    label,
  });
  return {
    sectorSize,
    diskGuid: '9A1B2C3D-0000-4000-8000-000000000001',
    firstUsableLba: 2 + array,
    lastUsableLba: sectors - 2 - array,
    backupLba: sectors - 1,
    primaryEntriesLba: 2,
    backupEntriesLba: sectors - 1 - array,
    entryCount: 128,
    entrySize: 128,
    partitions: [
      part(1, 'EFI-SYSTEM', PARTITION_TYPES.efi, mib / 2, mib - 1),
      part(3, 'USR-A', USR_PARTITION_TYPE, mib, 2 * mib - 1, withSlotState(0n, { priority: 1, successful: true })),
      part(4, 'USR-B', USR_PARTITION_TYPE, 2 * mib, 3 * mib - 1),
    ],
  };
}

async function freshDisk(sectorSize = 512): Promise<{ disk: MemoryDevice; table: GptTable }> {
  const disk = new MemoryDevice(new Uint8Array(SIZE));
  const table = layout(sectorSize);
  await writeGpt(disk, table, { protectiveMbr: true });
  return { disk, table };
}

function corrupt(disk: MemoryDevice, offset: number): void {
  disk.bytes[offset] = disk.bytes[offset]! ^ 0xff;
}

describe('readGpt', () => {
  it('reads back what writeGpt wrote, from the primary, with nothing to report', async () => {
    const { disk, table } = await freshDisk();
    const read = await readGpt(disk);
    expect(read.table).toEqual(table);
    expect(read).toMatchObject({ source: 'primary', protectiveMbr: true, reports: [] });
    expect(read.primary.valid && read.backup.valid).toBe(true);
  });

  it('finds a table on 4096-byte sectors by itself', async () => {
    const { disk, table } = await freshDisk(4096);
    const read = await readGpt(disk);
    expect(read.table).toEqual(table);
    expect(read.table.sectorSize).toBe(4096);
  });

  it('falls back to the backup when the primary header is damaged, and says why', async () => {
    const { disk, table } = await freshDisk();
    corrupt(disk, 512 + 60);
    const read = await readGpt(disk);
    expect(read.source).toBe('backup');
    expect(read.table.partitions).toEqual(table.partitions);
    expect(read.primary.reports.map((r) => r.code)).toEqual(['HEADER_CRC_MISMATCH']);
    expect(read.reports.map((r) => r.code)).toEqual(['PRIMARY_INVALID']);
  });

  it('falls back to the backup when the primary entries are damaged', async () => {
    const { disk, table } = await freshDisk();
    corrupt(disk, 1024 + 300);
    const read = await readGpt(disk);
    expect(read).toMatchObject({ source: 'backup', primary: { valid: false, headerValid: true } });
    expect(read.primary.reports.map((r) => r.code)).toEqual(['ENTRIES_CRC_MISMATCH']);
    expect(read.table.partitions).toEqual(table.partitions);
  });

  it('uses the primary and warns when the backup is damaged', async () => {
    const { disk } = await freshDisk();
    corrupt(disk, SIZE - 512 + 3);
    const read = await readGpt(disk);
    expect(read.source).toBe('primary');
    expect(read.reports.map((r) => r.code)).toEqual(['BACKUP_INVALID']);
    expect(read.reports[0]!.message).toContain('No GPT signature');
  });

  it('warns about a missing protective MBR but reads the table (cgpt create writes none)', async () => {
    const { disk } = await freshDisk();
    disk.bytes.fill(0, 0, 512);
    const read = await readGpt(disk);
    expect(read.reports.map((r) => r.code)).toEqual(['NO_PROTECTIVE_MBR']);
  });

  it('says NOT_GPT for a disk without any GPT header', async () => {
    const disk = new MemoryDevice(new Uint8Array(4 * MiB));
    await expect(readGpt(disk)).rejects.toMatchObject({ code: 'NOT_GPT' });
  });

  it('says NO_VALID_GPT, with the reason for each copy, when both are damaged', async () => {
    const { disk } = await freshDisk();
    corrupt(disk, 512 + 60);
    corrupt(disk, SIZE - 512 - 100);
    const failure = await readGpt(disk).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DiskError);
    expect((failure as DiskError).code).toBe('NO_VALID_GPT');
    expect((failure as DiskError).reports.map((r) => `${r.where}:${r.code}`)).toEqual([
      'primary:HEADER_CRC_MISMATCH',
      'backup:ENTRIES_CRC_MISMATCH',
    ]);
    expect((failure as DiskError).message).toMatch(/primary: .*CRC32.*; backup: .*CRC32/);
  });

  it('rejects a table with overlapping partitions in both copies', async () => {
    const { disk, table } = await freshDisk();
    const [a, b] = table.partitions;
    const bad = { ...table, partitions: [a!, { ...b!, firstLba: a!.lastLba }, ...table.partitions.slice(2)] };
    await expect(writeGpt(disk, bad)).rejects.toMatchObject({ code: 'PARTITION_OVERLAP' });
  });

  it('reports a backup that is not at the end of a disk that grew', async () => {
    const { disk, table } = await freshDisk();
    const grown = new MemoryDevice(new Uint8Array(SIZE + 4 * MiB));
    grown.bytes.set(disk.bytes);
    const read = await readGpt(grown);
    expect(read.table).toEqual(table);
    expect(read.reports.map((r) => r.code)).toEqual(['BACKUP_NOT_AT_END']);
  });
});

// A disk that records every sector written and every fsync, so a test can rebuild the disk as a crash would have
// left it: after any prefix of the writes, or with any subset of the writes since the last completed fsync.
class JournalDevice implements BlockDevice {
  readonly writes: { offset: number; data: Uint8Array; epoch: number }[] = [];
  private epoch = 0;
  private readonly current: Uint8Array;

  constructor(
    readonly base: Uint8Array,
    private readonly atom: number,
  ) {
    this.current = base.slice();
  }

  get size(): number {
    return this.base.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.current.slice(offset, offset + length);
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    for (let at = 0; at < data.length; at += this.atom) {
      const piece = data.slice(at, at + this.atom);
      this.writes.push({ offset: offset + at, data: piece, epoch: this.epoch });
      this.current.set(piece, offset + at);
    }
  }

  async sync(): Promise<void> {
    this.epoch++;
  }

  async close(): Promise<void> {}

  replay(keep: (index: number) => boolean): Uint8Array {
    const disk = this.base.slice();
    this.writes.forEach((w, i) => {
      if (keep(i)) disk.set(w.data, w.offset);
    });
    return disk;
  }
}

// How GRUB's gpt module reads (Flatcar's grub-core/lib/gpt.c): the backup is found at the primary's AlternateLBA
// when the primary header is sound, and is rejected when its header or entries disagree with a valid primary.
function grubReads(bytes: Uint8Array, sectorSize: number): readonly GptPartition[] | undefined {
  const sectors = bytes.length / sectorSize;
  const sector = (lba: number, count = 1) => bytes.subarray(lba * sectorSize, (lba + count) * sectorSize);
  const header = (where: 'primary' | 'backup', lba: number) => {
    const h = decodeHeader(sector(lba), where).header;
    if (!h || checkHeaderPlacement(h, { where, expectedLba: lba, diskSectors: sectors, sectorSize }).length > 0) return;
    return h;
  };
  const entries = (h: NonNullable<ReturnType<typeof header>>) => sector(h.entriesLba, entriesSectors(h, sectorSize));
  const primary = header('primary', 1);
  const primaryOk = primary && crc32(entries(primary).subarray(0, 16384)) === primary.entriesCrc32;
  const backup = header('backup', primary ? primary.alternateLba : sectors - 1);
  let backupOk = backup && crc32(entries(backup).subarray(0, 16384)) === backup.entriesCrc32;
  if (primary && backup) {
    const same =
      primary.firstUsableLba === backup.firstUsableLba &&
      primary.lastUsableLba === backup.lastUsableLba &&
      primary.diskGuid === backup.diskGuid &&
      primary.entriesCrc32 === backup.entriesCrc32;
    if (!same) backupOk = false;
  }
  if (primaryOk) return decodeEntries(entries(primary), { header: primary, where: 'primary' }).partitions;
  if (backupOk) return decodeEntries(entries(backup!), { header: backup!, where: 'backup' }).partitions;
  return undefined;
}

describe('crash-safe writes', () => {
  const scenarios: { name: string; damage: (disk: Uint8Array, sectorSize: number) => void }[] = [
    { name: 'both copies valid', damage: () => {} },
    { name: 'the primary header damaged', damage: (d, s) => (d[s + 20] = 1) },
    { name: 'the primary entries damaged', damage: (d, s) => (d[2 * s + 7] = d[2 * s + 7]! ^ 1) },
    { name: 'the backup damaged', damage: (d, s) => (d[d.length - s] = 0) },
  ];

  for (const sectorSize of [512, 4096]) {
    for (const { name, damage } of scenarios) {
      it(`leaves a valid table after any prefix of the writes, starting with ${name} (${sectorSize}-byte sectors)`, async () => {
        const { disk, table: before } = await freshDisk(sectorSize);
        damage(disk.bytes, sectorSize);
        const after = prepareUpdate((await readGpt(disk)).table, 4).table!;
        const journal = new JournalDevice(disk.bytes, sectorSize);
        await writeGpt(journal, after);
        expect(journal.writes.length).toBeGreaterThan(2);

        for (let cut = 0; cut <= journal.writes.length; cut++) {
          const image = journal.replay((i) => i < cut);
          const read = await readGpt(new MemoryDevice(image));
          expect([before.partitions, after.partitions], `cut after ${cut} writes`).toContainEqual(
            read.table.partitions,
          );
          const grub = grubReads(image, sectorSize);
          expect([before.partitions, after.partitions], `GRUB, cut after ${cut} writes`).toContainEqual(grub);
          if (cut === journal.writes.length) {
            expect(read.table.partitions).toEqual(after.partitions);
            expect(read.reports).toEqual([]);
          }
        }
      });
    }
  }

  it('leaves a valid table when the disk reorders the writes between two fsyncs', async () => {
    const { disk, table: before } = await freshDisk();
    const after = chooseBootSlot(prepareUpdate(before, 4).table!).table;
    const journal = new JournalDevice(disk.bytes, 512);
    await writeGpt(journal, after);
    const epochs = Math.max(...journal.writes.map((w) => w.epoch)) + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: epochs - 1 }),
        fc.array(fc.boolean(), { minLength: journal.writes.length, maxLength: journal.writes.length }),
        async (epoch, lands) => {
          // Everything before `epoch` is durable; of the writes in `epoch`, an arbitrary subset landed.
          const image = journal.replay(
            (i) => journal.writes[i]!.epoch < epoch || (journal.writes[i]!.epoch === epoch && lands[i]!),
          );
          const read = await readGpt(new MemoryDevice(image));
          expect([before.partitions, after.partitions]).toContainEqual(read.table.partitions);
          expect([before.partitions, after.partitions]).toContainEqual(grubReads(image, 512));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes the backup before the primary when the primary is the copy in use', async () => {
    const { disk, table } = await freshDisk();
    const journal = new JournalDevice(disk.bytes, 512);
    await writeGpt(journal, prepareUpdate(table, 4).table!);
    const lbas = journal.writes.map((w) => w.offset / 512);
    const backupHeader = lbas.indexOf(table.backupLba);
    const primaryHeader = lbas.indexOf(1);
    const primaryEntries = lbas.indexOf(2);
    expect(backupHeader).toBeLessThan(primaryHeader);
    expect(primaryHeader).toBeLessThan(primaryEntries);
  });
});
