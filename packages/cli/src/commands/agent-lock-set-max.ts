import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { connectionHelp, connectionOptions, withLock } from './agent-lock-common.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast agent lock set-max [options] N

Sets how many machines may hold the reboot lock, and so reboot, at the same time, as locksmithctl set-max does.
Current holders keep their slots; lowering the maximum below their number leaves no slot free until enough of
them have released theirs.

Options:
${connectionHelp}`;

/** `ballast agent lock set-max N`: locksmithctl set-max. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: connectionOptions });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give the new maximum, one whole number');
  const text = positionals[0]!;
  // locksmithctl reads the number with strconv.Atoi: an optional sign and decimal digits.
  if (!/^[+-]?\d+$/.test(text) || Number(text) < 0 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`the maximum must be a whole number of 0 or more, not ${JSON.stringify(text)}`);
  }
  const max = Number(text);
  const result = await withLock(values, (lock) => lock.setMax(max));
  io.stdout.write(`Old-Max: ${result.previousMax}\nMax: ${result.status.semaphore.max}\n`);
  return 0;
}
