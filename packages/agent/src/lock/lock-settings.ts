import { readFile } from 'node:fs/promises';
import type { EtcdTls } from './etcd-client.js';
import type { OpenEtcdRebootLockOptions } from './etcd-lock.js';
import { LockError } from './lock-error.js';

/** locksmith's default endpoints: etcd's client port, then its pre-2.0 one. */
export const DEFAULT_ETCD_ENDPOINTS: readonly string[] = ['http://127.0.0.1:2379', 'http://127.0.0.1:4001'];

/** How to reach the lock, as locksmith's flags and their environment variables name it; files, not contents. */
export interface LockSettings {
  readonly endpoints: readonly string[];
  readonly group: string;
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** Splits locksmith's `-endpoint` value: comma-separated, spaces around each URL ignored. */
export function splitEndpoints(value: string): string[] {
  return value.split(',').map((e) => e.trim());
}

/**
 * Reads locksmith's settings from variables with its prefix: `LOCKSMITHD_` as locksmithd takes them from
 * update.conf (`LOCKSMITHD_ENDPOINT`, `LOCKSMITHD_GROUP`, `LOCKSMITHD_ETCD_CAFILE`, `_CERTFILE`, `_KEYFILE`,
 * `_USERNAME`, `_PASSWORD`), or `LOCKSMITHCTL_` as locksmithctl takes them from the environment.
 */
export function lockSettingsFrom(
  variables: Readonly<Record<string, string | undefined>>,
  prefix: 'LOCKSMITHD' | 'LOCKSMITHCTL' = 'LOCKSMITHD',
): LockSettings {
  // As locksmith's flagsFromEnv: an empty variable counts as unset.
  const get = (name: string) => {
    const value = variables[`${prefix}_${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
  const endpoint = get('ENDPOINT');
  return {
    endpoints: endpoint === undefined ? DEFAULT_ETCD_ENDPOINTS : splitEndpoints(endpoint),
    group: get('GROUP') ?? '',
    caFile: get('ETCD_CAFILE'),
    certFile: get('ETCD_CERTFILE'),
    keyFile: get('ETCD_KEYFILE'),
    username: get('ETCD_USERNAME'),
    password: get('ETCD_PASSWORD'),
  };
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new LockError('ETCD_CONFIG_INVALID', `Cannot read the etcd ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Turns settings into lock options, reading the TLS files they name. */
export async function lockOptionsFrom(settings: LockSettings): Promise<OpenEtcdRebootLockOptions> {
  const tls: { -readonly [K in keyof EtcdTls]: EtcdTls[K] } = {};
  if (settings.caFile !== undefined) tls.ca = await readPem(settings.caFile, 'CA file');
  if (settings.certFile !== undefined) tls.cert = await readPem(settings.certFile, 'certificate file');
  if (settings.keyFile !== undefined) tls.key = await readPem(settings.keyFile, 'key file');
  return {
    endpoints: settings.endpoints,
    group: settings.group,
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
  };
}
