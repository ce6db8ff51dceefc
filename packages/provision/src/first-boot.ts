import { readFile, rm } from 'node:fs/promises';
import type { Config3_4 } from '@ballast/config';
import { type ApplyOptions, type ApplyResult, apply } from './apply.js';
import { fetchResource } from './fetch-resource.js';
import { ProvisionError } from './provision-error.js';
import { parseConfigText } from './render-config.js';
import { resolveInRoot } from './root-path.js';

/** Flatcar's first-boot flag: GRUB boots with `flatcar.first_boot=1` while it exists. */
export const FIRST_BOOT_FLAG = '/boot/flatcar/first_boot';
/** Where QEMU's `-fw_cfg name=opt/org.flatcar-linux/config,file=...` appears in sysfs. */
export const QEMU_FW_CFG_PATH = '/sys/firmware/qemu_fw_cfg/by_name/opt/org.flatcar-linux/config/raw';
/** The kernel command line, read under the root so tests can give one. */
export const CMDLINE_PATH = '/proc/cmdline';
/** Where `oem:///` config URLs point on Flatcar. */
export const OEM_PATH = '/usr/share/oem';

/** Options for `runFirstBoot`: where to look for a config besides Flatcar's own places, and how to apply it. */
export interface FirstBootOptions extends ApplyOptions {
  /** A config file given explicitly; looked at first. */
  readonly configFile?: string;
  /** A cloud metadata service's user-data URL (e.g. `http://169.254.169.254/latest/user-data`), looked at last. */
  readonly userDataUrl?: string;
  /** The kernel command line file; `<root>/proc/cmdline` by default. */
  readonly cmdlineFile?: string;
}

/** What `runFirstBoot` did. */
export interface FirstBootResult {
  /** False when the root is not on its first boot (no flag): nothing was done. */
  readonly applied: boolean;
  /** Where the config came from (`file:...`, `cmdline:<url>`, `qemu-fw-cfg`, `user-data:<url>`), if anywhere. */
  readonly source?: string;
  readonly result?: ApplyResult;
}

/** The value of `ignition.config.url=` on a kernel command line, if any (the last one wins, as for the kernel). */
export function configUrlFromCmdline(cmdline: string): string | undefined {
  let url: string | undefined;
  for (const word of cmdline.trim().split(/\s+/)) {
    if (word.startsWith('ignition.config.url=')) url = word.slice('ignition.config.url='.length);
  }
  return url === '' ? undefined : url;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw cause;
  }
}

// User data that is not an Ignition config belongs to coreos-cloudinit on Flatcar; Ignition leaves it alone.
function isCloudInit(text: string): boolean {
  return text.startsWith('#cloud-config') || text.startsWith('#!');
}

/** Finds the config as Flatcar's first boot does; undefined when no source has one. */
export async function findConfig(options: FirstBootOptions): Promise<{ source: string; text: string } | undefined> {
  const log = options.log ?? (() => undefined);
  const fetch = options.fetch ?? fetchResource;
  const settings = { maxAttempts: 10, ...options.fetchSettings };
  if (options.configFile !== undefined) {
    const text = await readIfExists(options.configFile);
    if (text === undefined) throw new ProvisionError('CONFIG_NOT_FOUND', `${options.configFile}: no such file`);
    return { source: `file:${options.configFile}`, text };
  }
  const cmdlineFile = options.cmdlineFile ?? (await resolveInRoot(options.root, CMDLINE_PATH, { followLast: true }));
  const url = configUrlFromCmdline((await readIfExists(cmdlineFile)) ?? '');
  if (url !== undefined) {
    log(`fetching config from ignition.config.url ${url}`);
    if (url.startsWith('oem:///')) {
      const path = await resolveInRoot(options.root, `${OEM_PATH}/${url.slice('oem:///'.length)}`, {
        followLast: true,
      });
      const text = await readIfExists(path);
      if (text === undefined) throw new ProvisionError('CONFIG_NOT_FOUND', `${url}: no such file in the OEM partition`);
      return { source: `cmdline:${url}`, text };
    }
    const bytes = await fetch({ source: url }, settings);
    return { source: `cmdline:${url}`, text: new TextDecoder().decode(bytes) };
  }
  const fwCfg = await readIfExists(await resolveInRoot(options.root, QEMU_FW_CFG_PATH, { followLast: true }));
  if (fwCfg !== undefined) return { source: 'qemu-fw-cfg', text: fwCfg };
  if (options.userDataUrl !== undefined) {
    log(`fetching user data from ${options.userDataUrl}`);
    try {
      const bytes = await fetch({ source: options.userDataUrl }, settings);
      const text = new TextDecoder().decode(bytes);
      if (text.trim() === '') return undefined;
      if (isCloudInit(text)) {
        log('user data is not an Ignition config (coreos-cloudinit data): ignoring it');
        return undefined;
      }
      return { source: `user-data:${options.userDataUrl}`, text };
    } catch (error) {
      // A metadata service answers 404 when the instance has no user data.
      if (error instanceof ProvisionError && error.code === 'FETCH_HTTP_STATUS' && /HTTP 404/.test(error.message)) {
        return undefined;
      }
      throw error;
    }
  }
  return undefined;
}

/**
 * Flatcar's first-boot entry point: when the root holds `/boot/flatcar/first_boot`, finds the config (an explicit
 * file, `ignition.config.url` on the kernel command line, QEMU's fw_cfg entry, a cloud user-data URL), applies it,
 * and removes the flag once everything succeeded. Without a config it applies an empty one, so the result file
 * still records the provisioning. Without the flag it does nothing.
 */
export async function runFirstBoot(options: FirstBootOptions): Promise<FirstBootResult> {
  const log = options.log ?? (() => undefined);
  const flag = await resolveInRoot(options.root, FIRST_BOOT_FLAG);
  if ((await readIfExists(flag)) === undefined) {
    log(`${FIRST_BOOT_FLAG} does not exist: not a first boot, nothing to do`);
    return { applied: false };
  }
  const found = await findConfig(options);
  let config: Config3_4;
  if (found === undefined) {
    log('no config provided: applying an empty one');
    config = parseConfigText('{"ignition":{"version":"3.4.0"}}');
  } else {
    log(`using config from ${found.source}`);
    config = parseConfigText(found.text, found.source);
  }
  const result = await apply(config, { ...options, userConfigProvided: found !== undefined });
  await rm(flag, { force: true });
  log(`removed ${FIRST_BOOT_FLAG}`);
  return found === undefined ? { applied: true, result } : { applied: true, source: found.source, result };
}
