import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';
import { Directory, Link3_0, Raid3_0, Systemd } from './ignition3-0.js';
import { File3_1, Filesystem3_1, IgnitionSection3_1, Resource } from './ignition3-1.js';

// Ignition spec 3.2.0 (config/v3_2/types/schema.go): LUKS volumes with Clevis, partition resize, shouldExist for
// users and groups.

const required = { omitempty: false } as const;

export const Custom3_2 = struct('Custom', [
  field('config', str, required),
  field('needsNetwork', ptr(bool)),
  field('pin', str, required),
]);

export const Tang3_2 = struct('Tang', [field('thumbprint', ptr(str)), field('url', str)]);

export const Clevis3_2 = struct('Clevis', [
  field('custom', ptr(Custom3_2)),
  field('tang', slice(Tang3_2)),
  field('threshold', ptr(int)),
  field('tpm2', ptr(bool)),
]);

export const Luks3_2 = struct('Luks', [
  field('clevis', ptr(Clevis3_2)),
  field('device', ptr(str)),
  field('keyFile', Resource),
  field('label', ptr(str)),
  field('name', str, required),
  field('options', slice(str)),
  field('uuid', ptr(str)),
  field('wipeVolume', ptr(bool)),
]);

export const Partition = struct('Partition', [
  field('guid', ptr(str)),
  field('label', ptr(str)),
  field('number', int),
  field('resize', ptr(bool)),
  field('shouldExist', ptr(bool)),
  field('sizeMiB', ptr(int)),
  field('startMiB', ptr(int)),
  field('typeGuid', ptr(str)),
  field('wipePartitionEntry', ptr(bool)),
]);

export const Disk = struct('Disk', [
  field('device', str, required),
  field('partitions', slice(Partition)),
  field('wipeTable', ptr(bool)),
]);

export const PasswdGroup = struct('PasswdGroup', [
  field('gid', ptr(int)),
  field('name', str, required),
  field('passwordHash', ptr(str)),
  field('shouldExist', ptr(bool)),
  field('system', ptr(bool)),
]);

export const PasswdUser = struct('PasswdUser', [
  field('gecos', ptr(str)),
  field('groups', slice(str)),
  field('homeDir', ptr(str)),
  field('name', str, required),
  field('noCreateHome', ptr(bool)),
  field('noLogInit', ptr(bool)),
  field('noUserGroup', ptr(bool)),
  field('passwordHash', ptr(str)),
  field('primaryGroup', ptr(str)),
  field('sshAuthorizedKeys', slice(str)),
  field('shell', ptr(str)),
  field('shouldExist', ptr(bool)),
  field('system', ptr(bool)),
  field('uid', ptr(int)),
]);

export const Passwd = struct('Passwd', [field('groups', slice(PasswdGroup)), field('users', slice(PasswdUser))]);

export const Storage3_2 = struct('Storage', [
  field('directories', slice(Directory)),
  field('disks', slice(Disk)),
  field('files', slice(File3_1)),
  field('filesystems', slice(Filesystem3_1)),
  field('links', slice(Link3_0)),
  field('luks', slice(Luks3_2)),
  field('raid', slice(Raid3_0)),
]);

/** The root of an Ignition 3.2.0 config. */
export const Ignition3_2 = struct('Config', [
  field('ignition', IgnitionSection3_1, required),
  field('passwd', Passwd),
  field('storage', Storage3_2),
  field('systemd', Systemd),
]);

/** A decoded Ignition 3.2.0 config. */
export type Config3_2 = GoValue<typeof Ignition3_2>;
