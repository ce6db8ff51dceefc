import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { connectionHelp, connectionOptions, withLock } from './agent-lock-common.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast agent lock unlock [options] [MACHINE-ID]

Frees the reboot-lock slot of this machine (its /etc/machine-id) or of the given machine id, as locksmithctl
unlock does. Under normal operation this is not needed: use it when a machine went away holding the lock.

Options:
${connectionHelp}`;

/** `ballast agent lock unlock [MACHINE-ID]`: locksmithctl unlock. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: connectionOptions });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one machine id at a time, got ${positionals.join(' ')}`);
  let holder = positionals[0];
  if (holder === undefined) {
    const file = join(values.root ?? '/', 'etc/machine-id');
    holder = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (holder === '') {
      io.stderr.write(`ballast agent lock unlock: cannot read the machine id from ${file}; name the machine id\n`);
      return 1;
    }
  }
  const id = holder;
  await withLock(values, (lock) => lock.unlock(id));
  return 0;
}
