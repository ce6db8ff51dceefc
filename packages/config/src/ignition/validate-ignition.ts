import { dataUrlError } from '../dataurl/parse-data-url.js';
import type { ConfigPath, Report, Severity } from '../report.js';
import { goQuote, goStringFromBytes } from '../schema/go-text.js';
import type { GoStruct, GoType } from '../schema/model.js';
import { cleanPath, isAbsPath, joinPath, pathExt } from './go-path.js';
import { goQuery, parseGoUrl } from './go-url.js';
import {
  IGNITION_MESSAGES,
  type IgnitionMessageCode,
  noInstallSectionMessage,
  templateNoInstallSectionMessage,
} from './ignition-errors.js';
import {
  type AnyIgnitionConfig,
  IGNITION_SPECS,
  type IgnitionVersion,
  parseSemver,
  supportedVersionOf,
} from './ignition-version.js';
import { parseUnitContents } from './unit-contents.js';

// Ignition validates a decoded config in three walks over its Go value (config/validate ValidateWithContext):
// every type's Validate method, parent before children and fields in struct order; then duplicate keys in every
// list; then (from the source, see parseIgnition) keys no field uses. Reports keep that order.

// Decoded Go values are plain data: structs as records, slices as arrays, nil pointers as undefined.
type Value = unknown;
type Struct = Record<string, Value>;

interface Context {
  readonly version: IgnitionVersion;
  readonly reports: Report[];
}

const encoder = new TextEncoder();
const byteLength = (s: string): number => encoder.encode(s).length;
// Go's %q of a name, read as UTF-8 text (so a lone surrogate shows as U+FFFD).
const quoteName = (s: string): string => goQuote(goStringFromBytes(encoder.encode(s)));

const str = (v: Value): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: Value): number | undefined => (typeof v === 'number' ? v : undefined);
const arr = (v: Value): Value[] => (Array.isArray(v) ? v : []);
const obj = (v: Value): Struct => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Struct) : {});
const nilOrEmpty = (v: Value): boolean => v === undefined || v === null || v === '';
const notEmpty = (v: Value): boolean => typeof v === 'string' && v !== '';
const isTrue = (v: Value): boolean => v === true;
const isFalse = (v: Value): boolean => v === false;
const defined = (v: Value): boolean => v !== undefined && v !== null;
const atLeast = (ctx: Context, version: IgnitionVersion): boolean => ctx.version >= version;

function add(ctx: Context, severity: Severity, code: string, message: string, path: ConfigPath): void {
  ctx.reports.push({ severity, code, message, path });
}

function error(ctx: Context, code: IgnitionMessageCode, path: ConfigPath): void {
  add(ctx, 'error', code, IGNITION_MESSAGES[code], path);
}

function warn(ctx: Context, code: IgnitionMessageCode, path: ConfigPath): void {
  add(ctx, 'warning', code, IGNITION_MESSAGES[code], path);
}

// A rule's outcome: nothing, a fixed-text error, or an error whose text comes from a library (data URLs).
type Outcome = undefined | IgnitionMessageCode | { readonly code: string; readonly message: string };

// The hot rules check for an outcome before making its path: most checks pass, and the paths would be garbage.
function addOutcome(ctx: Context, outcome: Outcome, path: ConfigPath): void {
  if (outcome === undefined) return;
  if (typeof outcome === 'string') error(ctx, outcome, path);
  else add(ctx, 'error', outcome.code, outcome.message, path);
}

// --- shared rules -------------------------------------------------------------------------------------------------

function validatePath(p: string): Outcome {
  if (p === '') return 'PATH_MISSING';
  if (!isAbsPath(p)) return 'PATH_NOT_ABSOLUTE';
  if (cleanPath(p) !== p) return 'PATH_NOT_CLEAN';
  return undefined;
}

function validatePathNilOK(p: Value): Outcome {
  return nilOrEmpty(p) ? undefined : validatePath(p as string);
}

function validateMode(mode: Value): Outcome {
  const m = num(mode);
  return m !== undefined && (m < 0 || m > 0o7777) ? 'MODE_ILLEGAL' : undefined;
}

// validateModeSpecialBits converts to uint32 first, so negative modes have the bits too.
function hasSpecialBits(mode: Value): boolean {
  const m = num(mode);
  return m !== undefined && (Number(BigInt.asUintN(32, BigInt(m))) & 0o7000) !== 0;
}

