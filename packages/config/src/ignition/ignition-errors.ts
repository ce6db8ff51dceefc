// Ignition's error texts (coreos/ignition config/shared/errors), verbatim, under stable codes of ours.

/** The message of each fixed-text rule, by report code. */
export const IGNITION_MESSAGES = {
  // Parsing and general
  CONFIG_INVALID: 'config is not valid',
  CONFIG_EMPTY: 'not a config (empty)',
  DUPLICATE_ENTRY: 'duplicate entry defined',
  VERSION_INVALID: "invalid config version (couldn't parse)",
  VERSION_UNSUPPORTED: 'unsupported config version',
  COMPRESSION_INVALID: 'invalid compression method',
  // Storage
  FILE_USED_SYMLINK: 'file path includes link in config',
  DIRECTORY_USED_SYMLINK: 'directory path includes link in config',
  LINK_USED_SYMLINK: 'link path includes link in config',
  LINK_TARGET_REQUIRED: 'link target is required',
  HARD_LINK_TO_DIRECTORY: 'hard link target is a directory',
  HARD_LINK_SPECIFIES_OWNER: 'user/group ignored for hard link',
  DISK_DEVICE_REQUIRED: 'disk device is required',
  PARTITION_NUMBERS_COLLIDE: 'partition numbers collide',
  PARTITIONS_OVERLAP: 'partitions overlap',
  OVERWRITE_AND_NIL_SOURCE: 'overwrite must be false if source is unspecified',
  VERIFICATION_AND_NIL_SOURCE: 'source must be specified if verification is specified',
  FILESYSTEM_INVALID_FORMAT: 'invalid filesystem format',
  LABEL_NEEDS_FORMAT: 'filesystem must specify format if label is specified',
  FORMAT_NIL_WITH_OTHERS:
    'format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified',
  EXT4_LABEL_TOO_LONG: 'filesystem labels cannot be longer than 16 characters when using ext4',
  BTRFS_LABEL_TOO_LONG: 'filesystem labels cannot be longer than 256 characters when using btrfs',
  XFS_LABEL_TOO_LONG: 'filesystem labels cannot be longer than 12 characters when using xfs',
  SWAP_LABEL_TOO_LONG: 'filesystem labels cannot be longer than 15 characters when using swap',
  VFAT_LABEL_TOO_LONG: 'filesystem labels cannot be longer than 11 characters when using vfat',
  LUKS_LABEL_TOO_LONG: 'luks device labels cannot be longer than 47 characters',
  LUKS_NAME_CONTAINS_SLASH: 'device names cannot contain slashes',
  LUKS_KEY_FILE_INVALID: 'invalid key-file source',
  CLEVIS_PIN_REQUIRED: 'missing required custom clevis pin',
  CLEVIS_PIN_UNKNOWN: 'unsupported clevis pin',
  CLEVIS_CONFIG_REQUIRED: 'missing required custom clevis config',
  CLEVIS_CUSTOM_WITH_OTHERS: 'cannot use custom clevis config with tpm2, tang, or threshold',
  TANG_THUMBPRINT_REQUIRED: 'thumbprint is required',
  TANG_ADVERTISEMENT_INVALID: 'advertisement is not valid JSON',
  MODE_ILLEGAL: 'illegal file mode',
  MODE_SPECIAL_BITS: 'setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0',
  ID_AND_NAME_BOTH_SET: 'cannot set both id and name',
  PARTITION_LABEL_TOO_LONG: 'partition labels may not exceed 36 characters',
  GUID_INVALID: 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"',
  PARTITION_LABEL_CONTAINS_COLON: 'partition label will be truncated to text before the colon',
  PATH_MISSING: 'path not specified',
  PATH_NOT_ABSOLUTE: 'path not absolute',
  PATH_NOT_CLEAN: 'path is not fully simplified',
  PARTITIONS_OVERWRITTEN: 'filesystem overwrites partitioned device',
  FILESYSTEM_IMPLICIT_WIPE: 'device matches disk with wipeTable enabled; filesystem will be wiped',
  RAID_LEVEL_REQUIRED: 'raid level is required',
  RAID_SPARES_UNSUPPORTED: 'spares unsupported for linear and raid0 arrays',
  RAID_LEVEL_UNRECOGNIZED: 'unrecognized raid level',
  RAID_DEVICES_REQUIRED: 'raid devices required',
  SHOULD_NOT_EXIST_WITH_OTHERS: 'shouldExist specified false with other options also specified',
  ZEROES_WITH_SHOULD_NOT_EXIST: 'shouldExist is false for a partition and other partition(s) has start or size 0',
  PARTITION_LABEL_OR_NUMBER_REQUIRED: 'a partition number >= 1 or a label must be specified',
  PARTITION_LABELS_DUPLICATE: 'cannot use the same partition label twice',
  PROXY_INVALID: 'proxies must be http(s)',
  PROXY_INSECURE: 'insecure plaintext HTTP proxy specified for HTTPS resources',
  PATH_CONFLICTS_SYSTEMD: 'path conflicts with systemd unit or dropin',
  // Systemd
  UNIT_EXTENSION_INVALID: 'invalid systemd unit extension',
  DROPIN_EXTENSION_INVALID: 'invalid systemd drop-in extension',
  // Resources
  SOURCE_REQUIRED: 'source is required',
  URL_SCHEME_INVALID: 'invalid url scheme',
  URL_INVALID: 'unable to parse url',
  HTTP_HEADER_INVALID: 'unable to parse HTTP header',
  HTTP_HEADER_NAME_EMPTY: "HTTP header name can't be empty",
  HTTP_HEADERS_UNSUPPORTED_SCHEME: 'cannot use HTTP headers with this source scheme',
  HASH_MALFORMED: 'malformed hash specifier',
  HASH_WRONG_SIZE: 'incorrect size for hash sum',
  HASH_UNRECOGNIZED: 'unrecognized hash function',
  S3_ARN_INVALID: 'invalid S3 ARN format',
  S3_VERSION_ID_INVALID: 'invalid S3 object VersionId',
} as const;

/** A report code with a fixed message. */
export type IgnitionMessageCode = keyof typeof IGNITION_MESSAGES;

/** `unit "NAME" is enabled, but has no install section so enable does nothing` (code UNIT_NO_INSTALL_SECTION). */
export function noInstallSectionMessage(quotedName: string): string {
  return `unit ${quotedName} is enabled, but has no install section so enable does nothing`;
}

/** `template unit "A@.service" for "A@b.service" doesn't have Install section` (UNIT_TEMPLATE_NO_INSTALL_SECTION). */
export function templateNoInstallSectionMessage(quotedTemplate: string, quotedInstance: string): string {
  return `template unit ${quotedTemplate} for ${quotedInstance} doesn't have Install section`;
}
