import { Agent, formatStatus } from '@ballast/agent';
import type { Io } from '../io.js';
import { guarded, nodeHelp, parseAgentCommand } from './agent-common.js';

const usage = `Usage: ballast agent status [--json] [options]

Prints the agent's status as \`update_engine_client -status\` does, so scripts written for Flatcar (locksmith,
FLUO, kured hooks) read it unchanged:

  LAST_CHECKED_TIME=1700000000
  PROGRESS=0.000000
  CURRENT_OP=UPDATE_STATUS_IDLE
  NEW_VERSION=0.0.0
  NEW_SIZE=0

Options:
      --json        print the whole recorded state instead (pending update, slot versions, last error)
${nodeHelp}
`;

/** `ballast agent status`: the recorded status, in update_engine_client's form. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const values = parseAgentCommand(args, { usage, io, options: { json: { type: 'boolean' } } });
  if (!values) return 0;
  return guarded('status', io, async () => {
    const state = await new Agent({ root: values.root ?? '/' }).state();
    io.stdout.write(values.json ? `${JSON.stringify(state, null, 2)}\n` : formatStatus(state));
    return 0;
  });
}
