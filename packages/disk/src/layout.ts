import { type DiskReport, error } from './disk-error.js';
import { entriesSectors, GPT_ENTRY_COUNT, GPT_ENTRY_SIZE, type GptPartition, type GptTable } from './gpt.js';
import { normalizeGuid, type RandomBytes, randomGuid } from './guid.js';
import { USR_PARTITION_TYPE, withSlotState } from './slot-rules.js';

/** Partition type GUIDs of Flatcar's disk layout (flatcar/scripts `build_library/disk_layout.json` and cgpt's aliases). */
export const PARTITION_TYPES = {
  efi: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  bios: '21686148-6449-6E6F-744E-656564454649',
  usr: USR_PARTITION_TYPE,
  data: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  reserved: 'C95DC21A-DF0E-4340-8D7B-26CBFA9A03E0',
  resize: '3884DD41-8582-4404-B9A8-E9B84F2DF50E',
} as const;

/** The fixed unique GUIDs Flatcar gives USR-A and USR-B; its initrd waits for exactly these PARTUUIDs. */
export const USR_A_GUID = '7130C94A-213A-4E5A-8E26-6CCE9662F132';
/** See `USR_A_GUID`. */
export const USR_B_GUID = 'E03DD35C-7C2D-4A47-B3FE-27F15780A57C';

/** The disk GUID Flatcar's images ship with; the first boot replaces it with a random one. */
export const FLATCAR_IMAGE_DISK_GUID = '00000000-0000-0000-0000-000000000001';

/** Flatcar aligns every partition to 2 MiB (4096 blocks of 512 bytes). */
const ALIGNMENT_BYTES = 2 * 1024 * 1024;

interface LayoutEntry {
  readonly number: number;
  readonly label: string;
  readonly type: string;
  /** Size in Flatcar's 512-byte blocks; ROOT's is its minimum, since it takes the rest of the disk. */
  readonly blocks: number;
  readonly guid?: string;
}

// Flatcar's "base" layout; partitions 5 (ROOT-C) and 8 are blank there and so absent here.
const FLATCAR_BASE: readonly LayoutEntry[] = [
  { number: 1, label: 'EFI-SYSTEM', type: PARTITION_TYPES.efi, blocks: 2097152 },
  { number: 2, label: 'BIOS-BOOT', type: PARTITION_TYPES.bios, blocks: 4096 },
  { number: 3, label: 'USR-A', type: PARTITION_TYPES.usr, blocks: 4194304, guid: USR_A_GUID },
  { number: 4, label: 'USR-B', type: PARTITION_TYPES.usr, blocks: 4194304, guid: USR_B_GUID },
  { number: 6, label: 'OEM', type: PARTITION_TYPES.data, blocks: 2097152 },
  { number: 7, label: 'OEM-CONFIG', type: PARTITION_TYPES.reserved, blocks: 131072 },
  { number: 9, label: 'ROOT', type: PARTITION_TYPES.resize, blocks: 3653632 },
];

/** Options for `flatcarLayout`. */
export interface FlatcarLayoutOptions {
  /** Size of the whole disk in bytes. */
  readonly size: number;
  /** 512 (the default) or 4096. */
  readonly sectorSize?: number;
  /** Random bytes for the unique GUIDs of partitions other than USR-A and USR-B. */
  readonly random: RandomBytes;
  /** Disk GUID; Flatcar's image default when absent. */
  readonly diskGuid?: string;
}

/** A layout: the table, and how far Flatcar's sizes were scaled down to fit (1, 1/2, 1/4 ... 1/64). */
export interface FlatcarLayout {
  readonly table: GptTable | undefined;
  readonly scale: number;
  readonly reports: readonly DiskReport[];
}

/**
 * Lays out a disk the way Flatcar's images are: EFI-SYSTEM (1), BIOS-BOOT (2), USR-A (3), USR-B (4), OEM (6),
 * OEM-CONFIG (7) and ROOT (9) at 2 MiB alignment, with ROOT taking the rest of the disk. When Flatcar's sizes do not
 * fit (they need about 7.8 GiB), every partition but BIOS-BOOT is halved until they do, down to 1/64 (about
 * 131 MiB). USR-A starts as the slot to boot: priority 1, successful, as Flatcar's image builder leaves it.
 */
