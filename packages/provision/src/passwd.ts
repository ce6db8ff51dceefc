import type { Stats } from 'node:fs';
import { chown, lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config3_4 } from '@ballast/config';
import { ToolError } from '@ballast/disk';
import type { ApplyContext } from './context.js';
import { lookupGroup, lookupUser, type PasswdEntry } from './passwd-db.js';
import { ProvisionError } from './provision-error.js';
import { resolveInRoot } from './root-path.js';
import { mkdirs, writeFileAtomic } from './write-file.js';

type User = Config3_4['passwd']['users'][number];
type Group = Config3_4['passwd']['groups'][number];

/**
 * Creates, modifies and deletes groups, then users, with the shadow tools run on the root (`--root`), with the
 * arguments Ignition gives them; then sets password hashes and writes each user's SSH keys to
 * `~/.ssh/authorized_keys.d/ignition`.
 */
export async function ensurePasswd(config: Config3_4, context: ApplyContext): Promise<void> {
  for (const [index, group] of config.passwd.groups.entries()) {
    await placed(`passwd.groups.${index} ${group.name}`, () => ensureGroup(group, context));
  }
  for (const [index, user] of config.passwd.users.entries()) {
    await placed(`passwd.users.${index} ${user.name}`, async () => {
      await ensureUser(user, context);
      if (user.shouldExist === false) return;
      await setPasswordHash(user, context);
      await authorizeSshKeys(user, context);
    });
  }
}

async function placed(where: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (error instanceof ProvisionError) throw error.at(where);
    if (error instanceof ToolError) throw new ProvisionError('TOOL_FAILED', error.message, where);
    throw error;
  }
}

function withString(args: string[], flag: string, value: string | undefined): void {
  if (value !== undefined && value !== '') args.push(flag, value);
}

/** useradd or usermod (or userdel for `shouldExist: false`) with Ignition's EnsureUser arguments. */
export function userCommand(user: User, root: string, exists: boolean): { tool: string; args: string[] } | undefined {
  if (user.shouldExist === false) {
    return exists ? { tool: 'userdel', args: ['--remove', '--root', root, user.name] } : undefined;
  }
  const args = ['--root', root];
  let tool: string;
  if (exists) {
    tool = 'usermod';
    if (user.homeDir !== undefined && user.homeDir !== '') args.push('--home', user.homeDir, '--move-home');
  } else {
    tool = 'useradd';
    withString(args, '--home-dir', user.homeDir);
    args.push(user.noCreateHome === true ? '--no-create-home' : '--create-home');
    if (user.noUserGroup === true) args.push('--no-user-group');
    if (user.system === true) args.push('--system');
    if (user.noLogInit === true) args.push('--no-log-init');
  }
  if (user.passwordHash !== undefined) args.push('--password', user.passwordHash === '' ? '*' : user.passwordHash);
  else if (!exists) args.push('--password', '*');
  if (user.uid !== undefined) args.push('--uid', String(user.uid));
  withString(args, '--comment', user.gecos);
  withString(args, '--gid', user.primaryGroup);
  if (user.groups.length > 0) args.push('--groups', user.groups.join(','));
  withString(args, '--shell', user.shell);
  args.push(user.name);
  return { tool, args };
}

/** groupadd (or groupdel for `shouldExist: false`) with Ignition's EnsureGroup arguments. */
export function groupCommand(
  group: Group,
  root: string,
  exists: boolean,
): { tool: string; args: string[] } | undefined {
  if (group.shouldExist === false) {
    return exists ? { tool: 'groupdel', args: ['--root', root, group.name] } : undefined;
  }
  const args = ['--root', root];
  if (group.gid !== undefined) args.push('--gid', String(group.gid));
  args.push('--password', group.passwordHash !== undefined && group.passwordHash !== '' ? group.passwordHash : '*');
  if (group.system === true) args.push('--system');
  args.push(group.name);
  return { tool: 'groupadd', args };
}

async function ensureGroup(group: Group, context: ApplyContext): Promise<void> {
  const exists = (await lookupGroup(context.root, group.name)) !== undefined;
  const command = groupCommand(group, context.root, exists);
  if (command === undefined) return;
  context.log(`${command.tool === 'groupdel' ? 'deleting' : 'adding'} group "${group.name}"`);
  await context.runner(command.tool, command.args);
}

async function ensureUser(user: User, context: ApplyContext): Promise<void> {
  const exists = (await lookupUser(context.root, user.name)) !== undefined;
  const command = userCommand(user, context.root, exists);
  if (command === undefined) return;
  context.log(
    command.tool === 'userdel' ? `deleting user "${user.name}"` : `creating or modifying user "${user.name}"`,
  );
  await context.runner(command.tool, command.args);
}

async function setPasswordHash(user: User, context: ApplyContext): Promise<void> {
  if (user.passwordHash === undefined) return;
  const hash = user.passwordHash === '' ? '*' : user.passwordHash;
  context.log(`setting password for "${user.name}"`);
  await context.runner('usermod', ['--root', context.root, '--password', hash, user.name]);
}

/** The keys file as Ignition writes it: the keys one per line, ending with a newline. */
export function authorizedKeysText(keys: readonly string[]): string {
  const text = keys.join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

async function authorizeSshKeys(user: User, context: ApplyContext): Promise<void> {
  if (user.sshAuthorizedKeys.length === 0) return;
  context.log(`adding ssh keys to user "${user.name}"`);
  const entry = await lookupUser(context.root, user.name);
  if (entry === undefined) throw new ProvisionError('NO_SUCH_USER', `unable to lookup user "${user.name}"`);
  const path = await resolveInRoot(context.root, `${entry.home}/.ssh/authorized_keys.d/ignition`);
  // Ignition creates these directories and the file as the user (as_user): they belong to the user, are private,
  // and the user must be allowed to create them where they go.
  await checkUserMayCreate(path, entry);
  const created = await mkdirs(path.slice(0, path.lastIndexOf('/')), 0o700);
  for (const dir of created) await chown(dir, entry.uid, entry.gid);
  const data = new TextEncoder().encode(authorizedKeysText(user.sshAuthorizedKeys));
  await writeFileAtomic(path, data, { mode: 0o600, uid: entry.uid, gid: entry.gid });
}

/** The kernel's check for creating an entry in a directory, for a user without supplementary groups. */
function mayWrite(info: Stats, user: PasswdEntry): boolean {
  if (user.uid === 0) return true;
  if (info.uid === user.uid) return (info.mode & 0o300) === 0o300;
  if (info.gid === user.gid) return (info.mode & 0o030) === 0o030;
  return (info.mode & 0o003) === 0o003;
}

async function checkUserMayCreate(path: string, user: PasswdEntry): Promise<void> {
  // Find the deepest existing directory: that is where the user's first creation happens.
  let dir = dirname(path);
  let info: Stats | undefined;
  for (;;) {
    try {
      info = await lstat(dir);
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw cause;
      dir = dirname(dir);
    }
  }
  const existingFile = dir === dirname(path) ? await lstat(path).catch(() => undefined) : undefined;
  const allowed = existingFile !== undefined ? existingFile.uid === user.uid || user.uid === 0 : mayWrite(info, user);
  if (!allowed) {
    throw new ProvisionError('IO_ERROR', `cannot write ${path} as user ${user.name}: permission denied`);
  }
}
