import { formatStatus } from '@ballast/agent';
import type { Io } from '../io.js';
import { guarded, nodeHelp, parseAgentCommand, withNodeAgent } from './agent-common.js';

const usage = `Usage: ballast agent run [--once] [options]

Runs the node agent. First it judges the boot: after booting a new update it runs the health checks, keeps the
update when they pass (the slot is marked good, the reboot lock released) and rolls back when they fail (the slot
is marked bad and the node reboots into the previous one). Then it checks the update server on update_engine's
schedule (7 minutes after start, then every 45 minutes ± 5, backing off up to 4 hours while the server fails),
installs what is offered into the other USR slot, and reboots as REBOOT_STRATEGY and the reboot window allow.
SIGUSR1 (\`ballast agent check-now\`) asks for a check at once; SIGTERM stops it.

Options:
      --once        one pass: judge the boot, check once (installing what is offered), reboot if the strategy
                    allows it now; print the status and exit
      --no-reboot   never reboot; log that a reboot is needed instead
${nodeHelp}

Exit status: 0 when nothing failed, 1 when the check, the install or the boot's health checks failed, 2 on a
usage error.
`;

/** `ballast agent run`: the daemon, or one pass of it with --once. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const values = parseAgentCommand(args, {
    usage,
    io,
    options: { once: { type: 'boolean' }, 'no-reboot': { type: 'boolean' } },
  });
  if (!values) return 0;
  const extra = values['no-reboot'] ? { noReboot: true } : {};
  return guarded('run', io, () =>
    withNodeAgent({ values, io, extra, onCheck: (agent) => agent.requestCheck() }, async (agent) => {
      if (values.once) {
        const report = await agent.runOnce();
        io.stdout.write(formatStatus(await agent.state()));
        const failed = report.check?.kind === 'failed' || report.boot.kind === 'unhealthy';
        return failed ? 1 : 0;
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      try {
        await agent.runDaemon(controller.signal);
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
      return 0;
    }),
  );
}
