import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';
import { Directory, Systemd, Timeouts } from './ignition3-0.js';
import { File3_1, Filesystem3_1, IgnitionConfig, Proxy3_1, Resource, Security } from './ignition3-1.js';
import { Disk, Passwd } from './ignition3-2.js';
import { ClevisCustom, KernelArguments, Link, Raid } from './ignition3-3.js';

// Ignition spec 3.4.0 (config/v3_4/types/schema.go): LUKS discard and open options, Tang advertisements, special
// mode bits; `ignition.version` loses omitempty.

const required = { omitempty: false } as const;

export const Tang = struct('Tang', [
  field('thumbprint', ptr(str)),
  field('url', str),
  field('advertisement', ptr(str)),
]);

export const Clevis = struct('Clevis', [
  field('custom', ClevisCustom),
  field('tang', slice(Tang)),
  field('threshold', ptr(int)),
  field('tpm2', ptr(bool)),
]);

export const Luks = struct('Luks', [
  field('clevis', Clevis),
  field('device', ptr(str)),
  field('discard', ptr(bool)),
  field('keyFile', Resource),
  field('label', ptr(str)),
  field('name', str, required),
  field('openOptions', slice(str)),
  field('options', slice(str)),
  field('uuid', ptr(str)),
  field('wipeVolume', ptr(bool)),
]);

export const IgnitionSection3_4 = struct('Ignition', [
  field('config', IgnitionConfig),
  field('proxy', Proxy3_1),
  field('security', Security),
  field('timeouts', Timeouts),
  field('version', str, required),
]);

export const Storage3_4 = struct('Storage', [
  field('directories', slice(Directory)),
  field('disks', slice(Disk)),
  field('files', slice(File3_1)),
  field('filesystems', slice(Filesystem3_1)),
  field('links', slice(Link)),
  field('luks', slice(Luks)),
  field('raid', slice(Raid)),
]);

/** The root of an Ignition 3.4.0 config. */
export const Ignition3_4 = struct('Config', [
  field('ignition', IgnitionSection3_4, required),
  field('kernelArguments', KernelArguments),
  field('passwd', Passwd),
  field('storage', Storage3_4),
  field('systemd', Systemd),
]);

/** A decoded Ignition 3.4.0 config. */
export type Config3_4 = GoValue<typeof Ignition3_4>;