/** validateURL of the spec version: which schemes it knows and what it checks of each. */
function validateURL(ctx: Context, s: string): Outcome {
  const u = parseGoUrl(s);
  if (u === undefined) return 'URL_INVALID';
  switch (u.scheme) {
    case 'http':
    case 'https':
    case 'tftp':
      return undefined;
    case 'gs':
      return atLeast(ctx, '3.2.0') ? undefined : 'URL_SCHEME_INVALID';
    case 's3':
      return validateS3VersionId(u.rawQuery);
    case 'arn':
      return atLeast(ctx, '3.4.0') ? validateArn(`${u.scheme}:${u.opaque}`, u.rawQuery) : 'URL_SCHEME_INVALID';
    case 'data': {
      const message = dataUrlError(s);
      return message === undefined ? undefined : { code: 'DATA_URL_INVALID', message };
    }
    default:
      return 'URL_SCHEME_INVALID';
  }
}

function validateS3VersionId(rawQuery: string): Outcome {
  const versionId = goQuery(rawQuery).get('versionId');
  if (versionId !== undefined && (versionId.length === 0 || versionId[0] === '')) return 'S3_VERSION_ID_INVALID';
  return undefined;
}

// aws-sdk-go's arn.IsARN and arn.Parse, then Ignition's own checks on the resource part.
function validateArn(full: string, rawQuery: string): Outcome {
  if (!full.startsWith('arn:') || full.split(':').length - 1 < 5) return 'S3_ARN_INVALID';
  const sections = full.split(':');
  const service = sections[2];
  const resource = sections.slice(5).join(':');
  if (service !== 's3') return 'S3_ARN_INVALID';
  const slashParts = full.split('/').length;
  if (resource.startsWith('accesspoint/') ? slashParts < 3 : slashParts < 2) return 'S3_ARN_INVALID';
  return validateS3VersionId(rawQuery);
}

function validateURLNilOK(ctx: Context, s: Value): Outcome {
  return nilOrEmpty(s) ? undefined : validateURL(ctx, s as string);
}

// --- type rules, by Go type name ------------------------------------------------------------------------------------

type StructRule = (ctx: Context, v: Struct, path: ConfigPath) => void;

function validateConfig(ctx: Context, cfg: Struct, path: ConfigPath): void {
  const unitPaths = new Set<string>();
  for (const unit of arr(obj(cfg.systemd).units).map(obj)) {
    if (!nilOrEmpty(unit.contents)) unitPaths.add(`/etc/systemd/system/${unit.name}`);
    for (const dropin of arr(unit.dropins).map(obj)) {
      if (!nilOrEmpty(dropin.contents)) unitPaths.add(`/etc/systemd/system/${unit.name}.d/${dropin.name}`);
    }
  }
  const storage = obj(cfg.storage);
  for (const kind of ['files', 'directories', 'links']) {
    arr(storage[kind]).forEach((node, i) => {
      if (unitPaths.has(String(obj(node).path)))
        error(ctx, 'PATH_CONFLICTS_SYSTEMD', [...path, 'storage', kind, i, 'path']);
    });
  }
}

function validateIgnitionSection(ctx: Context, v: Struct, path: ConfigPath): void {
  const parsed = parseSemver(String(v.version ?? ''));
  if (parsed === undefined) error(ctx, 'VERSION_INVALID', [...path, 'version']);
  else if (supportedVersionOf(parsed) !== ctx.version) error(ctx, 'VERSION_UNSUPPORTED', [...path, 'version']);
}

function validateIgnitionConfig(ctx: Context, v: Struct, path: ConfigPath): void {
  if (ctx.version === '3.0.0') return;
  for (const [i, res] of arr(v.merge).entries()) addOutcome(ctx, requiredSource(ctx, obj(res)), [...path, 'merge', i]);
}

function requiredSource(ctx: Context, res: Struct): Outcome {
  if (nilOrEmpty(res.source)) return 'SOURCE_REQUIRED';
  return validateURL(ctx, res.source as string);
}

function validateTls(ctx: Context, v: Struct, path: ConfigPath): void {
  if (ctx.version === '3.0.0') return;
  for (const [i, res] of arr(v.certificateAuthorities).entries()) {
    addOutcome(ctx, requiredSource(ctx, obj(res)), [...path, 'certificateAuthorities', i]);
  }
}

function validateCompression(v: Struct): Outcome {
  const c = v.compression;
  return defined(c) && c !== '' && c !== 'gzip' ? 'COMPRESSION_INVALID' : undefined;
}

