import { describe, expect, it } from 'vitest';
import { validateTable } from './gpt.js';
import {
  FLATCAR_IMAGE_DISK_GUID,
  flatcarLayout,
  minimumSize,
  PARTITION_TYPES,
  USR_A_GUID,
  USR_B_GUID,
} from './layout.js';
import { slotState } from './slot-rules.js';

const GiB = 1024 ** 3;
let counter = 0;
const random = (n: number) => Uint8Array.from({ length: n }, () => counter++ & 0xff);

describe('Flatcar layout', () => {
  it('places partitions where Flatcar’s disk_util places them when the full sizes fit', () => {
    // First blocks of flatcar/scripts build_library/disk_layout.json "base" after disk_util's 4096-block alignment,
    // on the size disk_util computes for the "vm" layout (25804800 blocks).
    const { table, scale } = flatcarLayout({ size: 25804800 * 512, random });
    expect(scale).toBe(1);
    expect(table!.partitions.map((p) => [p.number, p.label, p.firstLba, p.lastLba - p.firstLba + 1])).toEqual([
      [1, 'EFI-SYSTEM', 4096, 2097152],
      [2, 'BIOS-BOOT', 2101248, 4096],
      [3, 'USR-A', 2105344, 4194304],
      [4, 'USR-B', 6299648, 4194304],
      [6, 'OEM', 10493952, 2097152],
      [7, 'OEM-CONFIG', 12591104, 131072],
      [9, 'ROOT', 12722176, 25804800 - 12722176 - 4096],
    ]);
    expect(table!.partitions.map((p) => p.type)).toEqual([
      PARTITION_TYPES.efi,
      PARTITION_TYPES.bios,
      PARTITION_TYPES.usr,
      PARTITION_TYPES.usr,
      PARTITION_TYPES.data,
      PARTITION_TYPES.reserved,
      PARTITION_TYPES.resize,
    ]);
    expect(validateTable(table!, 25804800)).toEqual([]);
  });

  it('halves the sizes for a 4 GiB image, keeping 2 MiB alignment and ROOT on the rest', () => {
    const { table, scale } = flatcarLayout({ size: 4 * GiB, random });
    expect(scale).toBe(1 / 2);
    const sizes = Object.fromEntries(table!.partitions.map((p) => [p.label, (p.lastLba - p.firstLba + 1) / 2048]));
    expect(sizes).toEqual({
      'EFI-SYSTEM': 512,
      'BIOS-BOOT': 2,
      'USR-A': 1024,
      'USR-B': 1024,
      OEM: 512,
      'OEM-CONFIG': 32,
      ROOT: 4096 - 2 - 512 - 2 - 2048 - 512 - 32 - 2,
    });
    for (const p of table!.partitions) {
      expect(p.firstLba % 4096, p.label).toBe(0);
      expect((p.lastLba + 1) % 4096, p.label).toBe(0);
    }
    expect(validateTable(table!, (4 * GiB) / 512)).toEqual([]);
  });

  it('gives USR-A and USR-B Flatcar’s fixed GUIDs, and USR-A the boot (priority 1, successful)', () => {
    const { table } = flatcarLayout({ size: 4 * GiB, random });
    const byLabel = (label: string) => table!.partitions.find((p) => p.label === label)!;
    expect(byLabel('USR-A').guid).toBe(USR_A_GUID);
    expect(byLabel('USR-B').guid).toBe(USR_B_GUID);
    expect(slotState(byLabel('USR-A').attributes)).toEqual({ priority: 1, tries: 0, successful: true });
    expect(byLabel('USR-B').attributes).toBe(0n);
    expect(table!.diskGuid).toBe(FLATCAR_IMAGE_DISK_GUID);
    expect(new Set(table!.partitions.map((p) => p.guid)).size).toBe(7);
  });

  it('lays out 4096-byte sectors at the same byte offsets', () => {
    const small = flatcarLayout({ size: 4 * GiB, random }).table!;
    const big = flatcarLayout({ size: 4 * GiB, sectorSize: 4096, random }).table!;
    expect(big.firstUsableLba).toBe(6);
    expect(big.partitions.map((p) => [p.firstLba * 8, (p.lastLba + 1) * 8])).toEqual(
      small.partitions.map((p) => [p.firstLba, p.lastLba + 1]),
    );
    expect(validateTable(big, (4 * GiB) / 4096)).toEqual([]);
  });

  it('says how small is too small', () => {
    const least = minimumSize();
    expect(flatcarLayout({ size: least, random }).scale).toBe(1 / 64);
    expect(flatcarLayout({ size: least, random }).table).toBeDefined();
    const tooSmall = flatcarLayout({ size: least - 512, random });
    expect(tooSmall.table).toBeUndefined();
    expect(tooSmall.reports.map((r) => r.code)).toEqual(['DISK_TOO_SMALL']);
    expect(tooSmall.reports[0]!.message).toMatch(/needs at least 131 MiB/);
  });

  it('takes the disk GUID it is given', () => {
    const guid = '1b4e28ba-2fa1-11d2-883f-b9a761bde3fb';
    expect(flatcarLayout({ size: 4 * GiB, random, diskGuid: guid }).table!.diskGuid).toBe(guid.toUpperCase());
  });
});
