import { execFileSync } from 'node:child_process';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDisk, readGpt } from '@ballast/disk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDisks, mkfsCommand } from './disks.js';
import { tempDir } from './reference-ignition.test-helper.js';
import { parseConfigText } from './render-config.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('disks');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function image(name: string, mib: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '');
  await truncate(path, mib * 1024 * 1024);
  return path;
}

const v34 = (storage: Record<string, unknown>) =>
  parseConfigText(JSON.stringify({ ignition: { version: '3.4.0' }, storage }));

function blkid(path: string): Record<string, string> {
  const out = execFileSync('blkid', ['-p', '-o', 'export', path], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
}

describe('applyDisks', () => {
  it('partitions an image as sgdisk would, readable by sgdisk', async () => {
    const disk = await image('disk.img', 64);
    await applyDisks(
      v34({
        disks: [
          {
            device: '/dev/vdb',
            wipeTable: true,
            partitions: [
              { label: 'DATA', number: 1, sizeMiB: 16, typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
              { label: 'SWAP', number: 2, sizeMiB: 8, guid: '6D8C2F5A-1D2B-4E5B-9C3A-0F1E2D3C4B5A' },
              { label: 'REST' },
            ],
          },
        ],
      }),
      { devices: { '/dev/vdb': disk } },
    );
    const device = await openDisk(disk);
    const { table } = await readGpt(device);
    await device.close();
    expect(table.partitions.map((p) => [p.number, p.label, p.firstLba, p.lastLba])).toEqual([
      [1, 'DATA', 2048, 2048 + 16 * 2048 - 1],
      [2, 'SWAP', 34816, 34816 + 8 * 2048 - 1],
      [3, 'REST', 51200, table.lastUsableLba],
    ]);
    expect(table.partitions[1]?.guid).toBe('6D8C2F5A-1D2B-4E5B-9C3A-0F1E2D3C4B5A');
    const printed = execFileSync('sgdisk', ['-p', disk], { encoding: 'utf8' });
    expect(printed).toMatch(/1\s+2048\s+34815\s+16\.0 MiB\s+8300\s+DATA/);

    // Applied again, the matching partitions are kept; a mismatch needs wipePartitionEntry.
    await applyDisks(v34({ disks: [{ device: disk, partitions: [{ label: 'DATA', number: 1, sizeMiB: 16 }] }] }));
    await expect(
      applyDisks(v34({ disks: [{ device: disk, partitions: [{ label: 'OTHER', number: 1 }] }] })),
    ).rejects.toMatchObject({ code: 'DISK_FAILED' });
    await applyDisks(
      v34({
        disks: [
          {
            device: disk,
            partitions: [
              { number: 2, shouldExist: false },
              { label: 'NEW', number: 1, sizeMiB: 4, wipePartitionEntry: true },
            ],
          },
        ],
      }),
    );
    const again = await openDisk(disk);
    expect((await readGpt(again)).table.partitions.map((p) => [p.number, p.label])).toEqual([
      [1, 'NEW'],
      [3, 'REST'],
    ]);
    await again.close();
  });

  it('makes ext4, xfs, vfat and swap filesystems with labels, UUIDs and options', async () => {
    const ext4 = await image('ext4.img', 32);
    const xfs = await image('xfs.img', 320);
    const vfat = await image('vfat.img', 32);
    const swap = await image('swap.img', 16);
    await applyDisks(
      v34({
        filesystems: [
          {
            device: ext4,
            format: 'ext4',
            label: 'ROOT',
            uuid: '3B1C0E0C-5C4E-4E0D-9B0D-1D5B3E7A8F00',
            options: ['-m', '0'],
          },
          { device: xfs, format: 'xfs', label: 'VAR', uuid: '9a9a1e7c-32f5-4c43-9d1a-6f5a7c2b8e11' },
          { device: vfat, format: 'vfat', label: 'EFI', uuid: 'ABCD-1234' },
          { device: swap, format: 'swap', label: 'swap0', uuid: '0b3f6c1e-0000-4000-8000-000000000001' },
        ],
      }),
    );
    expect(blkid(ext4)).toMatchObject({ TYPE: 'ext4', LABEL: 'ROOT', UUID: '3b1c0e0c-5c4e-4e0d-9b0d-1d5b3e7a8f00' });
    expect(blkid(xfs)).toMatchObject({ TYPE: 'xfs', LABEL: 'VAR', UUID: '9a9a1e7c-32f5-4c43-9d1a-6f5a7c2b8e11' });
    expect(blkid(vfat)).toMatchObject({ TYPE: 'vfat', LABEL: 'EFI', UUID: 'ABCD-1234' });
    expect(blkid(swap)).toMatchObject({ TYPE: 'swap', LABEL: 'swap0' });

    // A matching filesystem is kept; another one needs wipeFilesystem.
    await applyDisks(v34({ filesystems: [{ device: ext4, format: 'ext4', label: 'ROOT' }] }));
    await expect(applyDisks(v34({ filesystems: [{ device: ext4, format: 'xfs' }] }))).rejects.toMatchObject({
      code: 'DISK_FAILED',
      message: `storage.filesystems.0 ${ext4}: a ext4 filesystem already exists there and wipeFilesystem is false`,
    });
    await applyDisks(v34({ filesystems: [{ device: ext4, format: 'vfat', label: 'NEW', wipeFilesystem: true }] }));
    expect(blkid(ext4)).toMatchObject({ TYPE: 'vfat', LABEL: 'NEW' });
  });

  it('builds the mkfs arguments Ignition uses', () => {
    const [fs] = v34({
      filesystems: [{ device: '/dev/vda9', format: 'ext4', label: 'ROOT', uuid: 'ABC', options: ['-E', 'x'] }],
    }).storage.filesystems;
    expect(mkfsCommand(fs!, '/dev/vda9')).toEqual({
      tool: 'mkfs.ext4',
      args: ['-E', 'x', '-F', '-U', 'abc', '-L', 'ROOT', '/dev/vda9'],
    });
  });

  it('refuses RAID and LUKS instead of skipping them', async () => {
    await expect(
      applyDisks(v34({ raid: [{ name: 'md0', level: 'raid1', devices: ['/dev/vdb', '/dev/vdc'] }] })),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED', message: 'storage.raid: RAID arrays are not supported yet' });
    await expect(applyDisks(v34({ luks: [{ name: 'x', device: '/dev/vdb' }] }))).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
  });
});
