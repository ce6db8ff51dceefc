import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Clock, systemClock } from './clock.js';
import {
  CheckInQueue,
  type CheckInWrite,
  type DialectSql,
  FIND_INSTANCE_SQL,
  type HotPath,
  type QueuedCheckIn,
} from './hot-path.js';
import { KyselyStore } from './kysely-store.js';
import { storeMigrations } from './migrations.js';
import type { InstanceRow } from './rows.js';
import type { Database as Schema } from './schema.js';
import type { Store } from './store.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  readonly clock?: Clock;
  /** Most connections the pool opens; 10 by default. */
  readonly maxConnections?: number;
  /**
   * Told when a pooled connection breaks (the database restarted, or an administrator ended the session); the pool
   * drops it and opens a new one for the next query, and the query that was running on it fails.
   */
  readonly onConnectionError?: (error: Error) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts come back as bigint (int8) and sums as numeric; the store's numbers stay far below 2^53, so plain numbers.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// The check-ins of one batch in one statement, so one round trip and one commit: each instance is written only if
// its application row was, and the rows returned say which check-ins found both.
const CHECK_IN_SQL =
  'with checkin as (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], ' +
  '$6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) ' +
  'as c(instance_id, application_id, group_id, version, at, ip, alias, oem, oem_version, aleph_version)), ' +
  'application as (update instance_application a set group_id = c.group_id, version = c.version, ' +
  'last_check_for_updates = c.at from checkin c ' +
  'where a.instance_id = c.instance_id and a.application_id = c.application_id ' +
  'returning a.instance_id, a.application_id), ' +
  'seen as (update instance i set last_seen_ts = c.at, ip = c.ip, alias = c.alias, oem = c.oem, ' +
  'oem_version = c.oem_version, aleph_version = c.aleph_version from checkin c ' +
  'where i.id = c.instance_id and exists (select 1 from application a ' +
  'where a.instance_id = c.instance_id and a.application_id = c.application_id) returning i.id) ' +
  'select instance_id, application_id from application where instance_id in (select id from seen)';

/**
 * The hot path straight on the pool, as named prepared statements: PostgreSQL parses and plans each once per
 * connection rather than on every check. Check-ins that arrive within one turn of the event loop are written by
 * one statement, committed before any of them is answered: with a durable database every commit waits for the
 * disk, and a fleet at its check interval writes on every check.
 */
class PostgresHotPath implements HotPath {
  private readonly checkIns = new CheckInQueue((batch) => this.flush(batch));
  /** A name per statement, under which each connection prepares it once. */
  private readonly names = new Map<DialectSql, string>();

  constructor(private readonly pool: pg.Pool) {}

  async select<R>(statement: DialectSql, parameters: readonly unknown[]): Promise<R[]> {
    let name = this.names.get(statement);
    if (name === undefined) {
      name = `ballast_${this.names.size + 1}`;
      this.names.set(statement, name);
    }
    const result = await this.pool.query({ name, text: statement.postgres, values: [...parameters] });
    return result.rows as R[];
  }

  writeCheckIn(write: CheckInWrite): Promise<boolean> {
    return this.checkIns.add(write);
  }

  // Replicas write the same rows, so every read goes to the database.
  async findInstance(instanceId: string, appId: string): Promise<InstanceRow | undefined> {
    const [row] = await this.select<InstanceRow>(FIND_INSTANCE_SQL, [instanceId, appId]);
    return row;
  }

  private flush(queued: QueuedCheckIn[]): void {
    // In a stable order, so that two replicas writing the same instances lock their rows in the same order.
    const batch = queued.sort((a, b) => (a.write.instanceId < b.write.instanceId ? -1 : 1));
    const column = <K extends keyof CheckInWrite>(key: K) => batch.map((queued) => queued.write[key]);
    this.pool
      .query<{ instance_id: string; application_id: string }>({
        name: 'ballast_check_in',
        text: CHECK_IN_SQL,
        values: [
          column('instanceId'),
          column('appId'),
          column('groupId'),
          column('version'),
          column('at'),
          column('ip'),
          column('alias'),
          column('oem'),
          column('oemVersion'),
          column('alephVersion'),
        ],
      })
      .then(
        (result) => {
          const written = new Set(result.rows.map((row) => `${row.instance_id}\u0000${row.application_id}`));
          for (const queued of batch) {
            queued.resolve(written.has(`${queued.write.instanceId}\u0000${queued.write.appId}`));
          }
        },
        (error: unknown) => {
          for (const queued of batch) queued.reject(error);
        },
      );
  }
}

/**
 * Opens (and migrates as needed) the store in PostgreSQL at `url` through a connection pool. Several processes may
 * open the same database: migrations run under Kysely's advisory lock, and grants lock their group's row.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: typeParsers });
  // A client whose connection breaks emits 'error'. While idle in the pool, the pool listens and re-emits it on
  // itself; while checked out (a query or a transaction running on it) nobody listens, and an unheard 'error' ends
  // the process. So every client gets a listener of its own from the start, and the pool one too: the query on the
  // broken connection fails with the error, the pool discards the client, and the next query gets a fresh one.
  const lost = options.onConnectionError ?? (() => {});
  pool.on('connect', (client) => client.on('error', lost));
  // The same error again, re-emitted by the pool for an idle client: already reported by the client's listener.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { error } = await new Migrator({ db, provider: storeMigrations('postgres', clock) }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, { dialect: 'postgres', clock, hotPath: new PostgresHotPath(pool) });
}
