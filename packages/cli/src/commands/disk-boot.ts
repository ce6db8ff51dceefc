import { chooseBootSlot, DiskError, writeGpt } from '@ballast/disk';
import type { Io } from '../io.js';
import { parseCommand } from './command-common.js';
import { guarded, oneImage, printWarnings, withTable } from './disk-common.js';

const usage = `Usage: ballast disk boot IMAGE [options]

Does once what Flatcar's boot loader (GRUB's gptprio.next) does: among the USR slots with tries > 0 or successful
set, picks the highest priority (the first in the table on a tie; priority 0 never), decrements its tries if they
are above 0 and writes the table back, then prints the chosen partition and its unique GUID (the PARTUUID that
mount.usr= names).

Options:
      --json      print JSON: partition, label, guid, priority, successful, triesBefore, triesAfter, written
  -h, --help      show usage and exit

Exit status: 0 when a slot was chosen, 1 when none is bootable or the image has no table, 2 on a usage error.
`;

/** `ballast disk boot`: choose a USR slot as GRUB does, decrement its tries and write the table. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: { json: { type: 'boolean' } } });
  if (!parsed) return 0;
  const { values } = parsed;
  const path = oneImage(parsed.positionals);
  return guarded('boot', io, () =>
    withTable(path, { writable: true }, async (read, disk) => {
      if (!values.json) printWarnings(read, path, io);
      const decision = chooseBootSlot(read.table);
      const choice = decision.choice;
      if (!choice) {
        const first = decision.reports[0]!;
        throw new DiskError(first.code, `${path}: ${first.message}`, decision.reports);
      }
      if (decision.changed) await writeGpt(disk, decision.table);
      if (values.json) {
        const { number, ...rest } = choice;
        io.stdout.write(`${JSON.stringify({ partition: number, ...rest, written: decision.changed }, null, 2)}\n`);
      } else {
        const tries = decision.changed ? `tries ${choice.triesBefore} -> ${choice.triesAfter}` : 'tries 0, successful';
        io.stdout.write(
          `Booting partition ${choice.number} (${choice.label}), unique GUID ${choice.guid}: priority ${choice.priority}, ${tries}\n`,
        );
      }
      return 0;
    }),
  );
}
