import type { AnyIgnitionConfig, Config3_4 } from '@ballast/config';
import { isIgnitionVersion, upgradeIgnition } from '@ballast/config';
import { type Runner, run } from '@ballast/disk';
import type { FetchSettings, ResourceFetcher, ResourceRequest } from './fetch-resource.js';
import { ProvisionError } from './provision-error.js';

/** Where the time comes from; tests pass a fixed one. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** The programs on this machine, each allowed two minutes unless a call says otherwise: mkfs on a large disk is slow. */
export const systemRunner: Runner = (tool, args, options) => run(tool, args, { timeoutMs: 120_000, ...options });

/** Everything the stages share while applying one config. */
export interface ApplyContext {
  readonly root: string;
  readonly fetch: ResourceFetcher;
  readonly fetchSettings: FetchSettings;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly runner: Runner;
}

/** Translates a decoded config of any supported version to spec 3.4.0, the version the stages work on. */
export function toLatest(config: AnyIgnitionConfig): Config3_4 {
  const version = config.ignition.version;
  if (version === undefined || !isIgnitionVersion(version)) {
    throw new ProvisionError('CONFIG_INVALID', `unsupported config version "${version ?? ''}"`);
  }
  return upgradeIgnition(config as never, version, '3.4.0') as Config3_4;
}

/** The config's timeouts, proxies and CAs on top of the caller's settings. */
export function fetchSettingsOf(config: Config3_4, context: ApplyContext): FetchSettings {
  const timeouts = config.ignition.timeouts;
  const proxy = config.ignition.proxy;
  return {
    ...context.fetchSettings,
    ...(timeouts.httpResponseHeaders !== undefined
      ? { responseHeadersTimeoutMs: timeouts.httpResponseHeaders * 1000 }
      : {}),
    ...(timeouts.httpTotal !== undefined ? { totalTimeoutMs: timeouts.httpTotal * 1000 } : {}),
    proxy: { httpProxy: proxy.httpProxy, httpsProxy: proxy.httpsProxy, noProxy: proxy.noProxy },
    log: context.log,
  };
}

type Resource = Config3_4['storage']['files'][number]['contents'];

/** A config resource as a fetch request. */
export function requestOf(resource: Resource): ResourceRequest {
  return {
    source: resource.source ?? '',
    compression: resource.compression,
    hash: resource.verification.hash,
    headers: resource.httpHeaders,
  };
}
