import { readFile } from 'node:fs/promises';
import { resolveInRoot } from './root-path.js';

/** One line of /etc/passwd. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One line of /etc/group. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
}

async function readRootFile(root: string, path: string): Promise<string> {
  try {
    return await readFile(await resolveInRoot(root, path, { followLast: true }), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw cause;
  }
}

function fields(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('+') && !line.startsWith('-'))
    .map((line) => line.split(':'));
}

/**
 * Looks a user up in the root's /etc/passwd, as Ignition's getpwnam does inside a chroot of the root (nsswitch's
 * `files` source: the first line with the name wins).
 */
export async function lookupUser(root: string, name: string): Promise<PasswdEntry | undefined> {
  for (const f of fields(await readRootFile(root, '/etc/passwd'))) {
    if (f[0] !== name || f.length < 7) continue;
    return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
  }
  return undefined;
}

/** Looks a group up in the root's /etc/group. */
export async function lookupGroup(root: string, name: string): Promise<GroupEntry | undefined> {
  for (const f of fields(await readRootFile(root, '/etc/group'))) {
    if (f[0] !== name || f.length < 3) continue;
    return { name, gid: Number(f[2]) };
  }
  return undefined;
}
