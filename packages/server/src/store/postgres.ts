import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Clock, systemClock } from './clock.js';
import { KyselyStore } from './kysely-store.js';
import { storeMigrations } from './migrations.js';
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
  return new KyselyStore(db, 'postgres', clock);
}
