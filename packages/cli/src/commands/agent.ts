import type { Command } from '../main.js';
import { groupCommand, verbLines } from './command-common.js';

const verbs: Record<string, Command> = {
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
${verbLines(verbs)}

Run \`ballast agent <command> --help\` for the options of a command. See docs/agent.md.
`;

/** `ballast agent`: dispatches to run, check-now, status, rollback and lock. */
export const run = groupCommand({ name: 'agent', usage, verbs });
