/**
 * The Butane spec as data: `base/v0_4` (flatcar 1.0.0) and `base/v0_5` (flatcar 1.1.0), with Butane's snake_case
 * YAML keys. Fields are listed in Go's declaration order, which is the order Butane validates and translates them in
 * (and so the order its reports come out in); the Ignition output order comes from the Ignition spec instead.
 */
import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';

const sourceDoc = 'the URL of the contents; mutually exclusive with inline and local';
const inlineDoc = 'the contents, embedded as a data URL; mutually exclusive with source and local';
const localDoc =
  'a path relative to the --files-dir directory whose contents are embedded; mutually exclusive with source and inline';

const httpHeader = struct('HTTPHeader', [
  field('name', str, { omitempty: false, doc: 'the header name' }),
  field('value', ptr(str), { doc: 'the header contents' }),
]);

const verification = struct('Verification', [
  field('hash', ptr(str), { doc: 'the hash of the contents, as <type>-<value> with type sha256 or sha512' }),
]);

const resource = struct('Resource', [
  field('compression', ptr(str), { doc: 'the compression of the contents (null or gzip)' }),
  field('http_headers', slice(httpHeader), { doc: 'HTTP headers added to the request (http and https only)' }),
  field('source', ptr(str), { doc: sourceDoc }),
  field('inline', ptr(str), { doc: inlineDoc }),
  field('local', ptr(str), { doc: localDoc }),
  field('verification', verification, { doc: 'options to verify the contents' }),
]);

const clevisCustom = struct('ClevisCustom', [
  field('config', ptr(str)),
  field('needs_network', ptr(bool)),
  field('pin', ptr(str)),
]);

const tang04 = struct('Tang', [field('thumbprint', ptr(str)), field('url', str, { omitempty: false })]);
const tang05 = struct('Tang', [
  field('thumbprint', ptr(str)),
  field('url', str, { omitempty: false }),
  field('advertisement', ptr(str)),
]);

const clevis04 = struct('Clevis', [
  field('custom', clevisCustom),
  field('tang', slice(tang04)),
  field('threshold', ptr(int)),
  field('tpm2', ptr(bool)),
]);
const clevis05 = struct('Clevis', [
  field('custom', clevisCustom),
  field('tang', slice(tang05)),
  field('threshold', ptr(int)),
  field('tpm2', ptr(bool)),
]);

const nodeUser = struct('NodeUser', [
  field('id', ptr(int), { doc: 'the user ID of the owner' }),
  field('name', ptr(str), { doc: 'the user name of the owner' }),
]);
const nodeGroup = struct('NodeGroup', [
  field('id', ptr(int), { doc: 'the group ID of the group' }),
  field('name', ptr(str), { doc: 'the group name of the group' }),
]);

const directory = struct('Directory', [
  field('group', nodeGroup, { doc: "the directory's group" }),
  field('overwrite', ptr(bool), { doc: 'whether to delete preexisting nodes at the path' }),
  field('path', str, { omitempty: false, doc: 'the absolute path to the directory' }),
  field('user', nodeUser, { doc: "the directory's owner" }),
  field('mode', ptr(int), { doc: "the directory's permission mode (write it in octal, e.g. 0755)" }),
]);

const partition = struct('Partition', [
  field('guid', ptr(str), { doc: 'the GPT unique partition GUID' }),
  field('label', ptr(str), { doc: 'the PARTLABEL for the partition' }),
  field('number', int, { doc: 'the partition number (one-indexed); 0 uses the next available slot' }),
  field('resize', ptr(bool), { doc: 'whether an existing partition should be resized' }),
  field('should_exist', ptr(bool), { doc: 'whether the partition should exist' }),
  field('size_mib', ptr(int), { doc: 'the size of the partition in MiB; 0 makes it as large as possible' }),
  field('start_mib', ptr(int), { doc: 'the start of the partition in MiB; 0 uses the largest free block' }),
  field('type_guid', ptr(str), { doc: 'the GPT partition type GUID' }),
  field('wipe_partition_entry', ptr(bool), { doc: 'whether to clobber an existing partition that does not match' }),
]);

const disk = struct('Disk', [
  field('device', str, { omitempty: false, doc: 'the absolute path to the device' }),
  field('partitions', slice(partition), { doc: 'the partitions of this disk' }),
  field('wipe_table', ptr(bool), { doc: 'whether to wipe the partition table first' }),
]);