export function flatcarLayout(options: FlatcarLayoutOptions): FlatcarLayout {
  const sectorSize = options.sectorSize ?? 512;
  if (sectorSize !== 512 && sectorSize !== 4096) {
    return {
      table: undefined,
      scale: 1,
      reports: [error('UNSUPPORTED_SECTOR_SIZE', 'disk', `Sector size ${sectorSize} (512 or 4096 supported)`)],
    };
  }
  const diskSectors = Math.floor(options.size / sectorSize);
  const arraySectors = entriesSectors({ entryCount: GPT_ENTRY_COUNT, entrySize: GPT_ENTRY_SIZE }, sectorSize);
  const backupLba = diskSectors - 1;
  const backupEntriesLba = backupLba - arraySectors;
  const lastUsableLba = backupEntriesLba - 1;
  const align = ALIGNMENT_BYTES / sectorSize;
  const roundUp = (sectors: number) => Math.ceil(sectors / align) * align;

  for (let shift = 0; shift <= 6; shift++) {
    const scale = 1 / 2 ** shift;
    let next = roundUp(2 + arraySectors);
    const placed: { entry: LayoutEntry; first: number; sectors: number }[] = [];
    for (const entry of FLATCAR_BASE) {
      const sectors = roundUp(((entry.blocks * 512) / sectorSize) * scale);
      placed.push({ entry, first: next, sectors });
      next += sectors;
    }
    // ROOT takes the rest, ending on an alignment boundary as Flatcar's images do (sgdisk warns otherwise).
    const rootEnd = Math.floor((lastUsableLba + 1) / align) * align - 1;
    if (next - 1 > rootEnd) continue;
    const partitions: GptPartition[] = placed.map(({ entry, first, sectors }) => {
      const root = entry.number === 9;
      const attributes = entry.label === 'USR-A' ? withSlotState(0n, { priority: 1, successful: true }) : 0n;
      return {
        number: entry.number,
        type: entry.type,
        guid: entry.guid ?? randomGuid(options.random),
        firstLba: first,
        lastLba: root ? rootEnd : first + sectors - 1,
        attributes,
        label: entry.label,
      };
    });
    return {
      table: {
        sectorSize,
        diskGuid: normalizeGuid(options.diskGuid ?? FLATCAR_IMAGE_DISK_GUID),
        firstUsableLba: 2 + arraySectors,
        lastUsableLba,
        backupLba,
        primaryEntriesLba: 2,
        backupEntriesLba,
        entryCount: GPT_ENTRY_COUNT,
        entrySize: GPT_ENTRY_SIZE,
        partitions,
      },
      scale,
      reports: [],
    };
  }
  const minimum = Math.ceil(minimumSize(sectorSize) / (1024 * 1024));
  return {
    table: undefined,
    scale: 1 / 64,
    reports: [
      error(
        'DISK_TOO_SMALL',
        'disk',
        `A Flatcar layout needs at least ${minimum} MiB; the disk has ${Math.floor(options.size / (1024 * 1024))} MiB`,
      ),
    ],
  };
}

/** The smallest disk, in bytes, a Flatcar layout fits on (at 1/64 scale). */
export function minimumSize(sectorSize = 512): number {
  const arraySectors = entriesSectors({ entryCount: GPT_ENTRY_COUNT, entrySize: GPT_ENTRY_SIZE }, sectorSize);
  const align = ALIGNMENT_BYTES / sectorSize;
  const roundUp = (sectors: number) => Math.ceil(sectors / align) * align;
  let sectors = roundUp(2 + arraySectors);
  for (const entry of FLATCAR_BASE) sectors += roundUp((entry.blocks * 512) / sectorSize / 64);
  // ROOT ends on a boundary, so the disk needs exactly the aligned partitions plus the backup table.
  return (sectors + arraySectors + 1) * sectorSize;
}
