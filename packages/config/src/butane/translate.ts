import type { ConfigPath, Report } from '../report.js';
import { goStringFromBytes } from '../schema/go-text.js';
import { isNilSlice, markNonNil, zeroOf } from '../schema/go-value.js';
import type { GoStruct, GoType } from '../schema/model.js';
import { butaneMessages } from './errors.js';
import { type FilesDir, readLocalFile } from './files-dir.js';
import { camel, ignitionShape, isButaneOnly } from './ignition-shape.js';
import { mergeMountUnits } from './merge-units.js';
import { mountUnit } from './mount-unit.js';
import { TranslationSet } from './translation-set.js';
import { processTrees } from './trees.js';
import { butaneReport } from './validate.js';

const encoder = new TextEncoder();

/** Encodes file contents as a data URL the way Butane picks one; `compression` undefined means "leave it alone". */
export type DataUrlMaker = (
  contents: Uint8Array,
  options: { compression: string | undefined; allowCompression: boolean },
) => { url: string; compression: string | undefined };

/** What the translation needs besides the config. */
export interface TranslateOptions {
  readonly ignitionVersion: string;
  readonly makeDataUrl: DataUrlMaker;
  readonly filesDir?: FilesDir | undefined;
}

/** An Ignition config as plain data, keyed by Ignition's JSON keys and zero-filled like a Go value. */
export type IgnitionValue = Record<string, unknown>;

/** The result of translating a valid Butane config: the Ignition config, where each part came from, and findings. */
export interface TranslateResult {
  readonly config: IgnitionValue | undefined;
  readonly translations: TranslationSet;
  readonly reports: Report[];
}

interface Context extends TranslateOptions {
  readonly shape: GoStruct;
  readonly ts: TranslationSet;
  readonly reports: Report[];
}

/**
 * Translates a decoded Butane config (base v0_4 or v0_5) into an Ignition config as Butane's
 * `ToIgn3_xUnvalidated` does: field for field, with the sugar (inline/local contents, `contents_local`,
 * `ssh_authorized_keys_local`, mount units, trees) expanded. Reports carry Butane (YAML) paths.
 */
export function translateConfig(
  spec: GoStruct,
  config: Record<string, unknown>,
  options: TranslateOptions,
): TranslateResult {
  const ctx: Context = { ...options, shape: ignitionShape(spec), ts: new TranslationSet(), reports: [] };
  const out: IgnitionValue = {};
  // The root is Butane's Config: its own fields (version, variant) are not Ignition's.
  for (const f of planOf(spec, 'Config').fields) {
    out[f.ignitionKey] = translateValue(f.type, config[f.key], [f.key], [f.ignitionKey], ctx);
    if (f.key === 'ignition') {
      (out.ignition as IgnitionValue).version = options.ignitionVersion;
      ctx.ts.add(['version'], ['ignition', 'version']);
      ctx.ts.add(['ignition'], ['ignition']);
    }
  }

  const storage = config.storage as Record<string, unknown>;
  const filesystems = (storage.filesystems ?? []) as Record<string, unknown>[];
  if (filesystems.length > 0) addMountUnits(storage, out, ctx);
  processTrees(storage, out, ctx);

  const fatal = ctx.reports.some((r) => r.severity === 'error');
  return { config: fatal ? undefined : out, translations: ctx.ts, reports: ctx.reports };
}

/** A Butane field as the translation copies it: its key on both sides and its type. */
interface FieldPlan {
  readonly key: string;
  readonly ignitionKey: string;
  readonly type: GoType;
}

/** How a Butane struct becomes its Ignition shape, worked out once per struct. */
interface StructPlan {
  readonly name: string;
  readonly fields: readonly FieldPlan[];
  /** Fields only the Ignition shape has (Ignition's `version`), set to their zero value. */
  readonly ignitionOnly: readonly { readonly key: string; readonly type: GoType }[];
  readonly custom: boolean;
}

const plans = new WeakMap<GoStruct, StructPlan>();

function planOf(type: GoStruct, name = type.name): StructPlan {
  const hit = plans.get(type);
  if (hit !== undefined) return hit;
  const fields: FieldPlan[] = [];
  for (const f of type.fields) {
    if (!isButaneOnly(name, f.key)) fields.push({ key: f.key, ignitionKey: camel(f.key), type: f.type });
  }
  const taken = new Set(fields.map((f) => f.ignitionKey));
  const ignitionOnly = ignitionShape(type).fields.filter((f) => !taken.has(f.key));
  const plan: StructPlan = { name, fields, ignitionOnly, custom: hasCustomTranslator(type) };
  plans.set(type, plan);
  return plan;
}

