import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';

// Ignition spec 3.0.0 (coreos/ignition config/v3_0/types/schema.go). Fields are in the order Go's encoder emits them,
// embedded structs (Node, FileEmbedded1, ...) inlined where they sit. Later specs reuse the structs that did not change.

const required = { omitempty: false } as const;

export const Verification = struct('Verification', [field('hash', ptr(str))]);

export const CaReference3_0 = struct('CaReference', [
  field('source', str, required),
  field('verification', Verification),
]);

export const ConfigReference3_0 = struct('ConfigReference', [
  // A pointer without omitempty: a nil source encodes as `null`.
  field('source', ptr(str), required),
  field('verification', Verification),
]);

export const FileContents3_0 = struct('FileContents', [
  field('compression', ptr(str)),
  field('source', ptr(str)),
  field('verification', Verification),
]);

export const NodeGroup = struct('NodeGroup', [field('id', ptr(int)), field('name', ptr(str))]);
export const NodeUser = struct('NodeUser', [field('id', ptr(int)), field('name', ptr(str))]);

/** The fields of Go's embedded `Node`, shared by files, directories and links. */
export const nodeFields = [
  field('group', NodeGroup),
  field('overwrite', ptr(bool)),
  field('path', str, required),
  field('user', NodeUser),
] as const;

export const Directory = struct('Directory', [...nodeFields, field('mode', ptr(int))]);

export const Partition3_0 = struct('Partition', [
  field('guid', ptr(str)),
  field('label', ptr(str)),
  field('number', int),
  field('shouldExist', ptr(bool)),
  field('sizeMiB', ptr(int)),
  field('startMiB', ptr(int)),
  field('typeGuid', ptr(str)),
  field('wipePartitionEntry', ptr(bool)),
]);

export const Disk3_0 = struct('Disk', [
  field('device', str, required),
  field('partitions', slice(Partition3_0)),
  field('wipeTable', ptr(bool)),
]);

export const Dropin = struct('Dropin', [field('contents', ptr(str)), field('name', str, required)]);

export const File3_0 = struct('File', [
  ...nodeFields,
  field('append', slice(FileContents3_0)),
  field('contents', FileContents3_0),
  field('mode', ptr(int)),
]);

export const Filesystem3_0 = struct('Filesystem', [
  field('device', str, required),
  field('format', ptr(str)),
  field('label', ptr(str)),
  field('options', slice(str)),
  field('path', ptr(str)),
  field('uuid', ptr(str)),
  field('wipeFilesystem', ptr(bool)),
]);

export const IgnitionConfig3_0 = struct('IgnitionConfig', [
  field('merge', slice(ConfigReference3_0)),
  field('replace', ConfigReference3_0),
]);

export const TLS3_0 = struct('TLS', [field('certificateAuthorities', slice(CaReference3_0))]);
export const Security3_0 = struct('Security', [field('tls', TLS3_0)]);
export const Timeouts = struct('Timeouts', [field('httpResponseHeaders', ptr(int)), field('httpTotal', ptr(int))]);

export const IgnitionSection3_0 = struct('Ignition', [
  field('config', IgnitionConfig3_0),
  field('security', Security3_0),
  field('timeouts', Timeouts),
  field('version', str),
]);

export const Link3_0 = struct('Link', [...nodeFields, field('hard', ptr(bool)), field('target', str, required)]);

export const PasswdGroup3_0 = struct('PasswdGroup', [
  field('gid', ptr(int)),
  field('name', str, required),
  field('passwordHash', ptr(str)),
  field('system', ptr(bool)),
]);

export const PasswdUser3_0 = struct('PasswdUser', [
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
  field('system', ptr(bool)),
  field('uid', ptr(int)),
]);

export const Passwd3_0 = struct('Passwd', [
  field('groups', slice(PasswdGroup3_0)),
  field('users', slice(PasswdUser3_0)),
]);

export const Raid3_0 = struct('Raid', [
  field('devices', slice(str), required),
  field('level', str, required),
  field('name', str, required),
  field('options', slice(str)),
  field('spares', ptr(int)),
]);

export const Storage3_0 = struct('Storage', [
  field('directories', slice(Directory)),
  field('disks', slice(Disk3_0)),
  field('files', slice(File3_0)),
  field('filesystems', slice(Filesystem3_0)),
  field('links', slice(Link3_0)),
  field('raid', slice(Raid3_0)),
]);

export const Unit = struct('Unit', [
  field('contents', ptr(str)),
  field('dropins', slice(Dropin)),
  field('enabled', ptr(bool)),
  field('mask', ptr(bool)),
  field('name', str, required),
]);

export const Systemd = struct('Systemd', [field('units', slice(Unit))]);

/** The root of an Ignition 3.0.0 config. */
export const Ignition3_0 = struct('Config', [
  field('ignition', IgnitionSection3_0, required),
  field('passwd', Passwd3_0),
  field('storage', Storage3_0),
  field('systemd', Systemd),
]);

/** A decoded Ignition 3.0.0 config. */
export type Config3_0 = GoValue<typeof Ignition3_0>;
