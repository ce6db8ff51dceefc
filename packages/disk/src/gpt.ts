import { crc32 } from './crc32.js';
import { type DiskReport, error } from './disk-error.js';
import { decodeGuid, encodeGuid, isGuid, ZERO_GUID } from './guid.js';

/** "EFI PART", the first eight bytes of every GPT header. */
export const GPT_SIGNATURE = 'EFI PART';
/** GPT revision 1.0, the only one UEFI defines. */
export const GPT_REVISION = 0x00010000;
/** Size of the header fields UEFI defines; we always write this size. */
export const GPT_HEADER_SIZE = 92;
/** Size of one partition entry as UEFI defines it and cgpt requires it. */
export const GPT_ENTRY_SIZE = 128;
/** Number of entries cgpt requires and every tool creates: a 16 KiB array. */
export const GPT_ENTRY_COUNT = 128;
/** UEFI's minimum size of the entry array in bytes, whatever the entry size. */
export const GPT_MIN_ENTRIES_BYTES = 16384;
/** Labels are 36 UTF-16 code units, zero padded. */
export const GPT_LABEL_UNITS = 36;

/** One used entry of the partition table. `number` is its 1-based index in the entry array. */
export interface GptPartition {
  readonly number: number;
  /** Partition type GUID, upper case. */
  readonly type: string;
  /** Unique partition GUID (PARTUUID), upper case. */
  readonly guid: string;
  readonly firstLba: number;
  /** Inclusive, as on disk. */
  readonly lastLba: number;
  /** All 64 attribute bits; the gptprio fields live in bits 48 to 56. */
  readonly attributes: bigint;
  /** The partition name (PARTLABEL). */
  readonly label: string;
}

/** A whole GUID partition table as the primary and backup copies both describe it. */
export interface GptTable {
  /** Logical sector size in bytes: 512 or 4096. */
  readonly sectorSize: number;
  readonly diskGuid: string;
  readonly firstUsableLba: number;
  readonly lastUsableLba: number;
  /** Where the backup header lives (the primary header's AlternateLBA); the last sector of a disk that never grew. */
  readonly backupLba: number;
  /** Where the primary entry array starts, normally LBA 2. */
  readonly primaryEntriesLba: number;
  /** Where the backup entry array starts, normally just before the backup header. */
  readonly backupEntriesLba: number;
  readonly entryCount: number;
  readonly entrySize: number;
  /** Used entries only, in entry-array order. */
  readonly partitions: readonly GptPartition[];
}

/** The fields of one header as found on disk. */
export interface GptHeader {
  readonly revision: number;
  readonly headerSize: number;
  readonly headerCrc32: number;
  readonly myLba: number;
  readonly alternateLba: number;
  readonly firstUsableLba: number;
  readonly lastUsableLba: number;
  readonly diskGuid: string;
  readonly entriesLba: number;
  readonly entryCount: number;
  readonly entrySize: number;
  readonly entriesCrc32: number;
}

/** Which copy of the table a header or entry array belongs to. */
export type GptCopy = 'primary' | 'backup';

/** Sectors the entry array of `table` (or of a header) takes. */
export function entriesSectors(t: { entryCount: number; entrySize: number }, sectorSize: number): number {
  return Math.ceil((t.entryCount * t.entrySize) / sectorSize);
}

