import { LockError } from '@ballast/agent';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';

const verbs: Record<
  string,
  { summary: string; load: () => Promise<{ run(args: readonly string[], io: Io): Promise<number> }> }
> = {
  status: {
    summary: 'show how many reboot slots are free, the maximum and the machines holding one',
    load: () => import('./agent-lock-status.js'),
  },
  unlock: {
    summary: 'free the slot of this machine or of a given machine id (e.g. a dead node)',
    load: () => import('./agent-lock-unlock.js'),
  },
  'set-max': {
    summary: 'set how many machines may reboot at the same time',
    load: () => import('./agent-lock-set-max.js'),
  },
};

const usage = `Usage: ballast agent lock <status|unlock|set-max> [options]

The fleet-wide reboot lock of the etcd-lock strategy: locksmith's semaphore in etcd, shared with Flatcar's
locksmithd. Works like locksmithctl.

Commands:
${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(7)}  ${v.summary}`)
  .join('\n')}

Run \`ballast agent lock <command> --help\` for the options of a command.
`;

/** `ballast agent lock`: dispatches to status, unlock and set-max, as locksmithctl's commands. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(usage);
    return verb === undefined ? 2 : 0;
  }
  const command = verbs[verb];
  if (!command) throw new UsageError(`unknown command 'agent lock ${verb}'; try status, unlock or set-max`);
  try {
    return await (await command.load()).run(rest, io);
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    io.stderr.write(`ballast agent lock ${verb}: ${error.message}\n`);
    return 1;
  }
}
