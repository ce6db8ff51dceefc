import { bool, field, int, ptr, slice, str, struct } from '../../../src/schema/model.js';

// A small Butane-like type for the tests of this folder.
export const Verification = struct('v0_5.Verification', [field('hash', ptr(str))]);
export const Resource = struct('v0_5.Resource', [
  field('source', ptr(str)),
  field('inline', ptr(str)),
  field('verification', Verification),
]);
export const File = struct('v0_5.File', [
  field('path', str),
  field('overwrite', ptr(bool)),
  field('contents', Resource),
  field('mode', ptr(int)),
]);
export const Raid = struct('v0_5.Raid', [
  field('name', str),
  field('level', ptr(str)),
  field('devices', slice(str), { omitempty: false }),
  field('spares', ptr(int)),
]);
export const Storage = struct('v0_5.Storage', [field('files', slice(File)), field('raid', slice(Raid))]);
export const Config = struct('v1_1.Config', [
  field('version', str),
  field('variant', str),
  field('storage', Storage),
  field('flag', bool),
  field('count', int),
  field('names', slice(str)),
]);