/**
 * The Ignition fields of a struct, in the Ignition shape's order, each translated from its Butane field; Butane's
 * translator visits them in this order, which decides which translation wins.
 */
function translateFields(
  plan: StructPlan,
  value: Record<string, unknown>,
  from: ConfigPath,
  to: ConfigPath,
  ctx: Context,
): IgnitionValue {
  const out: IgnitionValue = {};
  for (const f of plan.fields) {
    const v = value[f.key];
    const kind = f.type.kind;
    // Nil pointers and nil slices translate to themselves and record nothing: no paths needed.
    if (kind === 'pointer' && (v === undefined || v === null)) out[f.ignitionKey] = undefined;
    else if (kind === 'slice' && (!Array.isArray(v) || isNilSlice(v))) out[f.ignitionKey] = [];
    else out[f.ignitionKey] = translateValue(f.type, v, [...from, f.key], [...to, f.ignitionKey], ctx);
  }
  for (const f of plan.ignitionOnly) out[f.key] = zeroOf(f.type);
  return out;
}

// Butane's translator (translate/translate.go): a primitive always gets a translation, a nil pointer or nil slice
// none, a non-nil slice one after its items, a struct one when it is non-zero or, for the types with a custom
// translator, when that translator recorded anything. Later entries for the same output path win, so the order here
// follows Butane's.
function translateValue(type: GoType, value: unknown, from: ConfigPath, to: ConfigPath, ctx: Context): unknown {
  switch (type.kind) {
    case 'pointer':
      return value === undefined || value === null ? undefined : translateValue(type.elem, value, from, to, ctx);
    case 'slice': {
      if (!Array.isArray(value) || isNilSlice(value)) return [];
      const result = value.map((item, i) => translateValue(type.elem, item, [...from, i], [...to, i], ctx));
      // Only an empty list can be taken for nil.
      if (result.length === 0) markNonNil(result);
      ctx.ts.add(from, to);
      return result;
    }
    case 'struct': {
      const before = ctx.ts.additions;
      const record = (value ?? {}) as Record<string, unknown>;
      const plan = planOf(type);
      const out = translateStruct(plan, record, from, to, ctx);
      if (plan.custom ? ctx.ts.additions > before : !isZeroValue(type, record)) ctx.ts.add(from, to);
      return out;
    }
    default:
      ctx.ts.add(from, to);
      return value;
  }
}

// The types Butane translates with a function of its own (base/v0_4 and v0_5 translate.go); PasswdUser, Unit and
// Dropin only in v0_5, which is when they gained their local-file fields.
function hasCustomTranslator(type: GoStruct): boolean {
  switch (type.name) {
    case 'Ignition':
    case 'File':
    case 'Directory':
    case 'Link':
    case 'Resource':
      return true;
    case 'PasswdUser':
    case 'Unit':
    case 'Dropin':
      return type.fields.some((f) => f.key === 'ssh_authorized_keys_local' || f.key === 'contents_local');
    default:
      return false;
  }
}

/** Go's `reflect.Value.IsZero` over a decoded Butane value. */
function isZeroValue(type: GoType, value: unknown): boolean {
  switch (type.kind) {
    case 'pointer':
      return value === undefined || value === null;
    case 'slice':
      return !Array.isArray(value) || isNilSlice(value);
    case 'struct': {
      const record = (value ?? {}) as Record<string, unknown>;
      for (const f of type.fields) if (!isZeroValue(f.type, record[f.key])) return false;
      return true;
    }
    default:
      return value === undefined || value === '' || value === 0 || value === false;
  }
}

function translateStruct(
  plan: StructPlan,
  value: Record<string, unknown>,
  from: ConfigPath,
  to: ConfigPath,
  ctx: Context,
): IgnitionValue {
  const out = translateFields(plan, value, from, to, ctx);
  switch (plan.name) {
    case 'Resource':
      translateResourceSugar(value, out, from, to, ctx);
      break;
    case 'PasswdUser':
      translateLocalSshKeys(value, out, from, to, ctx);
      break;
    case 'Unit':
    case 'Dropin':
      translateContentsLocal(value, out, from, to, ctx);
      break;
  }
  return out;
}

