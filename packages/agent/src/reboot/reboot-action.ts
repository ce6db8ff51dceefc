import { run } from '@ballast/disk';
import { AgentError } from '../agent-error.js';

/** Reboots the node. On a real host it does not come back; a test's action records the call and returns. */
export type RebootAction = (reason: string) => Promise<void>;

/** The reboot a node runs: its REBOOT_COMMAND (`systemctl reboot` by default), through the spawn wrapper. */
export function commandReboot(command: readonly string[]): RebootAction {
  return async (reason) => {
    const [program, ...args] = command;
    if (!program) throw new AgentError('REBOOT_FAILED', 'REBOOT_COMMAND is empty');
    try {
      await run(program, args, { timeoutMs: 120_000 });
    } catch (error) {
      throw new AgentError('REBOOT_FAILED', `Rebooting (${reason}) failed: ${(error as Error).message}`);
    }
  };
}
