// Named points where the fault-injection tests kill the agent with SIGKILL, as etcd's gofail does: the process
// counts the points it passes and, when BALLAST_AGENT_KILL_AT=N is set, kills itself at the N-th. Unset, a point is
// one counter increment. BALLAST_AGENT_FAULT_LOG=1 prints each point passed, so a test can count them.

const killAt = Number(process.env.BALLAST_AGENT_KILL_AT ?? '0');
const logPoints = process.env.BALLAST_AGENT_FAULT_LOG === '1';
let passed = 0;

/** Marks a point where a crash must leave the node and the agent's state recoverable. */
export function faultPoint(name: string): void {
  passed++;
  if (logPoints) process.stderr.write(`fault-point ${passed} ${name}\n`);
  if (killAt > 0 && passed === killAt) process.kill(process.pid, 'SIGKILL');
}

/** How many points this process has passed. */
export function faultPointsPassed(): number {
  return passed;
}
