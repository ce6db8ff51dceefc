import type { configReportJson, machineGroupJson, machineProfileJson } from './provisioning-json.js';

/** A machine profile as the REST API writes it. */
export type MachineProfileJson = ReturnType<typeof machineProfileJson>;
/** A machine group as the REST API writes it. */
export type MachineGroupJson = ReturnType<typeof machineGroupJson>;
/** A config report as the REST API writes it. */
export type ConfigReportJson = ReturnType<typeof configReportJson>;

/** What `GET /api/provisioning/render` answers. */
export interface RenderJson {
  readonly group: string;
  readonly profile: string;
  readonly ties: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly ok: boolean;
  readonly ignition: unknown;
  readonly rendered?: string;
  readonly reports: readonly ConfigReportJson[];
}

/** An error answer of the server: its status, stable code, message and the bad fields it named. */
export class ProvisioningApiError extends Error {
  override readonly name = 'ProvisioningApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly { readonly path: string; readonly message: string }[] = [],
  ) {
    super(message);
  }
}

/** Where the server is and how to authenticate. */
export interface ProvisioningClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** An API token (admin to write). */
  readonly token?: string | undefined;
}

/** A small client of the machine provisioning REST API, for `ballast provision profile|group`. */
export class ProvisioningClient {
  private readonly base: string;

  constructor(private readonly options: ProvisioningClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; value: T }> {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ProvisioningApiError(
        0,
        'UNREACHABLE',
        `Cannot reach the server at ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let value: unknown;
    try {
      value = text === '' ? undefined : JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!response.ok) {
      const answer = (value ?? {}) as {
        error?: string;
        message?: string;
        fields?: { path: string; message: string }[];
      };
      throw new ProvisioningApiError(
        response.status,
        answer.error ?? `HTTP_${response.status}`,
        answer.message ?? `${method} ${path} answered ${response.status}`,
        answer.fields ?? [],
      );
    }
    return { status: response.status, value: value as T };
  }

  async listProfiles(): Promise<MachineProfileJson[]> {
    return (await this.call<{ profiles: MachineProfileJson[] }>('GET', '/api/provisioning/profiles')).value.profiles;
  }

  async getProfile(id: string): Promise<MachineProfileJson> {
    return (await this.call<MachineProfileJson>('GET', `/api/provisioning/profiles/${encodeURIComponent(id)}`)).value;
  }

  /** Creates or replaces a profile; `created` says which. */
  async putProfile(
    id: string,
    body: Record<string, unknown>,
  ): Promise<{ created: boolean; profile: MachineProfileJson }> {
    const answer = await this.call<MachineProfileJson>(
      'PUT',
      `/api/provisioning/profiles/${encodeURIComponent(id)}`,
      body,
    );
    return { created: answer.status === 201, profile: answer.value };
  }

  async deleteProfile(id: string): Promise<void> {
    await this.call('DELETE', `/api/provisioning/profiles/${encodeURIComponent(id)}`);
  }

  async listGroups(): Promise<MachineGroupJson[]> {
    return (await this.call<{ groups: MachineGroupJson[] }>('GET', '/api/provisioning/groups')).value.groups;
  }

  async getGroup(id: string): Promise<MachineGroupJson> {
    return (await this.call<MachineGroupJson>('GET', `/api/provisioning/groups/${encodeURIComponent(id)}`)).value;
  }

  /** Creates or replaces a group; `created` says which. */
  async putGroup(id: string, body: Record<string, unknown>): Promise<{ created: boolean; group: MachineGroupJson }> {
    const answer = await this.call<MachineGroupJson>('PUT', `/api/provisioning/groups/${encodeURIComponent(id)}`, body);
    return { created: answer.status === 201, group: answer.value };
  }

  async deleteGroup(id: string): Promise<void> {
    await this.call('DELETE', `/api/provisioning/groups/${encodeURIComponent(id)}`);
  }

  /** What a machine with these labels would get. */
  async render(labels: Readonly<Record<string, string>>): Promise<RenderJson> {
    const query = new URLSearchParams(labels).toString();
    return (await this.call<RenderJson>('GET', `/api/provisioning/render${query === '' ? '' : `?${query}`}`)).value;
  }
}
