import type { Io } from '../io.js';
import { guarded, nodeHelp, parseAgentCommand, withNodeAgent } from './agent-common.js';

const usage = `Usage: ballast agent rollback [--no-reboot] [options]

Rolls back by hand. An update that is installed but not yet booted is cancelled: its slot becomes unbootable again
and the status returns to idle. Otherwise the other USR slot, if it ever booted successfully, is put first (as
\`cgpt prioritize\`) and the node reboots into it; the agent's next update check reports the rollback to the
update server (error code 44), and this node does not install the release it left again.

Stop a running agent first (\`systemctl stop ballast-agent\`): only one agent works on a node at a time.

Options:
      --no-reboot   prepare the rollback; it happens at the next reboot
${nodeHelp}

Exit status: 0 when done, 1 when there is nothing to roll back to, 2 on a usage error.
`;

/** `ballast agent rollback`: back to the other slot, or cancel an installed update. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const values = parseAgentCommand(args, { usage, io, options: { 'no-reboot': { type: 'boolean' } } });
  if (!values) return 0;
  const extra = values['no-reboot'] ? { noReboot: true } : {};
  return guarded('rollback', io, () =>
    withNodeAgent({ values, io, extra }, async (agent) => {
      const report = await agent.rollback({ reboot: !values['no-reboot'] });
      if (report.kind === 'cancelled') {
        io.stdout.write(`Cancelled the update to ${report.version}; it will not boot\n`);
      } else {
        io.stdout.write(
          report.rebooted
            ? `Rolled back to partition ${report.partition}; rebooting\n`
            : `Partition ${report.partition} boots next; reboot to roll back\n`,
        );
      }
      return 0;
    }),
  );
}
