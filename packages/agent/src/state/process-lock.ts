import { constants } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentError } from '../agent-error.js';

/** A held process lock; `release` removes it. */
export interface ProcessLock {
  readonly path: string;
  release(): Promise<void>;
}

/** The pid of the live process holding the lock at `path`, or undefined when there is none. */
export async function lockHolder(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Makes this process the only agent working on a node's state: a pid file created exclusively. A file left by a
 * process that died (killed, crashed) is taken over; one of a live process gives `AGENT_BUSY`.
 */
export async function acquireProcessLock(path: string): Promise<ProcessLock> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await file.writeFile(`${process.pid}\n`);
      } finally {
        await file.close();
      }
      return {
        path,
        release: async () => {
          if ((await lockHolder(path)) === process.pid) await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder(path);
    if (holder !== undefined && holder !== process.pid) {
      throw new AgentError('AGENT_BUSY', `Another agent (pid ${holder}) is working on this node (${path})`);
    }
    // Stale: its process is gone. Remove it and try again.
    await unlink(path).catch(() => undefined);
  }
  throw new AgentError('AGENT_BUSY', `Could not take the agent lock ${path}`);
}
