import { readFile } from 'node:fs/promises';
import { machine } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../agent-error.js';
import { LockError } from '../lock/lock-error.js';
import { parseGoDuration, type RebootWindow, rebootWindowFromSettings } from '../lock/reboot-window.js';
import { parseKeyValue } from './key-value.js';

/** The update server update_engine uses when update.conf names none. */
export const PRODUCTION_SERVER = 'https://public.update.flatcar-linux.net/v1/update/';

/** Flatcar's application id, with the braces update_engine sends. */
export const DEFAULT_APP_ID = '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}';

/** The reboot strategies, as locksmith names them. */
export type RebootStrategy = 'off' | 'reboot' | 'etcd-lock';

/** Where the agent's own settings live, below the root; the Flatcar files are read after it. */
export const AGENT_CONF = '/etc/ballast/agent.conf';
/** update_engine's search path for SERVER, GROUP and the release fields: the first file that has a key wins. */
export const UPDATE_CONF_FILES = [
  '/etc/flatcar/update.conf',
  '/usr/share/flatcar/update.conf',
  '/usr/share/flatcar/release',
];
/** update_engine's search path for the OEM id and version. */
export const OEM_RELEASE_FILES = ['/etc/oem-release', '/usr/share/oem/oem-release'];

/** The health checks run after booting an update. */
export interface HealthConfig {
  /** systemd units that must be active (`systemctl is-active`). */
  readonly units: readonly string[];
  /** A URL that must answer 2xx. */
  readonly httpUrl: string | undefined;
  /** A command (run by /bin/sh -c) that must exit 0. */
  readonly command: string | undefined;
  /** How long the checks may take to pass, from the start of the first round. */
  readonly deadlineMs: number;
  /** Time between rounds. */
  readonly intervalMs: number;
}

/** Everything the agent reads from the node: update.conf, the release, ids, the kernel command line. */
export interface AgentConfig {
  readonly root: string;
  /** SERVER: the Omaha endpoint. */
  readonly server: string;
  /** GROUP (update_engine's "track"); "stable" when unset. */
  readonly group: string;
  readonly machineAlias: string;
  /** FLATCAR_RELEASE_VERSION of the running system. */
  readonly version: string;
  readonly board: string;
  readonly appId: string;
  readonly oem: string;
  readonly oemVersion: string;
  /** `uname -m`. */
  readonly machine: string;
  /** /etc/machine-id. */
  readonly machineId: string;
  /** /proc/sys/kernel/random/boot_id, without braces; "" when unreadable. */
  readonly bootId: string;
  /** /proc/cmdline. */
  readonly cmdline: string;
  /** /root/.dev_mode exists: update_engine then flags every error code as from a test image. */
  readonly devMode: boolean;
  readonly rebootStrategy: RebootStrategy;
  readonly rebootWindow: RebootWindow | undefined;
  /**
   * Every setting by name, as the agent looks them up (agent.conf, then update.conf, then the release): what
   * locksmith's LOCKSMITHD_* lock settings are read from.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** The Ed25519 public key payload signatures are checked with (a PEM file, below the root). */
  readonly publicKeyPath: string;
  /** Install payloads without a signature check (test rigs only). */
  readonly allowUnsigned: boolean;
  readonly health: HealthConfig;
  /** The command that reboots the node. */
  readonly rebootCommand: readonly string[];
  /** Bytes downloaded between two durable checkpoints of a download. */
  readonly checkpointBytes: number;
}

/** Options for `readAgentConfig`. */
export interface ReadConfigOptions {
  /** `uname -m` to report; the running machine's by default. */
  readonly machine?: string;
}

