import { readFile } from 'node:fs/promises';
import type { AnyIgnitionConfig, Config3_4 } from '@ballast/config';
import type { Runner } from '@ballast/disk';
import {
  type ApplyContext,
  type Clock,
  fetchSettingsOf,
  requestOf,
  systemClock,
  systemRunner,
  toLatest,
} from './context.js';
import { createEntries } from './entries.js';
import { type FetchSettings, fetchResource, type ResourceFetcher } from './fetch-resource.js';
import { ensurePasswd } from './passwd.js';
import { ProvisionError } from './provision-error.js';
import { renderConfig } from './render-config.js';
import { writeResultFile } from './result-file.js';
import { createUnits } from './units.js';

/** Options for `apply`. */
export interface ApplyOptions {
  /** The root directory of the node's filesystem (Ignition's `--root`, `/sysroot` on a real first boot). */
  readonly root: string;
  /** Fetches resources; `fetchResource` (data, http, https) by default. */
  readonly fetch?: ResourceFetcher;
  /** Our own fetch limits (size, attempts, sleeping); the config's timeouts, proxies and CAs are added to them. */
  readonly fetchSettings?: FetchSettings;
  readonly clock?: Clock;
  /** Receives one line per operation, as Ignition logs them. */
  readonly log?: (line: string) => void;
  /** Runs useradd, groupadd, systemctl...; `systemRunner` by default. */
  readonly runner?: Runner;
  /** The boot ID recorded in the result file; read from the kernel by default. */
  readonly bootId?: string;
  /** Recorded in the result file; false when the first boot found no config and applied an empty one. */
  readonly userConfigProvided?: boolean;
}

/** What `apply` did. */
export interface ApplyResult {
  /** The config as applied, after `ignition.config.replace` and `merge` and translated to spec 3.4.0. */
  readonly config: Config3_4;
  /** The result file's host path. */
  readonly resultFile: string;
}

/**
 * Applies an Ignition config (spec 3.0.0–3.4.0) to a root directory as Ignition's files stage does: referenced
 * configs merged or replacing it, then groups, users, files, directories and links, systemd units and presets, and
 * `/etc/.ignition-result.json`. Every resource is fetched and its hash checked before the first write; every file
 * is written to a temporary name and renamed; no path leaves the root. Failures throw a ProvisionError naming the
 * config entry.
 */
export async function apply(config: AnyIgnitionConfig, options: ApplyOptions): Promise<ApplyResult> {
  const context: ApplyContext = {
    root: options.root,
    fetch: options.fetch ?? fetchResource,
    fetchSettings: options.fetchSettings ?? {},
    clock: options.clock ?? systemClock,
    log: options.log ?? (() => undefined),
    runner: options.runner ?? systemRunner,
  };
  const rendered = await renderConfig(toLatest(config), context);
  refuseUnsupported(rendered);
  const kargs = rendered.kernelArguments;
  if (kargs.shouldExist.length > 0 || kargs.shouldNotExist.length > 0) {
    // Flatcar does not run Ignition's kargs stage either; say so rather than drop them without a word.
    context.log('warning: kernelArguments are not applied (Ignition applies them in its kargs stage)');
  }
  if (rendered.storage.disks.length > 0 || rendered.storage.filesystems.some((fs) => fs.format !== undefined)) {
    context.log('note: storage.disks and storage.filesystems belong to the disks stage (applyDisks)');
  }
  const settings = fetchSettingsOf(rendered, context);
  const contents = await prefetchFiles(rendered, { ...context, fetchSettings: settings });
  await ensurePasswd(rendered, context);
  await createEntries(rendered, contents, context);
  await createUnits(rendered, context);
  const resultFile = await writeResultFile(context, {
    bootId: options.bootId ?? (await readBootId()),
    userConfigProvided: options.userConfigProvided ?? true,
  });
  return { config: rendered, resultFile };
}

function refuseUnsupported(config: Config3_4): void {
  if (config.storage.luks.length > 0) {
    throw new ProvisionError('NOT_SUPPORTED', 'LUKS volumes are not supported yet', 'storage.luks');
  }
}

/** The fetched bytes of each file: `contents` (when it has a source) and each `append` entry, in order. */
export interface FileContents {
  readonly contents?: Uint8Array;
  readonly append: readonly Uint8Array[];
}

async function prefetchFiles(config: Config3_4, context: ApplyContext): Promise<FileContents[]> {
  const out: FileContents[] = [];
  for (const [index, file] of config.storage.files.entries()) {
    const where = `storage.files.${index} ${file.path}`;
    try {
      const contents =
        file.contents.source === undefined
          ? undefined
          : await context.fetch(requestOf(file.contents), context.fetchSettings);
      const append: Uint8Array[] = [];
      for (const resource of file.append) append.push(await context.fetch(requestOf(resource), context.fetchSettings));
      out.push(contents === undefined ? { append } : { contents, append });
    } catch (error) {
      throw error instanceof ProvisionError ? error.at(where) : error;
    }
  }
  return out;
}

async function readBootId(): Promise<string> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return '';
  }
}
