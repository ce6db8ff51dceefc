import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { type Clock, systemClock } from './clock.js';
import {
  CheckInQueue,
  type CheckInWrite,
  type DialectSql,
  FIND_INSTANCE_SQL,
  type HotPath,
  INSTANCE_COLUMN_INDEX,
  instanceRowOf,
  type QueuedCheckIn,
  REGISTRATION_REFRESH_MS,
} from './hot-path.js';
import { InstanceRowCache } from './instance-cache.js';
import { KyselyStore } from './kysely-store.js';
import { storeMigrations } from './migrations.js';
import type { InstanceRow } from './rows.js';
import type { Database as Schema } from './schema.js';
import type { Store } from './store.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  readonly clock?: Clock;
  /** How long a write waits for another process's lock before failing; 5 s by default. */
  readonly busyTimeoutMs?: number;
  /**
   * Most instance rows kept in memory for update checks (see {@link InstanceRowCache}), about 350 bytes each;
   * {@link DEFAULT_INSTANCE_CACHE_ROWS} by default, 0 to read every check's instance from the database.
   */
  readonly instanceCacheRows?: number;
}

/** Instance rows kept in memory by default: a fleet of this size checks in without reading a database page. */
export const DEFAULT_INSTANCE_CACHE_ROWS = 200_000;

// SQLite has no date or boolean type: the store writes Dates as epoch milliseconds and booleans as 0/1, converted
// here on the way in so the queries stay the same as on PostgreSQL.
function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** SQLite's page cache, in KiB: 100,000 instances take about 40 MiB. */
const CACHE_KIB = 64 * 1024;

