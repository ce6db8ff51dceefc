// Builds the project (`tsc -b`) for tests that run Ballast in processes of their own (bin/ballast, killed agents),
// when a source is newer than the last build, one test file at a time. In CI the build is already done.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const stamp = join(root, 'node_modules/.cache/ballast-test-build');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) {
      if (name.name !== 'dist' && name.name !== 'node_modules') newest = Math.max(newest, newestSource(path));
    } else if (name.name.endsWith('.ts') && !name.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isFresh(): boolean {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(root, 'packages'));
}

/** Runs `tsc -b` when a source under packages/ is newer than the last build; throws with tsc's output on failure. */
export function ensureBuilt(): void {
  if (isFresh()) return;
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  // Two tsc -b writing one dist at once corrupt it: test files take turns.
  const lock = join(root, 'node_modules/.cache/ballast-test-build.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 180_000) throw new Error(`Build lock ${lock} held for 3 minutes; remove it if no build runs`);
      sleepSync(200);
    }
  }
  try {
    if (isFresh()) return;
    const started = Date.now();
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (error) {
      const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
      throw new Error(`Building Ballast for the tests failed (tsc -b):\n${output}`);
    }
    writeFileSync(stamp, new Date(started).toISOString());
  } finally {
    rmdirSync(lock);
  }
}
