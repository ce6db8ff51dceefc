import type { ColumnType, Generated } from 'kysely';

// The tables as Kysely sees them. Queries write Date and boolean values; PostgreSQL reads them back as timestamptz
// and boolean, SQLite as epoch milliseconds and 0/1 (its driver wrapper converts on the way in), so reads are typed
// as either and go through the row mappers.

/** A timestamp column. */
export type Timestamp = ColumnType<Date | number, Date, Date>;
/** A nullable timestamp column. */
export type NullableTimestamp = ColumnType<Date | number | null, Date | null, Date | null>;
/** A boolean column. */
export type Bool = ColumnType<boolean | number, boolean, boolean>;
/** An auto-incremented id (bigserial on PostgreSQL). */
export type Serial = Generated<number>;

export interface ApplicationTable {
  id: string;
  name: string;
  description: string;
  product_id: string | null;
  created_ts: Timestamp;
}

export interface PackageTable {
  id: string;
  application_id: string;
  type: number;
  version: string;
  arch: number;
  url: string;
  filename: string | null;
  description: string | null;
  size: string | null;
  hash: string | null;
  hash_sha256: string | null;
  created_ts: Timestamp;
}

export interface FlatcarActionTable {
  id: string;
  package_id: string;
  event: string;
  chromeos_version: string;
  sha256: string;
  needs_admin: Bool;
  is_delta: Bool;
  disable_payload_backoff: Bool;
  metadata_signature_rsa: string;
  metadata_size: string;
  deadline: string;
  created_ts: Timestamp;
}

export interface PackageFileTable {
  id: Serial;
  package_id: string;
  name: string;
  size: string | null;
  hash: string | null;
  hash256: string | null;
  created_ts: Timestamp;
}

export interface PackageChannelBlacklistTable {
  package_id: string;
  channel_id: string;
}

export interface ChannelTable {
  id: string;
  application_id: string;
  name: string;
  color: string;
  arch: number;
  package_id: string | null;
  allow_downgrade: Bool;
  created_ts: Timestamp;
}

export interface GroupTable {
  id: string;
  application_id: string;
  name: string;
  description: string;
  track: string;
  channel_id: string | null;
  rollout_in_progress: Bool;
  policy_updates_enabled: Bool;
  policy_safe_mode: Bool;
  policy_office_hours: Bool;
  policy_timezone: string | null;
  policy_period_interval: string;
  policy_max_updates_per_period: number;
  policy_update_timeout: string;
  /** JSON array of window strings. */
  maintenance_windows: string;
  failure_halt_threshold: number | null;
  canary_group_id: string | null;
  canary_success_share: number | null;
  paused_reason: string | null;
  paused_ts: NullableTimestamp;
  resumed_ts: NullableTimestamp;
  created_ts: Timestamp;
}

export interface InstanceTable {
  id: string;
  ip: string;
  alias: string;
  oem: string;
  oem_version: string;
  aleph_version: string;
  created_ts: Timestamp;
  last_seen_ts: Timestamp;
}

export interface InstanceApplicationTable {
  instance_id: string;
  application_id: string;
  group_id: string | null;
  version: string;
  status: number | null;
  created_ts: Timestamp;
  last_check_for_updates: Timestamp;
  last_update_granted_ts: NullableTimestamp;
  last_update_version: string | null;
  update_in_progress: Bool;
}

export interface InstanceStatusHistoryTable {
  id: Serial;
  instance_id: string;
  application_id: string;
  group_id: string | null;
  status: number;
  version: string | null;
  created_ts: Timestamp;
}

export interface EventTable {
  id: Serial;
  instance_id: string;
  application_id: string;
  group_id: string | null;
  type: number;
  result: number;
  previous_version: string | null;
  error_code: string | null;
  created_ts: Timestamp;
}

export interface ActivityTable {
  id: Serial;
  application_id: string;
  group_id: string | null;
  channel_id: string | null;
  instance_id: string | null;
  class: number;
  severity: number;
  version: string;
  created_ts: Timestamp;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_ts: Timestamp;
  last_used_ts: NullableTimestamp;
}

export interface MachineProfileTable {
  id: string;
  name: string;
  config_format: string;
  config: string;
  /** JSON {kernel, initrd, args} or null. */
  boot: string | null;
  created_ts: Timestamp;
  updated_ts: Timestamp;
}

export interface MachineGroupTable {
  id: string;
  name: string;
  profile_id: string;
  /** JSON object of label to value. */
  selector: string;
  /** SHA-256 of the canonical selector; unique. */
  selector_key: string;
  /** JSON object. */
  metadata: string;
  created_ts: Timestamp;
  updated_ts: Timestamp;
}

/** The whole schema, for `Kysely<Database>`. */
export interface Database {
  application: ApplicationTable;
  package: PackageTable;
  flatcar_action: FlatcarActionTable;
  package_file: PackageFileTable;
  package_channel_blacklist: PackageChannelBlacklistTable;
  channel: ChannelTable;
  groups: GroupTable;
  instance: InstanceTable;
  instance_application: InstanceApplicationTable;
  instance_status_history: InstanceStatusHistoryTable;
  event: EventTable;
  activity: ActivityTable;
  api_token: ApiTokenTable;
  machine_profile: MachineProfileTable;
  machine_group: MachineGroupTable;
}
