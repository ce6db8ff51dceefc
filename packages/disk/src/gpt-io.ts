import { type BlockDevice, readSectors } from './block-device.js';
import { crc32 } from './crc32.js';
import { DiskError, type DiskReport, error, warning } from './disk-error.js';
import {
  checkHeaderPlacement,
  decodeEntries,
  decodeHeader,
  encodeEntries,
  encodeHeader,
  encodeProtectiveMbr,
  entriesSectors,
  type GptCopy,
  type GptHeader,
  type GptPartition,
  type GptTable,
  headerFor,
  isProtectiveMbr,
  validateTable,
} from './gpt.js';

/** What was found in one copy (primary or backup) of the table. */
export interface GptCopyStatus {
  /** Header and entry array both valid. */
  readonly valid: boolean;
  /** The header alone is valid (its entries may not be). */
  readonly headerValid: boolean;
  /** LBA the header was read from. */
  readonly lba: number;
  /** Why the copy is not valid; empty when it is. */
  readonly reports: readonly DiskReport[];
}

/** A table read from a disk, with where it came from and what was wrong on the way. */
export interface GptRead {
  readonly table: GptTable;
  /** The copy the table was taken from: the primary when valid, else the backup. */
  readonly source: GptCopy;
  readonly primary: GptCopyStatus;
  readonly backup: GptCopyStatus;
  readonly protectiveMbr: boolean;
  /** Warnings: no protective MBR, one copy invalid or out of sync, backup not at the end of a grown disk. */
  readonly reports: readonly DiskReport[];
}

/** Options for `readGpt`. */
export interface ReadGptOptions {
  /** Sector size to assume; by default the device's, else whichever of 512 and 4096 finds a header. */
  readonly sectorSize?: number;
}

interface CopyRead {
  readonly status: GptCopyStatus;
  readonly header?: GptHeader;
  readonly partitions?: GptPartition[];
}

/**
 * Reads the GPT of a disk. The primary copy is used when valid; otherwise the backup (at the primary's
 * AlternateLBA when the primary header is sound, else at the last sector), as GRUB does. Throws `NOT_GPT` when
 * neither copy has a signature and `NO_VALID_GPT` when neither is valid; the error's reports say why.
 */
export async function readGpt(device: BlockDevice, options: ReadGptOptions = {}): Promise<GptRead> {
  const sectorSize = await detectSectorSize(device, options.sectorSize);
  const diskSectors = Math.floor(device.size / sectorSize);
  const mbr = await readSectors(device, { lba: 0, count: 1, sectorSize });
  const protectiveMbr = isProtectiveMbr(mbr);

  const primary = await readCopy(device, { where: 'primary', lba: 1, diskSectors, sectorSize });
  const alternate = primary.header?.alternateLba;
  const backupLba = alternate !== undefined && alternate < diskSectors ? alternate : diskSectors - 1;
  const backup = await readCopy(device, { where: 'backup', lba: backupLba, diskSectors, sectorSize });

  const reports: DiskReport[] = [];
  if (!protectiveMbr) {
    reports.push(warning('NO_PROTECTIVE_MBR', 'mbr', 'Sector 0 holds no protective MBR (no partition of type 0xEE)'));
  }
  let table: GptTable;
  let source: GptCopy;
  if (primary.status.valid) {
    source = 'primary';
    const inSync = backup.status.valid && sameTable(primary.header!, backup.header!);
    table = tableFrom(primary, {
      sectorSize,
      backupLba: primary.header!.alternateLba,
      primaryEntriesLba: primary.header!.entriesLba,
      backupEntriesLba: inSync
        ? backup.header!.entriesLba
        : primary.header!.alternateLba - entriesSectors(primary.header!, sectorSize),
    });
    if (!backup.status.valid) {
      reports.push(warning('BACKUP_INVALID', 'backup', `Backup table is invalid: ${summary(backup.status.reports)}`));
    } else if (!inSync) {
      reports.push(
        warning('BACKUP_OUT_OF_SYNC', 'backup', 'Backup table differs from the primary; the primary is used'),
      );
    }
  } else if (backup.status.valid) {
    source = 'backup';
    table = tableFrom(backup, {
      sectorSize,
      backupLba: backup.header!.myLba,
      // Where a rebuilt primary puts its entries, as GRUB's and cgpt's repair do.
      primaryEntriesLba: 2,
      backupEntriesLba: backup.header!.entriesLba,
    });
    reports.push(warning('PRIMARY_INVALID', 'primary', `Primary table is invalid: ${summary(primary.status.reports)}`));
  } else {
    const all = [...primary.status.reports, ...backup.status.reports];
    throw new DiskError(
      'NO_VALID_GPT',
      `No valid GPT: primary: ${summary(primary.status.reports)}; backup: ${summary(backup.status.reports)}`,
      all,
    );
  }
  if (table.backupLba !== diskSectors - 1) {
    reports.push(
      warning(
        'BACKUP_NOT_AT_END',
        'backup',
        `Backup header is at LBA ${table.backupLba}, not at the last sector ${diskSectors - 1} (did the disk grow?)`,
      ),
    );
  }
  return { table, source, primary: primary.status, backup: backup.status, protectiveMbr, reports };
}

