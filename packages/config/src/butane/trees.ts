import type { ConfigPath, Report } from '../report.js';
import { zeroOf } from '../schema/go-value.js';
import type { GoStruct, GoType } from '../schema/model.js';
import { butaneMessages } from './errors.js';
import { cleanJoin, displayPath, type FilesDir, type FilesDirEntry, resolveLocal } from './files-dir.js';
import { allPaths } from './ignition-shape.js';
import type { DataUrlMaker } from './translate.js';
import type { TranslationSet } from './translation-set.js';

interface TreeContext {
  readonly shape: GoStruct;
  readonly filesDir?: FilesDir | undefined;
  readonly makeDataUrl: DataUrlMaker;
  readonly ts: TranslationSet;
  readonly reports: Report[];
}

type Node = Record<string, unknown> & { path: string };

/**
 * Embeds `storage.trees` as Butane does: walk each local tree in lexical order, add a file (mode 0755 when any
 * execute bit is set, else 0644) or a link for every node, and fill in `files`/`links` entries the user declared
 * for the same path without contents or target. Anything else at the path is a conflict.
 */
export function processTrees(storage: Record<string, unknown>, out: Record<string, unknown>, ctx: TreeContext): void {
  const trees = (storage.trees ?? []) as { local: string; path: string | undefined }[];
  if (trees.length === 0) return;
  const outStorage = out.storage as Record<string, Node[]>;
  const files = outStorage.files!;
  const dirs = outStorage.directories!;
  const links = outStorage.links!;
  const index = (list: Node[]) => new Map(list.map((n, i) => [n.path, i] as const));
  const fileMap = index(files);
  const dirMap = index(dirs);
  const linkMap = index(links);
  const exists = (p: string) => fileMap.has(p) || dirMap.has(p) || linkMap.has(p);
  const storageType = ctx.shape.fields.find((f) => f.key === 'storage')!.type as GoStruct;
  const elemOf = (key: string): GoType => {
    const t = storageType.fields.find((f) => f.key === key)!.type;
    return t.kind === 'slice' ? t.elem : t;
  };

  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t]!;
    const yamlPath: ConfigPath = ['storage', 'trees', t];
    const error = (code: string, message: string) =>
      ctx.reports.push({ severity: 'error', code, message, path: yamlPath });
    const filesDir = ctx.filesDir;
    if (filesDir === undefined) {
      error('NO_FILES_DIR', butaneMessages.NO_FILES_DIR);
      return;
    }
    const base = resolveLocal(tree.local, filesDir);
    if (base === undefined) {
      error('FILES_DIR_ESCAPE', butaneMessages.FILES_DIR_ESCAPE);
      continue;
    }
    const root = filesDir.stat(base);
    if (root === undefined) {
      error('LOCAL_FILE_READ', `stat ${displayPath(filesDir, base)}: no such file or directory`);
      continue;
    }
    if (root.kind !== 'dir') {
      error('TREE_NOT_DIRECTORY', butaneMessages.TREE_NOT_DIRECTORY);
      continue;
    }
    const destBase = tree.path !== undefined && tree.path !== '' ? tree.path : '/';

    const visit = (rel: string, entry: FilesDirEntry) => {
      const destPath = cleanJoin(destBase, rel);
      const srcRel = rel === '.' ? base : base === '.' ? rel : `${base}/${rel}`;
      if (entry.kind === 'file') {
        let i = fileMap.get(destPath);
        let file: Node;
        if (i !== undefined) {
          file = files[i]!;
          const source = (file.contents as Record<string, unknown>).source;
          if (typeof source === 'string' && source !== '') return error('NODE_EXISTS', butaneMessages.NODE_EXISTS);
        } else {
          if (exists(destPath)) return error('NODE_EXISTS', butaneMessages.NODE_EXISTS);
          const fileType = elemOf('files');
          file = { ...(zeroOf(fileType) as Node), path: destPath };
          i = files.length;
          files.push(file);
          fileMap.set(destPath, i);
          ctx.ts.addFromCommonSource(yamlPath, ['storage', 'files', i], allPaths(fileType, file));
          if (i === 0) ctx.ts.add(yamlPath, ['storage', 'files']);
        }
        const contents = filesDir.read(srcRel);
        if (contents === undefined) {
          return error('LOCAL_FILE_READ', `open ${displayPath(filesDir, srcRel)}: no such file or directory`);
        }
        const resource = file.contents as Record<string, unknown>;
        const made = ctx.makeDataUrl(contents, {
          compression: resource.compression as string | undefined,
          allowCompression: true,
        });
        resource.source = made.url;
        ctx.ts.add(yamlPath, ['storage', 'files', i, 'contents', 'source']);
        if (made.compression !== undefined) {
          resource.compression = made.compression;
          ctx.ts.add(yamlPath, ['storage', 'files', i, 'contents', 'compression']);
        }
        ctx.ts.add(yamlPath, ['storage', 'files', i, 'contents']);
        if (file.mode === undefined) {
          file.mode = entry.executable === true ? 0o755 : 0o644;
          ctx.ts.add(yamlPath, ['storage', 'files', i, 'mode']);
        }
      } else if (entry.kind === 'symlink') {
        let i = linkMap.get(destPath);
        let link: Node;
        if (i !== undefined) {
          link = links[i]!;
          if (typeof link.target === 'string' && link.target !== '') {
            return error('NODE_EXISTS', butaneMessages.NODE_EXISTS);
          }
        } else {
          if (exists(destPath)) return error('NODE_EXISTS', butaneMessages.NODE_EXISTS);
          const linkType = elemOf('links');
          link = { ...(zeroOf(linkType) as Node), path: destPath };
          i = links.length;
          links.push(link);
          linkMap.set(destPath, i);
          ctx.ts.addFromCommonSource(yamlPath, ['storage', 'links', i], allPaths(linkType, link));
          if (i === 0) ctx.ts.add(yamlPath, ['storage', 'links']);
        }
        link.target = entry.target ?? '';
        ctx.ts.add(yamlPath, ['storage', 'links', i, 'target']);
      } else if (entry.kind !== 'dir') {
        error('TREE_FILE_TYPE', butaneMessages.TREE_FILE_TYPE);
      }
    };
    // filepath.Walk lstat's its root: a root that is a symlink (to a directory, or os.Stat would have refused it)
    // becomes one link at the tree's path instead of being walked.
    const rootEntry = lstatOf(filesDir, base);
    if (rootEntry?.kind === 'symlink') visit('.', rootEntry);
    else walk(filesDir, base, '', visit);
  }
}

/** The node at a path without following a final symlink, as `os.Lstat` sees it. */
function lstatOf(filesDir: FilesDir, rel: string): FilesDirEntry | undefined {
  if (rel === '.') return filesDir.stat('.');
  const slash = rel.lastIndexOf('/');
  const parent = slash < 0 ? '.' : rel.slice(0, slash);
  const name = rel.slice(slash + 1);
  return filesDir.list(parent)?.find((e) => e.name === name);
}

/** Go's `filepath.Walk` below the root: entries sorted by name (byte order), directories before their contents. */
function walk(filesDir: FilesDir, base: string, rel: string, visit: (rel: string, entry: FilesDirEntry) => void): void {
  const dir = rel === '' ? base : base === '.' ? rel : `${base}/${rel}`;
  const entries = [...(filesDir.list(dir) ?? [])].sort((a, b) => compareBytes(a.name, b.name));
  for (const entry of entries) {
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    visit(childRel, entry);
    if (entry.kind === 'dir') walk(filesDir, base, childRel, visit);
  }
}

/** Orders strings as Go compares them: by UTF-8 bytes, which is code point order. */
function compareBytes(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  }
  return ca.length - cb.length;
}