function u64(view: DataView, offset: number): number | undefined {
  const value = view.getBigUint64(offset, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
}

/**
 * Decodes a header sector and checks what a header can say about itself: signature, revision, size, CRC, the
 * reserved field, entry size and count. Where it sits on the disk is checked by `checkHeaderPlacement`.
 */
export function decodeHeader(sector: Uint8Array, where: GptCopy): { header?: GptHeader; reports: DiskReport[] } {
  const reports: DiskReport[] = [];
  const view = new DataView(sector.buffer, sector.byteOffset, sector.byteLength);
  const signature = new TextDecoder('latin1').decode(sector.subarray(0, 8));
  if (signature !== GPT_SIGNATURE) {
    reports.push(error('BAD_SIGNATURE', where, `No GPT signature ("EFI PART") in the ${where} header`));
    return { reports };
  }
  const revision = view.getUint32(8, true);
  if (revision !== GPT_REVISION) {
    reports.push(
      error('BAD_REVISION', where, `Unknown GPT revision 0x${revision.toString(16)} in the ${where} header`),
    );
    return { reports };
  }
  const headerSize = view.getUint32(12, true);
  if (headerSize < GPT_HEADER_SIZE || headerSize > sector.length) {
    reports.push(
      error(
        'BAD_HEADER_SIZE',
        where,
        `The ${where} header claims ${headerSize} bytes (92 to ${sector.length} allowed)`,
      ),
    );
    return { reports };
  }
  const headerCrc32 = view.getUint32(16, true);
  const copy = sector.slice(0, headerSize);
  new DataView(copy.buffer).setUint32(16, 0, true);
  const computed = crc32(copy);
  if (computed !== headerCrc32) {
    reports.push(
      error(
        'HEADER_CRC_MISMATCH',
        where,
        `The ${where} header CRC32 is 0x${hex32(headerCrc32)} but its contents give 0x${hex32(computed)}`,
      ),
    );
    return { reports };
  }
  if (view.getUint32(20, true) !== 0) {
    reports.push(error('BAD_RESERVED', where, `The reserved field of the ${where} header is not zero`));
  }
  const lbas = [24, 32, 40, 48, 72].map((o) => u64(view, o));
  if (lbas.some((v) => v === undefined)) {
    reports.push(error('LBA_TOO_LARGE', where, `The ${where} header has an LBA beyond 2^53`));
    return { reports };
  }
  const [myLba, alternateLba, firstUsableLba, lastUsableLba, entriesLba] = lbas as number[];
  const entryCount = view.getUint32(80, true);
  const entrySize = view.getUint32(84, true);
  // UEFI allows 128 * 2^n bytes per entry; anything else cannot be indexed.
  if (entrySize < GPT_ENTRY_SIZE || entrySize % GPT_ENTRY_SIZE !== 0 || !isPowerOfTwo(entrySize / GPT_ENTRY_SIZE)) {
    reports.push(error('BAD_ENTRY_SIZE', where, `The ${where} header gives an entry size of ${entrySize} bytes`));
  }
  if (entryCount === 0 || entryCount * entrySize < GPT_MIN_ENTRIES_BYTES || entryCount > 65536) {
    reports.push(
      error(
        'BAD_ENTRY_COUNT',
        where,
        `The ${where} header gives ${entryCount} entries of ${entrySize} bytes (at least 16384 bytes needed)`,
      ),
    );
  }
  if (reports.length > 0) return { reports };
  return {
    header: {
      revision,
      headerSize,
      headerCrc32,
      myLba: myLba!,
      alternateLba: alternateLba!,
      firstUsableLba: firstUsableLba!,
      lastUsableLba: lastUsableLba!,
      diskGuid: decodeGuid(sector, 56),
      entriesLba: entriesLba!,
      entryCount,
      entrySize,
      entriesCrc32: view.getUint32(88, true),
    },
    reports,
  };
}

/**
 * Checks where a header says it and its entries are: the primary at LBA 1 with its entries before the usable
 * area, the backup at `expectedLba` with its entries after the usable area, and a usable area inside the disk.
 */
export function checkHeaderPlacement(
  header: GptHeader,
  context: { where: GptCopy; expectedLba: number; diskSectors: number; sectorSize: number },
): DiskReport[] {
  const { where, expectedLba, diskSectors, sectorSize } = context;
  const reports: DiskReport[] = [];
  const arraySectors = entriesSectors(header, sectorSize);
  if (header.myLba !== expectedLba) {
    reports.push(
      error('BAD_HEADER_LBA', where, `The ${where} header says it is at LBA ${header.myLba}, not ${expectedLba}`),
    );
  }
  if (header.firstUsableLba > header.lastUsableLba || header.lastUsableLba >= diskSectors) {
    reports.push(
      error(
        'BAD_USABLE_RANGE',
        where,
        `The ${where} header gives usable LBAs ${header.firstUsableLba}-${header.lastUsableLba} on a disk of ${diskSectors} sectors`,
      ),
    );
  }
  const entriesEnd = header.entriesLba + arraySectors - 1;
  const ok =
    where === 'primary'
      ? header.entriesLba >= 2 && entriesEnd < header.firstUsableLba && header.alternateLba > header.lastUsableLba
      : header.entriesLba > header.lastUsableLba && entriesEnd < header.myLba && header.alternateLba === 1;
  if (!ok) {
    reports.push(
      error(
        'ENTRIES_OUT_OF_RANGE',
        where,
        `The ${where} entry array (LBA ${header.entriesLba}-${entriesEnd}) or alternate header (LBA ${header.alternateLba}) collides with the usable LBAs ${header.firstUsableLba}-${header.lastUsableLba}`,
      ),
    );
  }
  if (header.alternateLba >= diskSectors || header.myLba >= diskSectors || entriesEnd >= diskSectors) {
    reports.push(
      error('ENTRIES_OUT_OF_RANGE', where, `The ${where} table reaches beyond the last sector ${diskSectors - 1}`),
    );
  }
  return reports;
}

/** Decodes an entry array, checking its CRC against the header and each used entry against the usable LBAs. */
export function decodeEntries(
  bytes: Uint8Array,
  context: { header: GptHeader; where: GptCopy },
): { partitions?: GptPartition[]; reports: DiskReport[] } {
  const { header, where } = context;
  const length = header.entryCount * header.entrySize;
  const array = bytes.subarray(0, length);
  const computed = crc32(array);
  if (computed !== header.entriesCrc32) {
    return {
      reports: [
        error(
          'ENTRIES_CRC_MISMATCH',
          where,
          `The ${where} entry array at LBA ${header.entriesLba} has CRC32 0x${hex32(computed)}, its header expects 0x${hex32(header.entriesCrc32)}`,
        ),
      ],
    };
  }
  const partitions: GptPartition[] = [];
  const reports: DiskReport[] = [];
  const view = new DataView(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < header.entryCount; i++) {
    const at = i * header.entrySize;
    const type = decodeGuid(array, at);
    if (type === ZERO_GUID) continue;
    const firstLba = u64(view, at + 32);
    const lastLba = u64(view, at + 40);
    if (firstLba === undefined || lastLba === undefined) {
      reports.push(error('LBA_TOO_LARGE', `partition ${i + 1}`, `Partition ${i + 1} has an LBA beyond 2^53`));
      continue;
    }
    partitions.push({
      number: i + 1,
      type,
      guid: decodeGuid(array, at + 16),
      firstLba,
      lastLba,
      attributes: view.getBigUint64(at + 48, true),
      label: decodeLabel(array.subarray(at + 56, at + 128)),
    });
  }
  reports.push(...checkPartitions(partitions, header));
  return reports.length > 0 ? { reports } : { partitions, reports };
}

/** Checks used entries as cgpt does: inside the usable LBAs, first <= last, no overlaps, no shared unique GUID. */
export function checkPartitions(
  partitions: readonly GptPartition[],
  range: { firstUsableLba: number; lastUsableLba: number },
): DiskReport[] {
  const reports: DiskReport[] = [];
  for (const p of partitions) {
    const where = `partition ${p.number}`;
    if (p.firstLba < range.firstUsableLba || p.lastLba > range.lastUsableLba || p.lastLba < p.firstLba) {
      reports.push(
        error(
          'PARTITION_OUT_OF_RANGE',
          where,
          `Partition ${p.number} (LBA ${p.firstLba}-${p.lastLba}) is outside the usable LBAs ${range.firstUsableLba}-${range.lastUsableLba}`,
        ),
      );
    }
  }
  const sorted = [...partitions].sort((a, b) => a.firstLba - b.firstLba || a.number - b.number);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.firstLba <= a.lastLba) {
      reports.push(
        error(
          'PARTITION_OVERLAP',
          `partition ${b.number}`,
          `Partition ${b.number} (LBA ${b.firstLba}-${b.lastLba}) overlaps partition ${a.number} (LBA ${a.firstLba}-${a.lastLba})`,
        ),
      );
    }
  }
  const seen = new Map<string, number>();
  for (const p of partitions) {
    const other = seen.get(p.guid);
    if (other !== undefined) {
      reports.push(
        error(
          'DUPLICATE_GUID',
          `partition ${p.number}`,
          `Partitions ${other} and ${p.number} share the unique GUID ${p.guid}`,
        ),
      );
    }
    seen.set(p.guid, p.number);
  }
  return reports;
}