function validateResource(ctx: Context, v: Struct, path: ConfigPath): void {
  const compression = validateCompression(v);
  if (compression !== undefined) addOutcome(ctx, compression, [...path, 'compression']);
  if (defined(obj(v.verification).hash) && !defined(v.source)) {
    error(ctx, 'VERIFICATION_AND_NIL_SOURCE', [...path, 'verification', 'hash']);
  }
  const source = validateURLNilOK(ctx, v.source);
  if (source !== undefined) addOutcome(ctx, source, [...path, 'source']);
  if (ctx.version === '3.0.0') return;
  if (arr(v.httpHeaders).length > 0) {
    let outcome: Outcome;
    const u = nilOrEmpty(v.source) ? undefined : parseGoUrl(v.source as string);
    if (u === undefined) outcome = 'URL_INVALID';
    else if (u.scheme !== 'http' && u.scheme !== 'https') outcome = 'HTTP_HEADERS_UNSUPPORTED_SCHEME';
    addOutcome(ctx, outcome, [...path, 'httpHeaders']);
  }
}

function validateCaReference(ctx: Context, v: Struct, path: ConfigPath): void {
  const source = validateURL(ctx, String(v.source ?? ''));
  if (source !== undefined) addOutcome(ctx, source, [...path, 'source']);
}

function validateConfigReference(ctx: Context, v: Struct, path: ConfigPath): void {
  const source = validateURLNilOK(ctx, v.source);
  if (source !== undefined) addOutcome(ctx, source, [...path, 'source']);
}

function validateHttpHeader(ctx: Context, v: Struct, path: ConfigPath): void {
  if (v.name === '') error(ctx, 'HTTP_HEADER_NAME_EMPTY', [...path, 'name']);
  if (v.value === '') error(ctx, 'HTTP_HEADER_INVALID', [...path, 'value']);
}

function validateProxy(ctx: Context, v: Struct, path: ConfigPath): void {
  const check = (s: Value, key: string, httpOk: boolean): void => {
    if (!defined(s)) return;
    const u = parseGoUrl(s as string);
    if (u === undefined) {
      error(ctx, 'URL_INVALID', [...path, key]);
      return;
    }
    if (u.scheme !== 'https' && u.scheme !== 'http') {
      error(ctx, 'PROXY_INVALID', [...path, key]);
      return;
    }
    if (u.scheme === 'http' && !httpOk) warn(ctx, 'PROXY_INSECURE', [...path, key]);
  };
  check(v.httpProxy, 'httpProxy', true);
  check(v.httpsProxy, 'httpsProxy', false);
}

function validateVerification(ctx: Context, v: Struct, path: ConfigPath): void {
  const hash = str(v.hash);
  if (hash === undefined) return;
  const at = [...path, 'hash'];
  const dash = hash.indexOf('-');
  if (dash < 0) {
    error(ctx, 'HASH_MALFORMED', at);
    return;
  }
  const fn = hash.slice(0, dash);
  const sum = hash.slice(dash + 1);
  const sizes: Record<string, number> = atLeast(ctx, '3.1.0') ? { sha512: 128, sha256: 64 } : { sha512: 128 };
  const size = sizes[fn];
  if (size === undefined) {
    error(ctx, 'HASH_UNRECOGNIZED', at);
    return;
  }
  if (sum.length !== size) error(ctx, 'HASH_WRONG_SIZE', at);
}

function validateNode(ctx: Context, v: Struct, path: ConfigPath): void {
  const outcome = validatePath(String(v.path));
  if (outcome !== undefined) addOutcome(ctx, outcome, [...path, 'path']);
}

function validateNodeOwner(ctx: Context, v: Struct, path: ConfigPath): void {
  if (defined(v.id) && notEmpty(v.name)) error(ctx, 'ID_AND_NAME_BOTH_SET', path);
}

function validateModeOf(ctx: Context, v: Struct, path: ConfigPath): void {
  const mode = validateMode(v.mode);
  if (mode !== undefined) addOutcome(ctx, mode, [...path, 'mode']);
  if (ctx.version !== '3.4.0' && hasSpecialBits(v.mode)) warn(ctx, 'MODE_SPECIAL_BITS', [...path, 'mode']);
}

function validateDirectory(ctx: Context, v: Struct, path: ConfigPath): void {
  validateNode(ctx, v, path);
  validateModeOf(ctx, v, path);
}

function validateFile(ctx: Context, v: Struct, path: ConfigPath): void {
  validateNode(ctx, v, path);
  validateModeOf(ctx, v, path);
  if (isTrue(v.overwrite) && !defined(obj(v.contents).source)) {
    error(ctx, 'OVERWRITE_AND_NIL_SOURCE', [...path, 'overwrite']);
  }
}

