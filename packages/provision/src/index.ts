export { type Runner, type RunOptions, type RunResult, run, ToolError } from '@ballast/disk';
export { type ApplyOptions, type ApplyResult, apply, type FileContents } from './apply.js';
export { type ApplyContext, type Clock, systemClock, systemRunner, toLatest } from './context.js';
export {
  applyDisks,
  canonicalUuid,
  type DisksOptions,
  LINUX_FILESYSTEM_GUID,
  mkfsCommand,
  planPartition,
  probeFilesystem,
} from './disks.js';
export {
  type FetchSettings,
  fetchResource,
  type HttpHeader,
  type ProxySettings,
  proxyFor,
  type ResourceFetcher,
  type ResourceRequest,
  verifyHash,
} from './fetch-resource.js';
export {
  CMDLINE_PATH,
  configUrlFromCmdline,
  FIRST_BOOT_FLAG,
  type FirstBootOptions,
  type FirstBootResult,
  findConfig,
  OEM_PATH,
  QEMU_FW_CFG_PATH,
  runFirstBoot,
} from './first-boot.js';
export { authorizedKeysText, groupCommand, userCommand } from './passwd.js';
export { type GroupEntry, lookupGroup, lookupUser, type PasswdEntry } from './passwd-db.js';
export { ioError, ProvisionError, type ProvisionErrorCode } from './provision-error.js';
export { parseConfigText, renderConfig } from './render-config.js';
export { RESULT_FILE_PATH, writeResultFile } from './result-file.js';
export { cleanPath, depth, type ResolveOptions, resolveInRoot } from './root-path.js';
export { createUnits, PRESET_PATH } from './units.js';
export {
  DEFAULT_DIRECTORY_MODE,
  DEFAULT_FILE_MODE,
  type FileAttributes,
  mkdirs,
  writeFileAtomic,
} from './write-file.js';