/** Checks a table before it is written: geometry on a disk of `diskSectors`, labels, GUIDs and partitions. */
export function validateTable(table: GptTable, diskSectors: number): DiskReport[] {
  const reports: DiskReport[] = [];
  if (table.sectorSize !== 512 && table.sectorSize !== 4096) {
    reports.push(error('UNSUPPORTED_SECTOR_SIZE', 'table', `Sector size ${table.sectorSize} (512 or 4096 supported)`));
    return reports;
  }
  const primary = headerFor(table, 'primary', 0);
  const backup = headerFor(table, 'backup', 0);
  const common = { diskSectors, sectorSize: table.sectorSize };
  reports.push(...checkHeaderPlacement(primary, { ...common, where: 'primary', expectedLba: 1 }));
  reports.push(...checkHeaderPlacement(backup, { ...common, where: 'backup', expectedLba: table.backupLba }));
  if (table.entrySize % GPT_ENTRY_SIZE !== 0 || !isPowerOfTwo(table.entrySize / GPT_ENTRY_SIZE)) {
    reports.push(error('BAD_ENTRY_SIZE', 'table', `Entry size ${table.entrySize} is not 128 * 2^n`));
  }
  if (table.entryCount * table.entrySize < GPT_MIN_ENTRIES_BYTES) {
    reports.push(error('BAD_ENTRY_COUNT', 'table', `${table.entryCount} entries make less than 16384 bytes`));
  }
  if (!isGuid(table.diskGuid)) reports.push(error('BAD_GUID', 'table', `Disk GUID '${table.diskGuid}' is not a GUID`));
  for (const p of table.partitions) {
    const where = `partition ${p.number}`;
    if (!Number.isInteger(p.number) || p.number < 1 || p.number > table.entryCount) {
      reports.push(
        error('PARTITION_NOT_FOUND', where, `Partition number ${p.number} is not between 1 and ${table.entryCount}`),
      );
    }
    if (!isGuid(p.type) || p.type === ZERO_GUID) {
      reports.push(error('BAD_GUID', where, `Partition ${p.number} has type '${p.type}', not a non-zero GUID`));
    }
    if (!isGuid(p.guid)) reports.push(error('BAD_GUID', where, `Partition ${p.number} has unique GUID '${p.guid}'`));
    if (encodeLabel(p.label) === undefined) {
      reports.push(
        error('BAD_LABEL', where, `Partition ${p.number} label '${p.label}' is longer than 36 UTF-16 units`),
      );
    }
    if (p.attributes < 0n || p.attributes >= 1n << 64n) {
      reports.push(error('VALUE_OUT_OF_RANGE', where, `Partition ${p.number} attributes do not fit in 64 bits`));
    }
  }
  const numbers = new Set<number>();
  for (const p of table.partitions) {
    if (numbers.has(p.number)) {
      reports.push(error('PARTITION_OVERLAP', `partition ${p.number}`, `Partition number ${p.number} is used twice`));
    }
    numbers.add(p.number);
  }
  reports.push(...checkPartitions(table.partitions, table));
  return reports;
}

