import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { connectionHelp, connectionOptions, withLock } from './agent-lock-common.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast agent lock status [options]

Shows the reboot lock as locksmithctl status does: how many slots are free, the maximum, and the machine ids
holding a slot. Creates the semaphore (one slot) when it does not exist yet, as locksmith does.

Options:
      --json                 print the key, semaphore, max, holders and mod revision as JSON
${connectionHelp}`;

/** `ballast agent lock status`: locksmithctl status. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: { ...connectionOptions, json: { type: 'boolean' } } });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`status takes no arguments, got ${positionals.join(' ')}`);
  const status = await withLock(values, (lock) => lock.status());
  const { semaphore, max, holders } = status.semaphore;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ key: status.key, semaphore, max, holders: holders ?? [], modRevision: status.modRevision }, null, 2)}\n`,
    );
    return 0;
  }
  let out = `Available: ${semaphore}\nMax: ${max}\n`;
  if (holders !== null && holders.length > 0) out += `\nMACHINE ID\n${holders.map((h) => `${h}\n`).join('')}`;
  io.stdout.write(out);
  return 0;
}
