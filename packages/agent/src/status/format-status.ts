import type { AgentState } from '../state/agent-state.js';

/**
 * The status as `update_engine_client -status` prints it: LAST_CHECKED_TIME, PROGRESS (printf `%f`), CURRENT_OP,
 * NEW_VERSION and NEW_SIZE, one `KEY=value` per line, so scripts written for Flatcar read it unchanged.
 */
export function formatStatus(state: AgentState): string {
  return (
    `LAST_CHECKED_TIME=${state.lastCheckedTime}\n` +
    `PROGRESS=${state.progress.toFixed(6)}\n` +
    `CURRENT_OP=${state.status}\n` +
    `NEW_VERSION=${state.newVersion}\n` +
    `NEW_SIZE=${state.newSize}\n`
  );
}
