import { mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../test-io.js';
import { UsageError } from '../usage-error.js';
import { run } from './disk.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-cli-disk-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The primary table; the images are sparse and large, so tests look only where the table is.
async function head(image: string): Promise<Buffer> {
  const file = await open(image, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    await file.read(buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    await file.close();
  }
}

const fresh = () => join(dir, `disk-${n++}.img`);

async function disk(...args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function created(size = '4G'): Promise<string> {
  const image = fresh();
  expect((await disk('create', image, '--size', size)).code).toBe(0);
  return image;
}

async function slots(image: string) {
  const shown = await disk('show', image, '--json');
  expect(shown.code).toBe(0);
  return JSON.parse(shown.out).slots as { number: number; priority: number; tries: number; successful: boolean }[];
}

describe('ballast disk create', () => {
  it('writes a sparse 4 GiB image with the Flatcar layout and prints it', async () => {
    const image = fresh();
    const result = await disk('create', image, '--size', '4G');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`Created ${image} (4294967296 bytes) with Flatcar's sizes scaled to 1/2`);
    expect(result.out).toMatch(
      /^3 {2}USR-A {7}5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6 \(usr\) +7130C94A-213A-4E5A-8E26-6CCE9662F132 +1056768 +3153919$/m,
    );
    const info = await stat(image);
    expect(info.size).toBe(4 * 1024 ** 3);
    expect(info.blocks * 512).toBeLessThan(1024 * 1024);
    const shown = JSON.parse((await disk('show', image, '--json')).out);
    expect(shown.partitions.map((p: { number: number; label: string }) => `${p.number}:${p.label}`)).toEqual([
      '1:EFI-SYSTEM',
      '2:BIOS-BOOT',
      '3:USR-A',
      '4:USR-B',
      '6:OEM',
      '7:OEM-CONFIG',
      '9:ROOT',
    ]);
    expect(shown).toMatchObject({ sectorSize: 512, sectors: 8388608, source: 'primary', warnings: [] });
  });

  it('creates 4096-byte-sector images too', async () => {
    const image = fresh();
    expect((await disk('create', image, '--size', '1G', '--sector-size', '4096')).code).toBe(0);
    expect(JSON.parse((await disk('show', image, '--json')).out)).toMatchObject({ sectorSize: 4096, sectors: 262144 });
  });

  it('refuses to overwrite an existing file', async () => {
    const image = await created('256M');
    const before = await head(image);
    const result = await disk('create', image, '--size', '256M');
    expect(result.code).toBe(1);
    expect(result.err).toContain('already exists');
    expect((await head(image)).equals(before)).toBe(true);
  });

  it('treats a missing, malformed or too small size as a usage error', async () => {
    await expect(disk('create', fresh())).rejects.toThrow(/--size is required/);
    await expect(disk('create', fresh(), '--size', 'lots')).rejects.toThrow(UsageError);
    await expect(disk('create', fresh(), '--size', '64M')).rejects.toThrow(/needs at least 131 MiB/);
    await expect(disk('create', fresh(), '--size', '1G', '--sector-size', '1024')).rejects.toThrow(/512 or 4096/);
  });
});

describe('ballast disk show', () => {
  it('lists partitions and the USR slots as text', async () => {
    const image = await created('256M');
    const result = await disk('show', image);
    expect(result.code).toBe(0);
    expect(result.out).toContain('disk GUID 00000000-0000-0000-0000-000000000001');
    expect(result.out).toMatch(
      /USR slots:\n#\s+Label\s+Priority\s+Tries\s+Successful\n3\s+USR-A\s+1\s+0\s+1\n4\s+USR-B\s+0\s+0\s+0\n$/,
    );
  });

  it('says which image is missing, and that a file without a GPT is not one', async () => {
    const missing = await disk('show', join(dir, 'nope.img'));
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/^ballast disk show: .*nope\.img: no such image or device\n$/);
    const blank = fresh();
    await writeFile(blank, '');
    await truncate(blank, 1024 * 1024);
    const notGpt = await disk('show', blank);
    expect(notGpt.code).toBe(1);
    expect(notGpt.err).toContain('not a GPT disk');
  });

  it('reads the backup when the primary is damaged and warns on stderr', async () => {
    const image = await created('256M');
    const file = await open(image, 'r+');
    await file.write(Uint8Array.of(9), 0, 1, 512 + 24); // the primary header's own LBA
    await file.close();
    const result = await disk('show', image);
    expect(result.code).toBe(0);
    expect(result.out).toContain('(read from the backup table)');
    expect(result.err).toMatch(/^warning: .*Primary table is invalid: The primary header CRC32/m);
  });
});

describe('ballast disk set', () => {
  it('sets the fields given and leaves the others', async () => {
    const image = await created('256M');
    const result = await disk('set', image, '--partition', '4', '--priority', '2', '--tries', '1');
    expect(result).toMatchObject({ code: 0, out: 'Partition 4 (USR-B): priority 2, tries 1, successful 0\n' });
    expect(await disk('set', image, '-i', '3', '-S', '0')).toMatchObject({ code: 0 });
    expect(await slots(image)).toEqual([
      expect.objectContaining({ number: 3, priority: 1, tries: 0, successful: false }),
      expect.objectContaining({ number: 4, priority: 2, tries: 1, successful: false }),
    ]);
  });

  it('refuses a partition that is not a USR slot', async () => {
    const image = await created('256M');
    const result = await disk('set', image, '--partition', '1', '--priority', '1');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "Partition 1 ('EFI-SYSTEM', type C12A7328-F81F-11D2-BA4B-00A0C93EC93B) is not a USR slot",
    );
    expect((await disk('set', image, '--partition', '5', '--priority', '1')).err).toContain(
      'Partition 5 does not exist',
    );
  });

  it('treats values out of range and missing fields as usage errors', async () => {
    const image = await created('256M');
    await expect(disk('set', image, '--partition', '3', '--priority', '16')).rejects.toThrow(
      /--priority must be an integer from 0 to 15, got '16'/,
    );
    await expect(disk('set', image, '--partition', '3', '--tries', '-1')).rejects.toThrow(UsageError);
    await expect(disk('set', image, '--partition', '3', '--successful', '2')).rejects.toThrow(
      /--successful must be an integer from 0 to 1/,
    );
    await expect(disk('set', image, '--partition', '3')).rejects.toThrow(/at least one of/);
    await expect(disk('set', image, '--priority', '1')).rejects.toThrow(/--partition is required/);
  });
});

