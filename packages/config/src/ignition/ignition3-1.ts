import { bool, field, type GoValue, int, ptr, slice, str, struct } from '../schema/model.js';
import {
  Directory,
  Disk3_0,
  Link3_0,
  nodeFields,
  Passwd3_0,
  Raid3_0,
  Systemd,
  Timeouts,
  Verification,
} from './ignition3-0.js';

// Ignition spec 3.1.0 (config/v3_1/types/schema.go): resources with HTTP headers replace the 3.0 file contents,
// CA and config references; proxies and filesystem mount options arrive.

const required = { omitempty: false } as const;

export const HTTPHeader = struct('HTTPHeader', [field('name', str, required), field('value', ptr(str))]);

export const Resource = struct('Resource', [
  field('compression', ptr(str)),
  field('httpHeaders', slice(HTTPHeader)),
  field('source', ptr(str)),
  field('verification', Verification),
]);

export const File3_1 = struct('File', [
  ...nodeFields,
  field('append', slice(Resource)),
  field('contents', Resource),
  field('mode', ptr(int)),
]);

export const Filesystem3_1 = struct('Filesystem', [
  field('device', str, required),
  field('format', ptr(str)),
  field('label', ptr(str)),
  field('mountOptions', slice(str)),
  field('options', slice(str)),
  field('path', ptr(str)),
  field('uuid', ptr(str)),
  field('wipeFilesystem', ptr(bool)),
]);

export const IgnitionConfig = struct('IgnitionConfig', [field('merge', slice(Resource)), field('replace', Resource)]);
export const Proxy3_1 = struct('Proxy', [
  field('httpProxy', ptr(str)),
  field('httpsProxy', ptr(str)),
  field('noProxy', slice(str)),
]);
export const TLS = struct('TLS', [field('certificateAuthorities', slice(Resource))]);
export const Security = struct('Security', [field('tls', TLS)]);

export const IgnitionSection3_1 = struct('Ignition', [
  field('config', IgnitionConfig),
  field('proxy', Proxy3_1),
  field('security', Security),
  field('timeouts', Timeouts),
  field('version', str),
]);

export const Storage3_1 = struct('Storage', [
  field('directories', slice(Directory)),
  field('disks', slice(Disk3_0)),
  field('files', slice(File3_1)),
  field('filesystems', slice(Filesystem3_1)),
  field('links', slice(Link3_0)),
  field('raid', slice(Raid3_0)),
]);

/** The root of an Ignition 3.1.0 config. */
export const Ignition3_1 = struct('Config', [
  field('ignition', IgnitionSection3_1, required),
  field('passwd', Passwd3_0),
  field('storage', Storage3_1),
  field('systemd', Systemd),
]);

/** A decoded Ignition 3.1.0 config. */
export type Config3_1 = GoValue<typeof Ignition3_1>;
