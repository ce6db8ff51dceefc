// Request bodies, in Nebraska's snake_case, to the store's inputs. Every field is type-checked here and each bad one
// named; the store then checks meaning (intervals, time zones, versions) and names its fields the same way.
import type {
  ApplicationInput,
  Arch,
  ChannelInput,
  ExtraFileInput,
  FlatcarActionInput,
  GroupInput,
  PackageInput,
  PackageType,
} from '../store/index.js';
import { FieldReader } from './field-reader.js';

type Loose<T> = { -readonly [K in keyof T]?: T[K] | undefined };

/** Drops undefined values, so optional properties are absent rather than undefined (exactOptionalPropertyTypes). */
function compact<T>(value: Loose<T>): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Whether a request creates (required fields enforced) or changes (only the keys sent). */
export type InputMode = 'create' | 'update';

/** An empty string means "none" in Nebraska's requests for optional references and strings. */
function emptyToNull(value: string | null | undefined): string | null | undefined {
  return value === '' ? null : value;
}

/** An application from `{name, description, product_id}`. */
export function applicationInput(body: Record<string, unknown>, mode: InputMode): ApplicationInput {
  const read = new FieldReader(body);
  const input = compact<ApplicationInput>({
    name: read.string('name', { required: mode === 'create', nonEmpty: true }),
    description: read.string('description'),
    productId: emptyToNull(read.nullableString('product_id')),
  });
  read.done();
  return input;
}

/** A group from Nebraska's groupConfig, plus Ballast's maintenance windows, failure halt and canary gate. */
export function groupInput(body: Record<string, unknown>, mode: InputMode): GroupInput {
  const read = new FieldReader(body);
  const input = compact<GroupInput>({
    name: read.string('name', { required: mode === 'create', nonEmpty: true, maxLength: 50 }),
    description: read.string('description', { maxLength: 250 }),
    track: read.string('track', { maxLength: 256 }),
    channelId: emptyToNull(read.nullableString('channel_id')),
    policyUpdatesEnabled: read.boolean('policy_updates_enabled'),
    policySafeMode: read.boolean('policy_safe_mode'),
    policyOfficeHours: read.boolean('policy_office_hours'),
    policyTimezone: emptyToNull(read.nullableString('policy_timezone')),
    policyPeriodInterval: read.string('policy_period_interval'),
    policyMaxUpdatesPerPeriod: read.integer('policy_max_updates_per_period') ?? undefined,
    policyUpdateTimeout: read.string('policy_update_timeout'),
    maintenanceWindows: read.strings('maintenance_windows', { nullable: true }),
    failureHaltThreshold: read.number('failure_halt_threshold', { nullable: true }),
    canaryGroupId: emptyToNull(read.nullableString('canary_group_id')),
    canarySuccessShare: read.number('canary_success_share', { nullable: true }),
  });
  // An empty track means "the group's id" to Nebraska, which is what the store does when none is given.
  if (input.track === '') delete (input as { track?: string }).track;
  read.done();
  return input;
}

/** A channel from Nebraska's channelConfig, plus `allow_downgrade`. */
export function channelInput(body: Record<string, unknown>, mode: InputMode): ChannelInput {
  const read = new FieldReader(body);
  const input = compact<ChannelInput>({
    name: read.string('name', { required: mode === 'create', nonEmpty: true, maxLength: 50 }),
    color: read.string('color'),
    arch: (read.integer('arch', { min: 0 }) ?? undefined) as Arch | undefined,
    packageId: emptyToNull(read.nullableString('package_id')),
    allowDowngrade: read.boolean('allow_downgrade'),
  });
  read.done();
  return input;
}

function flatcarActionInput(read: FieldReader): FlatcarActionInput | undefined {
  const sha256 = read.string('sha256', { required: true });
  const action = compact<FlatcarActionInput>({
    sha256,
    event: read.string('event'),
    chromeosVersion: read.string('chromeos_version'),
    needsAdmin: read.boolean('needs_admin'),
    isDelta: read.boolean('is_delta'),
    disablePayloadBackoff: read.boolean('disable_payload_backoff'),
    metadataSignatureRsa: read.string('metadata_signature_rsa'),
    metadataSize: read.string('metadata_size'),
    deadline: read.string('deadline'),
  });
  // Nebraska's clients send the action's `id` back on update; it names nothing the store needs.
  read.string('id');
  return sha256 === undefined ? undefined : action;
}

function extraFileInput(read: FieldReader): ExtraFileInput {
  return compact<ExtraFileInput>({
    id: read.integer('id', { min: 1 }) ?? undefined,
    name: read.string('name', { required: true }),
    size: emptyToNull(read.nullableString('size')),
    hash: emptyToNull(read.nullableString('hash')),
    hash256: emptyToNull(read.nullableString('hash256')),
  });
}

/** A package from Nebraska's packageConfig (`flatcar_action`, `extra_files`, ...), plus `hash_sha256`. */
export function packageInput(body: Record<string, unknown>, mode: InputMode): PackageInput {
  const read = new FieldReader(body);
  const action = read.object('flatcar_action', { nullable: true });
  const files = read.objects('extra_files', { nullable: true });
  const input = compact<PackageInput>({
    type: (read.integer('type', { min: 1 }) ?? undefined) as PackageType | undefined,
    version: read.string('version', { required: mode === 'create', nonEmpty: true }),
    arch: (read.integer('arch', { min: 0 }) ?? undefined) as Arch | undefined,
    url: read.string('url', { required: mode === 'create' }),
    filename: read.nullableString('filename'),
    description: read.nullableString('description'),
    size: emptyToNull(read.nullableString('size')),
    hash: emptyToNull(read.nullableString('hash')),
    hashSha256: emptyToNull(read.nullableString('hash_sha256')),
    flatcarAction: action === null ? null : action ? flatcarActionInput(action) : undefined,
    extraFiles: files?.map(extraFileInput),
    channelsBlacklist: read.strings('channels_blacklist', { nullable: true }),
  });
  // Nebraska's clients send the application id in the body too; the path decides, a different one is a mistake.
  read.string('application_id');
  read.done();
  return input;
}

/** Nebraska's updateInstanceConfig: `{alias}`. */
export function aliasInput(body: Record<string, unknown>): string {
  const read = new FieldReader(body);
  const alias = read.string('alias', { required: true, maxLength: 256 });
  read.done();
  return alias ?? '';
}

/** A new API token: `{name, role}`. */
export function apiTokenInput(body: Record<string, unknown>): { name: string; role: 'admin' | 'viewer' } {
  const read = new FieldReader(body);
  const name = read.string('name', { required: true, nonEmpty: true, maxLength: 100 });
  const role = read.string('role', { required: true });
  if (role !== undefined && role !== 'admin' && role !== 'viewer') read.invalid('role', 'Must be "admin" or "viewer"');
  read.done();
  return { name: name ?? '', role: role as 'admin' | 'viewer' };
}
