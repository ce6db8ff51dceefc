import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { type Clock, systemClock } from './clock.js';
import { KyselyStore } from './kysely-store.js';
import { storeMigrations } from './migrations.js';
import type { Database as Schema } from './schema.js';
import type { Store } from './store.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  readonly clock?: Clock;
  /** How long a write waits for another process's lock before failing; 5 s by default. */
  readonly busyTimeoutMs?: number;
}

// SQLite has no date or boolean type: the store writes Dates as epoch milliseconds and booleans as 0/1, converted
// here on the way in so the queries stay the same as on PostgreSQL.
function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** SQLite's page cache, in KiB: 100,000 instances take about 40 MiB. */
const CACHE_KIB = 64 * 1024;

/** Most statements kept prepared; queries with `in (...)` lists make a new text per list length. */
const STATEMENT_CACHE_SIZE = 500;

function adaptDatabase(db: Database.Database): SqliteDatabase {
  // Kysely compiles a query shape to the same SQL text every time, and better-sqlite3 would parse and plan it
  // again on every prepare: keep the prepared statements by text.
  const statements = new Map<string, Database.Statement>();
  const prepared = (text: string): Database.Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      // BEGIN IMMEDIATE takes the write lock up front: a transaction that reads counts and then writes a grant can
      // neither interleave with another writer nor deadlock upgrading its lock, also across processes.
      statement = db.prepare(text === 'begin' ? 'begin immediate' : text);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      statements.set(text, statement);
    }
    return statement;
  };
  const bind = (parameters: ReadonlyArray<unknown>) => parameters.map(toSqliteValue);
  return {
    close: () => db.close(),
    prepare(text: string): SqliteStatement {
      const statement = prepared(text);
      return {
        reader: statement.reader,
        all: (parameters) => statement.all(bind(parameters)),
        run: (parameters) => statement.run(bind(parameters)),
        // A statement being iterated is busy until the iteration ends: a stream gets a statement of its own.
        iterate: (parameters) => db.prepare(text).iterate(bind(parameters)),
      };
    },
  };
}

/**
 * Opens (creating and migrating as needed) the store in a SQLite file, or in memory for `:memory:`. The file is in
 * WAL mode with foreign keys on; writes are serialised by SQLite's lock.
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('foreign_keys = ON');
    // NORMAL in WAL mode survives a killed process (the WAL is in the OS's hands once written); only a power loss
    // can take the last commits, a trade every SQLite server makes for write speed.
    sqlite.pragma('synchronous = NORMAL');
    // Update checks read instances at random: a page cache that holds the hot part of a large fleet's tables saves
    // a read from the OS on most lookups (SQLite's default is 2 MiB).
    sqlite.pragma(`cache_size = -${CACHE_KIB}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: adaptDatabase(sqlite) }) });
  try {
    const { error } = await new Migrator({ db, provider: storeMigrations('sqlite', clock) }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, 'sqlite', clock);
}
