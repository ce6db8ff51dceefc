import { FieldReader } from '../api/field-reader.js';
import type { InvalidField } from '../errors.js';
import type { MachineGroupInput, MachineProfileInput, NetBoot } from '../store/index.js';
import { parseConfigTemplate } from './config-template.js';
import { normalizeSelector } from './machine-labels.js';
import { hasLoneSurrogate } from './slot-value.js';

/** Largest template: Butane configs with inline files can be long, but a boot config is fetched by every boot. */
export const MAX_TEMPLATE_LENGTH = 512 * 1024;
/** Largest group metadata, as JSON. */
export const MAX_METADATA_BYTES = 64 * 1024;
const MAX_METADATA_DEPTH = 16;

const PROFILE_KEYS = ['id', 'name', 'config', 'config_format', 'boot'];
const GROUP_KEYS = ['id', 'name', 'profile', 'selector', 'metadata'];
const BOOT_KEYS = ['kernel', 'initrd', 'args'];

// One word of an iPXE `kernel` or `initrd` line: no blanks or control characters, which would split or end it.
const BOOT_WORD = /^[^\s\u0000-\u001f\u007f\u0085\u2028\u2029]+$/;

function unknownKeys(body: Readonly<Record<string, unknown>>, known: readonly string[], prefix = ''): InvalidField[] {
  return Object.keys(body)
    .filter((key) => !known.includes(key))
    .map((key) => ({ path: `${prefix}${key}`, message: `Unknown field; expected ${known.join(', ')}` }));
}

/** Ids of profiles and groups, as the store takes them: they appear in URLs, logs and iPXE scripts. */
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function readId(reader: FieldReader, pathId: string | undefined): string | undefined {
  const id = reader.string('id', { required: pathId === undefined });
  if (pathId !== undefined && id !== undefined && id !== pathId) {
    reader.invalid('id', `Does not match the id in the path (${pathId})`);
  } else if ((pathId ?? id) !== undefined && !MACHINE_ID.test((pathId ?? id)!)) {
    reader.invalid(
      'id',
      'Must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    );
  }
  return pathId ?? id;
}

function bootInput(body: unknown, errors: InvalidField[]): NetBoot | null | undefined {
  if (body === null) return null;
  if (typeof body !== 'object' || Array.isArray(body)) {
    errors.push({ path: 'boot', message: 'Expected an object with kernel, initrd and args, or null' });
    return undefined;
  }
  const fields = body as Record<string, unknown>;
  errors.push(...unknownKeys(fields, BOOT_KEYS, 'boot.'));
  const reader = new FieldReader(fields, errors, 'boot.');
  const kernel = reader.string('kernel', { required: true, maxLength: 2048 });
  const initrd = reader.strings('initrd') ?? [];
  const args = reader.strings('args') ?? [];
  if (kernel !== undefined && !BOOT_WORD.test(kernel)) reader.invalid('kernel', 'Must be a URL without blanks');
  if (initrd.length > 8) reader.invalid('initrd', 'At most 8 images');
  if (args.length > 64) reader.invalid('args', 'At most 64 arguments');
  initrd.forEach((url, index) => {
    if (!BOOT_WORD.test(url) || url.length > 2048) reader.invalid(`initrd.${index}`, 'Must be a URL without blanks');
  });
  args.forEach((arg, index) => {
    if (!BOOT_WORD.test(arg) || arg.length > 1024) {
      reader.invalid(`args.${index}`, 'Each argument is one word without blanks (at most 1024 characters)');
    }
  });
  return kernel === undefined ? undefined : { kernel, initrd, args };
}

/**
 * Reads a machine profile from a JSON body (`id`, `name`, `config`, `config_format`, `boot`), naming every bad
 * field; a template's syntax errors are reported on `config` with their line and column.
 */
export function machineProfileInput(
  body: Readonly<Record<string, unknown>>,
  options: { readonly id?: string } = {},
): MachineProfileInput {
  const errors = unknownKeys(body, PROFILE_KEYS);
  const reader = new FieldReader(body, errors);
  const id = readId(reader, options.id);
  const name = reader.string('name', { maxLength: 256 });
  const config = reader.string('config', { required: true, maxLength: MAX_TEMPLATE_LENGTH });
  const format = reader.string('config_format');
  if (format !== undefined && format !== 'butane' && format !== 'ignition') {
    reader.invalid('config_format', 'Must be butane or ignition');
  }
  if (config !== undefined) {
    for (const report of parseConfigTemplate(config).reports) {
      reader.invalid('config', `${report.line}:${report.column}: ${report.message}`);
    }
  }
  const boot = reader.has('boot') ? bootInput(body.boot, errors) : undefined;
  reader.done();
  return {
    id: id!,
    config: config!,
    ...(name !== undefined && { name }),
    ...(format !== undefined && { configFormat: format as 'butane' | 'ignition' }),
    ...(boot !== undefined && { boot }),
  };
}

function metadataErrors(value: unknown, path: string, depth: number, errors: InvalidField[]): void {
  if (errors.length >= 20) return;
  if (depth > MAX_METADATA_DEPTH) {
    errors.push({ path, message: `Nested deeper than ${MAX_METADATA_DEPTH} levels` });
    return;
  }
  if (typeof value === 'string') {
    if (hasLoneSurrogate(value)) errors.push({ path, message: 'Has an unpaired UTF-16 surrogate' });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) metadataErrors(item, `${path}.${index}`, depth + 1, errors);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (hasLoneSurrogate(key)) errors.push({ path: `${path}.${key}`, message: 'Has an unpaired UTF-16 surrogate' });
      metadataErrors(item, `${path}.${key}`, depth + 1, errors);
    }
  }
}

/**
 * Reads a machine group from a JSON body (`id`, `name`, `profile`, `selector`, `metadata`), naming every bad field;
 * the selector comes back normalised (see {@link normalizeSelector}).
 */
export function machineGroupInput(
  body: Readonly<Record<string, unknown>>,
  options: { readonly id?: string } = {},
): MachineGroupInput {
  const errors = unknownKeys(body, GROUP_KEYS);
  const reader = new FieldReader(body, errors);
  const id = readId(reader, options.id);
  const name = reader.string('name', { maxLength: 256 });
  const profileId = reader.string('profile', { required: true, nonEmpty: true, maxLength: 64 });
  let selector: Record<string, string> | undefined;
  const rawSelector = reader.object('selector', { nullable: true });
  if (rawSelector !== undefined && rawSelector !== null) {
    const normalized = normalizeSelector(body.selector as Record<string, unknown>);
    errors.push(...normalized.errors);
    selector = normalized.selector;
  }
  let metadata: Record<string, unknown> | undefined;
  const rawMetadata = reader.object('metadata', { nullable: true });
  if (rawMetadata !== undefined && rawMetadata !== null) {
    metadata = body.metadata as Record<string, unknown>;
    if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
      reader.invalid('metadata', `Larger than ${MAX_METADATA_BYTES / 1024} KiB as JSON`);
    } else {
      if (Object.hasOwn(metadata, 'request')) {
        reader.invalid('metadata.request', '"request" is reserved: templates see the boot request under that name');
      }
      metadataErrors(metadata, 'metadata', 0, errors);
    }
  }
  reader.done();
  return {
    id: id!,
    profileId: profileId!,
    ...(name !== undefined && { name }),
    ...(selector !== undefined && { selector }),
    ...(metadata !== undefined && { metadata }),
  };
}