const file = struct('File', [
  field('group', nodeGroup, { doc: "the file's group" }),
  field('overwrite', ptr(bool), { doc: 'whether to delete preexisting nodes at the path' }),
  field('path', str, { omitempty: false, doc: 'the absolute path to the file' }),
  field('user', nodeUser, { doc: "the file's owner" }),
  field('append', slice(resource), { doc: 'contents to append to the file' }),
  field('contents', resource, { doc: 'the contents of the file' }),
  field('mode', ptr(int), { doc: "the file's permission mode (write it in octal, e.g. 0644)" }),
]);

const filesystem = struct('Filesystem', [
  field('device', str, { omitempty: false, doc: 'the absolute path to the device' }),
  field('format', ptr(str), { doc: 'the filesystem format (ext4, btrfs, xfs, vfat, swap, or none)' }),
  field('label', ptr(str), { doc: 'the label of the filesystem' }),
  field('mount_options', slice(str), { doc: 'options passed to the mount command' }),
  field('options', slice(str), { doc: 'options passed to mkfs' }),
  field('path', ptr(str), { doc: 'the mount point of the filesystem while Ignition runs' }),
  field('uuid', ptr(str), { doc: 'the uuid of the filesystem' }),
  field('wipe_filesystem', ptr(bool), { doc: 'whether to wipe the device before creating the filesystem' }),
  field('with_mount_unit', ptr(bool), { doc: 'whether to generate a mount unit (or swap unit) for this filesystem' }),
]);

const ignitionConfig = struct('IgnitionConfig', [
  field('merge', slice(resource), { doc: 'configs to merge into this one' }),
  field('replace', resource, { doc: 'a config that replaces this one' }),
]);

const proxy = struct('Proxy', [
  field('http_proxy', ptr(str), { doc: 'the proxy URL for HTTP requests (and HTTPS, unless https_proxy is set)' }),
  field('https_proxy', ptr(str), { doc: 'the proxy URL for HTTPS requests' }),
  field('no_proxy', slice(str), { doc: 'hosts that are not proxied' }),
]);

const tls = struct('TLS', [
  field('certificate_authorities', slice(resource), { doc: 'additional certificate authorities for HTTPS' }),
]);
const security = struct('Security', [field('tls', tls, { doc: 'options relating to TLS' })]);

const timeouts = struct('Timeouts', [
  field('http_response_headers', ptr(int), { doc: 'seconds to wait for response headers' }),
  field('http_total', ptr(int), { doc: 'seconds allowed for a whole HTTP operation' }),
]);

const ignition = struct('Ignition', [
  field('config', ignitionConfig, { doc: 'options related to the configuration' }),
  field('proxy', proxy, { doc: 'HTTP(S) proxy for fetching resources' }),
  field('security', security, { doc: 'options relating to network security' }),
  field('timeouts', timeouts, { doc: 'HTTP timeouts' }),
]);

const kernelArguments = struct('KernelArguments', [
  field('should_exist', slice(str), { doc: 'kernel arguments that should exist' }),
  field('should_not_exist', slice(str), { doc: 'kernel arguments that should not exist' }),
]);

const link = struct('Link', [
  field('group', nodeGroup, { doc: "the link's group" }),
  field('overwrite', ptr(bool), { doc: 'whether to delete preexisting nodes at the path' }),
  field('path', str, { omitempty: false, doc: 'the absolute path to the link' }),
  field('user', nodeUser, { doc: "the link's owner" }),
  field('hard', ptr(bool), { doc: 'a hard link if true, else a symbolic link' }),
  field('target', ptr(str), { doc: 'the target path of the link' }),
]);