function validateStorage(ctx: Context, s: Struct, path: ConfigPath): void {
  const links = arr(s.links).map(obj);
  const directories = arr(s.directories).map(obj);
  const underLink = (p: Value): number => links.filter((l) => String(p).startsWith(`${l.path}/`)).length;
  directories.forEach((d, i) => {
    for (let n = underLink(d.path); n > 0; n--) error(ctx, 'DIRECTORY_USED_SYMLINK', [...path, 'directories', i]);
  });
  arr(s.files).forEach((f, i) => {
    for (let n = underLink(obj(f).path); n > 0; n--) error(ctx, 'FILE_USED_SYMLINK', [...path, 'files', i]);
  });
  links.forEach((l, i) => {
    for (let n = underLink(l.path); n > 0; n--) error(ctx, 'LINK_USED_SYMLINK', [...path, 'links', i]);
    // From 3.3 the target is optional in the schema, so it is checked here.
    if (atLeast(ctx, '3.3.0') && nilOrEmpty(l.target)) {
      error(ctx, 'LINK_TARGET_REQUIRED', [...path, 'links', i, 'target']);
      return;
    }
    if (!isTrue(l.hard)) return;
    const rawTarget = String(l.target ?? '');
    let target = cleanPath(rawTarget);
    if (!isAbsPath(target)) target = joinPath(String(l.path), rawTarget);
    for (const d of directories) {
      if (target === d.path) error(ctx, 'HARD_LINK_TO_DIRECTORY', [...path, 'links', i]);
    }
    const user = obj(l.user);
    const group = obj(l.group);
    const owner: [Value, ConfigPath][] = [
      [user.id, [...path, 'links', i, 'user', 'id']],
      [user.name, [...path, 'links', i, 'user', 'name']],
      [group.id, [...path, 'links', i, 'group', 'id']],
      [group.name, [...path, 'links', i, 'group', 'name']],
    ];
    for (const [value, at] of owner) if (defined(value)) warn(ctx, 'HARD_LINK_SPECIFIES_OWNER', at);
  });
  const disks = new Map<string, Struct>();
  for (const d of arr(s.disks).map(obj)) disks.set(String(d.device), d);
  arr(s.filesystems).forEach((f, i) => {
    const fs = obj(f);
    const disk = disks.get(String(fs.device));
    if (disk === undefined) return;
    if (arr(disk.partitions).length > 0) warn(ctx, 'PARTITIONS_OVERWRITTEN', [...path, 'filesystems', i, 'device']);
    else if (!isTrue(fs.wipeFilesystem) && isTrue(disk.wipeTable)) {
      warn(ctx, 'FILESYSTEM_IMPLICIT_WIPE', [...path, 'filesystems', i, 'device']);
    }
  });
}

function partitionEnd(p: Struct): number {
  const size = p.sizeMiB as number;
  const start = p.startMiB as number;
  return size === 0 ? start : start + size - 1;
}

function validateDisk(ctx: Context, d: Struct, path: ConfigPath): void {
  const device = String(d.device);
  if (device === '') {
    error(ctx, 'DISK_DEVICE_REQUIRED', [...path, 'device']);
    return;
  }
  addOutcome(ctx, validatePath(device), [...path, 'device']);
  const partitions = arr(d.partitions).map(obj);

  // The reference walks a Go map here, so with several collisions the one it names is unspecified; we name the
  // collision of the smallest partition number.
  const byNumber = new Map<number, number[]>();
  partitions.forEach((p, i) => {
    const n = p.number as number;
    if (n !== 0) byNumber.set(n, [...(byNumber.get(n) ?? []), i]);
  });
  const collision = [...byNumber.entries()].sort(([a], [b]) => a - b).find(([, idx]) => idx.length > 1);
  if (collision !== undefined)
    error(ctx, 'PARTITION_NUMBERS_COLLIDE', [...path, 'partitions', collision[1][1] as number]);

  const overlap = findOverlap(partitions);
  if (overlap !== undefined) error(ctx, 'PARTITIONS_OVERLAP', [...path, 'partitions', overlap]);

  const hasZero = partitions.some((p) => p.number === 0);
  if (hasZero && partitions.some((p) => isFalse(p.shouldExist))) {
    error(ctx, 'ZEROES_WITH_SHOULD_NOT_EXIST', [...path, 'partitions']);
  }
  const labels = new Set<string>();
  for (const [i, p] of partitions.entries()) {
    const label = str(p.label);
    if (label === undefined) continue;
    if (labels.has(label)) {
      error(ctx, 'PARTITION_LABELS_DUPLICATE', [...path, 'partitions', i]);
      break;
    }
    labels.add(label);
  }
}

