// Builds the agent package (and what it imports) once, for tests that run it in processes of their own: the
// fault-injection suite kills those with SIGKILL. Rebuilds only when a source is newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
/** The built package entry the child processes import. */
export const builtAgent = join(root, 'packages/agent/dist/index.js');
// Written after each build: tsc -b leaves unchanged outputs alone, so their times say nothing.
const stamp = join(root, 'packages/agent/dist/.test-build-stamp');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds packages/agent with `tsc -b` when its dist is missing or older than a source of agent, omaha or disk. */
export function ensureAgentBuilt(): void {
  const sources = Math.max(
    ...['agent', 'omaha', 'disk'].map((pkg) => newestSource(join(root, 'packages', pkg, 'src'))),
  );
  const built = () => (existsSync(builtAgent) && existsSync(stamp) ? statSync(stamp).mtimeMs : 0);
  if (built() >= sources) return;
  // The same lock as the server harness: two tsc -b writing one dist at once corrupt it.
  const lock = join(root, 'node_modules/.ballast-build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) throw new Error(`Build lock ${lock} held for 2 minutes; remove it if no build runs`);
      sleepSync(200);
    }
  }
  try {
    if (built() >= sources) return;
    try {
      execFileSync('npx', ['tsc', '-b', 'packages/agent'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      // tsc -b still emits when a file elsewhere in the build has a type error; only a missing entry is fatal.
      if (!existsSync(builtAgent)) {
        const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
        throw new Error(`Building the agent failed:\n${output}`);
      }
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  } finally {
    rmdirSync(lock);
  }
}