describe('ballast disk boot', () => {
  it('boots USR-A on a fresh image without writing', async () => {
    const image = await created('256M');
    const before = await head(image);
    const result = await disk('boot', image);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'Booting partition 3 (USR-A), unique GUID 7130C94A-213A-4E5A-8E26-6CCE9662F132: priority 1, tries 0, successful\n',
    );
    expect((await head(image)).equals(before)).toBe(true);
  });

  it('tries a staged update once, then falls back to the old slot', async () => {
    const image = await created('256M');
    await disk('set', image, '-i', '4', '-P', '2', '-T', '1', '-S', '0');
    const first = JSON.parse((await disk('boot', image, '--json')).out);
    expect(first).toEqual({
      partition: 4,
      guid: 'E03DD35C-7C2D-4A47-B3FE-27F15780A57C',
      label: 'USR-B',
      priority: 2,
      successful: false,
      triesBefore: 1,
      triesAfter: 0,
      written: true,
    });
    expect((await slots(image))[1]).toMatchObject({ number: 4, tries: 0 });
    const second = JSON.parse((await disk('boot', image, '--json')).out);
    expect(second).toMatchObject({ partition: 3, label: 'USR-A', written: false });
  });

  it('fails when no slot is bootable', async () => {
    const image = await created('256M');
    await disk('set', image, '-i', '3', '-P', '0');
    const result = await disk('boot', image);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No USR slot has priority > 0 and either tries > 0 or successful set');
  });
});

describe('ballast disk', () => {
  it('prints help for itself and every command', async () => {
    expect((await disk('--help')).out).toMatch(/^Usage: ballast disk <create\|show\|set\|boot>/);
    for (const verb of ['create', 'show', 'set', 'boot']) {
      const result = await disk(verb, '--help');
      expect(result.code).toBe(0);
      expect(result.out).toMatch(new RegExp(`^Usage: ballast disk ${verb} IMAGE`));
    }
  });

  it('rejects unknown commands, options and extra images', async () => {
    await expect(disk('frob')).rejects.toThrow(/unknown command 'disk frob'/);
    await expect(disk('show', 'a.img', '--frob')).rejects.toThrow(UsageError);
    await expect(disk('show', 'a.img', 'b.img')).rejects.toThrow(/one image at a time/);
    await expect(disk('show')).rejects.toThrow(/name the disk image/);
  });
});