/** The header a table gives for one of its copies, with the entry-array CRC already known. */
export function headerFor(table: GptTable, where: GptCopy, entriesCrc32: number): GptHeader {
  const primary = where === 'primary';
  return {
    revision: GPT_REVISION,
    headerSize: GPT_HEADER_SIZE,
    headerCrc32: 0,
    myLba: primary ? 1 : table.backupLba,
    alternateLba: primary ? table.backupLba : 1,
    firstUsableLba: table.firstUsableLba,
    lastUsableLba: table.lastUsableLba,
    diskGuid: table.diskGuid,
    entriesLba: primary ? table.primaryEntriesLba : table.backupEntriesLba,
    entryCount: table.entryCount,
    entrySize: table.entrySize,
    entriesCrc32,
  };
}

/** Encodes a header into one sector, computing its CRC32 (over the 92 defined bytes, the rest zero). */
export function encodeHeader(header: GptHeader, sectorSize: number): Uint8Array {
  const sector = new Uint8Array(sectorSize);
  const view = new DataView(sector.buffer);
  sector.set(new TextEncoder().encode(GPT_SIGNATURE), 0);
  view.setUint32(8, GPT_REVISION, true);
  view.setUint32(12, GPT_HEADER_SIZE, true);
  view.setBigUint64(24, BigInt(header.myLba), true);
  view.setBigUint64(32, BigInt(header.alternateLba), true);
  view.setBigUint64(40, BigInt(header.firstUsableLba), true);
  view.setBigUint64(48, BigInt(header.lastUsableLba), true);
  encodeGuid(header.diskGuid, sector, 56);
  view.setBigUint64(72, BigInt(header.entriesLba), true);
  view.setUint32(80, header.entryCount, true);
  view.setUint32(84, header.entrySize, true);
  view.setUint32(88, header.entriesCrc32, true);
  view.setUint32(16, crc32(sector.subarray(0, GPT_HEADER_SIZE)), true);
  return sector;
}

