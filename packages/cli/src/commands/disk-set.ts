import { DiskError, MAX_PRIORITY, MAX_TRIES, setSlot, writeGpt } from '@ballast/disk';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';
import { guarded, intOption, oneImage, printWarnings, slotLine, withTable } from './disk-common.js';

const usage = `Usage: ballast disk set IMAGE --partition N [--priority P] [--tries T] [--successful 0|1]

Sets the A/B fields of one USR slot as \`cgpt add -i N -P P -T T -S S\` does: priority (attribute bits 48-51),
tries (52-55) and successful (56); fields not given and all other attribute bits stay as they are. The table is
rewritten crash-safely (backup first), which also repairs a damaged copy.

Options:
  -i, --partition N      the USR partition to change (3 is USR-A, 4 is USR-B in Flatcar's layout)
  -P, --priority P       0 to 15; the boot loader never boots priority 0
  -T, --tries T          0 to 15; boots left before the slot must be marked successful
  -S, --successful 0|1   whether the slot has booted successfully
  -h, --help             show usage and exit

Exit status: 0 when the slot was set, 1 when the image has no table or the partition is not a USR slot,
2 on a usage error (including values out of range).
`;

/** `ballast disk set`: change a USR slot's priority, tries and successful fields. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    options: {
      partition: { type: 'string', short: 'i' },
      priority: { type: 'string', short: 'P' },
      tries: { type: 'string', short: 'T' },
      successful: { type: 'string', short: 'S' },
    },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  const path = oneImage(parsed.positionals);
  const partition = intOption('partition', values.partition, { min: 1, max: 65536 });
  if (partition === undefined) throw new UsageError('--partition is required');
  const priority = intOption('priority', values.priority, { min: 0, max: MAX_PRIORITY });
  const tries = intOption('tries', values.tries, { min: 0, max: MAX_TRIES });
  const successful = intOption('successful', values.successful, { min: 0, max: 1 });
  if (priority === undefined && tries === undefined && successful === undefined) {
    throw new UsageError('give at least one of --priority, --tries and --successful');
  }
  return guarded('set', io, () =>
    withTable(path, { writable: true }, async (read, disk) => {
      printWarnings(read, path, io);
      const result = setSlot(read.table, {
        partition,
        ...(priority !== undefined ? { priority } : {}),
        ...(tries !== undefined ? { tries } : {}),
        ...(successful !== undefined ? { successful: successful === 1 } : {}),
      });
      if (!result.table) {
        const first = result.reports[0]!;
        throw new DiskError(first.code, `${path}: ${result.reports.map((r) => r.message).join('; ')}`, result.reports);
      }
      await writeGpt(disk, result.table);
      io.stdout.write(`${slotLine(result.table, partition)}\n`);
      return 0;
    }),
  );
}
