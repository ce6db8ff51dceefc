import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentError } from '../agent-error.js';
import { faultPoint } from '../fault-point.js';
import { type AgentState, initialState, UPDATE_STATUSES } from './agent-state.js';

/** Where the state lives below the root. */
export const STATE_DIR = '/var/lib/ballast/agent';

/** Reads the state file; a node without one gets the initial state. A file that is not ours is `STATE_INVALID`. */
export async function readState(path: string): Promise<AgentState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return initialState();
    throw new AgentError('STATE_INVALID', `${path}: cannot read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentError('STATE_INVALID', `${path}: not JSON: ${(error as Error).message}`);
  }
  const state = value as Partial<AgentState>;
  if (
    typeof value !== 'object' ||
    value === null ||
    state.format !== 1 ||
    !UPDATE_STATUSES.includes(state.status as never)
  ) {
    throw new AgentError('STATE_INVALID', `${path}: not an agent state file (format 1)`);
  }
  return { ...initialState(), ...state } as AgentState;
}

/**
 * Replaces the state file atomically: the new contents go to a temporary file in the same directory, which is
 * fsynced, renamed over the old file, and the directory fsynced, so a crash at any point leaves the old or the new
 * state, complete.
 */
export async function writeState(path: string, state: AgentState): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = `${path}.tmp`;
  const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await file.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  faultPoint('state-temp-written');
  await rename(temp, path);
  faultPoint('state-renamed');
  const directory = await open(dir, constants.O_RDONLY);
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Removes a file, ignoring one that is not there. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