function findOverlap(partitions: Struct[]): number | undefined {
  const placed = (p: Struct): boolean => defined(p.startMiB) && defined(p.sizeMiB) && p.startMiB !== 0;
  for (const [pi, p] of partitions.entries()) {
    if (!placed(p)) continue;
    const pStart = p.startMiB as number;
    const pEnd = partitionEnd(p);
    for (const [oi, o] of partitions.entries()) {
      if (!placed(o) || oi === pi) continue;
      const oStart = o.startMiB as number;
      const oEnd = partitionEnd(o);
      if (pStart >= oStart && pStart <= oEnd) return oi;
      if (pEnd >= oStart && pEnd <= oEnd) return oi;
      if (pStart < oStart && pEnd > oEnd) return oi;
    }
  }
  return undefined;
}

const GUID = /^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

function validatePartition(ctx: Context, p: Struct, path: ConfigPath): void {
  if (
    isFalse(p.shouldExist) &&
    (defined(p.label) || notEmpty(p.typeGuid) || notEmpty(p.guid) || defined(p.startMiB) || defined(p.sizeMiB))
  ) {
    error(ctx, 'SHOULD_NOT_EXIST_WITH_OTHERS', path);
  }
  if (p.number === 0 && !defined(p.label)) error(ctx, 'PARTITION_LABEL_OR_NUMBER_REQUIRED', path);
  const label = str(p.label);
  if (label !== undefined) {
    // GPT names hold 36 UTF-16 code units, but the reference counts UTF-8 bytes.
    if (byteLength(label) > 36) error(ctx, 'PARTITION_LABEL_TOO_LONG', [...path, 'label']);
    else if (label.includes(':')) error(ctx, 'PARTITION_LABEL_CONTAINS_COLON', [...path, 'label']);
  }
  for (const key of ['guid', 'typeGuid']) {
    const guid = str(p[key]);
    if (guid !== undefined && !GUID.test(guid)) error(ctx, 'GUID_INVALID', [...path, key]);
  }
}

function validateFilesystem(ctx: Context, f: Struct, path: ConfigPath): void {
  addOutcome(ctx, validatePathNilOK(f.path), [...path, 'path']);
  addOutcome(ctx, validatePath(String(f.device)), [...path, 'device']);
  const formats = ['ext4', 'btrfs', 'xfs', 'swap', 'vfat', ...(atLeast(ctx, '3.3.0') ? ['none'] : [])];
  if (nilOrEmpty(f.format)) {
    if (
      notEmpty(f.path) ||
      notEmpty(f.label) ||
      notEmpty(f.uuid) ||
      isTrue(f.wipeFilesystem) ||
      arr(f.mountOptions).length > 0 ||
      arr(f.options).length > 0
    ) {
      error(ctx, 'FORMAT_NIL_WITH_OTHERS', [...path, 'format']);
    }
  } else if (!formats.includes(f.format as string)) {
    error(ctx, 'FILESYSTEM_INVALID_FORMAT', [...path, 'format']);
  }
  if (nilOrEmpty(f.label)) return;
  if (nilOrEmpty(f.format)) {
    error(ctx, 'LABEL_NEEDS_FORMAT', [...path, 'label']);
    return;
  }
  const length = byteLength(f.label as string);
  const limits: Record<string, [number, IgnitionMessageCode]> = {
    ext4: [16, 'EXT4_LABEL_TOO_LONG'],
    btrfs: [256, 'BTRFS_LABEL_TOO_LONG'],
    xfs: [12, 'XFS_LABEL_TOO_LONG'],
    swap: [15, 'SWAP_LABEL_TOO_LONG'],
    vfat: [11, 'VFAT_LABEL_TOO_LONG'],
  };
  const limit = limits[f.format as string];
  if (limit !== undefined && length > limit[0]) error(ctx, limit[1], [...path, 'label']);
}

function validateLuks(ctx: Context, l: Struct, path: ConfigPath): void {
  if (String(l.name).includes('/')) error(ctx, 'LUKS_NAME_CONTAINS_SLASH', [...path, 'name']);
  if (!nilOrEmpty(l.label) && byteLength(l.label as string) > 47) error(ctx, 'LUKS_LABEL_TOO_LONG', [...path, 'label']);
  if (nilOrEmpty(l.device)) error(ctx, 'DISK_DEVICE_REQUIRED', [...path, 'device']);
  else addOutcome(ctx, validatePath(l.device as string), [...path, 'device']);
  const clevis = l.clevis;
  if (defined(clevis)) {
    const c = obj(clevis);
    const custom = ctx.version === '3.2.0' ? defined(c.custom) : notEmpty(obj(c.custom).pin);
    const others = arr(c.tang).length > 0 || isTrue(c.tpm2) || (defined(c.threshold) && c.threshold !== 0);
    if (custom && others) error(ctx, 'CLEVIS_CUSTOM_WITH_OTHERS', [...path, 'clevis']);
  }
  // The reference reports a bad key file under `keys`, a key the config does not have.
  if (validateURLNilOK(ctx, obj(l.keyFile).source) !== undefined)
    error(ctx, 'LUKS_KEY_FILE_INVALID', [...path, 'keys']);
}

