import { randomBytes } from 'node:crypto';
import type { AnyIgnitionConfig, Config3_4 } from '@ballast/config';
import {
  type BlockDevice,
  DiskError,
  GPT_ENTRY_COUNT,
  GPT_ENTRY_SIZE,
  type GptPartition,
  type GptTable,
  openDisk,
  type Runner,
  randomGuid,
  readGpt,
  ToolError,
  writeGpt,
} from '@ballast/disk';
import { systemRunner, toLatest } from './context.js';
import { ProvisionError } from './provision-error.js';

type Disk = Config3_4['storage']['disks'][number];
type Partition = Disk['partitions'][number];
type Filesystem = Config3_4['storage']['filesystems'][number];

/** Options for `applyDisks`. */
export interface DisksOptions {
  /** Maps a config's device path (`/dev/vdb`) to the image file or block device to work on; unmapped paths are used as they are. */
  readonly devices?: Readonly<Record<string, string>>;
  readonly runner?: Runner;
  readonly log?: (line: string) => void;
  readonly random?: (n: number) => Uint8Array;
}

/** Ignition's default partition type: Linux filesystem data. */
export const LINUX_FILESYSTEM_GUID = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const MIB = 1024 * 1024;
// sgdisk, which Ignition drives, aligns new partitions to 2048 sectors.
const ALIGN = 2048;

/**
 * The disks stage on image files and block devices: partitions as Ignition creates them (kept when they match,
 * recreated with `wipePartitionEntry`, removed with `shouldExist: false`), written through the disk package's GPT
 * code, then filesystems by mkfs.ext4, mkfs.xfs, mkfs.fat and mkswap with Ignition's arguments (labels, UUIDs,
 * options); an existing filesystem is kept when it matches and is not to be wiped. RAID and LUKS answer
 * NOT_SUPPORTED.
 */
export async function applyDisks(config: AnyIgnitionConfig, options: DisksOptions = {}): Promise<void> {
  const latest = toLatest(config);
  if (latest.storage.raid.length > 0) {
    throw new ProvisionError('NOT_SUPPORTED', 'RAID arrays are not supported yet', 'storage.raid');
  }
  if (latest.storage.luks.length > 0) {
    throw new ProvisionError('NOT_SUPPORTED', 'LUKS volumes are not supported yet', 'storage.luks');
  }
  const device = (path: string) => options.devices?.[path] ?? path;
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  for (const [index, disk] of latest.storage.disks.entries()) {
    const where = `storage.disks.${index} ${disk.device}`;
    try {
      await partitionDisk(disk, { path: device(disk.device), random, log: options.log ?? (() => undefined) });
    } catch (error) {
      if (error instanceof ProvisionError) throw error.at(where);
      if (error instanceof DiskError) throw new ProvisionError('DISK_FAILED', error.message, where);
      throw error;
    }
  }
  for (const [index, fs] of latest.storage.filesystems.entries()) {
    if (fs.format === undefined || fs.format === '') continue;
    const where = `storage.filesystems.${index} ${fs.device}`;
    try {
      await createFilesystem(fs, device(fs.device), { runner: options.runner ?? systemRunner, log: options.log });
    } catch (error) {
      if (error instanceof ProvisionError) throw error.at(where);
      if (error instanceof ToolError) throw new ProvisionError('TOOL_FAILED', error.message, where);
      throw error;
    }
  }
}

function emptyTable(device: BlockDevice, random: (n: number) => Uint8Array): GptTable {
  const sectorSize = device.sectorSize ?? 512;
  const sectors = Math.floor(device.size / sectorSize);
  const arraySectors = Math.ceil((GPT_ENTRY_COUNT * GPT_ENTRY_SIZE) / sectorSize);
  return {
    sectorSize,
    diskGuid: randomGuid(random),
    firstUsableLba: 2 + arraySectors,
    lastUsableLba: sectors - 2 - arraySectors,
    backupLba: sectors - 1,
    primaryEntriesLba: 2,
    backupEntriesLba: sectors - 1 - arraySectors,
    entryCount: GPT_ENTRY_COUNT,
    entrySize: GPT_ENTRY_SIZE,
    partitions: [],
  };
}

