import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';

const verbs: Record<
  string,
  { summary: string; load: () => Promise<{ run(args: readonly string[], io: Io): Promise<number> }> }
> = {
  run: {
    summary: 'the daemon: update checks, installs, reboots, health gate (--once: one pass, then exit)',
    load: () => import('./agent-run.js'),
  },
  'check-now': {
    summary: 'check for an update now (asks the running agent, or checks itself)',
    load: () => import('./agent-check-now.js'),
  },
  status: {
    summary: 'print the status as update_engine_client -status does',
    load: () => import('./agent-status.js'),
  },
  rollback: {
    summary: 'go back to the other USR slot (or cancel an update not yet booted)',
    load: () => import('./agent-rollback.js'),
  },
  lock: {
    summary: 'the fleet reboot lock in etcd: status, unlock, set-max (as locksmithctl)',
    load: () => import('./agent-lock.js'),
  },
};

const usage = `Usage: ballast agent <run|check-now|status|rollback|lock> [options]

The node agent: what Flatcar's update_engine, flatcar-postinst, flatcar-setgoodroot and locksmithd do, in one
process. It checks the update server, installs updates into the inactive USR slot, reboots as the strategy says,
and keeps an update only when the node proves healthy after booting it.

Commands:
${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(9)}  ${v.summary}`)
  .join('\n')}

Run \`ballast agent <command> --help\` for the options of a command. See docs/agent.md.
`;

/** `ballast agent`: dispatches to run, check-now, status, rollback and lock. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(usage);
    return verb === undefined ? 2 : 0;
  }
  const command = verbs[verb];
  if (!command) throw new UsageError(`unknown command 'agent ${verb}'; try run, check-now, status, rollback or lock`);
  return (await command.load()).run(rest, io);
}
