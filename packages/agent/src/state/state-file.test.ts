import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from './agent-state.js';
import { acquireProcessLock, lockHolder } from './process-lock.js';
import { readState, writeState } from './state-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the state file', () => {
  it('starts from the initial state and reads back what was written, leaving no temporary file', async () => {
    const path = join(dir, 'sub', 'state.json');
    expect(await readState(path)).toEqual(initialState());
    const state = { ...initialState(), status: 'UPDATE_STATUS_DOWNLOADING' as const, progress: 0.5 };
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
    expect(await readdir(join(dir, 'sub'))).toEqual(['state.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ format: 1 });
  });

  it('refuses a file that is not its own', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '{"format":2}');
    await expect(readState(path)).rejects.toMatchObject({ code: 'STATE_INVALID' });
    await writeFile(path, 'nope');
    await expect(readState(path)).rejects.toMatchObject({ code: 'STATE_INVALID' });
  });
});

describe('the process lock', () => {
  it('admits one agent, and takes over from a dead one', async () => {
    const path = join(dir, 'agent.pid');
    const lock = await acquireProcessLock(path);
    expect(await lockHolder(path)).toBe(process.pid);
    await lock.release();
    expect(await lockHolder(path)).toBeUndefined();
    // A pid no process has (the kernel's pid_max is below 2^22).
    await writeFile(path, '4194305\n');
    const again = await acquireProcessLock(path);
    expect(await lockHolder(path)).toBe(process.pid);
    await again.release();
    // pid 1 is always alive.
    await writeFile(path, '1\n');
    await expect(acquireProcessLock(path)).rejects.toMatchObject({ code: 'AGENT_BUSY' });
  });
});