function validateClevisCustom(ctx: Context, c: Struct, path: ConfigPath): void {
  if (ctx.version === '3.2.0') {
    if (c.pin === '' && c.config === '') return;
    if (!['tpm2', 'tang', 'sss'].includes(String(c.pin))) error(ctx, 'CLEVIS_PIN_UNKNOWN', [...path, 'pin']);
    if (c.config === '') error(ctx, 'CLEVIS_CONFIG_REQUIRED', [...path, 'config']);
    return;
  }
  if (nilOrEmpty(c.pin) && nilOrEmpty(c.config) && !isTrue(c.needsNetwork)) return;
  if (notEmpty(c.pin)) {
    if (!['tpm2', 'tang', 'sss'].includes(c.pin as string)) error(ctx, 'CLEVIS_PIN_UNKNOWN', [...path, 'pin']);
  } else {
    error(ctx, 'CLEVIS_PIN_REQUIRED', [...path, 'pin']);
  }
  if (nilOrEmpty(c.config)) error(ctx, 'CLEVIS_CONFIG_REQUIRED', [...path, 'config']);
}

function validateTang(ctx: Context, t: Struct, path: ConfigPath): void {
  const u = parseGoUrl(String(t.url));
  if (u === undefined) error(ctx, 'URL_INVALID', [...path, 'url']);
  else if (u.scheme !== 'http' && u.scheme !== 'https') error(ctx, 'URL_SCHEME_INVALID', [...path, 'url']);
  if (nilOrEmpty(t.thumbprint)) error(ctx, 'TANG_THUMBPRINT_REQUIRED', [...path, 'thumbprint']);
  if (ctx.version === '3.4.0' && notEmpty(t.advertisement) && !isGoJson(t.advertisement as string)) {
    error(ctx, 'TANG_ADVERTISEMENT_INVALID', [...path, 'advertisement']);
  }
}

// encoding/json accepts what JSON.parse accepts, except that it also takes invalid UTF-8 (which a JavaScript
// string cannot hold anyway) and rejects nothing JSON.parse takes.
function isGoJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const RAID_LEVELS = ['linear', 'raid0', '0', 'stripe', 'raid1', '1', 'mirror', 'raid4', '4', 'raid5', '5'];
const ALL_RAID_LEVELS = [...RAID_LEVELS, 'raid6', '6', 'raid10', '10'];

function validateRaid(ctx: Context, r: Struct, path: ConfigPath): void {
  const level = r.level;
  let outcome: Outcome;
  if (atLeast(ctx, '3.3.0') && nilOrEmpty(level)) outcome = 'RAID_LEVEL_REQUIRED';
  else if (!ALL_RAID_LEVELS.includes(String(level ?? ''))) outcome = 'RAID_LEVEL_UNRECOGNIZED';
  else if (['linear', 'raid0', '0', 'stripe'].includes(String(level)) && defined(r.spares) && r.spares !== 0) {
    outcome = 'RAID_SPARES_UNSUPPORTED';
  }
  addOutcome(ctx, outcome, [...path, 'level']);
  if (arr(r.devices).length === 0) error(ctx, 'RAID_DEVICES_REQUIRED', [...path, 'devices']);
}

const UNIT_EXTENSIONS = [
  '.service',
  '.socket',
  '.device',
  '.mount',
  '.automount',
  '.swap',
  '.target',
  '.path',
  '.timer',
  '.snapshot',
  '.slice',
  '.scope',
];

function validateUnit(ctx: Context, u: Struct, path: ConfigPath): void {
  const name = String(u.name);
  if (!UNIT_EXTENSIONS.includes(pathExt(name))) error(ctx, 'UNIT_EXTENSION_INVALID', [...path, 'name']);
  const at = [...path, 'contents'];
  const contents = str(u.contents);
  const parsed = contents === undefined ? { options: [] } : parseUnitContents(contents);
  if ('error' in parsed) {
    add(ctx, 'error', 'UNIT_CONTENTS_INVALID', `invalid unit content: ${parsed.error}`, at);
    return;
  }
  if (isTrue(u.enabled) && !nilOrEmpty(u.contents) && !parsed.options.some((o) => o.section === 'Install')) {
    add(ctx, 'warning', 'UNIT_NO_INSTALL_SECTION', noInstallSectionMessage(quoteName(name)), at);
  }
}

