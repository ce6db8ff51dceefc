import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';
import { Directory, nodeFields, Systemd } from './ignition3-0.js';
import { File3_1, Filesystem3_1, IgnitionSection3_1, Resource } from './ignition3-1.js';
import { Disk, Passwd, Tang3_2 } from './ignition3-2.js';

// Ignition spec 3.3.0 (config/v3_3/types/schema.go): kernel arguments; Clevis and its custom pin become plain
// structs with optional fields; link targets and RAID levels become optional.

const required = { omitempty: false } as const;

export const ClevisCustom = struct('ClevisCustom', [
  field('config', ptr(str)),
  field('needsNetwork', ptr(bool)),
  field('pin', ptr(str)),
]);

export const Clevis3_3 = struct('Clevis', [
  field('custom', ClevisCustom),
  field('tang', slice(Tang3_2)),
  field('threshold', ptr(int)),
  field('tpm2', ptr(bool)),
]);

export const KernelArguments = struct('KernelArguments', [
  field('shouldExist', slice(str)),
  field('shouldNotExist', slice(str)),
]);

export const Link = struct('Link', [...nodeFields, field('hard', ptr(bool)), field('target', ptr(str))]);

export const Luks3_3 = struct('Luks', [
  field('clevis', Clevis3_3),
  field('device', ptr(str)),
  field('keyFile', Resource),
  field('label', ptr(str)),
  field('name', str, required),
  field('options', slice(str)),
  field('uuid', ptr(str)),
  field('wipeVolume', ptr(bool)),
]);

export const Raid = struct('Raid', [
  field('devices', slice(str)),
  field('level', ptr(str)),
  field('name', str, required),
  field('options', slice(str)),
  field('spares', ptr(int)),
]);

export const Storage3_3 = struct('Storage', [
  field('directories', slice(Directory)),
  field('disks', slice(Disk)),
  field('files', slice(File3_1)),
  field('filesystems', slice(Filesystem3_1)),
  field('links', slice(Link)),
  field('luks', slice(Luks3_3)),
  field('raid', slice(Raid)),
]);

/** The root of an Ignition 3.3.0 config. */
export const Ignition3_3 = struct('Config', [
  field('ignition', IgnitionSection3_1, required),
  field('kernelArguments', KernelArguments),
  field('passwd', Passwd),
  field('storage', Storage3_3),
  field('systemd', Systemd),
]);

/** A decoded Ignition 3.3.0 config. */
export type Config3_3 = GoValue<typeof Ignition3_3>;
