import type { Store } from '../store/index.js';
import { normalizeAppId } from './request-arch.js';

/** Options of {@link AppLookup}. */
export interface AppLookupOptions {
  /** How long a list of applications is trusted, in milliseconds of real time; 0 reads it for every lookup. */
  readonly ttlMs: number;
}

const PAGE = 100;

/**
 * Resolves the app ids of Omaha requests to applications, by id or product id, with braces or without, in any case
 * (Nebraska's `GetAppID`). Nebraska caches the mapping per process; so may we: a lookup that misses reads the list
 * again at once, so a new application is found on its first request, and a changed product id is seen within the
 * TTL. The TTL runs on the real clock: it bounds staleness, it is no policy.
 */
export class AppLookup {
  private ids: Map<string, string> | undefined;
  private loadedAt = 0;
  private loading: Promise<Map<string, string>> | undefined;

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

  /** Forgets the list, e.g. after the REST API changed an application. */
  invalidate(): void {
    this.ids = undefined;
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
    for (let page = 1; ; page++) {
      const { total, items } = await this.store.listApplications({ page, perPage: PAGE });
      for (const app of items) {
        if (app.productId) ids.set(app.productId.toLowerCase(), app.id);
        ids.set(app.id.toLowerCase(), app.id);
      }
      if (items.length < PAGE || page * PAGE >= total) break;
    }
    this.ids = ids;
    this.loadedAt = performance.now();
    return ids;
  }
}

/** An {@link AppLookup} to share between requests; 5 seconds of trust by default. */
export function createAppLookup(store: Store, options: Partial<AppLookupOptions> = {}): AppLookup {
  return new AppLookup(store, { ttlMs: options.ttlMs ?? 5000 });
}