const luks04 = struct('Luks', [
  field('clevis', clevis04, { doc: 'not supported by the flatcar variant' }),
  field('device', ptr(str), { doc: 'the absolute path to the device' }),
  field('key_file', resource, { doc: 'the contents of the key file' }),
  field('label', ptr(str), { doc: 'the label of the luks device' }),
  field('name', str, { omitempty: false, doc: 'the name of the luks device' }),
  field('options', slice(str), { doc: 'options passed to cryptsetup luksFormat' }),
  field('uuid', ptr(str), { doc: 'the uuid of the luks device' }),
  field('wipe_volume', ptr(bool), { doc: 'whether to wipe the device before creating the volume' }),
]);
const luks05 = struct('Luks', [
  field('clevis', clevis05, { doc: 'not supported by the flatcar variant' }),
  field('device', ptr(str), { doc: 'the absolute path to the device' }),
  field('discard', ptr(bool), { doc: 'whether to issue discard commands to the underlying device' }),
  field('key_file', resource, { doc: 'the contents of the key file' }),
  field('label', ptr(str), { doc: 'the label of the luks device' }),
  field('name', str, { omitempty: false, doc: 'the name of the luks device' }),
  field('open_options', slice(str), { doc: 'options passed to cryptsetup luksOpen' }),
  field('options', slice(str), { doc: 'options passed to cryptsetup luksFormat' }),
  field('uuid', ptr(str), { doc: 'the uuid of the luks device' }),
  field('wipe_volume', ptr(bool), { doc: 'whether to wipe the device before creating the volume' }),
]);

const passwdGroup = struct('PasswdGroup', [
  field('gid', ptr(int), { doc: 'the group ID of the new group' }),
  field('name', str, { omitempty: false, doc: 'the name of the group' }),
  field('password_hash', ptr(str), { doc: 'the hashed password of the new group' }),
  field('should_exist', ptr(bool), { doc: 'whether the group should exist' }),
  field('system', ptr(bool), { doc: 'whether the group should be a system group' }),
]);

const userHead = [
  field('gecos', ptr(str), { doc: 'the GECOS field of the account' }),
  field('groups', slice(str), { doc: 'supplementary groups of the account' }),
  field('home_dir', ptr(str), { doc: 'the home directory of the account' }),
  field('name', str, { omitempty: false, doc: 'the username for the account' }),
  field('no_create_home', ptr(bool), { doc: "whether not to create the user's home directory" }),
  field('no_log_init', ptr(bool), { doc: 'whether not to add the user to the lastlog and faillog databases' }),
  field('no_user_group', ptr(bool), { doc: 'whether not to create a group with the same name as the user' }),
  field('password_hash', ptr(str), { doc: 'the hashed password for the account' }),
  field('primary_group', ptr(str), { doc: 'the primary group of the account' }),
  field('should_exist', ptr(bool), { doc: 'whether the user should exist' }),
  field('ssh_authorized_keys', slice(str), { doc: 'SSH keys for the account' }),
] as const;
const userTail = [
  field('shell', ptr(str), { doc: 'the login shell of the account' }),
  field('system', ptr(bool), { doc: 'whether the account should be a system account' }),
  field('uid', ptr(int), { doc: 'the user ID of the account' }),
] as const;

const passwdUser04 = struct('PasswdUser', [...userHead, ...userTail]);
const passwdUser05 = struct('PasswdUser', [
  ...userHead,
  field('ssh_authorized_keys_local', slice(str), {
    doc: 'paths relative to --files-dir of files with SSH keys, one a line',
  }),
  ...userTail,
]);

const raid = struct('Raid', [
  field('devices', slice(str), { doc: 'the devices in the array' }),
  field('level', ptr(str), { doc: 'the redundancy level of the array' }),
  field('name', str, { omitempty: false, doc: 'the name of the md device' }),
  field('options', slice(str), { doc: 'options passed to mdadm' }),
  field('spares', ptr(int), { doc: 'the number of spares in the array' }),
]);

const tree = struct('Tree', [
  field('local', str, { omitempty: false, doc: 'the base of the local directory tree, relative to --files-dir' }),
  field('path', ptr(str), { doc: 'where the tree goes in the target system (default /)' }),
]);

const storage04 = struct('Storage', [
  field('directories', slice(directory), { doc: 'directories to create' }),
  field('disks', slice(disk), { doc: 'disks to partition' }),
  field('files', slice(file), { doc: 'files to write' }),
  field('filesystems', slice(filesystem), { doc: 'filesystems to create' }),
  field('links', slice(link), { doc: 'links to create' }),
  field('luks', slice(luks04), { doc: 'LUKS devices to create' }),
  field('raid', slice(raid), { doc: 'RAID arrays to create' }),
  field('trees', slice(tree), { doc: 'local directory trees to embed' }),
]);
const storage05 = struct('Storage', [
  field('directories', slice(directory), { doc: 'directories to create' }),
  field('disks', slice(disk), { doc: 'disks to partition' }),
  field('files', slice(file), { doc: 'files to write' }),
  field('filesystems', slice(filesystem), { doc: 'filesystems to create' }),
  field('links', slice(link), { doc: 'links to create' }),
  field('luks', slice(luks05), { doc: 'LUKS devices to create' }),
  field('raid', slice(raid), { doc: 'RAID arrays to create' }),
  field('trees', slice(tree), { doc: 'local directory trees to embed' }),
]);

