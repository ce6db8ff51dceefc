import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { createImage, flatcarLayout, isGuid, writeGpt } from '@ballast/disk';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';
import { guarded, oneImage, parseSize, tableJson, tableText } from './disk-common.js';

const usage = `Usage: ballast disk create IMAGE --size SIZE [options]

Creates a new sparse disk image with Flatcar's partition layout: EFI-SYSTEM (1), BIOS-BOOT (2), USR-A (3),
USR-B (4), OEM (6), OEM-CONFIG (7) and ROOT (9), aligned to 2 MiB, with ROOT taking the rest of the disk. Images
smaller than Flatcar's (about 7.8 GiB) get every partition but BIOS-BOOT halved until the layout fits (131 MiB at
least). USR-A starts as the slot to boot: priority 1, successful. Refuses to overwrite an existing file.

Options:
      --size SIZE         size of the image: bytes, or with a K, M, G or T suffix (binary), e.g. 4G
      --sector-size N     logical sector size, 512 (default) or 4096
      --disk-guid GUID    disk GUID (default 00000000-0000-0000-0000-000000000001, as Flatcar's images)
      --json              print the new table as JSON (as \`ballast disk show --json\`)
  -h, --help              show usage and exit

Exit status: 0 when the image was created, 1 when it could not be, 2 on a usage error.
`;

/** `ballast disk create`: a new sparse image with a Flatcar-like GPT layout. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    options: {
      size: { type: 'string' },
      'sector-size': { type: 'string' },
      'disk-guid': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  const path = oneImage(parsed.positionals);
  if (values.size === undefined) throw new UsageError('--size is required, e.g. --size 4G');
  const size = parseSize(values.size);
  const sectorSize = values['sector-size'] === undefined ? 512 : Number(values['sector-size']);
  if (sectorSize !== 512 && sectorSize !== 4096) {
    throw new UsageError(`--sector-size must be 512 or 4096, got '${values['sector-size']}'`);
  }
  if (size % sectorSize !== 0) throw new UsageError(`--size must be a whole number of ${sectorSize}-byte sectors`);
  const diskGuid = values['disk-guid'];
  if (diskGuid !== undefined && !isGuid(diskGuid)) throw new UsageError(`--disk-guid '${diskGuid}' is not a GUID`);
  const layout = flatcarLayout({
    size,
    sectorSize,
    random: (n) => new Uint8Array(randomBytes(n)),
    ...(diskGuid !== undefined ? { diskGuid } : {}),
  });
  if (!layout.table) throw new UsageError(layout.reports.map((r) => r.message).join('; '));
  const table = layout.table;

  return guarded('create', io, async () => {
    const disk = await createImage(path, size);
    try {
      await writeGpt(disk, table, { protectiveMbr: true });
      await disk.close();
    } catch (error) {
      await disk.close().catch(() => {});
      await unlink(path).catch(() => {});
      throw error;
    }
    const read = { table, source: 'primary' as const, reports: [] };
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ...tableJson(read, path, size), scale: layout.scale }, null, 2)}\n`);
    } else {
      const scale = layout.scale === 1 ? "Flatcar's sizes" : `Flatcar's sizes scaled to 1/${1 / layout.scale}`;
      io.stdout.write(`Created ${path} (${size} bytes) with ${scale}\n\n${tableText(read, path, size)}`);
    }
    return 0;
  });
}
