import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FilesDir, FilesDirEntry, FilesDirKind } from '@ballast/config';

function kindOf(s: Stats | Dirent): FilesDirKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  return 'other';
}

function entryOf(name: string, path: string, s: Stats): FilesDirEntry {
  const kind = kindOf(s);
  if (kind === 'file') return { name, kind, executable: (s.mode & 0o111) !== 0 };
  if (kind === 'symlink') return { name, kind, target: readlinkSync(path) };
  return { name, kind };
}

/** The `-d/--files-dir` directory on the local file system, for `local`, `contents_local` and `trees`. */
export function fsFilesDir(dir: string): FilesDir {
  const absolutePath = resolve(dir);
  const at = (rel: string) => join(absolutePath, rel);
  return {
    path: dir,
    absolutePath,
    read(rel) {
      try {
        const path = at(rel);
        return statSync(path).isFile() ? new Uint8Array(readFileSync(path)) : undefined;
      } catch {
        return undefined;
      }
    },
    stat(rel) {
      try {
        const path = at(rel);
        return entryOf(rel.split('/').at(-1) ?? rel, path, statSync(path));
      } catch {
        return undefined;
      }
    },
    list(rel) {
      try {
        const dirPath = at(rel);
        return readdirSync(dirPath).map((name) => {
          const path = join(dirPath, name);
          return entryOf(name, path, lstatSync(path));
        });
      } catch {
        return undefined;
      }
    },
  };
}
