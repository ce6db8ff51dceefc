import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImage, MemoryDevice, openDisk } from './block-device.js';
import { readGpt, writeGpt } from './gpt-io.js';
import { flatcarLayout } from './layout.js';
import { run } from './run.js';
import { slotState } from './slot-rules.js';

const MiB = 1024 * 1024;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-disk-block-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
const random = (n: number) => Uint8Array.from({ length: n }, () => (counter++ * 37) & 0xff);

describe('image files', () => {
  it('are created sparse and never over an existing file', async () => {
    const path = join(dir, 'sparse.img');
    const disk = await createImage(path, 8 * 1024 * MiB);
    expect(disk.size).toBe(8 * 1024 * MiB);
    expect(disk.sectorSize).toBeUndefined();
    await disk.close();
    await expect(createImage(path, MiB)).rejects.toMatchObject({ code: 'IMAGE_EXISTS' });
  });

  it('read as zeros past their end, and say which image is missing', async () => {
    const path = join(dir, 'short.img');
    await writeFile(path, Uint8Array.of(1, 2, 3));
    const disk = await openDisk(path);
    expect([...(await disk.read(1, 4))]).toEqual([2, 3, 0, 0]);
    await disk.close();
    await expect(openDisk(join(dir, 'missing.img'))).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining('missing.img: no such image or device'),
    });
    await expect(openDisk(dir)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('refuses writes past the end of a memory disk', async () => {
    await expect(new MemoryDevice(new Uint8Array(512)).write(511, Uint8Array.of(1, 2))).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
  });
});

// Loop devices give real block devices, with 4096-byte logical sectors when asked, so sgdisk (which takes the
// sector size from the device) checks our 4Kn tables. They need root and the loop driver, as CI has.
// `losetup --find` only names a free device; it fails where loop devices cannot be had (no root, no driver).
const loopUsable =
  process.getuid?.() === 0 &&
  existsSync('/dev/loop-control') &&
  (await run('losetup', ['--find']).then(
    () => true,
    () => false,
  ));

describe.skipIf(!loopUsable)('block devices (loop)', () => {
  const attached: string[] = [];
  afterAll(async () => {
    for (const device of attached) await run('losetup', ['-d', device]);
  });

  async function loop(sectorSize: number, size: number): Promise<string> {
    const file = join(dir, `loop-${sectorSize}.img`);
    await writeFile(file, '');
    await truncate(file, size);
    const device = (
      await run('losetup', ['--find', '--show', '--sector-size', String(sectorSize), file])
    ).stdout.trim();
    attached.push(device);
    return device;
  }

  for (const sectorSize of [512, 4096]) {
    it(`takes size and ${sectorSize}-byte sectors from the device, and sgdisk reads what we write there`, async () => {
      const device = await loop(sectorSize, 200 * MiB);
      const disk = await openDisk(device, { writable: true });
      expect(disk.size).toBe(200 * MiB);
      expect(disk.sectorSize).toBe(sectorSize);
      const table = flatcarLayout({ size: disk.size, sectorSize, random }).table!;
      await writeGpt(disk, table, { protectiveMbr: true });
      expect((await readGpt(disk)).table).toEqual(table);
      await disk.close();

      const printed = (await run('sgdisk', ['-p', device])).stdout;
      expect(printed).toContain(`Sector size (logical/physical): ${sectorSize}/`);
      expect(printed).toContain(
        `First usable sector is ${table.firstUsableLba}, last usable sector is ${table.lastUsableLba}`,
      );
      for (const p of table.partitions) {
        expect(printed).toMatch(new RegExp(`^ +${p.number} +${p.firstLba} +${p.lastLba} .* ${p.label}$`, 'm'));
      }
      expect((await run('sgdisk', ['-v', device])).stdout).toContain('No problems found');

      // And the other way: sgdisk sets USR-B's priority bit and successful bit, we read them.
      await run('sgdisk', ['-A', '4:set:48', '-A', '4:set:56', device]);
      const reopened = await openDisk(device);
      const usrB = (await readGpt(reopened)).table.partitions.find((p) => p.number === 4)!;
      await reopened.close();
      expect(slotState(usrB.attributes)).toEqual({ priority: 1, tries: 0, successful: true });
    });
  }
});
