import type { Io } from '../io.js';
import { parseCommand } from './command-common.js';
import { guarded, oneImage, printWarnings, tableJson, tableText, withTable } from './disk-common.js';

const usage = `Usage: ballast disk show IMAGE [options]

Lists the GPT partitions of a disk image or block device (number, label, type, unique GUID, first and last LBA)
and the priority, tries and successful fields of each USR slot. Reads the backup table when the primary is
damaged, and says so on stderr.

Options:
      --json      print JSON: disk, partitions (attributes as hex), slots and warnings
  -h, --help      show usage and exit

Exit status: 0 when a table was read, 1 when there is none (missing image, not GPT, both copies damaged),
2 on a usage error.
`;

/** `ballast disk show`: the partitions and USR slots of an image. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: { json: { type: 'boolean' } } });
  if (!parsed) return 0;
  const { values } = parsed;
  const path = oneImage(parsed.positionals);
  return guarded('show', io, () =>
    withTable(path, { writable: false }, async (read, disk) => {
      if (values.json) {
        io.stdout.write(`${JSON.stringify(tableJson(read, path, disk.size), null, 2)}\n`);
      } else {
        printWarnings(read, path, io);
        io.stdout.write(tableText(read, path, disk.size));
      }
      return 0;
    }),
  );
}
