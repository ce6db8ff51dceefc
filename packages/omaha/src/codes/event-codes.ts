/**
 * Omaha `eventtype` values. update_engine sends 3, 13 and 14 (`omaha_request_action.h`); the rest are Google
 * Omaha's, as go-omaha lists them; 800 is Nebraska's own "update installed".
 */
export const EventType = {
  Unknown: 0,
  DownloadComplete: 1,
  InstallComplete: 2,
  UpdateComplete: 3,
  Uninstall: 4,
  DownloadStarted: 5,
  InstallStarted: 6,
  NewApplicationInstallStarted: 9,
  SetupStarted: 10,
  SetupFinished: 11,
  UpdateApplicationStarted: 12,
  UpdateDownloadStarted: 13,
  UpdateDownloadFinished: 14,
  UpdateInstallerStarted: 15,
  SetupUpdateBegin: 16,
  SetupUpdateComplete: 17,
  RegisterProductComplete: 20,
  OemInstallFirstCheck: 30,
  AppSpecificCommandStarted: 40,
  AppSpecificCommandEnded: 41,
  SetupFailure: 100,
  ComServerFailure: 102,
  SetupUpdateFailure: 103,
  UpdateInstalled: 800,
} as const;

/** A known `eventtype` name. */
export type EventTypeName = keyof typeof EventType;

/** Omaha `eventresult` values; update_engine sends 0, 1, 2 and 9. */
export const EventResult = {
  Error: 0,
  Success: 1,
  SuccessReboot: 2,
  SuccessRestartBrowser: 3,
  Cancelled: 4,
  ErrorInstallerMsi: 5,
  ErrorInstallerOther: 6,
  NoUpdate: 7,
  ErrorInstallerSystem: 8,
  UpdateDeferred: 9,
  HandoffError: 10,
} as const;

/** A known `eventresult` name. */
export type EventResultName = keyof typeof EventResult;

const typeNames = new Map<number, EventTypeName>(
  Object.entries(EventType).map(([name, value]) => [value, name as EventTypeName]),
);
const resultNames = new Map<number, EventResultName>(
  Object.entries(EventResult).map(([name, value]) => [value, name as EventResultName]),
);

/** The name of an `eventtype`, or undefined for a number nobody defined. */
export function eventTypeName(type: number): EventTypeName | undefined {
  return typeNames.get(type);
}

/** The name of an `eventresult`, or undefined for a number nobody defined. */
export function eventResultName(result: number): EventResultName | undefined {
  return resultNames.get(result);
}
