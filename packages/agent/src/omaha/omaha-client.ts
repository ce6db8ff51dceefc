import {
  buildRequest,
  type OmahaRequest,
  readUpdateCheck,
  type UpdateCheckVerdict,
  type UpdateEngineParams,
  type UpdateEngineRequestKind,
  updateEngineRequest,
} from '@ballast/omaha';
import type { AgentConfig } from '../config/agent-config.js';
import { fetchHttp } from './http-request.js';

/** The updater name and version the agent sends, in update_engine's `PACKAGE_NAME-PACKAGE_VERSION` shape. */
export const UPDATER_VERSION = 'ballast-agent-0.1.0';

/** update_engine's request parameters for this node. */
export function requestParams(
  config: AgentConfig,
  extra: { readonly alephVersion?: string | undefined; readonly interactive?: boolean },
): UpdateEngineParams {
  return {
    updaterVersion: UPDATER_VERSION,
    version: config.version,
    track: config.group,
    board: config.board,
    machine: config.machine,
    bootId: `{${config.bootId}}`,
    machineId: config.machineId,
    machineAlias: config.machineAlias,
    oem: config.oem,
    oemVersion: config.oemVersion,
    ...(extra.alephVersion !== undefined ? { alephVersion: extra.alephVersion } : {}),
    appId: config.appId,
    interactive: extra.interactive ?? false,
  };
}

/** What a request to the update server came back with. */
export interface OmahaExchange {
  readonly request: OmahaRequest;
  /** HTTP status, or undefined when no HTTP answer came (refused, reset, timed out). */
  readonly httpStatus: number | undefined;
  readonly body: Buffer;
  readonly error?: string;
}

/** Posts one update_engine request to the server; never rejects (events are best effort, checks read the result). */
export async function sendOmaha(
  config: AgentConfig,
  params: UpdateEngineParams,
  what: UpdateEngineRequestKind,
): Promise<OmahaExchange> {
  const request = updateEngineRequest(params, what);
  try {
    const answer = await fetchHttp(config.server, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: buildRequest(request),
      idleTimeoutMs: 30_000,
      limit: 1024 * 1024,
    });
    return { request, httpStatus: answer.status, body: answer.body };
  } catch (error) {
    return { request, httpStatus: undefined, body: Buffer.alloc(0), error: (error as Error).message };
  }
}

/** What update_engine makes of an update-check exchange; a transport failure counts as HTTP status 0 (code 2000). */
export function verdictOf(exchange: OmahaExchange): UpdateCheckVerdict {
  return readUpdateCheck(exchange.body, { httpStatus: exchange.httpStatus ?? 0 });
}
