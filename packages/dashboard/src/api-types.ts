// The REST API's JSON as the server writes it (Nebraska's snake_case shapes plus Ballast's keys beside them); see
// `/api/openapi.json`. Only the fields the dashboard reads are listed.

/** Nebraska's package object. */
export interface PackageJson {
  readonly id: string;
  readonly type: number;
  readonly version: string;
  readonly url: string;
  readonly filename: string | null;
  readonly description: string | null;
  readonly size: string | null;
  readonly hash: string | null;
  readonly hash_sha256?: string | null;
  readonly created_ts: string;
  readonly channels_blacklist: readonly string[];
  readonly application_id: string;
  readonly arch: number;
}

/** Nebraska's channel object. */
export interface ChannelJson {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly created_ts: string;
  readonly application_id: string;
  readonly package_id: string | null;
  readonly package: PackageJson | null;
  readonly arch: number;
  readonly allow_downgrade?: boolean;
}

/** Nebraska's group object with Ballast's policies. */
export interface GroupJson {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly created_ts: string;
  readonly rollout_in_progress: boolean;
  readonly application_id: string;
  readonly channel_id: string | null;
  readonly channel?: ChannelJson;
  readonly track: string;
  readonly policy_updates_enabled: boolean;
  readonly policy_safe_mode: boolean;
  readonly policy_office_hours: boolean;
  readonly policy_timezone: string | null;
  readonly policy_period_interval: string;
  readonly policy_max_updates_per_period: number;
  readonly policy_update_timeout: string;
  readonly maintenance_windows?: readonly string[];
  readonly failure_halt_threshold?: number | null;
  readonly canary_group_id?: string | null;
  readonly canary_success_share?: number | null;
  readonly paused_reason?: string | null;
  readonly paused_ts?: string | null;
}

/** Nebraska's application object with its groups, channels and instance count. */
export interface ApplicationJson {
  readonly id: string;
  readonly product_id?: string | null;
  readonly name: string;
  readonly description: string;
  readonly created_ts: string;
  readonly groups: readonly GroupJson[];
  readonly channels: readonly ChannelJson[];
  readonly instances: { readonly count: number };
}

/** Nebraska's nested instance object. */
export interface InstanceJson {
  readonly id: string;
  readonly ip: string;
  readonly alias?: string;
  readonly oem?: string;
  readonly oem_version?: string;
  readonly aleph_version?: string;
  readonly created_ts: string;
  readonly application: {
    readonly instance_id: string;
    readonly application_id: string;
    readonly group_id: string | null;
    readonly version: string;
    readonly created_ts: string;
    readonly status: number | null;
    readonly last_check_for_updates: string;
    readonly last_update_granted_ts: string | null;
    readonly last_update_version: string | null;
    readonly update_in_progress: boolean;
  };
}

/** One page of a group's instances. */
export interface InstancePageJson {
  readonly total: number;
  readonly instances: readonly InstanceJson[];
}

/** One entry of an instance's status history, newest first. */
export interface StatusHistoryJson {
  readonly status: number;
  readonly version: string;
  readonly created_ts: string;
  readonly error_code: string | null;
}

/** One version of a group's version breakdown. */
export interface VersionBreakdownJson {
  readonly version: string;
  readonly instances: number;
  readonly percentage: number;
}

/** A group's instance counts by status. */
export interface InstancesStatsJson {
  readonly total: number;
  readonly undefined: number;
  readonly update_granted: number;
  readonly error: number;
  readonly complete: number;
  readonly installed: number;
  readonly downloaded: number;
  readonly downloading: number;
  readonly onhold: number;
}

/** Time (RFC 3339) to version to instance count. */
export type VersionTimelineJson = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Time to status code to version to instance count. */
export type StatusTimelineJson = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;

/** An activity feed entry. */
export interface ActivityJson {
  readonly id: string;
  readonly app_id: string;
  readonly group_id: string | null;
  readonly created_ts: string;
  readonly class: number;
  readonly severity: number;
  readonly version: string;
  readonly application_name: string;
  readonly group_name: string | null;
  readonly channel_name: string | null;
  readonly instance_id: string | null;
}

/** A page of a list as `/api/apps`, `.../packages` and `/api/activity` answer. */
export interface PageJson {
  readonly totalCount: number;
  readonly count: number;
}

/** The time spans the timelines and instance lists accept. */
export type Duration = '1h' | '1d' | '7d' | '30d';

/** Every {@link Duration}, shortest first. */
export const DURATIONS: readonly Duration[] = ['1h', '1d', '7d', '30d'];
