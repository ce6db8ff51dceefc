import type { InstanceRow } from './rows.js';

/** A hand-written statement's text for each dialect. */
export interface DialectSql {
  readonly sqlite: string;
  readonly postgres: string;
}

/** `?` placeholders kept for SQLite and numbered for PostgreSQL. */
export function dialectSql(text: string): DialectSql {
  return { sqlite: text, postgres: numbered(text) };
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`... (the hot path's SQL has no `?` inside literals). */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** What a check-in writes when it changes something (or its last write is old): one instance's state. */
export interface CheckInWrite {
  readonly instanceId: string;
  readonly appId: string;
  readonly groupId: string;
  readonly version: string;
  readonly at: Date;
  readonly ip: string;
  readonly alias: string;
  readonly oem: string;
  readonly oemVersion: string;
  readonly alephVersion: string;
}

/** A check-in waiting for the next batch, with the promise its caller awaits. */
export interface QueuedCheckIn {
  readonly write: CheckInWrite;
  readonly resolve: (written: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the check-ins that arrive within one turn of the event loop and hands them to `flush` together, which
 * settles each one: a commit costs far more than the two rows a check-in writes.
 */
export class CheckInQueue {
  private queued: QueuedCheckIn[] = [];

  constructor(private readonly flush: (batch: QueuedCheckIn[]) => void) {}

  add(write: CheckInWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flushQueued());
      this.queued.push({ write, resolve, reject });
    });
  }

  private flushQueued(): void {
    const batch = this.queued;
    this.queued = [];
    this.flush(batch);
  }
}

/**
 * The few queries every update check makes, as hand-written SQL run on prepared statements, so that a check costs
 * no query building: one implementation per database. Used outside the store's own transactions only.
 */
export interface HotPath {
  /** The rows of a read, run on a statement prepared once. */
  select<R>(statement: DialectSql, parameters: readonly unknown[]): Promise<R[]>;
  /**
   * Writes a check-in of a known instance whose group did not change, both rows at once; false when either row
   * vanished in between (the caller then takes the general path).
   */
  writeCheckIn(write: CheckInWrite): Promise<boolean>;
  /** An instance's row with its application's ({@link FIND_INSTANCE_SQL}); the one read every update check makes. */
  findInstance(instanceId: string, appId: string): Promise<InstanceRow | undefined>;
}

/** Nebraska re-writes an instance that checks in unchanged only when its last write is older than this. */
export const REGISTRATION_REFRESH_MS = 5 * 60_000;

/** The columns of an {@link InstanceRow}: the instance's, then its application's with an `ia_` prefix. */
export const INSTANCE_COLUMNS = [
  'i.id',
  'i.ip',
  'i.alias',
  'i.oem',
  'i.oem_version',
  'i.aleph_version',
  'i.created_ts',
  'i.last_seen_ts',
  'ia.application_id as ia_application_id',
  'ia.group_id as ia_group_id',
  'ia.version as ia_version',
  'ia.status as ia_status',
  'ia.created_ts as ia_created_ts',
  'ia.last_check_for_updates as ia_last_check_for_updates',
  'ia.last_update_granted_ts as ia_last_update_granted_ts',
  'ia.last_update_version as ia_last_update_version',
  'ia.update_in_progress as ia_update_in_progress',
] as const;

/** Where each column of an {@link InstanceRow} is in {@link INSTANCE_COLUMNS}, by its name in the row. */
export const INSTANCE_COLUMN_INDEX = Object.fromEntries(
  INSTANCE_COLUMNS.map((column, index) => [column.split(/ as |\./).pop(), index]),
) as Readonly<Record<keyof InstanceRow, number>>;

/** An instance's row with its application's, by instance and application id. */
export const FIND_INSTANCE_SQL = dialectSql(
  `select ${INSTANCE_COLUMNS.join(', ')} ` +
    'from instance as i inner join instance_application as ia on ia.instance_id = i.id ' +
    'where i.id = ? and ia.application_id = ?',
);

/** An {@link InstanceRow} from its values in the order of {@link INSTANCE_COLUMNS} (a raw row of its read). */
export function instanceRowOf(values: readonly unknown[]): InstanceRow {
  return {
    id: values[0],
    ip: values[1],
    alias: values[2],
    oem: values[3],
    oem_version: values[4],
    aleph_version: values[5],
    created_ts: values[6],
    last_seen_ts: values[7],
    ia_application_id: values[8],
    ia_group_id: values[9],
    ia_version: values[10],
    ia_status: values[11],
    ia_created_ts: values[12],
    ia_last_check_for_updates: values[13],
    ia_last_update_granted_ts: values[14],
    ia_last_update_version: values[15],
    ia_update_in_progress: values[16],
  } as InstanceRow;
}

// The numbers Nebraska's grant limits read, counted from the few rows they are about (granted recently, or still
// updating) through indexes on (group, granted time) and (group, in progress, granted time), rather than from
// every instance of the group: a grant attempt stays cheap in a fleet of any size. See {@link grantLimitsParameters}.
export const GRANT_LIMITS_SQL = dialectSql(
  'select ' +
    '(select count(*) from instance_application where group_id = ? and last_update_granted_ts > ? ' +
    'and last_check_for_updates > ?) as in_period, ' +
    '(select count(*) from instance_application where group_id = ? and update_in_progress = ? ' +
    'and last_update_granted_ts >= ? and last_check_for_updates > ?) as in_progress, ' +
    '(select count(*) from instance_application where group_id = ? and update_in_progress = ? ' +
    'and last_update_granted_ts < ? and last_check_for_updates > ?) as timed_out',
);

/** The parameters of {@link GRANT_LIMITS_SQL}. */
export function grantLimitsParameters(query: {
  readonly groupId: string;
  readonly validSince: Date;
  readonly periodStart: Date;
  readonly timeoutStart: Date;
}): unknown[] {
  const { groupId, validSince, periodStart, timeoutStart } = query;
  return [
    ...[groupId, periodStart, validSince],
    ...[groupId, true, timeoutStart, validSince],
    ...[groupId, true, timeoutStart, validSince],
  ];
}

/** Instances that finished an update to a version, for safe mode: group, version, false, valid since. */
export const ATTEMPTED_SQL = dialectSql(
  'select count(*) as n from instance_application where group_id = ? and last_update_version = ? ' +
    'and update_in_progress = ? and last_check_for_updates > ?',
);
