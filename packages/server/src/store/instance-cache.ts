/**
 * Instance rows kept in the server's memory, so that an update check of a fleet at rest reads no database page: on
 * SQLite, the B-tree pages a random instance's read walks through cost more than the rest of its check together,
 * mostly in what they push out of the CPU's caches.
 *
 * A row is kept as the array of its values in the order of `INSTANCE_COLUMNS`, as one JSON string per instance and
 * application: the garbage collector has one object per row to visit, not the dozen a parsed row would make. The
 * rows kept longest go first once `capacity` are kept.
 *
 * The cache holds only what the database holds: its owner fills it from reads that see committed rows only, and
 * forgets a row whenever the database changes it (see `watchInstanceWrites` in the SQLite store).
 */
export class InstanceRowCache {
  private readonly rows = new Map<string, string>();
  /** The applications of the rows kept, so that all of an instance's rows can be forgotten. */
  private readonly appIds = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.rows.size;
  }

  get(instanceId: string, appId: string): unknown[] | undefined {
    const json = this.rows.get(cacheKey(instanceId, appId));
    return json === undefined ? undefined : (JSON.parse(json) as unknown[]);
  }

  set(instanceId: string, appId: string, values: readonly unknown[]): void {
    if (this.capacity <= 0) return;
    const key = cacheKey(instanceId, appId);
    // Map keeps insertion order: its first key is the row kept longest.
    if (!this.rows.delete(key) && this.rows.size >= this.capacity) {
      this.rows.delete(this.rows.keys().next().value as string);
    }
    this.rows.set(key, JSON.stringify(values));
    this.appIds.add(appId);
  }

  /** Forgets an instance's row of one application, or of every application when `appId` is null. */
  forget(instanceId: string, appId: string | null): void {
    if (appId !== null) {
      this.rows.delete(cacheKey(instanceId, appId));
      return;
    }
    for (const knownAppId of this.appIds) this.rows.delete(cacheKey(instanceId, knownAppId));
  }

  clear(): void {
    this.rows.clear();
  }
}

// A NUL cannot appear in an application id (a UUID), so the key is unambiguous whatever the instance id holds.
function cacheKey(instanceId: string, appId: string): string {
  return `${appId}\u0000${instanceId}`;
}
