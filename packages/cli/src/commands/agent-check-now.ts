import { join } from 'node:path';
import { formatStatus, lockHolder, STATE_DIR } from '@ballast/agent';
import type { Io } from '../io.js';
import { guarded, nodeHelp, parseAgentCommand, withNodeAgent } from './agent-common.js';

const usage = `Usage: ballast agent check-now [options]

Checks for an update now, as \`update_engine_client -check_for_update\`: a running agent is asked (SIGUSR1) and
makes an on-demand check; without one, this command makes the check itself, installs what is offered and prints
the status. It never reboots.

Options:
${nodeHelp}

Exit status: 0 when the check was requested or made, 1 when it failed, 2 on a usage error.
`;

/** `ballast agent check-now`: an on-demand update check. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const values = parseAgentCommand(args, { usage, io, options: {} });
  if (!values) return 0;
  return guarded('check-now', io, async () => {
    const pid = await lockHolder(join(values.root ?? '/', STATE_DIR, 'agent.pid'));
    if (pid !== undefined && pid !== process.pid) {
      process.kill(pid, 'SIGUSR1');
      io.stdout.write(`Asked the running agent (pid ${pid}) for an update check\n`);
      return 0;
    }
    return withNodeAgent({ values, io, extra: { noReboot: true } }, async (agent) => {
      const report = await agent.checkForUpdate({ interactive: true });
      io.stdout.write(formatStatus(await agent.state()));
      return report.kind === 'failed' ? 1 : 0;
    });
  });
}
