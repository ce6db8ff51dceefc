/**
 * Butane's own findings: a stable code for each, with Butane's message verbatim (coreos/butane
 * `config/common/errors.go`), so `--raw-errors` output reads exactly as Butane's.
 */
export const butaneMessages = {
  NO_VARIANT: 'error parsing variant; must be specified',
  INVALID_VERSION: 'error parsing version; must be a valid semver',
  RHCOS_VARIANT_REMOVED:
    'rhcos variant has been removed; use openshift variant instead: https://coreos.github.io/butane/upgrading-openshift/',
  TOO_MANY_RESOURCE_SOURCES: 'only one of the following can be set: inline, local, source',
  FILES_DIR_ESCAPE: 'local file path traverses outside the files directory',
  TREE_FILE_TYPE: 'trees may only contain files, directories, and symlinks',
  NODE_EXISTS: 'matching filesystem node has existing contents or different type',
  NO_FILES_DIR: 'local file paths are relative to a files directory that must be specified with -d/--files-dir',
  TREE_NOT_DIRECTORY: 'root of tree must be a directory',
  TREE_NO_LOCAL: 'local is required',
  DECIMAL_MODE: 'unreasonable mode would be reasonable if specified in octal; remember to add a leading zero',
  TOO_MANY_SYSTEMD_SOURCES: 'only one of the following can be set: contents, contents_local',
  MOUNT_UNIT_NO_PATH: 'path is required if with_mount_unit is true and format is not swap',
  MOUNT_UNIT_NO_FORMAT: 'format is required if with_mount_unit is true',
  CLEVIS_NOT_SUPPORTED: 'clevis is not supported in this spec version',
  MERGED_CONFIG_UNKNOWN_VERSION: 'skipping validation for the merge/replace ignition config due to an unkown version',
  MERGED_CONFIG_INVALID: 'config is not valid',
} as const;

/** A code of one of Butane's own rules. */
export type ButaneCode = keyof typeof butaneMessages;

/** The error Butane's CLI prints after `Error translating config: ` when the source had errors. */
export const invalidSourceConfig = 'source config is invalid';
/** The error Butane's CLI prints after `Error translating config: ` when the generated Ignition config had errors. */
export const invalidGeneratedConfig = 'config generated was invalid';

/** `No translator exists for variant %s with version %s`, Butane's text for a variant/version it does not know. */
export function unknownVersionMessage(variant: string, version: string): string {
  return `No translator exists for variant ${variant} with version ${version}`;
}