function validateDropin(ctx: Context, d: Struct, path: ConfigPath): void {
  const contents = str(d.contents);
  const parsed = contents === undefined ? undefined : parseUnitContents(contents);
  if (parsed !== undefined && 'error' in parsed) {
    add(ctx, 'error', 'UNIT_CONTENTS_INVALID', `invalid unit content: ${parsed.error}`, [...path, 'contents']);
  }
  if (pathExt(String(d.name)) !== '.conf') error(ctx, 'DROPIN_EXTENSION_INVALID', [...path, 'name']);
}

const INSTANCE_UNIT = /^(.+?)@(.+?)\.service$/s;

function validateSystemd(ctx: Context, s: Struct, path: ConfigPath): void {
  const units = arr(s.units).map(obj);
  const byName = new Map<string, Struct>();
  for (const u of units) byName.set(String(u.name), u);
  units.forEach((unit, index) => {
    const match = INSTANCE_UNIT.exec(String(unit.name));
    if (match === null || !isTrue(unit.enabled)) return;
    const template = `${match[1]}@.service`;
    const templateUnit = byName.get(template);
    if (templateUnit === undefined || !notEmpty(templateUnit.contents)) return;
    const parsed = parseUnitContents(templateUnit.contents as string);
    if ('error' in parsed || parsed.options.some((o) => o.section === 'Install')) return;
    add(
      ctx,
      'warning',
      'UNIT_TEMPLATE_NO_INSTALL_SECTION',
      templateNoInstallSectionMessage(quoteName(template), quoteName(String(unit.name))),
      [...path, 'units', index, 'contents'],
    );
  });
}

const STRUCT_RULES: Readonly<Record<string, StructRule>> = {
  Config: validateConfig,
  Ignition: validateIgnitionSection,
  IgnitionConfig: validateIgnitionConfig,
  TLS: validateTls,
  Resource: validateResource,
  FileContents: validateResource,
  CaReference: validateCaReference,
  ConfigReference: validateConfigReference,
  HTTPHeader: validateHttpHeader,
  Proxy: validateProxy,
  Verification: validateVerification,
  Storage: validateStorage,
  Directory: validateDirectory,
  File: validateFile,
  Link: validateNode,
  NodeUser: validateNodeOwner,
  NodeGroup: validateNodeOwner,
  Disk: validateDisk,
  Partition: validatePartition,
  Filesystem: validateFilesystem,
  Luks: validateLuks,
  Custom: validateClevisCustom,
  ClevisCustom: validateClevisCustom,
  Tang: validateTang,
  Raid: validateRaid,
  Unit: validateUnit,
  Dropin: validateDropin,
  Systemd: validateSystemd,
};

// --- the walks ------------------------------------------------------------------------------------------------------

/** Whether a value of this type can hold a struct, i.e. whether the walks have anything to visit inside it. */
function holdsStruct(type: GoType): boolean {
  switch (type.kind) {
    case 'pointer':
    case 'slice':
      return holdsStruct(type.elem);
    case 'struct':
      return true;
    default:
      return false;
  }
}

/** How the validation walk treats a struct type: its rule, and the fields to enter (those that can hold structs). */
interface WalkPlan {
  readonly rule: StructRule | undefined;
  readonly fields: readonly GoStruct['fields'][number][];
  /** RAID's `devices`: a Go type (Device) whose Validate checks each path. */
  readonly devices: boolean;
}

const walkPlans = new WeakMap<GoStruct, WalkPlan>();

function walkPlanOf(type: GoStruct): WalkPlan {
  let plan = walkPlans.get(type);
  if (plan === undefined) {
    const devices = type.name === 'Raid';
    plan = {
      rule: STRUCT_RULES[type.name],
      fields: type.fields.filter((f) => holdsStruct(f.type) || (devices && f.key === 'devices')),
      devices,
    };
    walkPlans.set(type, plan);
  }
  return plan;
}

function walkValidate(ctx: Context, value: Value, type: GoType, path: ConfigPath): void {
  switch (type.kind) {
    case 'pointer':
      if (value !== undefined && value !== null) walkValidate(ctx, value, type.elem, path);
      return;
    case 'slice':
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) walkValidate(ctx, value[i], type.elem, [...path, i]);
      }
      return;
    case 'struct': {
      const v = obj(value);
      const plan = walkPlanOf(type);
      plan.rule?.(ctx, v, path);
      for (const f of plan.fields) {
        const fv = v[f.key];
        if (plan.devices && f.key === 'devices') {
          const devices = arr(fv);
          for (let i = 0; i < devices.length; i++) {
            addOutcome(ctx, validatePath(String(devices[i])), [...path, 'devices', i]);
          }
          continue;
        }
        // A nil pointer or an empty list has nothing to visit.
        if (f.type.kind === 'pointer' && (fv === undefined || fv === null)) continue;
        if (f.type.kind === 'slice' && !(Array.isArray(fv) && fv.length > 0)) continue;
        walkValidate(ctx, fv, f.type, [...path, f.key]);
      }
      return;
    }
    default:
      return;
  }
}

