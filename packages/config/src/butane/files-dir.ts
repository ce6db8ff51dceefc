/**
 * Local files for `local`, `contents_local`, `ssh_authorized_keys_local` and `storage.trees`. The config package does
 * no I/O, so the caller passes the directory in; the CLI backs it with node:fs, tests and browsers with memory.
 */

/** What a path in the files directory is. */
export type FilesDirKind = 'file' | 'dir' | 'symlink' | 'other';

/** One node in the files directory, as `lstat` sees it (symlinks are not followed). */
export interface FilesDirEntry {
  readonly name: string;
  readonly kind: FilesDirKind;
  /** Any of the three execute bits is set (files only). */
  readonly executable?: boolean;
  /** The link target as stored in the symlink (symlinks only). */
  readonly target?: string;
}

/** The directory given with `-d/--files-dir`; every path is relative to it, slash-separated and already cleaned. */
export interface FilesDir {
  /** How the user named the directory (e.g. `files`), for messages that quote a path as Butane's do. */
  readonly path?: string;
  /**
   * The directory as an absolute, cleaned path, when known: a local path that climbs out and back in
   * (`../files/x` for `-d files`) is then inside, as Butane decides on absolute paths.
   */
  readonly absolutePath?: string;
  /** The contents of a regular file (following symlinks), or undefined when it does not exist or is no file. */
  read(relPath: string): Uint8Array | undefined;
  /** The node at a path, following symlinks as `stat` does; `'.'` is the directory itself. */
  stat(relPath: string): FilesDirEntry | undefined;
  /** The entries of a directory, in any order, without following symlinks. */
  list(relDir: string): readonly FilesDirEntry[] | undefined;
}

/** A file in an in-memory files directory: contents, or a directory marker, or a symlink. */
export type MemoryNode =
  | string
  | Uint8Array
  | { readonly contents: string | Uint8Array; readonly executable?: boolean }
  | { readonly symlink: string }
  | { readonly dir: true }
  | { readonly other: true };

/** An in-memory files directory: keys are slash-separated relative paths; parent directories are implied. */
export function memoryFilesDir(nodes: Readonly<Record<string, MemoryNode>>, options: { path?: string } = {}): FilesDir {
  const table = new Map<string, MemoryNode>();
  const dirs = new Set<string>(['.']);
  for (const [key, node] of Object.entries(nodes)) {
    const rel = cleanRelative(key);
    table.set(rel, node);
    if (typeof node === 'object' && 'dir' in node) dirs.add(rel);
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entryOf = (rel: string): FilesDirEntry | undefined => {
    const name = rel.split('/').at(-1) ?? rel;
    if (dirs.has(rel)) return { name, kind: 'dir' };
    const node = table.get(rel);
    if (node === undefined) return undefined;
    if (typeof node === 'string' || node instanceof Uint8Array) return { name, kind: 'file', executable: false };
    if ('symlink' in node) return { name, kind: 'symlink', target: node.symlink };
    if ('other' in node) return { name, kind: 'other' };
    if ('contents' in node) return { name, kind: 'file', executable: node.executable ?? false };
    return { name, kind: 'dir' };
  };
  // Follows symlinks relative to the link's directory, as the kernel does, with a bound against loops.
  const resolve = (rel: string, depth = 0): string | undefined => {
    const node = table.get(rel);
    if (depth > 40) return undefined;
    if (node !== undefined && typeof node === 'object' && 'symlink' in node) {
      const base = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
      const joined = node.symlink.startsWith('/') ? undefined : cleanRelative(`${base}/${node.symlink}`);
      return joined === undefined ? undefined : resolve(joined, depth + 1);
    }
    return rel;
  };
  return {
    ...(options.path === undefined ? {} : { path: options.path }),
    read(relPath) {
      const rel = resolve(cleanRelative(relPath));
      if (rel === undefined || dirs.has(rel)) return undefined;
      const node = table.get(rel);
      if (node === undefined) return undefined;
      if (typeof node === 'string') return new TextEncoder().encode(node);
      if (node instanceof Uint8Array) return node;
      if ('contents' in node) {
        return typeof node.contents === 'string' ? new TextEncoder().encode(node.contents) : node.contents;
      }
      return undefined;
    },
    stat(relPath) {
      const rel = resolve(cleanRelative(relPath));
      return rel === undefined ? undefined : entryOf(rel);
    },
    list(relDir) {
      const dir = cleanRelative(relDir);
      if (!dirs.has(dir)) return undefined;
      const prefix = dir === '.' ? '' : `${dir}/`;
      const names = new Set<string>();
      for (const key of [...table.keys(), ...dirs]) {
        if (key === dir || !key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        if (rest !== '' && rest !== '.') names.add(rest.split('/')[0]!);
      }
      return [...names].map((name) => entryOf(prefix + name)!);
    },
  };
}

/**
 * Cleans a slash path as Go's `path.Clean` does and makes it relative (`'.'` for the root); a result starting with
 * `..` escapes. Butane joins a local path onto the files directory (so a leading `/` does not make it absolute).
 */
export function cleanRelative(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
    } else {
      out.push(part);
    }
  }
  return out.length === 0 ? '.' : out.join('/');
}

