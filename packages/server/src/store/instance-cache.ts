import { INSTANCE_COLUMN_INDEX } from './hot-path.js';

/**
 * Instance rows kept in the server's memory, so that an update check of a fleet at rest reads no database page: on
 * SQLite, the B-tree pages a random instance's read walks through cost more than the rest of its check together,
 * mostly in what they push out of the CPU's caches.
 *
 * A row is kept as the array of its values in the order of `INSTANCE_COLUMNS`, as one JSON string per instance and
 * application (about 350 bytes with its key): the garbage collector has one object per row to visit, not the dozen
 * a parsed row would make. The rows kept longest go first once `capacity` are kept.
 *
 * The cache holds only what the database holds: its owner fills it from reads that see committed rows only, and
 * forgets a row whenever the database changes it (see `watchInstanceWrites` in the SQLite store).
 */
export class InstanceRowCache {
  /** Rows by application, then by instance, keyed by the strings of the rows themselves (see {@link set}). */
  private readonly rows = new Map<string, Map<string, string>>();
  private count = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  get(instanceId: string, appId: string): unknown[] | undefined {
    const json = this.rows.get(appId)?.get(instanceId);
    return json === undefined ? undefined : (JSON.parse(json) as unknown[]);
  }

  /**
   * Keeps a row under its own instance and application ids, strings read from the database: an id taken from a
   * request may be a slice of the whole request's text, which a key would keep alive.
   */
  set(values: readonly unknown[]): void {
    if (this.capacity <= 0) return;
    const instanceId = values[INSTANCE_COLUMN_INDEX.id] as string;
    const appId = values[INSTANCE_COLUMN_INDEX.ia_application_id] as string;
    let rows = this.rows.get(appId);
    if (rows === undefined) {
      rows = new Map();
      this.rows.set(appId, rows);
    }
    if (!rows.has(instanceId)) {
      if (this.count >= this.capacity) this.evict(rows);
      this.count += 1;
    }
    rows.set(instanceId, JSON.stringify(values));
  }

  /** Forgets an instance's row of one application, or of every application when `appId` is null. */
  forget(instanceId: string, appId: string | null): void {
    const maps = appId === null ? this.rows.values() : [this.rows.get(appId)];
    for (const rows of maps) if (rows?.delete(instanceId)) this.count -= 1;
  }

  clear(): void {
    this.rows.clear();
    this.count = 0;
  }

  /** Lets the row kept longest go, of the same application if it has one (a Map keeps insertion order). */
  private evict(preferred: Map<string, string>): void {
    for (const rows of [preferred, ...this.rows.values()]) {
      const oldest = rows.keys().next();
      if (oldest.done) continue;
      rows.delete(oldest.value);
      this.count -= 1;
      return;
    }
  }
}
