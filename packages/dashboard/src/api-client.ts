import type {
  ActivityJson,
  ApplicationJson,
  ChannelJson,
  Duration,
  GroupJson,
  InstanceJson,
  InstancePageJson,
  InstancesStatsJson,
  PackageJson,
  PageJson,
  StatusHistoryJson,
  StatusTimelineJson,
  VersionBreakdownJson,
  VersionTimelineJson,
} from './api-types.js';

/** An answer of the server that was not 2xx, with the stable code of its JSON error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The fetch the client uses; tests pass their own. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** The bearer token; none with `--auth none` (or before signing in). */
  readonly token?: string | undefined;
  /** The server's origin and path prefix; empty means the page's own origin. */
  readonly baseUrl?: string;
  readonly fetch?: Fetch;
}

/** Who the dashboard talks to the server as. */
export interface Session {
  /** `none` when the server runs with `--auth none`: no token needed, everyone is an admin. */
  readonly auth: 'token' | 'none';
  readonly role: 'admin' | 'viewer';
}

/** What {@link ApiClient.probe} found out. */
export type ProbeResult =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly reason: 'SIGN_IN' | 'TOKEN_REJECTED'; readonly message: string };

type Query = Readonly<Record<string, string | number | undefined>>;

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Reads an error answer's JSON body (`{"error": CODE, "message": ...}`), or makes one from the status. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown; fields?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
    if (Array.isArray(body.fields) && body.fields.length > 0) {
      const fields = body.fields as { path?: unknown; message?: unknown }[];
      message += `: ${fields.map((field) => `${String(field.path)}: ${String(field.message)}`).join('; ')}`;
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status line says enough.
  }
  return new ApiError(response.status, code, message);
}

const app = (appId: string) => `/api/apps/${encodeURIComponent(appId)}`;
const group = (appId: string, groupId: string) => `${app(appId)}/groups/${encodeURIComponent(groupId)}`;

