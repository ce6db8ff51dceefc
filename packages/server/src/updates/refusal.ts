import { NebraskaAppStatus } from '@ballast/omaha';

/**
 * Why an update check got no update. Nebraska's errors keep their `app@status` strings; Ballast's own policies
 * (maintenance windows, canary gates) get statuses of the same `error-` form, which update_engine reads as a failed
 * check and retries at its next interval, as it does for every Nebraska refusal.
 */
export const Refusal = {
  /** The request's application id matches no application. */
  UnknownApplication: 'UNKNOWN_APPLICATION',
  /** No group has the request's track for its architecture. */
  UnknownGroup: 'UNKNOWN_GROUP',
  /** The instance could not be registered (bad version, machine id or address). */
  RegistrationFailed: 'REGISTRATION_FAILED',
  /** The instance is between download started and its reboot. */
  UpdateInProgress: 'UPDATE_IN_PROGRESS',
  /** The group has no channel, or its channel no package. */
  NoPackage: 'NO_PACKAGE',
  /** The group's updates are disabled (by an operator, by safe mode or by a failure halt). */
  UpdatesDisabled: 'UPDATES_DISABLED',
  /** Office hours are on and it is outside them; Nebraska answers this as updates disabled. */
  OfficeHours: 'OFFICE_HOURS',
  /** The group has maintenance windows and none is open. */
  MaintenanceWindow: 'MAINTENANCE_WINDOW',
  /** The group's canary group has not yet completed the version well enough. */
  CanaryGate: 'CANARY_GATE',
  MaxUpdatesPerPeriod: 'MAX_UPDATES_PER_PERIOD',
  MaxConcurrentUpdates: 'MAX_CONCURRENT_UPDATES',
  MaxTimedOutUpdates: 'MAX_TIMED_OUT_UPDATES',
  /** The group's numbers could not be read. */
  StatsFailed: 'STATS_FAILED',
  /** A Flatcar package without its postinstall action: the answer would be useless to update_engine. */
  MissingAction: 'MISSING_ACTION',
} as const;
/** One of the {@link Refusal} reasons. */
export type Refusal = (typeof Refusal)[keyof typeof Refusal];

/** Ballast's `app@status` for a closed maintenance window. */
export const OUTSIDE_MAINTENANCE_WINDOW = 'error-outsideMaintenanceWindow';
/** Ballast's `app@status` for a canary gate that is still closed. */
export const CANARY_GATE_CLOSED = 'error-canaryGateClosed';

// Nebraska's getStatusMessageStr: an unknown application or track is not ErrInvalidApplicationOrGroup there but a
// plain lookup error, so it falls through to the default, as Nebraska's own TestInvalidRequests expects.
const APP_STATUS: Readonly<Record<Refusal, string | undefined>> = {
  UNKNOWN_APPLICATION: NebraskaAppStatus.FailedToRetrieveUpdatePackageInfo,
  UNKNOWN_GROUP: NebraskaAppStatus.FailedToRetrieveUpdatePackageInfo,
  REGISTRATION_FAILED: NebraskaAppStatus.InstanceRegistrationFailed,
  UPDATE_IN_PROGRESS: NebraskaAppStatus.UpdateInProgressOnInstance,
  NO_PACKAGE: NebraskaAppStatus.NoPackageFound,
  UPDATES_DISABLED: NebraskaAppStatus.UpdatesDisabled,
  OFFICE_HOURS: NebraskaAppStatus.UpdatesDisabled,
  MAINTENANCE_WINDOW: OUTSIDE_MAINTENANCE_WINDOW,
  CANARY_GATE: CANARY_GATE_CLOSED,
  MAX_UPDATES_PER_PERIOD: NebraskaAppStatus.MaxUpdatesPerPeriodLimitReached,
  MAX_CONCURRENT_UPDATES: NebraskaAppStatus.MaxConcurrentUpdatesLimitReached,
  MAX_TIMED_OUT_UPDATES: NebraskaAppStatus.MaxTimedOutUpdatesLimitReached,
  STATS_FAILED: NebraskaAppStatus.CouldNotCheckUpdatesStats,
  // Nebraska answers a missing action with `updatecheck status="error-internal"` and leaves the app "ok".
  MISSING_ACTION: undefined,
};

/** The `app@status` a refusal is answered with; undefined when the app's status stays "ok". */
export function appStatusFor(reason: Refusal): string | undefined {
  return APP_STATUS[reason];
}

/** Maps a refusal of the store's grant decision (Nebraska's limits) to a {@link Refusal}. */
export function refusalOfGrant(reason: string): Refusal {
  switch (reason) {
    case 'UPDATES_DISABLED':
      return Refusal.UpdatesDisabled;
    case 'MAX_UPDATES_PER_PERIOD':
      return Refusal.MaxUpdatesPerPeriod;
    case 'MAX_CONCURRENT_UPDATES':
      return Refusal.MaxConcurrentUpdates;
    case 'MAX_TIMED_OUT_UPDATES':
      return Refusal.MaxTimedOutUpdates;
    default:
      return Refusal.StatsFailed;
  }
}