async function partitionDisk(
  disk: Disk,
  using: { path: string; random: (n: number) => Uint8Array; log: (line: string) => void },
): Promise<void> {
  if (disk.partitions.length === 0 && disk.wipeTable !== true) return;
  const device = await openDisk(using.path, { writable: true });
  try {
    let table: GptTable;
    if (disk.wipeTable === true) {
      using.log(`wiping partition table of ${disk.device}`);
      table = emptyTable(device, using.random);
    } else {
      try {
        table = (await readGpt(device)).table;
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        table = emptyTable(device, using.random);
      }
    }
    let partitions = [...table.partitions];
    for (const [index, wanted] of disk.partitions.entries()) {
      partitions = planPartition(partitions, wanted, { table, random: using.random, where: `partitions.${index}` });
    }
    using.log(`writing partition table of ${disk.device}`);
    await writeGpt(device, { ...table, partitions: partitions.sort((a, b) => a.number - b.number) });
  } finally {
    await device.close();
  }
}

function describePartition(p: Partition): string {
  return p.label !== undefined ? `"${p.label}"` : `number ${p.number}`;
}

/** Applies one configured partition to the list, as Ignition's partitionDisk does with sgdisk. */
export function planPartition(
  partitions: readonly GptPartition[],
  wanted: Partition,
  context: { table: GptTable; random: (n: number) => Uint8Array; where: string },
): GptPartition[] {
  const sectorsPerMib = MIB / context.table.sectorSize;
  const existing =
    wanted.number !== 0
      ? partitions.find((p) => p.number === wanted.number)
      : partitions.find((p) => wanted.label !== undefined && p.label === wanted.label);
  const others = partitions.filter((p) => p !== existing);
  if (wanted.shouldExist === false) return others;
  if (existing !== undefined) {
    const mismatch = partitionMismatch(existing, wanted, sectorsPerMib);
    if (mismatch === undefined) return [...partitions];
    if (wanted.wipePartitionEntry !== true) {
      throw new ProvisionError(
        'DISK_FAILED',
        `partition ${describePartition(wanted)} didn't match: ${mismatch} and wipePartitionEntry is false`,
        context.where,
      );
    }
  }
  const number = wanted.number !== 0 ? wanted.number : firstFreeNumber(others);
  const free = freeRegions(others, context.table);
  let start: number;
  if (wanted.startMiB !== undefined && wanted.startMiB !== 0) start = wanted.startMiB * sectorsPerMib;
  else {
    const region = free.find((r) => alignUp(r.first) <= r.last);
    if (region === undefined) throw new ProvisionError('DISK_FAILED', 'no free space left on the disk', context.where);
    start = alignUp(region.first);
  }
  const region = free.find((r) => r.first <= start && start <= r.last);
  if (region === undefined) {
    throw new ProvisionError('DISK_FAILED', `start sector ${start} is not in free space`, context.where);
  }
  const size = wanted.sizeMiB !== undefined && wanted.sizeMiB !== 0 ? wanted.sizeMiB * sectorsPerMib : undefined;
  const last = size === undefined ? region.last : start + size - 1;
  if (last > region.last) {
    throw new ProvisionError('DISK_FAILED', `partition ${describePartition(wanted)} does not fit`, context.where);
  }
  const created: GptPartition = {
    number,
    type: (wanted.typeGuid ?? LINUX_FILESYSTEM_GUID).toUpperCase(),
    guid: (wanted.guid ?? randomGuid(context.random)).toUpperCase(),
    firstLba: start,
    lastLba: last,
    attributes: 0n,
    label: wanted.label ?? '',
  };
  return [...others, created];
}

function partitionMismatch(p: GptPartition, wanted: Partition, sectorsPerMib: number): string | undefined {
  if (wanted.label !== undefined && p.label !== wanted.label) return `label is "${p.label}", not "${wanted.label}"`;
  if (wanted.typeGuid !== undefined && p.type !== wanted.typeGuid.toUpperCase()) return `type GUID is ${p.type}`;
  if (wanted.guid !== undefined && p.guid !== wanted.guid.toUpperCase()) return `GUID is ${p.guid}`;
  if (wanted.startMiB !== undefined && wanted.startMiB !== 0 && p.firstLba !== wanted.startMiB * sectorsPerMib) {
    return `it starts at sector ${p.firstLba}`;
  }
  if (
    wanted.sizeMiB !== undefined &&
    wanted.sizeMiB !== 0 &&
    wanted.resize !== true &&
    p.lastLba - p.firstLba + 1 !== wanted.sizeMiB * sectorsPerMib
  ) {
    return `its size is ${p.lastLba - p.firstLba + 1} sectors`;
  }
  return undefined;
}