function translateResourceSugar(
  value: Record<string, unknown>,
  out: IgnitionValue,
  from: ConfigPath,
  to: ConfigPath,
  ctx: Context,
): void {
  const embed = (contents: Uint8Array, field: 'local' | 'inline') => {
    const made = ctx.makeDataUrl(contents, {
      compression: out.compression as string | undefined,
      allowCompression: true,
    });
    out.source = made.url;
    ctx.ts.add([...from, field], [...to, 'source']);
    if (made.compression !== undefined) {
      out.compression = made.compression;
      ctx.ts.add([...from, field], [...to, 'compression']);
    }
  };
  if (typeof value.local === 'string') {
    const read = readLocalFile(value.local, ctx.filesDir);
    if (!read.ok) {
      ctx.reports.push(localReadReport(read, [...from, 'local']));
      return;
    }
    embed(read.contents, 'local');
  }
  if (typeof value.inline === 'string') embed(encoder.encode(value.inline), 'inline');
}

function translateLocalSshKeys(
  value: Record<string, unknown>,
  out: IgnitionValue,
  from: ConfigPath,
  to: ConfigPath,
  ctx: Context,
): void {
  const files = (value.ssh_authorized_keys_local ?? []) as string[];
  if (files.length === 0) return;
  const c = [...from, 'ssh_authorized_keys_local'];
  ctx.ts.add(c, [...to, 'sshAuthorizedKeys']);
  if (ctx.filesDir === undefined) {
    ctx.reports.push(butaneReport('NO_FILES_DIR', c));
    return;
  }
  const keys = out.sshAuthorizedKeys as string[];
  files.forEach((file, i) => {
    const read = readLocalFile(file, ctx.filesDir);
    if (!read.ok) {
      ctx.reports.push(localReadReport(read, [...c, i]));
      return;
    }
    for (const line of goStringFromBytes(read.contents).split(/\r?\n/)) {
      if (line === '') continue;
      ctx.ts.add([...c, i], [...to, 'sshAuthorizedKeys', keys.length]);
      keys.push(line);
    }
  });
}

function translateContentsLocal(
  value: Record<string, unknown>,
  out: IgnitionValue,
  from: ConfigPath,
  to: ConfigPath,
  ctx: Context,
): void {
  const local = value.contents_local;
  if (typeof local !== 'string' || local === '') return;
  const c = [...from, 'contents_local'];
  const read = readLocalFile(local, ctx.filesDir);
  if (!read.ok) {
    ctx.reports.push(localReadReport(read, c));
    return;
  }
  ctx.ts.add(c, [...to, 'contents']);
  out.contents = goStringFromBytes(read.contents);
}

/** The report for a local file that could not be read, worded as Butane (or Go's os package) words it. */
export function localReadReport(
  read: { code: 'NO_FILES_DIR' | 'FILES_DIR_ESCAPE' | 'LOCAL_FILE_READ'; message?: string },
  path: ConfigPath,
): Report {
  if (read.code === 'LOCAL_FILE_READ') {
    return { severity: 'error', code: read.code, message: read.message ?? 'read failed', path };
  }
  return { severity: 'error', code: read.code, message: butaneMessages[read.code], path };
}

function addMountUnits(storage: Record<string, unknown>, out: IgnitionValue, ctx: Context): void {
  const filesystems = storage.filesystems as Record<string, unknown>[];
  const luks = (storage.luks ?? []) as { name: string; clevis: { tang: unknown[] } }[];
  const rendered: { unit: IgnitionValue; from: ConfigPath }[] = [];
  filesystems.forEach((fs, i) => {
    if (fs.with_mount_unit !== true) return;
    const device = fs.device as string;
    // A filesystem on a Tang-backed LUKS volume needs the network, so its unit waits for remote-fs.
    const remote =
      (device.startsWith('/dev/mapper/') || device.startsWith('/dev/disk/by-id/dm-name-')) &&
      luks.some(
        (l) =>
          (device === `/dev/mapper/${l.name}` || device === `/dev/disk/by-id/dm-name-${l.name}`) &&
          l.clevis.tang.length > 0,
      );
    const unit = mountUnit(
      {
        device,
        format: fs.format as string,
        path: fs.path as string | undefined,
        mount_options: (fs.mount_options ?? []) as string[],
      },
      remote,
    );
    rendered.push({
      unit: { contents: unit.contents, dropins: [], enabled: true, mask: undefined, name: unit.name },
      from: ['storage', 'filesystems', i, 'with_mount_unit'],
    });
  });
  mergeMountUnits(ctx.shape, rendered, out, ctx.ts);
}
