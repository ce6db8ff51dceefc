/** `app@status` values of Omaha v3 (as go-omaha names them); a server may send others that start with `error-`. */
export const AppStatus = {
  Ok: 'ok',
  Restricted: 'restricted',
  UnknownId: 'error-unknownApplication',
  InvalidId: 'error-invalidAppId',
  InvalidVersion: 'error-invalidVersion',
  InternalError: 'error-internal',
} as const;

/**
 * The `app@status` values Nebraska answers with when it cannot give an update (`getStatusMessageStr` in
 * `backend/pkg/omaha/omaha.go`), always together with `updatecheck status="error-internal"`.
 */
export const NebraskaAppStatus = {
  NoPackageFound: 'error-noPackageFound',
  UnknownApplicationOrGroup: 'error-unknownApplicationOrGroup',
  InstanceRegistrationFailed: 'error-instanceRegistrationFailed',
  MaxUpdatesPerPeriodLimitReached: 'error-maxUpdatesPerPeriodLimitReached',
  MaxConcurrentUpdatesLimitReached: 'error-maxConcurrentUpdatesLimitReached',
  MaxTimedOutUpdatesLimitReached: 'error-maxTimedOutUpdatesLimitReached',
  UpdatesDisabled: 'error-updatesDisabled',
  CouldNotCheckUpdatesStats: 'error-couldNotCheckUpdatesStats',
  UpdateInProgressOnInstance: 'error-updateInProgressOnInstance',
  FailedToRetrieveUpdatePackageInfo: 'error-failedToRetrieveUpdatePackageInfo',
} as const;

/**
 * `updatecheck@status` values. update_engine knows only `ok` and `noupdate`; anything else makes it fail the check
 * with `OmahaResponseInvalid` (34) and try again at the next interval.
 */
export const UpdateStatus = {
  NoUpdate: 'noupdate',
  Ok: 'ok',
  OsNotSupported: 'error-osnotsupported',
  UnsupportedProtocol: 'error-unsupportedProtocol',
  PluginRestrictedHost: 'error-pluginRestrictedHost',
  HashError: 'error-hash',
  InternalError: 'error-internal',
} as const;