const dropin04 = struct('Dropin', [
  field('contents', ptr(str), { doc: 'the contents of the drop-in' }),
  field('name', str, { omitempty: false, doc: 'the name of the drop-in, ending in .conf' }),
]);
const dropin05 = struct('Dropin', [
  field('contents', ptr(str), { doc: 'the contents of the drop-in; mutually exclusive with contents_local' }),
  field('contents_local', ptr(str), { doc: 'a path relative to --files-dir with the contents of the drop-in' }),
  field('name', str, { omitempty: false, doc: 'the name of the drop-in, ending in .conf' }),
]);

const unit04 = struct('Unit', [
  field('contents', ptr(str), { doc: 'the contents of the unit' }),
  field('dropins', slice(dropin04), { doc: 'drop-ins for the unit' }),
  field('enabled', ptr(bool), { doc: 'whether the unit is enabled' }),
  field('mask', ptr(bool), { doc: 'whether the unit is masked' }),
  field('name', str, { omitempty: false, doc: 'the name of the unit, with its type suffix (e.g. thing.service)' }),
]);
const unit05 = struct('Unit', [
  field('contents', ptr(str), { doc: 'the contents of the unit; mutually exclusive with contents_local' }),
  field('contents_local', ptr(str), { doc: 'a path relative to --files-dir with the contents of the unit' }),
  field('dropins', slice(dropin05), { doc: 'drop-ins for the unit' }),
  field('enabled', ptr(bool), { doc: 'whether the unit is enabled' }),
  field('mask', ptr(bool), { doc: 'whether the unit is masked' }),
  field('name', str, { omitempty: false, doc: 'the name of the unit, with its type suffix (e.g. thing.service)' }),
]);

const configHead = [
  field('version', str, { omitempty: false, doc: 'the semantic version of the spec for this document' }),
  field('variant', str, { omitempty: false, doc: 'the operating system variant: flatcar' }),
  field('ignition', ignition, { doc: 'metadata about the configuration itself' }),
  field('kernel_arguments', kernelArguments, { doc: 'the desired kernel arguments' }),
] as const;

/** Butane `base/v0_4`, the body of variant flatcar version 1.0.0. */
export const butaneV0_4 = struct('Config', [
  ...configHead,
  field('passwd', struct('Passwd', [field('groups', slice(passwdGroup)), field('users', slice(passwdUser04))]), {
    doc: 'users and groups',
  }),
  field('storage', storage04, { doc: "the desired state of the system's storage devices" }),
  field('systemd', struct('Systemd', [field('units', slice(unit04), { doc: 'systemd units' })]), {
    doc: 'the desired state of the systemd units',
  }),
]);

/** Butane `base/v0_5`, the body of variant flatcar version 1.1.0. */
export const butaneV0_5 = struct('Config', [
  ...configHead,
  field('passwd', struct('Passwd', [field('groups', slice(passwdGroup)), field('users', slice(passwdUser05))]), {
    doc: 'users and groups',
  }),
  field('storage', storage05, { doc: "the desired state of the system's storage devices" }),
  field('systemd', struct('Systemd', [field('units', slice(unit05), { doc: 'systemd units' })]), {
    doc: 'the desired state of the systemd units',
  }),
]);

/** A decoded flatcar 1.0.0 config, zero-filled as Go decodes it. */
export type ButaneConfigV0_4 = GoValue<typeof butaneV0_4>;
/** A decoded flatcar 1.1.0 config, zero-filled as Go decodes it. */
export type ButaneConfigV0_5 = GoValue<typeof butaneV0_5>;
/** Either base version; code shared by both reads the v0_5 shape, whose extra fields are then absent. */
export type ButaneConfig = ButaneConfigV0_5;

/** The Butane versions this package translates, with the Ignition version each one produces. */
export const supportedVersions = [
  { variant: 'flatcar', version: '1.0.0', ignitionVersion: '3.3.0', spec: butaneV0_4 },
  { variant: 'flatcar', version: '1.1.0', ignitionVersion: '3.4.0', spec: butaneV0_5 },
] as const;
