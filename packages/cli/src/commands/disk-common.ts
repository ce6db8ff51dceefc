import {
  type BlockDevice,
  DiskError,
  type GptRead,
  type GptTable,
  openDisk,
  PARTITION_TYPES,
  readGpt,
  slotState,
  usrSlots,
} from '@ballast/disk';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';

/** The one image a verb works on; a usage error when there is none or more than one. */
export function oneImage(positionals: readonly string[]): string {
  if (positionals.length === 0) throw new UsageError('name the disk image or device');
  if (positionals.length > 1)
    throw new UsageError(`one image at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0]!;
}

/** Runs a verb's body; a `DiskError` is printed as `ballast disk VERB: IMAGE: message` and gives exit status 1. */
export async function guarded(verb: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof DiskError)) throw error;
    io.stderr.write(`ballast disk ${verb}: ${error.message}\n`);
    return 1;
  }
}

/** Opens an image, reads its table and hands both to `body`, closing the image afterwards. */
export async function withTable<T>(
  path: string,
  options: { writable: boolean },
  body: (read: GptRead, disk: BlockDevice) => Promise<T>,
): Promise<T> {
  const disk = await openDisk(path, { writable: options.writable });
  try {
    let read: GptRead;
    try {
      read = await readGpt(disk);
    } catch (error) {
      if (error instanceof DiskError) throw new DiskError(error.code, `${path}: ${error.message}`, error.reports);
      throw error;
    }
    return await body(read, disk);
  } finally {
    await disk.close();
  }
}

/** Prints the warnings of a read (one copy invalid, no protective MBR, ...) to stderr. */
export function printWarnings(read: GptRead, path: string, io: Io): void {
  for (const report of read.reports) io.stderr.write(`warning: ${path}: ${report.message}\n`);
}

const TYPE_NAMES = new Map<string, string>(Object.entries(PARTITION_TYPES).map(([name, guid]) => [guid, name]));

/** The JSON form of a table, as `ballast disk show --json` prints it. */
export function tableJson(read: Pick<GptRead, 'table' | 'source' | 'reports'>, path: string, diskSize: number) {
  const { table } = read;
  return {
    image: path,
    sectorSize: table.sectorSize,
    sectors: Math.floor(diskSize / table.sectorSize),
    diskGuid: table.diskGuid,
    source: read.source,
    firstUsableLba: table.firstUsableLba,
    lastUsableLba: table.lastUsableLba,
    partitions: table.partitions.map((p) => ({
      number: p.number,
      label: p.label,
      type: p.type,
      typeName: TYPE_NAMES.get(p.type) ?? null,
      guid: p.guid,
      firstLba: p.firstLba,
      lastLba: p.lastLba,
      attributes: `0x${p.attributes.toString(16).padStart(16, '0')}`,
    })),
    slots: slotsJson(table),
    warnings: read.reports.map((r) => ({ code: r.code, message: r.message })),
  };
}

function slotsJson(table: GptTable) {
  return usrSlots(table).map((p) => ({ number: p.number, label: p.label, guid: p.guid, ...slotState(p.attributes) }));
}

/** The text form of a table: a line about the disk, the partitions, then the USR slots. */
export function tableText(read: Pick<GptRead, 'table' | 'source'>, path: string, diskSize: number): string {
  const { table } = read;
  const sectors = Math.floor(diskSize / table.sectorSize);
  const lines = [
    `Disk ${path}: ${sectors} sectors of ${table.sectorSize} bytes, disk GUID ${table.diskGuid}` +
      (read.source === 'backup' ? ' (read from the backup table)' : ''),
    '',
    columns(
      [
        ['#', 'Label', 'Type', 'Unique GUID', 'First LBA', 'Last LBA'],
        ...table.partitions.map((p) => [
          String(p.number),
          p.label,
          TYPE_NAMES.has(p.type) ? `${p.type} (${TYPE_NAMES.get(p.type)})` : p.type,
          p.guid,
          String(p.firstLba),
          String(p.lastLba),
        ]),
      ],
      [true, false, false, false, true, true],
    ),
  ];
  const slots = slotsJson(table);
  if (slots.length > 0) {
    lines.push(
      '',
      'USR slots:',
      columns(
        [
          ['#', 'Label', 'Priority', 'Tries', 'Successful'],
          ...slots.map((s) => [
            String(s.number),
            s.label,
            String(s.priority),
            String(s.tries),
            s.successful ? '1' : '0',
          ]),
        ],
        [true, false, true, true, true],
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line about one slot: `Partition 4 (USR-B): priority 2, tries 1, successful 0`. */
export function slotLine(table: GptTable, number: number): string {
  const p = table.partitions.find((q) => q.number === number)!;
  const s = slotState(p.attributes);
  return `Partition ${p.number} (${p.label}): priority ${s.priority}, tries ${s.tries}, successful ${s.successful ? 1 : 0}`;
}

function columns(rows: string[][], right: boolean[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Parses an integer option within `[min, max]`; anything else is a usage error naming the option. */
export function intOption(
  name: string,
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    throw new UsageError(`--${name} must be an integer from ${range.min} to ${range.max}, got '${value}'`);
  }
  return Number(value);
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses a size such as `4G`, `512M`, `1.5GiB` or `8589934592` (binary units, like truncate and qemu-img). */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!match)
    throw new UsageError(`--size must be a number of bytes with an optional K, M, G or T suffix, got '${text}'`);
  return Math.floor(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!);
}