/** Ignition's IgnoreDuplicates: by struct, the lists whose entries may repeat (validation and merging). */
export const IGNORE_DUPLICATES: Readonly<Record<string, readonly string[]>> = {
  File: ['append'],
  Filesystem: ['options', 'mountOptions'],
  Luks: ['options'],
  Raid: ['options'],
};
/** Ignition's MergedKeys: by struct, the lists that share one set of keys, and the name of that set. */
export const MERGED_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Storage: { directories: 'Node', files: 'Node', links: 'Node' },
  KernelArguments: { shouldExist: 'KernelArgument', shouldNotExist: 'KernelArgument' },
};

/** The key Ignition identifies a list entry by (its Key() method, or the string itself). */
export function entryKey(structName: string, value: Value): string {
  if (typeof value === 'string') return value;
  const v = obj(value);
  switch (structName) {
    case 'Partition':
      if (v.number !== 0) return `number:${v.number}`;
      return defined(v.label) ? `label:${v.label}` : '';
    case 'Directory':
    case 'File':
    case 'Link':
      return String(v.path);
    case 'Disk':
    case 'Filesystem':
      return String(v.device);
    case 'Tang':
      return String(v.url);
    case 'Resource':
    case 'ConfigReference':
    case 'CaReference':
      return defined(v.source) ? String(v.source) : '';
    default:
      return String(v.name);
  }
}

function walkDuplicates(ctx: Context, value: Value, type: GoType, path: ConfigPath): void {
  switch (type.kind) {
    case 'pointer':
      if (value !== undefined && value !== null) walkDuplicates(ctx, value, type.elem, path);
      return;
    case 'slice':
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) walkDuplicates(ctx, value[i], type.elem, [...path, i]);
      }
      return;
    case 'struct': {
      const v = obj(value);
      checkDuplicates(ctx, v, type, path);
      for (const f of walkPlanOf(type).fields) {
        const fv = v[f.key];
        if (f.type.kind === 'pointer' && (fv === undefined || fv === null)) continue;
        if (f.type.kind === 'slice' && !(Array.isArray(fv) && fv.length > 0)) continue;
        walkDuplicates(ctx, fv, f.type, [...path, f.key]);
      }
      return;
    }
    default:
      return;
  }
}

/** A list field checked for duplicates: its key, the list of keys it shares, and the name of its entries' type. */
interface CheckedList {
  readonly key: string;
  readonly listName: string;
  readonly elemName: string;
}

const checkedLists = new WeakMap<GoStruct, readonly CheckedList[]>();

function listsToCheck(type: GoStruct): readonly CheckedList[] {
  let lists = checkedLists.get(type);
  if (lists === undefined) {
    const ignored = IGNORE_DUPLICATES[type.name] ?? [];
    const merged = MERGED_KEYS[type.name] ?? {};
    const found: CheckedList[] = [];
    for (const f of type.fields) {
      if (f.type.kind !== 'slice' || ignored.includes(f.key)) continue;
      const elem = f.type.elem;
      found.push({ key: f.key, listName: merged[f.key] ?? f.key, elemName: elem.kind === 'struct' ? elem.name : '' });
    }
    lists = found;
    checkedLists.set(type, lists);
  }
  return lists;
}

function checkDuplicates(ctx: Context, v: Struct, type: GoStruct, path: ConfigPath): void {
  const lists = listsToCheck(type);
  if (lists.length === 0) return;
  const seenByList = new Map<string, Set<string>>();
  for (const list of lists) {
    const items = arr(v[list.key]);
    if (items.length === 0) continue;
    let seen = seenByList.get(list.listName);
    if (seen === undefined) {
      seen = new Set<string>();
      seenByList.set(list.listName, seen);
    }
    for (let i = 0; i < items.length; i++) {
      const key = entryKey(list.elemName, items[i]);
      if (seen.has(key)) error(ctx, 'DUPLICATE_ENTRY', [...path, list.key, i]);
      seen.add(key);
    }
  }
}

/**
 * Validates a decoded config as Ignition does for its spec version: every Validate rule, then duplicate list
 * entries. Paths are in Ignition's JSON notation; unused keys need the source and come from parseIgnition.
 */
export function validateIgnition(config: AnyIgnitionConfig, version: IgnitionVersion): Report[] {
  const ctx: Context = { version, reports: [] };
  const spec = IGNITION_SPECS[version];
  walkValidate(ctx, config, spec, []);
  walkDuplicates(ctx, config, spec, []);
  return ctx.reports;
}