/** A client of the server's REST API (Nebraska's paths), as the dashboard uses it. */
export class ApiClient {
  private readonly fetcher: Fetch;
  private readonly baseUrl: string;
  readonly token: string | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.baseUrl = options.baseUrl ?? '';
    this.token = options.token;
  }

  /** Sends a request; resolves with the parsed JSON (undefined for 204), rejects with an {@link ApiError}. */
  async request<T>(method: string, path: string, init: { query?: Query; json?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetcher(`${this.baseUrl}${withQuery(path, init.query)}`, {
      method,
      headers,
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * Finds out how to talk to the server: without a token first (a server with `--auth none` answers), then with
   * the token, whose role shows in whether it may list API tokens (admins only).
   */
  async probe(): Promise<ProbeResult> {
    const anonymous = new ApiClient({ baseUrl: this.baseUrl, fetch: this.fetcher });
    try {
      await anonymous.request('GET', '/api/apps', { query: { perpage: 1 } });
      return { ok: true, session: { auth: 'none', role: 'admin' } };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    if (!this.token) return { ok: false, reason: 'SIGN_IN', message: 'This server needs an API token' };
    try {
      await this.request('GET', '/api/apps', { query: { perpage: 1 } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        return {
          ok: false,
          reason: 'TOKEN_REJECTED',
          message: `The server did not accept this token: ${error.message}`,
        };
      }
      throw error;
    }
    try {
      await this.request('GET', '/api/tokens');
      return { ok: true, session: { auth: 'token', role: 'admin' } };
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        return { ok: true, session: { auth: 'token', role: 'viewer' } };
      }
      throw error;
    }
  }

  /** Every application with its groups and channels (pages of 100 until all are read). */
  async applications(): Promise<ApplicationJson[]> {
    const all: ApplicationJson[] = [];
    for (let page = 1; ; page += 1) {
      const answer = await this.request<PageJson & { applications: ApplicationJson[] }>('GET', '/api/apps', {
        query: { page, perpage: 100 },
      });
      all.push(...answer.applications);
      if (answer.applications.length === 0 || all.length >= answer.totalCount) return all;
    }
  }

  /** One application with its groups and channels. */
  application(appId: string): Promise<ApplicationJson> {
    return this.request('GET', app(appId));
  }

  /** One group. */
  group(appId: string, groupId: string): Promise<GroupJson> {
    return this.request('GET', group(appId, groupId));
  }

  /** Changes the keys given of a group (the server keeps the others). */
  updateGroup(appId: string, groupId: string, patch: Readonly<Record<string, unknown>>): Promise<GroupJson> {
    return this.request('PUT', group(appId, groupId), { json: patch });
  }

  /** Turns a group's updates off, as an operator's pause. */
  pauseGroup(appId: string, groupId: string): Promise<GroupJson> {
    return this.updateGroup(appId, groupId, { policy_updates_enabled: false });
  }

  /** Turns a group's updates back on and clears a failure halt or safe-mode pause (Ballast's resume). */
  resumeGroup(appId: string, groupId: string): Promise<GroupJson> {
    return this.request('POST', `${group(appId, groupId)}/resume`);
  }

  /** Which versions a group's instances run. */
  versionBreakdown(appId: string, groupId: string): Promise<VersionBreakdownJson[]> {
    return this.request('GET', `${group(appId, groupId)}/version_breakdown`);
  }

  /** A group's instance counts by status within a duration. */
  instancesStats(appId: string, groupId: string, duration: Duration): Promise<InstancesStatsJson> {
    return this.request('GET', `${group(appId, groupId)}/instances_stats`, { query: { duration } });
  }

  /** Instance counts per version over time. */
  versionTimeline(appId: string, groupId: string, duration: Duration): Promise<VersionTimelineJson> {
    return this.request('GET', `${group(appId, groupId)}/version_timeline`, { query: { duration } });
  }

  /** Instance counts per status (and version) over time. */
  statusTimeline(appId: string, groupId: string, duration: Duration): Promise<StatusTimelineJson> {
    return this.request('GET', `${group(appId, groupId)}/status_timeline`, { query: { duration } });
  }

  /** A page of a group's instances; `query` holds Nebraska's parameters (see `instanceQueryParams`). */
  instances(appId: string, groupId: string, query: Query): Promise<InstancePageJson> {
    return this.request('GET', `${group(appId, groupId)}/instances`, { query });
  }

  /** One instance as its group sees it. */
  instance(appId: string, groupId: string, instanceId: string): Promise<InstanceJson> {
    return this.request('GET', `${group(appId, groupId)}/instances/${encodeURIComponent(instanceId)}`);
  }

  /** Names an instance (Nebraska's alias); the answer is the instance as the application sees it. */
  setAlias(appId: string, instanceId: string, alias: string): Promise<InstanceJson> {
    return this.request('PUT', `/api/instances/${encodeURIComponent(instanceId)}`, {
      query: { app_id: appId },
      json: { alias },
    });
  }

  /** An instance's status changes, newest first. */
  statusHistory(appId: string, groupId: string, instanceId: string): Promise<StatusHistoryJson[]> {
    return this.request('GET', `${group(appId, groupId)}/instances/${encodeURIComponent(instanceId)}/status_history`, {
      query: { limit: 50 },
    });
  }

  /** A page of an application's packages, newest first. */
  packages(appId: string, query: { page?: number; perpage?: number; searchVersion?: string } = {}) {
    return this.request<PageJson & { packages: PackageJson[] }>('GET', `${app(appId)}/packages`, { query });
  }

  /** Points a channel at a package (or at none with null). */
  setChannelPackage(appId: string, channelId: string, packageId: string | null): Promise<ChannelJson> {
    return this.request('PUT', `${app(appId)}/channels/${encodeURIComponent(channelId)}`, {
      json: { package_id: packageId },
    });
  }

  /** A page of the activity feed, newest first. */
  activity(query: Query = {}) {
    return this.request<PageJson & { activities: ActivityJson[] }>('GET', '/api/activity', { query });
  }

  /** The Prometheus text of `/metrics` (no token needed), for the rollout gauges. */
  async metrics(): Promise<string> {
    const response = await this.fetcher(`${this.baseUrl}/metrics`, { headers: { accept: 'text/plain' } });
    if (!response.ok) throw await errorFrom(response);
    return response.text();
  }
}
