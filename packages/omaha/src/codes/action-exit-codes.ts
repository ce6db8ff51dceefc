/**
 * update_engine's `ActionExitCode` values (`action_processor.h`), which it sends as an event's `errorcode`. The
 * names drop update_engine's `kActionCode` prefix.
 */
export const ActionExitCode = {
  Success: 0,
  Error: 1,
  OmahaRequestError: 2,
  OmahaResponseHandlerError: 3,
  FilesystemCopierError: 4,
  PostinstallRunnerError: 5,
  SetBootableFlagError: 6,
  InstallDeviceOpenError: 7,
  KernelDeviceOpenError: 8,
  DownloadTransferError: 9,
  PayloadHashMismatchError: 10,
  PayloadSizeMismatchError: 11,
  DownloadPayloadVerificationError: 12,
  DownloadNewPartitionInfoError: 13,
  DownloadWriteError: 14,
  NewRootfsVerificationError: 15,
  NewKernelVerificationError: 16,
  SignedDeltaPayloadExpectedError: 17,
  DownloadPayloadPubKeyVerificationError: 18,
  PostinstallBootedFromFirmwareB: 19,
  DownloadStateInitializationError: 20,
  DownloadInvalidMetadataMagicString: 21,
  DownloadSignatureMissingInManifest: 22,
  DownloadManifestParseError: 23,
  DownloadMetadataSignatureError: 24,
  DownloadMetadataSignatureVerificationError: 25,
  DownloadMetadataSignatureMismatch: 26,
  DownloadOperationHashVerificationError: 27,
  DownloadOperationExecutionError: 28,
  DownloadOperationHashMismatch: 29,
  OmahaRequestEmptyResponseError: 30,
  OmahaRequestXMLParseError: 31,
  DownloadInvalidMetadataSize: 32,
  DownloadInvalidMetadataSignature: 33,
  OmahaResponseInvalid: 34,
  OmahaUpdateIgnoredPerPolicy: 35,
  OmahaUpdateDeferredPerPolicy: 36,
  OmahaErrorInHTTPResponse: 37,
  DownloadOperationHashMissingError: 38,
  DownloadMetadataSignatureMissingError: 39,
  OmahaUpdateDeferredForBackoff: 40,
  PostinstallPowerwashError: 41,
  NewPCRPolicyVerificationError: 42,
  NewPCRPolicyHTTPError: 43,
  RollbackError: 44,
  /** Internal to update_engine ("try again when more data arrived"); never reported, listed for completeness. */
  DownloadIncomplete: 100,
  /** 2000 + the HTTP status of a failed Omaha request (999 when the status was out of range). */
  OmahaRequestHTTPResponseBase: 2000,
} as const;

/** A known `ActionExitCode` name. */
export type ActionExitCodeName = keyof typeof ActionExitCode;

/** The flag bits update_engine ORs into an error code to describe the system it failed on. */
export const ActionExitCodeFlag = {
  /** Boot mode not normal (never set by Flatcar's update_engine, which has no developer mode). */
  DevMode: 0x80000000,
  /** The failure happened while resuming an interrupted update. */
  Resumed: 0x40000000,
  /** A test image rather than an officially signed one (`/root/.dev_mode` exists). */
  TestImage: 0x20000000,
  /** The update server is not Flatcar's production one. */
  TestOmahaUrl: 0x10000000,
} as const;

/** A flag bit name. */
export type ActionExitCodeFlagName = keyof typeof ActionExitCodeFlag;

/** All four flag bits: update_engine's `kSpecialFlags`. */
export const ACTION_EXIT_CODE_FLAG_MASK = 0xf0000000;

/** What an event's `errorcode` says, taken apart. */
export interface DecodedErrorCode {
  /** The code as sent; update_engine prints it as a signed 32-bit integer, so a DevMode code is negative. */
  readonly raw: number;
  /** The code without flag bits, 0 to 0x0fffffff. */
  readonly code: number;
  /** Name of `code`; `OmahaRequestHTTPResponseBase` for all of 2000 and above, undefined when unknown. */
  readonly name: ActionExitCodeName | undefined;
  /** For codes of 2000 and above, the HTTP status of the failed Omaha request. */
  readonly httpStatus?: number;
  /** The flag bits that are set, in the order of `ActionExitCodeFlag`. */
  readonly flags: readonly ActionExitCodeFlagName[];
}

const codeNames = new Map<number, ActionExitCodeName>(
  Object.entries(ActionExitCode).map(([name, value]) => [value, name as ActionExitCodeName]),
);

/** Takes an `errorcode` apart into update_engine's code and flag bits; accepts the signed and the unsigned form. */
export function decodeErrorCode(raw: number): DecodedErrorCode {
  const bits = raw >>> 0;
  const code = bits & ~ACTION_EXIT_CODE_FLAG_MASK;
  const flags: ActionExitCodeFlagName[] = [];
  for (const [name, bit] of Object.entries(ActionExitCodeFlag)) {
    if ((bits & bit) >>> 0 === bit) flags.push(name as ActionExitCodeFlagName);
  }
  if (code >= ActionExitCode.OmahaRequestHTTPResponseBase) {
    return { raw, code, name: 'OmahaRequestHTTPResponseBase', httpStatus: code - 2000, flags };
  }
  return { raw, code, name: codeNames.get(code), flags };
}

/** The name of a code without flags, or undefined when update_engine defines none. */
export function actionExitCodeName(code: number): ActionExitCodeName | undefined {
  return codeNames.get(code);
}

/**
 * The `errorcode` update_engine would send for `code` with `flags`: the bits ORed together and printed as a
 * signed 32-bit integer (`%d` of a C enum), so DevMode codes come out negative.
 */
export function encodeErrorCode(code: number, flags: readonly ActionExitCodeFlagName[] = []): number {
  let bits = code;
  for (const flag of flags) bits |= ActionExitCodeFlag[flag];
  return bits | 0;
}
