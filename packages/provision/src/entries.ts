import { chmod, lchown, link, lstat, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config3_4 } from '@ballast/config';
import type { FileContents } from './apply.js';
import type { ApplyContext } from './context.js';
import { lookupGroup, lookupUser } from './passwd-db.js';
import { ioError, ProvisionError } from './provision-error.js';
import { cleanPath, depth, resolveInRoot } from './root-path.js';
import { DEFAULT_FILE_MODE, mkdirs, writeFileAtomic } from './write-file.js';

type File = Config3_4['storage']['files'][number];
type Directory = Config3_4['storage']['directories'][number];
type Link = Config3_4['storage']['links'][number];
type Node = Pick<File, 'group' | 'overwrite' | 'path' | 'user'>;

type Entry =
  | {
      readonly kind: 'file';
      readonly where: string;
      readonly host: string;
      readonly node: File;
      readonly data: FileContents;
    }
  | { readonly kind: 'directory'; readonly where: string; readonly host: string; readonly node: Directory }
  | { readonly kind: 'link'; readonly where: string; readonly host: string; readonly node: Link };

/**
 * Creates `storage.directories`, `files` and `links` as Ignition's files stage does: every path resolved inside
 * the root, two entries resolving to the same place refused, entries ordered by depth (directories, then files,
 * then symlinks at equal depth, as in the config) with hard links last; `overwrite` removes what is there first.
 */
export async function createEntries(
  config: Config3_4,
  contents: readonly FileContents[],
  context: ApplyContext,
): Promise<void> {
  const entries = await orderedEntries(config, contents, context.root);
  for (const entry of entries) {
    try {
      // Owners named in the entry must exist before anything is removed or written for it.
      await resolveOwner(entry.node, context.root, { uid: 0, gid: 0 });
      if (entry.node.overwrite === true) await removeAll(entry.host);
      if (entry.kind === 'file') await createFile(entry, context);
      else if (entry.kind === 'directory') await createDirectory(entry, context);
      else await createLink(entry, context);
    } catch (error) {
      throw error instanceof ProvisionError ? error.at(entry.where) : error;
    }
  }
}

async function orderedEntries(config: Config3_4, contents: readonly FileContents[], root: string): Promise<Entry[]> {
  const seen = new Map<string, string>();
  const entries: Entry[] = [];
  const hardLinks: Entry[] = [];
  const claim = async (kind: string, where: string, path: string): Promise<string> => {
    let host: string;
    try {
      host = await resolveInRoot(root, path);
    } catch (error) {
      throw error instanceof ProvisionError ? error.at(where) : error;
    }
    const other = seen.get(host);
    if (other !== undefined) {
      throw new ProvisionError(
        'ENTRY_CONFLICT',
        `${kind} at ${path} resolved to ${host.slice(root.length) || '/'} after symlink chasing, but another entry with path ${other} also resolves there`,
        where,
      );
    }
    seen.set(host, path);
    return host;
  };
  for (const [index, node] of config.storage.directories.entries()) {
    const where = `storage.directories.${index} ${node.path}`;
    entries.push({ kind: 'directory', where, host: await claim('Directory', where, node.path), node });
  }
  for (const [index, node] of config.storage.files.entries()) {
    const where = `storage.files.${index} ${node.path}`;
    const data = contents[index] ?? { append: [] };
    entries.push({ kind: 'file', where, host: await claim('File', where, node.path), node, data });
  }
  for (const [index, node] of config.storage.links.entries()) {
    const where = `storage.links.${index} ${node.path}`;
    const entry: Entry = { kind: 'link', where, host: await claim('Link', where, node.path), node };
    (node.hard === true ? hardLinks : entries).push(entry);
  }
  // Stable, so entries of equal depth keep the config's order; hard links come last so they may point at files
  // deeper than themselves.
  const sorted = entries
    .map((entry, order) => ({ entry, order, depth: depth(entry.host.slice(root.length) || '/') }))
    .sort((a, b) => a.depth - b.depth || a.order - b.order)
    .map((x) => x.entry);
  return [...sorted, ...hardLinks];
}

async function removeAll(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (cause) {
    throw ioError('remove', path, cause);
  }
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw ioError('stat', path, cause);
  }
}

/** The uid and gid a node asks for: ids win over names, names are looked up in the root; else the defaults. */
export async function resolveOwner(
  node: Node,
  root: string,
  defaults: { uid: number; gid: number },
): Promise<{ uid: number; gid: number }> {
  let { uid, gid } = defaults;
  if (node.user.id !== undefined) uid = node.user.id;
  else if (node.user.name !== undefined && node.user.name !== '') {
    const user = await lookupUser(root, node.user.name);
    if (user === undefined) throw new ProvisionError('NO_SUCH_USER', `No such user "${node.user.name}"`);
    uid = user.uid;
  }
  if (node.group.id !== undefined) gid = node.group.id;
  else if (node.group.name !== undefined && node.group.name !== '') {
    const group = await lookupGroup(root, node.group.name);
    if (group === undefined) throw new ProvisionError('NO_SUCH_GROUP', `No such group "${node.group.name}"`);
    gid = group.gid;
  }
  return { uid, gid };
}