/** Options for `writeGpt`. */
export interface WriteGptOptions {
  /** Also write a protective MBR to sector 0 (when creating a table; an update leaves sector 0 alone). */
  readonly protectiveMbr?: boolean;
}

/**
 * Writes both copies of a table so that a crash after any single sector write leaves a valid table behind, for
 * us, cgpt and GRUB alike. With a valid primary on disk: backup entries and header, fsync, primary header, fsync,
 * primary entries, fsync (a new primary header over old entries sends readers to the already-new backup, and GRUB
 * only trusts a backup that matches the primary header). Without one: the primary first, entries before header,
 * then the backup, so the copy readers use now is never the one being overwritten.
 */
export async function writeGpt(device: BlockDevice, table: GptTable, options: WriteGptOptions = {}): Promise<void> {
  const diskSectors = Math.floor(device.size / table.sectorSize);
  const problems = validateTable(table, diskSectors);
  if (problems.length > 0) {
    throw new DiskError(problems[0]!.code, `Refusing to write an invalid table: ${summary(problems)}`, problems);
  }
  let primaryInUse = false;
  try {
    const current = await readGpt(device, { sectorSize: table.sectorSize });
    primaryInUse = current.source === 'primary';
  } catch (cause) {
    if (!(cause instanceof DiskError)) throw cause;
  }
  const { sectorSize } = table;
  const entries = padToSectors(encodeEntries(table), sectorSize);
  const entriesCrc = crc32(entries.subarray(0, table.entryCount * table.entrySize));
  const at = (lba: number) => lba * sectorSize;
  const primaryHeader = () => device.write(at(1), encodeHeader(headerFor(table, 'primary', entriesCrc), sectorSize));
  const primaryEntries = () => device.write(at(table.primaryEntriesLba), entries);
  const backup = async () => {
    await device.write(at(table.backupEntriesLba), entries);
    await device.write(at(table.backupLba), encodeHeader(headerFor(table, 'backup', entriesCrc), sectorSize));
  };
  if (primaryInUse) {
    await backup();
    await device.sync();
    await primaryHeader();
    await device.sync();
    await primaryEntries();
    await device.sync();
  } else {
    await primaryEntries();
    await device.sync();
    await primaryHeader();
    await device.sync();
    await backup();
    await device.sync();
  }
  if (options.protectiveMbr) {
    await device.write(0, encodeProtectiveMbr(diskSectors, sectorSize));
    await device.sync();
  }
}

