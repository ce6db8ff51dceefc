import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanPath } from '@ballast/config';
import { ProvisionError } from './provision-error.js';

/** Options for `resolveInRoot`. */
export interface ResolveOptions {
  /** Follow a symlink in the last component too (reading a file); by default it is the entry itself (writing one). */
  readonly followLast?: boolean;
}

// Go's path.Clean (filepath.Clean on Linux), where Ignition compares paths lexically.
export { cleanPath };

// Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS).
const MAX_SYMLINKS = 40;

/**
 * Resolves a path of the config (`/etc/foo`) to a path on the host under `root`, as if `root` were `/`: every
 * component is looked up with lstat, a symlink's target is followed with absolute targets taken from the root and
 * `..` never climbs above it. Ignition resolves parent symlinks the same way (its JoinPath), but only one level
 * and then lets the kernel follow the rest; we follow every level ourselves, so no chain of links in the root or
 * the config can lead a write outside it. Components that do not exist yet are kept as written.
 */
export async function resolveInRoot(root: string, path: string, options: ResolveOptions = {}): Promise<string> {
  const resolved = await resolveComponents(root, path, options.followLast === true);
  return resolved.length === 0 ? root : join(root, ...resolved);
}

/** The resolved components under the root, e.g. `['etc', 'foo']`. */
export async function resolveComponents(root: string, path: string, followLast: boolean): Promise<string[]> {
  const pending = split(path);
  const current: string[] = [];
  let links = 0;
  let missing = false;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      current.pop();
      continue;
    }
    const last = pending.length === 0;
    if (missing || (last && !followLast)) {
      current.push(name);
      continue;
    }
    const host = join(root, ...current, name);
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(host);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cause;
      // Nothing below a missing component can be a symlink yet: keep the rest as written.
      missing = true;
      current.push(name);
      continue;
    }
    if (!info.isSymbolicLink()) {
      current.push(name);
      continue;
    }
    if (++links > MAX_SYMLINKS) {
      throw new ProvisionError('SYMLINK_LOOP', `too many levels of symbolic links resolving ${path}`);
    }
    const target = await readlink(host);
    if (target.startsWith('/')) current.length = 0;
    pending.unshift(...split(target));
  }
  return current;
}

function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The number of components of a clean absolute path, as Ignition's util.Depth counts them (`/` is 0). */
export function depth(path: string): number {
  return split(cleanPath(path)).length;
}