/** How stale, in milliseconds, the instance cache may be about another process's commits to the same file. */
const OTHER_WRITERS_CHECK_MS = 1;

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
 * Makes every change this connection makes to an instance row, whichever statement makes it (a cascade too), forget
 * that row in the cache: temporary triggers (this connection's only, not stored in the file) call back into it.
 */
function watchInstanceWrites(db: Database.Database, cache: InstanceRowCache): void {
  db.function('ballast_forget_instance', { deterministic: false }, (instanceId: unknown, appId: unknown) => {
    cache.forget(String(instanceId), appId === null ? null : String(appId));
    return null;
  });
  for (const table of ['instance', 'instance_application']) {
    for (const change of ['insert', 'update', 'delete']) {
      const row = change === 'insert' ? 'new' : 'old';
      const key = table === 'instance' ? `${row}.id, null` : `${row}.instance_id, ${row}.application_id`;
      db.exec(
        `create temp trigger if not exists ballast_forget_${table}_${change} after ${change} on main.${table} ` +
          `begin select ballast_forget_instance(${key}); end`,
      );
    }
  }
}

const UPDATE_INSTANCE_APPLICATION_SQL =
  'update instance_application set group_id = ?, version = ?, last_check_for_updates = ? ' +
  'where instance_id = ? and application_id = ?';
const UPDATE_INSTANCE_SQL =
  'update instance set last_seen_ts = ?, ip = ?, alias = ?, oem = ?, oem_version = ?, aleph_version = ? where id = ?';

/**
 * The hot path on better-sqlite3 itself, synchronously, when no transaction of the store is open: every query of
 * Kysely's runs to its end within one call too, so nothing can interleave. While a transaction is open (between
 * its awaits), the queries queue behind it through Kysely instead, as any other query of the store would.
 *
 * Instances are read through an {@link InstanceRowCache}, filled here from reads outside transactions (which see
 * only committed rows). A row this connection changes is forgotten as it changes ({@link watchInstanceWrites}),
 * check-ins included: a check that writes its instance walks the row's pages anyway, so a kept row would save it
 * little, and rewriting it would make garbage the size of the cache in old memory on every round of the fleet. For
 * the same reason only rows at rest are kept ({@link atRest}): those whose next check-in will likely not write.
 * Everything is forgotten once another process has committed to the file (SQLite's `data_version`, looked at when
 * a read comes at least {@link OTHER_WRITERS_CHECK_MS} after the last look).
 *
 * Check-in writes are committed in groups: those that arrive within one turn of the event loop share one
 * transaction, written before any of them is answered. A commit costs far more than the two rows it writes, and
 * a fleet at its check interval writes on every check.
 */
class SqliteHotPath implements HotPath {
  /** Prepared once per statement (the hot path's statements are constants, so the map stays small). */
  private readonly statements = new Map<DialectSql, { raw: Database.Statement; names: string[] }>();
  private readonly commit: (writes: readonly CheckInWrite[]) => boolean[];
  private readonly checkIns = new CheckInQueue((batch) => this.flush(batch));
  private readonly dataVersion: Database.Statement;
  private seenDataVersion: unknown;
  private dataVersionCheckedAt = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly db: Kysely<Schema>,
    private readonly cache: InstanceRowCache,
    private readonly clock: Clock,
  ) {
    const updateApplication = sqlite.prepare(UPDATE_INSTANCE_APPLICATION_SQL);
    const updateInstance = sqlite.prepare(UPDATE_INSTANCE_SQL);
    const transaction = sqlite.transaction((writes: readonly CheckInWrite[]): boolean[] =>
      writes.map((write) => {
        const [application, instance] = checkInParameters(write);
        if (updateApplication.run(application).changes === 0) return false;
        return updateInstance.run(instance).changes === 1;
      }),
    );
    // Immediate, as the store's other transactions: the write lock up front, also across processes.
    this.commit = (writes) => transaction.immediate(writes);
    this.dataVersion = sqlite.prepare('pragma data_version').pluck();
    this.seenDataVersion = this.dataVersion.get();
  }

  select<R>(statement: DialectSql, parameters: readonly unknown[]): Promise<R[]> {
    if (this.sqlite.inTransaction) return this.selectInTransaction(statement, parameters);
    const { raw, names } = this.prepared(statement);
    const rows = raw.all(parameters.map(toSqliteValue)) as unknown[][];
    return Promise.resolve(rows.map((values) => namedRow<R>(names, values)));
  }

  findInstance(instanceId: string, appId: string): Promise<InstanceRow | undefined> {
    if (this.sqlite.inTransaction) {
      return this.selectInTransaction<InstanceRow>(FIND_INSTANCE_SQL, [instanceId, appId]).then(([row]) => row);
    }
    this.forgetOtherWriters();
    let values = this.cache.get(instanceId, appId);
    if (values === undefined) {
      values = this.prepared(FIND_INSTANCE_SQL).raw.get([instanceId, appId]) as unknown[] | undefined;
      if (values === undefined) return Promise.resolve(undefined);
      if (this.atRest(values)) this.cache.set(values);
    }
    return Promise.resolve(instanceRowOf(values));
  }

  writeCheckIn(write: CheckInWrite): Promise<boolean> {
    return this.checkIns.add(write);
  }

  private prepared(statement: DialectSql) {
    let prepared = this.statements.get(statement);
    if (prepared === undefined) {
      // Rows as arrays, named here with the same key strings every time: better-sqlite3 would make each row's keys
      // from the column names again.
      const raw = this.sqlite.prepare(statement.sqlite).raw(true);
      prepared = { raw, names: raw.columns().map((column) => column.name) };
      this.statements.set(statement, prepared);
    }
    return prepared;
  }

  private selectInTransaction<R>(statement: DialectSql, parameters: readonly unknown[]): Promise<R[]> {
    return this.db
      .executeQuery<R>(CompiledQuery.raw(statement.sqlite, [...parameters]))
      .then((result) => [...result.rows]);
  }

  /**
   * Whether a row's last check-in is recent enough that the next one will likely not write it: the only rows worth
   * keeping, as a check that writes its row makes the cache forget it.
   */
  private atRest(values: readonly unknown[]): boolean {
    const lastCheck = values[INSTANCE_COLUMN_INDEX.ia_last_check_for_updates] as number;
    return this.clock.now().getTime() - lastCheck < REGISTRATION_REFRESH_MS;
  }

  /** Empties the cache when another process has committed to the file since the last look. */
  private forgetOtherWriters(): void {
    const now = performance.now();
    if (now - this.dataVersionCheckedAt < OTHER_WRITERS_CHECK_MS) return;
    this.dataVersionCheckedAt = now;
    const version = this.dataVersion.get();
    if (version === this.seenDataVersion) return;
    this.seenDataVersion = version;
    this.cache.clear();
  }

  private flush(batch: QueuedCheckIn[]): void {
    if (this.sqlite.inTransaction) {
      for (const queued of batch) this.writeThroughKysely(queued.write).then(queued.resolve, queued.reject);
      return;
    }
    let written: boolean[];
    try {
      written = this.commit(batch.map((queued) => queued.write));
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    for (const [index, queued] of batch.entries()) queued.resolve(written[index]!);
  }

  private writeThroughKysely(write: CheckInWrite): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const [application, instance] = checkInParameters(write);
      const updated = await trx.executeQuery(CompiledQuery.raw(UPDATE_INSTANCE_APPLICATION_SQL, application));
      if (updated.numAffectedRows === 0n) return false;
      return (await trx.executeQuery(CompiledQuery.raw(UPDATE_INSTANCE_SQL, instance))).numAffectedRows === 1n;
    });
  }
}

function namedRow<R>(names: readonly string[], values: readonly unknown[]): R {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
  return row as R;
}

function checkInParameters(write: CheckInWrite): [unknown[], unknown[]] {
  const at = write.at.getTime();
  return [
    [write.groupId, write.version, at, write.instanceId, write.appId],
    [at, write.ip, write.alias, write.oem, write.oemVersion, write.alephVersion, write.instanceId],
  ];
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
  const cache = new InstanceRowCache(options.instanceCacheRows ?? DEFAULT_INSTANCE_CACHE_ROWS);
  watchInstanceWrites(sqlite, cache);
  return new KyselyStore(db, { dialect: 'sqlite', clock, hotPath: new SqliteHotPath(sqlite, db, cache, clock) });
}
