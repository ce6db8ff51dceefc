import { NotFoundError } from '../errors.js';
import type { Arch, Group, Store } from '../store/index.js';
import { normalizeAppId } from './request-arch.js';

/** Options of {@link AppLookup}. */
export interface AppLookupOptions {
  /** How long a list of applications is trusted, in milliseconds of real time; 0 reads it for every lookup. */
  readonly ttlMs: number;
  /**
   * How long a group read for a track is reused, policies and package included; 0 (the default) reads it for every
   * request. Worth it under load when the REST layer calls {@link AppLookup.invalidate} on every write: other
   * replicas then see a change within this time.
   */
  readonly groupTtlMs?: number;
}

const MAX_TRACKS = 10_000;

/**
 * Resolves the app ids of Omaha requests to applications, by id or product id, with braces or without, in any case
 * (Nebraska's `GetAppID`), and their tracks to groups (Nebraska's `GetGroupID`). Nebraska caches both mappings per
 * process; so may we: a lookup that misses reads again at once, so a new application is found on its first request,
 * and a changed product id, or a newer group taking over a track, is seen within the TTL. Groups themselves are read
 * fresh on every lookup: only which group a track means is remembered. The TTL runs on the real clock: it bounds
 * staleness, it is no policy.
 */
export class AppLookup {
  private ids: Map<string, string> | undefined;
  private loadedAt = 0;
  private loading: Promise<Map<string, string>> | undefined;
  /** Which group a track means (since `mappedAt`), and the group as last read (at `readAt`). */
  private readonly groups = new Map<
    string,
    { readonly mappedAt: number; readonly readAt: number; readonly group: Group }
  >();

  constructor(
    private readonly store: Store,
    private readonly options: AppLookupOptions,
  ) {}

  /** The application id for `text`, or undefined when no application has it as id or product id. */
  async resolve(text: string): Promise<string | undefined> {
    const key = normalizeAppId(text);
    if (key === '') return undefined;
    const fresh = this.ids !== undefined && performance.now() - this.loadedAt < this.options.ttlMs;
    if (fresh) {
      const id = this.ids!.get(key);
      if (id !== undefined) return id;
    }
    return (await this.load()).get(key);
  }

  /**
   * The newest group of the application with this track whose channel has this architecture, read fresh; undefined
   * when there is none.
   */
  async resolveGroup(query: {
    readonly appId: string;
    readonly track: string;
    readonly arch: Arch;
  }): Promise<Group | undefined> {
    const key = `${query.appId}\u0000${query.arch}\u0000${query.track}`;
    const known = this.groups.get(key);
    const now = performance.now();
    if (known !== undefined && now - known.readAt < (this.options.groupTtlMs ?? 0)) return known.group;
    if (known !== undefined && now - known.mappedAt < this.options.ttlMs) {
      const group = await this.store.getGroup(known.group.id).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      // A group whose track or channel changed since is looked up again.
      if (group && group.appId === query.appId && group.track === query.track && group.channel?.arch === query.arch) {
        this.groups.set(key, { mappedAt: known.mappedAt, readAt: performance.now(), group });
        return group;
      }
    }
    const group = await this.store.findGroupByTrack(query);
    if (group && this.options.ttlMs > 0) {
      // Tracks come from the groups an operator made, but clients make up keys: keep the map bounded.
      if (this.groups.size >= MAX_TRACKS) this.groups.clear();
      const at = performance.now();
      this.groups.set(key, { mappedAt: at, readAt: at, group });
    }
    return group;
  }

  /** Forgets a group it keeps, e.g. after the Omaha endpoint itself paused it or marked its rollout. */
  invalidateGroup(groupId: string): void {
    for (const [key, known] of this.groups) if (known.group.id === groupId) this.groups.delete(key);
  }

  /** Forgets what it knows, e.g. after the REST API changed an application or a group. */
  invalidate(): void {
    this.ids = undefined;
    this.groups.clear();
  }

  private load(): Promise<Map<string, string>> {
    // Concurrent misses share one read.
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    // Only the keys: the applications' details would count their instances, a scan of a large fleet's rows.
    for (const app of await this.store.listApplicationKeys()) {
      if (app.productId) ids.set(app.productId.toLowerCase(), app.id);
      ids.set(app.id.toLowerCase(), app.id);
    }
    this.ids = ids;
    this.loadedAt = performance.now();
    return ids;
  }
}

/** An {@link AppLookup} to share between requests; 5 seconds of trust in the id mappings by default. */
export function createAppLookup(store: Store, options: Partial<AppLookupOptions> = {}): AppLookup {
  return new AppLookup(store, { ttlMs: options.ttlMs ?? 5000, groupTtlMs: options.groupTtlMs ?? 0 });
}
