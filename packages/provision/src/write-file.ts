import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ioError } from './provision-error.js';

/** Ignition's DefaultDirectoryPermissions, for the parent directories it creates. */
export const DEFAULT_DIRECTORY_MODE = 0o755;
/** Ignition's DefaultFilePermissions, for files written without a mode. */
export const DEFAULT_FILE_MODE = 0o644;

/** Owner and mode given to a written file. */
export interface FileAttributes {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Creates the missing directories of a resolved host path (`mkdir -p`), as Ignition's MkdirAll does with mode 0755,
 * and returns the ones it created, outermost first. The path must come from resolveInRoot, so no component is a
 * symlink that could lead outside the root.
 */
export async function mkdirs(path: string, mode = DEFAULT_DIRECTORY_MODE): Promise<string[]> {
  const created: string[] = [];
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const info = await lstat(dir);
      if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('create directory', dir, cause);
      missing.unshift(dir);
    }
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir, { mode });
      created.push(dir);
    } catch (cause) {
      throw ioError('create directory', dir, cause);
    }
  }
  return created;
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory, which gets its owner and mode
 * and is then renamed over the path. A failure at any point removes the temporary file and leaves the path as it
 * was, so a reader never sees half a file.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, attributes: FileAttributes): Promise<void> {
  const dir = dirname(path);
  await mkdirs(dir);
  const temporary = join(dir, `.ballast-tmp-${randomBytes(6).toString('hex')}`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temporary, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await chown(temporary, attributes.uid, attributes.gid);
    await chmod(temporary, attributes.mode);
    await rename(temporary, path);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw ioError('write', path, cause);
  }
}
