import { LockError } from '@ballast/agent';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { groupCommand, verbLines } from './command-common.js';

const verbs: Record<string, Command> = {
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
${verbLines(verbs)}

Run \`ballast agent lock <command> --help\` for the options of a command.
`;

const dispatch = groupCommand({ name: 'agent lock', usage, verbs });

/** `ballast agent lock`: dispatches to status, unlock and set-max, as locksmithctl's commands; prints their lock errors. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    io.stderr.write(`ballast agent lock ${args[0]}: ${error.message}\n`);
    return 1;
  }
}
