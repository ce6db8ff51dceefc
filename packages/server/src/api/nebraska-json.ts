// The store's model as Nebraska's server writes it: snake_case keys, nulls where Go writes null, Go's time format.
// Ballast's own fields (maintenance windows, failure halt, canary gate, downgrades, SHA-256) are added beside
// Nebraska's under keys of the same style; a Nebraska client ignores them.
import type {
  Activity,
  ApiToken,
  ApplicationDetails,
  Channel,
  ExtraFile,
  FlatcarAction,
  Group,
  Instance,
  InstanceStatusHistoryEntry,
  InstancesStatusStats,
  Package,
  StatusTimelinePoint,
  VersionBreakdownEntry,
  VersionTimelinePoint,
} from '../store/index.js';

/** JSON as the API writes it. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A time as Go's encoding/json writes a UTC time.Time: RFC 3339 with the fraction's trailing zeros cut. */
export function goTime(date: Date): string {
  const iso = date.toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

function goTimeOrNull(date: Date | null): string | null {
  return date === null ? null : goTime(date);
}

/** Nebraska's flatcar_action object. */
export function flatcarActionJson(action: FlatcarAction): JsonObject {
  return {
    id: action.id,
    event: action.event,
    chromeos_version: action.chromeosVersion,
    sha256: action.sha256,
    needs_admin: action.needsAdmin,
    is_delta: action.isDelta,
    disable_payload_backoff: action.disablePayloadBackoff,
    metadata_signature_rsa: action.metadataSignatureRsa,
    metadata_size: action.metadataSize,
    deadline: action.deadline,
    created_ts: goTime(action.createdAt),
  };
}

function extraFileJson(file: ExtraFile, packageId: string): JsonObject {
  return {
    id: file.id,
    package_id: packageId,
    name: file.name,
    size: file.size,
    hash: file.hash,
    hash256: file.hash256,
    created_ts: goTime(file.createdAt),
  };
}

/** Nebraska's package object, plus `hash_sha256`. */
export function packageJson(pkg: Package): JsonObject {
  return {
    id: pkg.id,
    type: pkg.type,
    version: pkg.version,
    url: pkg.url,
    filename: pkg.filename,
    description: pkg.description,
    size: pkg.size,
    hash: pkg.hash,
    hash_sha256: pkg.hashSha256,
    created_ts: goTime(pkg.createdAt),
    channels_blacklist: [...pkg.channelsBlacklist],
    application_id: pkg.appId,
    flatcar_action: pkg.flatcarAction ? flatcarActionJson(pkg.flatcarAction) : null,
    arch: pkg.arch,
    extra_files: pkg.extraFiles.map((file) => extraFileJson(file, pkg.id)),
  };
}

/** Nebraska's channel object, plus `allow_downgrade`. */
export function channelJson(channel: Channel): JsonObject {
  return {
    id: channel.id,
    name: channel.name,
    color: channel.color,
    created_ts: goTime(channel.createdAt),
    application_id: channel.appId,
    package_id: channel.packageId,
    package: channel.package ? packageJson(channel.package) : null,
    arch: channel.arch,
    allow_downgrade: channel.allowDowngrade,
  };
}

/** Nebraska's group object (`channel` left out when there is none, as Go's omitempty does), plus Ballast's policies. */
export function groupJson(group: Group): JsonObject {
  const json: JsonObject = {
    id: group.id,
    name: group.name,
    description: group.description,
    created_ts: goTime(group.createdAt),
    rollout_in_progress: group.rolloutInProgress,
    application_id: group.appId,
    channel_id: group.channelId,
    policy_updates_enabled: group.policyUpdatesEnabled,
    policy_safe_mode: group.policySafeMode,
    policy_office_hours: group.policyOfficeHours,
    policy_timezone: group.policyTimezone,
    policy_period_interval: group.policyPeriodInterval,
    policy_max_updates_per_period: group.policyMaxUpdatesPerPeriod,
    policy_update_timeout: group.policyUpdateTimeout,
  };
  if (group.channel) json.channel = channelJson(group.channel);
  json.track = group.track;
  json.maintenance_windows = [...group.maintenanceWindows];
  json.failure_halt_threshold = group.failureHaltThreshold;
  json.canary_group_id = group.canaryGroupId;
  json.canary_success_share = group.canarySuccessShare;
  json.paused_reason = group.pausedReason;
  json.paused_ts = goTimeOrNull(group.pausedAt);
  return json;
}

/** Nebraska's application object with its groups, channels and instance count. */
export function applicationJson(app: ApplicationDetails): JsonObject {
  return {
    id: app.id,
    product_id: app.productId,
    name: app.name,
    description: app.description,
    created_ts: goTime(app.createdAt),
    groups: app.groups.map(groupJson),
    channels: app.channels.map(channelJson),
    instances: { count: app.instanceCount },
  };
}

/** Nebraska's nested instance object: `application.status` is the numeric status, null until one is recorded. */
export function instanceJson(instance: Instance): JsonObject {
  const json: JsonObject = { id: instance.id, ip: instance.ip };
  // Nebraska leaves empty strings out (omitempty); so do we.
  if (instance.oem !== '') json.oem = instance.oem;
  if (instance.oemVersion !== '') json.oem_version = instance.oemVersion;
  if (instance.alephVersion !== '') json.aleph_version = instance.alephVersion;
  json.created_ts = goTime(instance.createdAt);
  const app = instance.application;
  json.application = {
    instance_id: instance.id,
    application_id: app.appId,
    group_id: app.groupId,
    version: app.version,
    created_ts: goTime(app.createdAt),
    status: app.status,
    last_check_for_updates: goTime(app.lastCheckForUpdates),
    last_update_granted_ts: goTimeOrNull(app.lastUpdateGrantedAt),
    last_update_version: app.lastUpdateVersion,
    update_in_progress: app.updateInProgress,
  };
  if (instance.alias !== '') json.alias = instance.alias;
  return json;
}

/** One entry of an instance's status history. */
export function statusHistoryJson(entry: InstanceStatusHistoryEntry): JsonObject {
  return {
    status: entry.status,
    version: entry.version ?? '',
    created_ts: goTime(entry.createdAt),
    error_code: entry.errorCode,
  };
}

/** An activity entry; Nebraska writes its id as a string. */
export function activityJson(activity: Activity): JsonObject {
  return {
    id: String(activity.id),
    app_id: activity.appId,
    group_id: activity.groupId,
    created_ts: goTime(activity.createdAt),
    class: activity.class,
    severity: activity.severity,
    version: activity.version,
    application_name: activity.applicationName,
    group_name: activity.groupName,
    channel_name: activity.channelName,
    instance_id: activity.instanceId,
  };
}

/** Nebraska's instances_stats object. */
export function instancesStatsJson(stats: InstancesStatusStats): JsonObject {
  return {
    total: stats.total,
    undefined: stats.undefined,
    update_granted: stats.updateGranted,
    error: stats.error,
    complete: stats.complete,
    installed: stats.installed,
    downloaded: stats.downloaded,
    downloading: stats.downloading,
    onhold: stats.onHold,
  };
}

/** The version breakdown as Nebraska writes it: an array, empty rather than null. */
export function versionBreakdownJson(entries: readonly VersionBreakdownEntry[]): Json[] {
  return entries.map((entry) => ({ version: entry.version, instances: entry.instances, percentage: entry.percentage }));
}

/** The version timeline: a map from time to instance counts per version (Go's map[time.Time]map[string]uint64). */
export function versionTimelineJson(points: readonly VersionTimelinePoint[]): JsonObject {
  return Object.fromEntries(points.map((point) => [goTime(point.time), { ...point.versions }]));
}

/** The status timeline: time to status to version to count (Go's map[time.Time]map[int]map[string]uint64). */
export function statusTimelineJson(points: readonly StatusTimelinePoint[]): JsonObject {
  return Object.fromEntries(
    points.map((point) => [
      goTime(point.time),
      Object.fromEntries(Object.entries(point.statuses).map(([status, versions]) => [status, { ...versions }])),
    ]),
  );
}

/** An API token as listed: never its secret. */
export function apiTokenJson(token: ApiToken): JsonObject {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    created_ts: goTime(token.createdAt),
    last_used_ts: goTimeOrNull(token.lastUsedAt),
  };
}
