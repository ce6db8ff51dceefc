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
  // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the
  // process, while the next query simply gets a fresh connection.
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