/** True when a cleaned relative path leaves the files directory. */
export function escapesFilesDir(rel: string): boolean {
  return rel === '..' || rel.startsWith('../');
}

/** The path Butane would name in an I/O error: `filepath.Join(filesDir, local)`. */
export function displayPath(filesDir: FilesDir, rel: string): string {
  const base = filesDir.path ?? '.';
  return cleanJoin(base, rel);
}

/** Go's `path.Join` for two parts (cleaned, keeping an absolute base absolute). */
export function cleanJoin(base: string, rel: string): string {
  const joined = `${base}/${rel}`;
  const absolute = joined.startsWith('/');
  const cleaned = cleanRelative(joined);
  if (absolute) {
    // Go's Clean drops `..` above the root.
    const parts = cleaned === '.' ? [] : cleaned.split('/').filter((p) => p !== '..');
    return `/${parts.join('/')}`;
  }
  return cleaned;
}

/** The outcome of reading a local file the way Butane's `ReadLocalFile` does. */
export type LocalRead =
  | { readonly ok: true; readonly contents: Uint8Array }
  | {
      readonly ok: false;
      readonly code: 'NO_FILES_DIR' | 'FILES_DIR_ESCAPE' | 'LOCAL_FILE_READ';
      readonly message?: string;
    };

/** Reads `local` relative to the files directory, refusing escapes, with Go's wording for I/O errors. */
export function readLocalFile(local: string, filesDir: FilesDir | undefined): LocalRead {
  if (filesDir === undefined) return { ok: false, code: 'NO_FILES_DIR' };
  const rel = resolveLocal(local, filesDir);
  if (rel === undefined) return { ok: false, code: 'FILES_DIR_ESCAPE' };
  const contents = filesDir.read(rel);
  if (contents !== undefined) return { ok: true, contents };
  const shown = displayPath(filesDir, rel);
  const node = filesDir.stat(rel);
  if (node?.kind === 'dir') return { ok: false, code: 'LOCAL_FILE_READ', message: `read ${shown}: is a directory` };
  return { ok: false, code: 'LOCAL_FILE_READ', message: `open ${shown}: no such file or directory` };
}

/** The cleaned path of `local` inside the files directory, or undefined when it escapes (Butane's rule). */
export function resolveLocal(local: string, filesDir: FilesDir): string | undefined {
  const rel = cleanRelative(local);
  if (!escapesFilesDir(rel)) return rel;
  const base = filesDir.absolutePath;
  if (base === undefined) return undefined;
  const root = cleanJoin('/', base);
  const joined = cleanJoin(root, local);
  if (joined === root) return '.';
  const prefix = root === '/' ? '/' : `${root}/`;
  return joined.startsWith(prefix) ? joined.slice(prefix.length) : undefined;
}