/** Reads the agent's configuration from the files under `root` (`/` on a node). */
export async function readAgentConfig(root: string, options: ReadConfigOptions = {}): Promise<AgentConfig> {
  const read = async (path: string) => {
    try {
      return await readFile(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  const files = async (paths: readonly string[]) =>
    (await Promise.all(paths.map(read))).map((text) => (text === undefined ? undefined : parseKeyValue(text)));
  const flatcar = await files(UPDATE_CONF_FILES);
  const agent = await files([AGENT_CONF]);
  const oemFiles = await files(OEM_RELEASE_FILES);
  const search = (maps: readonly (Map<string, string> | undefined)[], key: string): string | undefined => {
    for (const map of maps) if (map?.has(key)) return map.get(key);
    return undefined;
  };
  const conf = (key: string, fallback: string) => search(flatcar, key) ?? fallback;
  const setting = (key: string) => search([...agent, ...flatcar], key);

  const version = conf('FLATCAR_RELEASE_VERSION', '');
  if (version === '') {
    throw new AgentError(
      'RELEASE_UNKNOWN',
      `${join(root, '/usr/share/flatcar/release')}: no FLATCAR_RELEASE_VERSION, so the running version is unknown`,
    );
  }
  const strategy = setting('REBOOT_STRATEGY') || 'reboot';
  if (strategy !== 'off' && strategy !== 'reboot' && strategy !== 'etcd-lock') {
    throw new AgentError('CONFIG_INVALID', `REBOOT_STRATEGY '${strategy}' is not off, reboot or etcd-lock`);
  }
  let rebootWindow: RebootWindow | undefined;
  try {
    rebootWindow = rebootWindowFromSettings({
      LOCKSMITHD_REBOOT_WINDOW_START: setting('LOCKSMITHD_REBOOT_WINDOW_START'),
      LOCKSMITHD_REBOOT_WINDOW_LENGTH: setting('LOCKSMITHD_REBOOT_WINDOW_LENGTH'),
      // locksmith still reads the unprefixed names it used before.
      REBOOT_WINDOW_START: setting('REBOOT_WINDOW_START'),
      REBOOT_WINDOW_LENGTH: setting('REBOOT_WINDOW_LENGTH'),
    });
  } catch (error) {
    if (error instanceof LockError) throw new AgentError('CONFIG_INVALID', error.message);
    throw error;
  }
  const duration = (key: string, fallback: string): number => {
    const text = setting(key) || fallback;
    let ns: bigint;
    try {
      ns = parseGoDuration(text);
    } catch {
      throw new AgentError('CONFIG_INVALID', `${key} '${text}' is not a duration such as 5m`);
    }
    if (ns < 0n) throw new AgentError('CONFIG_INVALID', `${key} '${text}' is negative`);
    return Number(ns / 1_000_000n);
  };
  const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter((w) => w !== '');
  const rebootCommand = words(setting('REBOOT_COMMAND') || 'systemctl reboot');
  const bootId = ((await read('/proc/sys/kernel/random/boot_id')) ?? '').trim();

  return {
    root,
    server: conf('SERVER', PRODUCTION_SERVER),
    group: conf('GROUP', 'stable'),
    machineAlias: conf('MACHINE_ALIAS', ''),
    version,
    board: conf('FLATCAR_RELEASE_BOARD', ''),
    appId: conf('FLATCAR_RELEASE_APPID', DEFAULT_APP_ID),
    oem: search(oemFiles, 'ID') ?? '',
    oemVersion: search(oemFiles, 'VERSION_ID') ?? '',
    machine: options.machine ?? machine(),
    machineId: ((await read('/etc/machine-id')) ?? '').trim(),
    bootId,
    cmdline: ((await read('/proc/cmdline')) ?? '').trim(),
    devMode: (await read('/root/.dev_mode')) !== undefined,
    rebootStrategy: strategy,
    rebootWindow,
    settings: Object.fromEntries([...agent, ...flatcar].reverse().flatMap((map) => (map ? [...map.entries()] : []))),
    publicKeyPath: setting('PAYLOAD_PUBLIC_KEY') || '/etc/ballast/payload-key.pem',
    allowUnsigned: setting('ALLOW_UNSIGNED_PAYLOADS') === 'true',
    health: {
      units: words(setting('HEALTH_UNITS')),
      httpUrl: setting('HEALTH_HTTP') || undefined,
      command: setting('HEALTH_COMMAND') || undefined,
      deadlineMs: duration('HEALTH_DEADLINE', '5m'),
      intervalMs: duration('HEALTH_INTERVAL', '10s'),
    },
    rebootCommand,
    checkpointBytes: sizeSetting(setting('DOWNLOAD_CHECKPOINT'), 64 * 1024 * 1024),
  };
}

function sizeSetting(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const match = /^([0-9]+)([KMG]?)$/i.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw new AgentError('CONFIG_INVALID', `DOWNLOAD_CHECKPOINT '${text}' is not a size such as 64M`);
  }
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * unit;
}