function firstFreeNumber(partitions: readonly GptPartition[]): number {
  const used = new Set(partitions.map((p) => p.number));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

function alignUp(lba: number): number {
  return Math.ceil(lba / ALIGN) * ALIGN;
}

function freeRegions(partitions: readonly GptPartition[], table: GptTable): { first: number; last: number }[] {
  const regions: { first: number; last: number }[] = [];
  let cursor = table.firstUsableLba;
  for (const p of [...partitions].sort((a, b) => a.firstLba - b.firstLba)) {
    if (p.firstLba > cursor) regions.push({ first: cursor, last: p.firstLba - 1 });
    cursor = Math.max(cursor, p.lastLba + 1);
  }
  if (cursor <= table.lastUsableLba) regions.push({ first: cursor, last: table.lastUsableLba });
  return regions;
}

/** Ignition's spelling of a filesystem UUID for each mkfs: vfat's volume ID without its dash. */
export function canonicalUuid(format: string, uuid: string): string {
  return format === 'vfat' ? uuid.replace('-', '').toUpperCase() : uuid.toLowerCase();
}

/** The mkfs program and arguments Ignition uses for a filesystem (its options first, then its own flags). */
export function mkfsCommand(fs: Filesystem, device: string): { tool: string; args: string[] } {
  const args = [...fs.options];
  const uuid = fs.uuid !== undefined ? canonicalUuid(fs.format ?? '', fs.uuid) : undefined;
  const label = fs.label;
  switch (fs.format) {
    case 'ext4':
      args.push('-F');
      if (uuid !== undefined) args.push('-U', uuid);
      if (label !== undefined) args.push('-L', label);
      return { tool: 'mkfs.ext4', args: [...args, device] };
    case 'xfs':
      args.push('-f');
      if (uuid !== undefined) args.push('-m', `uuid=${uuid}`);
      if (label !== undefined) args.push('-L', label);
      return { tool: 'mkfs.xfs', args: [...args, device] };
    case 'swap':
      args.push('-f');
      if (uuid !== undefined) args.push('-U', uuid);
      if (label !== undefined) args.push('-L', label);
      return { tool: 'mkswap', args: [...args, device] };
    case 'vfat':
      // mkfs.fat has no force flag: it always overwrites.
      if (uuid !== undefined) args.push('-i', uuid);
      if (label !== undefined) args.push('-n', label);
      return { tool: 'mkfs.fat', args: [...args, device] };
    default:
      throw new ProvisionError('NOT_SUPPORTED', `filesystem format "${fs.format}" is not supported yet`);
  }
}

/** What blkid finds on a device: TYPE, LABEL, UUID; empty when there is no filesystem. */
export async function probeFilesystem(device: string, runner: Runner = systemRunner): Promise<Record<string, string>> {
  const out = await runner('blkid', ['-p', '-o', 'export', device], { okExitCodes: [0, 2] });
  const found: Record<string, string> = {};
  for (const line of out.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) found[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return found;
}

async function createFilesystem(
  fs: Filesystem,
  device: string,
  using: { runner: Runner; log: ((line: string) => void) | undefined },
): Promise<void> {
  const command = mkfsCommand(fs, device);
  if (fs.wipeFilesystem !== true) {
    const found = await probeFilesystem(device, using.runner);
    const type = found.TYPE;
    if (type !== undefined) {
      const format = fs.format === 'swap' ? 'swap' : fs.format;
      const sameLabel = fs.label === undefined || found.LABEL === fs.label;
      const sameUuid =
        fs.uuid === undefined ||
        canonicalUuid(fs.format ?? '', found.UUID ?? '') === canonicalUuid(fs.format ?? '', fs.uuid);
      if (type === format && sameLabel && sameUuid) {
        using.log?.(`filesystem at ${fs.device} is already correctly formatted, keeping it`);
        return;
      }
      throw new ProvisionError('DISK_FAILED', `a ${type} filesystem already exists there and wipeFilesystem is false`);
    }
  } else {
    await using.runner('wipefs', ['-a', device]);
  }
  using.log?.(`creating "${fs.format}" filesystem on "${fs.device}"`);
  await using.runner(command.tool, command.args);
}