/** Encodes the entry array of a table: every slot, used or not, `entryCount * entrySize` bytes. */
export function encodeEntries(table: GptTable): Uint8Array {
  const bytes = new Uint8Array(table.entryCount * table.entrySize);
  const view = new DataView(bytes.buffer);
  for (const p of table.partitions) {
    const at = (p.number - 1) * table.entrySize;
    encodeGuid(p.type, bytes, at);
    encodeGuid(p.guid, bytes, at + 16);
    view.setBigUint64(at + 32, BigInt(p.firstLba), true);
    view.setBigUint64(at + 40, BigInt(p.lastLba), true);
    view.setBigUint64(at + 48, BigInt.asUintN(64, p.attributes), true);
    const label = encodeLabel(p.label);
    if (label === undefined) throw new RangeError(`Label of partition ${p.number} is too long`);
    bytes.set(label, at + 56);
  }
  return bytes;
}

/** Encodes a label as 72 bytes of zero-padded UTF-16LE, or undefined when it does not fit. */
export function encodeLabel(label: string): Uint8Array | undefined {
  if (label.length > GPT_LABEL_UNITS) return undefined;
  const bytes = new Uint8Array(GPT_LABEL_UNITS * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < label.length; i++) view.setUint16(i * 2, label.charCodeAt(i), true);
  return bytes;
}

/** Decodes a zero-terminated UTF-16LE label. */
export function decodeLabel(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let label = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = view.getUint16(i, true);
    if (unit === 0) break;
    label += String.fromCharCode(unit);
  }
  return label;
}

/**
 * A protective MBR for a disk of `diskSectors`: one partition of type 0xEE from LBA 1 to the end of the disk
 * (capped at 2^32 - 1 sectors), as UEFI specifies. The boot code area stays zero.
 */
export function encodeProtectiveMbr(diskSectors: number, sectorSize: number): Uint8Array {
  const sector = new Uint8Array(sectorSize);
  const view = new DataView(sector.buffer);
  const entry = 446;
  sector[entry + 0] = 0x00; // not bootable
  sector.set([0x00, 0x02, 0x00], entry + 1); // CHS of LBA 1
  sector[entry + 4] = 0xee;
  sector.set([0xff, 0xff, 0xff], entry + 5);
  view.setUint32(entry + 8, 1, true);
  view.setUint32(entry + 12, Math.min(diskSectors - 1, 0xffffffff), true);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

/** True when the sector is an MBR with a 0xEE (GPT protective) partition, as GRUB checks it. */
export function isProtectiveMbr(sector: Uint8Array): boolean {
  if (sector[510] !== 0x55 || sector[511] !== 0xaa) return false;
  for (let i = 0; i < 4; i++) if (sector[446 + i * 16 + 4] === 0xee) return true;
  return false;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
