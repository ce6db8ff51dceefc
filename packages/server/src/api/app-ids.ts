import { NotFoundError } from '../errors.js';
import type { Store } from '../store/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An application id as clients send it, bare or in Omaha's braces (`{E96281A6-...}`, already URL-decoded by the
 * router), to the stored form: without braces, and lower-case when it is a UUID (as Nebraska stores ids).
 */
export function normalizeAppId(raw: string): string {
  const trimmed = raw.trim();
  const bare = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1).trim() : trimmed;
  return UUID.test(bare) ? bare.toLowerCase() : bare;
}

/**
 * Resolves the `appIDorProductID` of Nebraska's paths to a stored application id: by id (bare, braced or
 * URL-encoded) or else by product id. Answers stay cached briefly, since every API call names its application.
 */
export class AppIds {
  private readonly cache = new Map<string, { id: string; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5_000,
  ) {}

  async resolve(raw: string): Promise<string> {
    const now = Date.now();
    const cached = this.cache.get(raw);
    if (cached && cached.until > now) return cached.id;
    const id = await this.lookup(raw);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(raw, { id, until: now + this.ttlMs });
    return id;
  }

  /** Forgets cached answers, after an application was created, changed or deleted. */
  forget(): void {
    this.cache.clear();
  }

  private async lookup(raw: string): Promise<string> {
    const id = normalizeAppId(raw);
    try {
      return (await this.store.getApplication(id)).id;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    for (let page = 1; ; page++) {
      const apps = await this.store.listApplications({ page, perPage: 100 });
      const match = apps.items.find((app) => app.productId !== null && app.productId === raw.trim());
      if (match) return match.id;
      if (page * 100 >= apps.total) break;
    }
    throw new NotFoundError('Application', raw);
  }
}
