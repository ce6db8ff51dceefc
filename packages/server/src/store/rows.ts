import type { Selectable } from 'kysely';
import type {
  Activity,
  ActivityClass,
  ActivitySeverity,
  ApiToken,
  ApiTokenRole,
  Application,
  Arch,
  Channel,
  ExtraFile,
  FlatcarAction,
  Group,
  Instance,
  InstanceEvent,
  InstanceStatus,
  Package,
  PackageType,
} from './model.js';
import type {
  ActivityTable,
  ApiTokenTable,
  ApplicationTable,
  ChannelTable,
  EventTable,
  FlatcarActionTable,
  GroupTable,
  InstanceApplicationTable,
  InstanceTable,
  PackageFileTable,
  PackageTable,
} from './schema.js';

// Row mappers: database rows (snake_case, dialect-shaped values) to the domain model.

/** A timestamp as either dialect returns it. */
export function toDate(value: Date | number | string): Date {
  return value instanceof Date ? value : new Date(typeof value === 'string' ? value : Number(value));
}

/** A nullable timestamp as either dialect returns it. */
export function toDateOrNull(value: Date | number | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A boolean as either dialect returns it. */
export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

export function toApplication(row: Selectable<ApplicationTable>): Application {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    productId: row.product_id,
    createdAt: toDate(row.created_ts),
  };
}

export function toFlatcarAction(row: Selectable<FlatcarActionTable>): FlatcarAction {
  return {
    id: row.id,
    event: row.event,
    chromeosVersion: row.chromeos_version,
    sha256: row.sha256,
    needsAdmin: toBool(row.needs_admin),
    isDelta: toBool(row.is_delta),
    disablePayloadBackoff: toBool(row.disable_payload_backoff),
    metadataSignatureRsa: row.metadata_signature_rsa,
    metadataSize: row.metadata_size,
    deadline: row.deadline,
    createdAt: toDate(row.created_ts),
  };
}

export function toExtraFile(row: Selectable<PackageFileTable>): ExtraFile {
  return {
    id: Number(row.id),
    name: row.name,
    size: row.size,
    hash: row.hash,
    hash256: row.hash256,
    createdAt: toDate(row.created_ts),
  };
}

export function toPackage(
  row: Selectable<PackageTable>,
  extras: {
    flatcarAction: FlatcarAction | null;
    extraFiles: readonly ExtraFile[];
    channelsBlacklist: readonly string[];
  },
): Package {
  return {
    id: row.id,
    appId: row.application_id,
    type: row.type as PackageType,
    version: row.version,
    arch: row.arch as Arch,
    url: row.url,
    filename: row.filename,
    description: row.description,
    size: row.size,
    hash: row.hash,
    hashSha256: row.hash_sha256,
    flatcarAction: extras.flatcarAction,
    extraFiles: extras.extraFiles,
    channelsBlacklist: extras.channelsBlacklist,
    createdAt: toDate(row.created_ts),
  };
}

export function toChannel(row: Selectable<ChannelTable>, pkg: Package | null): Channel {
  return {
    id: row.id,
    appId: row.application_id,
    name: row.name,
    color: row.color,
    arch: row.arch as Arch,
    packageId: row.package_id,
    package: pkg,
    allowDowngrade: toBool(row.allow_downgrade),
    createdAt: toDate(row.created_ts),
  };
}

function parseWindows(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function toGroup(row: Selectable<GroupTable>, channel: Channel | null): Group {
  return {
    id: row.id,
    appId: row.application_id,
    name: row.name,
    description: row.description,
    track: row.track,
    channelId: row.channel_id,
    channel,
    rolloutInProgress: toBool(row.rollout_in_progress),
    policyUpdatesEnabled: toBool(row.policy_updates_enabled),
    policySafeMode: toBool(row.policy_safe_mode),
    policyOfficeHours: toBool(row.policy_office_hours),
    policyTimezone: row.policy_timezone,
    policyPeriodInterval: row.policy_period_interval,
    policyMaxUpdatesPerPeriod: Number(row.policy_max_updates_per_period),
    policyUpdateTimeout: row.policy_update_timeout,
    maintenanceWindows: parseWindows(row.maintenance_windows),
    failureHaltThreshold: row.failure_halt_threshold === null ? null : Number(row.failure_halt_threshold),
    canaryGroupId: row.canary_group_id,
    canarySuccessShare: row.canary_success_share === null ? null : Number(row.canary_success_share),
    pausedReason: row.paused_reason,
    pausedAt: toDateOrNull(row.paused_ts),
    resumedAt: toDateOrNull(row.resumed_ts),
    createdAt: toDate(row.created_ts),
  };
}

/** An instance row joined with its application row; the application columns carry an `ia_` prefix. */
export type InstanceRow = Selectable<InstanceTable> & {
  ia_application_id: string;
  ia_group_id: string | null;
  ia_version: string;
  ia_status: number | null;
  ia_created_ts: Selectable<InstanceApplicationTable>['created_ts'];
  ia_last_check_for_updates: Selectable<InstanceApplicationTable>['last_check_for_updates'];
  ia_last_update_granted_ts: Selectable<InstanceApplicationTable>['last_update_granted_ts'];
  ia_last_update_version: string | null;
  ia_update_in_progress: Selectable<InstanceApplicationTable>['update_in_progress'];
};

export function toInstance(row: InstanceRow): Instance {
  return {
    id: row.id,
    ip: row.ip,
    alias: row.alias,
    oem: row.oem,
    oemVersion: row.oem_version,
    alephVersion: row.aleph_version,
    createdAt: toDate(row.created_ts),
    lastSeenAt: toDate(row.last_seen_ts),
    application: {
      appId: row.ia_application_id,
      groupId: row.ia_group_id,
      version: row.ia_version,
      status: row.ia_status === null ? null : (Number(row.ia_status) as InstanceStatus),
      createdAt: toDate(row.ia_created_ts),
      lastCheckForUpdates: toDate(row.ia_last_check_for_updates),
      lastUpdateGrantedAt: toDateOrNull(row.ia_last_update_granted_ts),
      lastUpdateVersion: row.ia_last_update_version,
      updateInProgress: toBool(row.ia_update_in_progress),
    },
  };
}

export function toEvent(row: Selectable<EventTable>): InstanceEvent {
  return {
    id: Number(row.id),
    instanceId: row.instance_id,
    appId: row.application_id,
    groupId: row.group_id,
    type: Number(row.type),
    result: Number(row.result),
    previousVersion: row.previous_version,
    errorCode: row.error_code,
    createdAt: toDate(row.created_ts),
  };
}

export function toActivity(
  row: Selectable<ActivityTable> & {
    application_name: string;
    group_name: string | null;
    channel_name: string | null;
  },
): Activity {
  return {
    id: Number(row.id),
    appId: row.application_id,
    groupId: row.group_id,
    channelId: row.channel_id,
    instanceId: row.instance_id,
    class: Number(row.class) as ActivityClass,
    severity: Number(row.severity) as ActivitySeverity,
    version: row.version,
    createdAt: toDate(row.created_ts),
    applicationName: row.application_name,
    groupName: row.group_name,
    channelName: row.channel_name,
  };
}

export function toApiToken(row: Selectable<ApiTokenTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiTokenRole,
    createdAt: toDate(row.created_ts),
    lastUsedAt: toDateOrNull(row.last_used_ts),
  };
}
