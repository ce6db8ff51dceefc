import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Clock, systemClock } from './clock.js';
import { type CheckInWrite, FIND_INSTANCE_SQL, type HotPath, numbered } from './hot-path.js';
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

// Both rows of a check-in in one statement, so one round trip: the instance is written only if its application row
// was, and the row count says whether both were there.
const CHECK_IN_SQL =
  'with application as (update instance_application set group_id = $3, version = $4, last_check_for_updates = $5 ' +
  'where instance_id = $1 and application_id = $2 returning instance_id) ' +
  'update instance set last_seen_ts = $5, ip = $6, alias = $7, oem = $8, oem_version = $9, aleph_version = $10 ' +
  'where id = $1 and exists (select 1 from application)';

/**
 * The hot path straight on the pool, as named prepared statements: PostgreSQL parses and plans each once per
 * connection rather than on every check.
 */
class PostgresHotPath implements HotPath {
  constructor(private readonly pool: pg.Pool) {}

  async findInstance(instanceId: string, appId: string): Promise<InstanceRow | undefined> {
    const result = await this.pool.query<InstanceRow>({
      name: 'ballast_find_instance',
      text: FIND_INSTANCE_PG,
      values: [instanceId, appId],
    });
    return result.rows[0];
  }

  async writeCheckIn(write: CheckInWrite): Promise<boolean> {
    const result = await this.pool.query({
      name: 'ballast_check_in',
      text: CHECK_IN_SQL,
      values: [
        write.instanceId,
        write.appId,
        write.groupId,
        write.version,
        write.at,
        write.ip,
        write.alias,
        write.oem,
        write.oemVersion,
        write.alephVersion,
      ],
    });
    return result.rowCount === 1;
  }
}

const FIND_INSTANCE_PG = numbered(FIND_INSTANCE_SQL);

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