async function detectSectorSize(device: BlockDevice, requested: number | undefined): Promise<number> {
  const candidates = requested !== undefined ? [requested] : device.sectorSize ? [device.sectorSize] : [512, 4096];
  for (const size of candidates) {
    if (size !== 512 && size !== 4096) {
      throw new DiskError('UNSUPPORTED_SECTOR_SIZE', `Sector size ${size} is not supported (512 or 4096)`);
    }
    const sectors = Math.floor(device.size / size);
    if (sectors < 3) continue;
    for (const lba of [1, sectors - 1]) {
      const head = await device.read(lba * size, 8);
      if (new TextDecoder('latin1').decode(head) === 'EFI PART') return size;
    }
  }
  if (device.size < 3 * 512) throw new DiskError('NOT_GPT', `Disk of ${device.size} bytes is too small for a GPT`);
  throw new DiskError(
    'NOT_GPT',
    `No GPT header at LBA 1 or at the last sector (sector size ${candidates.join(' or ')}): not a GPT disk`,
  );
}

async function readCopy(
  device: BlockDevice,
  at: { where: GptCopy; lba: number; diskSectors: number; sectorSize: number },
): Promise<CopyRead> {
  const { where, lba, diskSectors, sectorSize } = at;
  const fail = (reports: DiskReport[], headerValid = false, header?: GptHeader): CopyRead => ({
    status: { valid: false, headerValid, lba, reports },
    ...(header ? { header } : {}),
  });
  if (lba < 1 || lba >= diskSectors) {
    return fail([error('BAD_HEADER_LBA', where, `The ${where} header would be at LBA ${lba}, outside the disk`)]);
  }
  const sector = await readSectors(device, { lba, count: 1, sectorSize });
  const decoded = decodeHeader(sector, where);
  if (!decoded.header) return fail(decoded.reports);
  const header = decoded.header;
  const placement = [
    ...decoded.reports,
    ...checkHeaderPlacement(header, { where, expectedLba: lba, diskSectors, sectorSize }),
  ];
  if (placement.length > 0) return fail(placement);
  const bytes = await readSectors(device, {
    lba: header.entriesLba,
    count: entriesSectors(header, sectorSize),
    sectorSize,
  });
  const entries = decodeEntries(bytes, { header, where });
  if (!entries.partitions) return fail(entries.reports, true, header);
  return { status: { valid: true, headerValid: true, lba, reports: [] }, header, partitions: entries.partitions };
}

function tableFrom(
  copy: CopyRead,
  geometry: { sectorSize: number; backupLba: number; primaryEntriesLba: number; backupEntriesLba: number },
): GptTable {
  const h = copy.header!;
  return {
    sectorSize: geometry.sectorSize,
    diskGuid: h.diskGuid,
    firstUsableLba: h.firstUsableLba,
    lastUsableLba: h.lastUsableLba,
    backupLba: geometry.backupLba,
    primaryEntriesLba: geometry.primaryEntriesLba,
    backupEntriesLba: geometry.backupEntriesLba,
    entryCount: h.entryCount,
    entrySize: h.entrySize,
    partitions: copy.partitions!,
  };
}

// The fields both copies must agree on; their own and alternate LBAs and entry locations differ by design.
function sameTable(a: GptHeader, b: GptHeader): boolean {
  return (
    a.alternateLba === b.myLba &&
    b.alternateLba === a.myLba &&
    a.firstUsableLba === b.firstUsableLba &&
    a.lastUsableLba === b.lastUsableLba &&
    a.diskGuid === b.diskGuid &&
    a.entryCount === b.entryCount &&
    a.entrySize === b.entrySize &&
    a.entriesCrc32 === b.entriesCrc32
  );
}

function padToSectors(bytes: Uint8Array, sectorSize: number): Uint8Array {
  const length = Math.ceil(bytes.length / sectorSize) * sectorSize;
  if (length === bytes.length) return bytes;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  return padded;
}

function summary(reports: readonly DiskReport[]): string {
  return reports.length === 0 ? 'no reason given' : reports.map((r) => r.message).join('; ');
}