/** Ignition's SetPermissions: the mode when one is given, the owner from the node or else the current one. */
async function setPermissions(path: string, mode: number | undefined, node: Node, root: string): Promise<void> {
  if (mode !== undefined) {
    try {
      await chmod(path, mode);
    } catch (cause) {
      throw ioError('change the mode of', path, cause);
    }
  }
  const current = await lstat(path);
  const owner = await resolveOwner(node, root, { uid: current.uid, gid: current.gid });
  if (owner.uid === current.uid && owner.gid === current.gid) return;
  try {
    await lchown(path, owner.uid, owner.gid);
    // chown clears the set-id bits; give the requested mode back.
    if (mode !== undefined && !current.isSymbolicLink()) await chmod(path, mode);
  } catch (cause) {
    throw ioError('change the owner of', path, cause);
  }
}

async function createFile(entry: Extract<Entry, { kind: 'file' }>, context: ApplyContext): Promise<void> {
  const { host, node } = entry;
  const existing = await lstatOrUndefined(host);
  let contents = entry.data.contents;
  if (existing === undefined && contents === undefined) contents = new Uint8Array();
  else if (existing !== undefined && !existing.isFile()) {
    throw new ProvisionError('NODE_EXISTS', 'A non regular file exists there already and overwrite is false');
  } else if (existing !== undefined && contents !== undefined) {
    throw new ProvisionError('NODE_EXISTS', 'A file exists there already and overwrite is false');
  }
  let owner = { uid: existing?.uid ?? 0, gid: existing?.gid ?? 0 };
  let mode = existing === undefined ? DEFAULT_FILE_MODE : existing.mode & 0o7777;
  let base: Uint8Array;
  if (contents !== undefined) {
    owner = await resolveOwner(node, context.root, { uid: 0, gid: 0 });
    mode = DEFAULT_FILE_MODE;
    base = contents;
  } else {
    base = entry.data.append.length > 0 ? new Uint8Array(await readFile(host)) : new Uint8Array();
  }
  if (contents !== undefined || entry.data.append.length > 0) {
    // Appends are joined to the contents in memory and written once, so the file is never seen half-appended.
    const data = concat([base, ...entry.data.append]);
    context.log(`${contents === undefined ? 'appending to' : 'writing'} file "${node.path}"`);
    await writeFileAtomic(host, data, { mode, uid: owner.uid, gid: owner.gid });
  }
  await setPermissions(host, node.mode, node, context.root);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function createDirectory(entry: Extract<Entry, { kind: 'directory' }>, context: ApplyContext): Promise<void> {
  const { host, node } = entry;
  const existing = await lstatOrUndefined(host);
  if (existing === undefined) {
    context.log(`creating directory "${node.path}"`);
    await mkdirs(host);
  } else if (!existing.isDirectory()) {
    throw new ProvisionError('NODE_EXISTS', 'A non-directory already exists and overwrite is false');
  }
  await setPermissions(host, node.mode, node, context.root);
}

async function createLink(entry: Extract<Entry, { kind: 'link' }>, context: ApplyContext): Promise<void> {
  const { host, node } = entry;
  const target = node.target ?? '';
  const hard = node.hard === true;
  const existing = await lstatOrUndefined(host);
  if (existing !== undefined) {
    if (hard) {
      const targetHost = await resolveInRoot(context.root, target);
      const targetInfo = await lstatOrUndefined(targetHost);
      if (targetInfo === undefined) {
        throw new ProvisionError('NODE_EXISTS', `target ${target} of the hard link does not exist`);
      }
      if (targetInfo.ino !== existing.ino || targetInfo.dev !== existing.dev) {
        throw new ProvisionError(
          'NODE_EXISTS',
          'a file already exists at that path but is not the target and overwrite is false',
        );
      }
      context.log(`hard link ${node.path} to ${target} already exists, doing nothing`);
      return;
    }
    if (existing.isSymbolicLink()) {
      const current = await readlink(host);
      if (cleanPath(current) === cleanPath(target)) {
        context.log(`symlink ${node.path} to ${target} already exists, doing nothing`);
        return;
      }
      throw new ProvisionError(
        'NODE_EXISTS',
        `a symlink exists at that path but points to ${current}, not ${target} and overwrite is false`,
      );
    }
    throw new ProvisionError('NODE_EXISTS', 'a non-symlink already exists at that path and overwrite is false');
  }
  context.log(`writing link "${node.path}" -> "${target}"`);
  await mkdirs(dirname(host));
  if (hard) {
    const targetHost = await resolveInRoot(context.root, target);
    try {
      if ((await lstatOrUndefined(targetHost))?.isDirectory()) {
        throw new ProvisionError('NODE_EXISTS', `hard link target ${target} is a directory`);
      }
      await link(targetHost, host);
    } catch (cause) {
      if (cause instanceof ProvisionError) throw cause;
      throw ioError('create the hard link', node.path, cause);
    }
    return;
  }
  try {
    await symlink(target, host);
  } catch (cause) {
    throw ioError('create the symlink', node.path, cause);
  }
  const owner = await resolveOwner(node, context.root, { uid: 0, gid: 0 });
  if (owner.uid !== 0 || owner.gid !== 0) await lchown(host, owner.uid, owner.gid);
}
