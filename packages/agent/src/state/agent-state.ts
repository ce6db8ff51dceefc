/** update_engine's statuses (`UpdateStatusToString`), which `ballast agent status` prints as CURRENT_OP. */
export const UPDATE_STATUSES = [
  'UPDATE_STATUS_IDLE',
  'UPDATE_STATUS_CHECKING_FOR_UPDATE',
  'UPDATE_STATUS_UPDATE_AVAILABLE',
  'UPDATE_STATUS_DOWNLOADING',
  'UPDATE_STATUS_VERIFYING',
  'UPDATE_STATUS_FINALIZING',
  'UPDATE_STATUS_UPDATED_NEED_REBOOT',
  'UPDATE_STATUS_REPORTING_ERROR_EVENT',
] as const;

/** One of update_engine's statuses. */
export type UpdateStatusName = (typeof UPDATE_STATUSES)[number];

/** update_engine's "no new version" (`kVersionZero`). */
export const VERSION_ZERO = '0.0.0';

/** An update being downloaded, checked or made bootable; enough to resume it after a crash. */
export interface InstallProgress {
  readonly version: string;
  /** The Omaha answer's base64 SHA-256 of the payload. */
  readonly hash: string;
  readonly size: number;
  readonly urls: readonly string[];
  /** The inactive USR slot being written. */
  readonly partition: number;
  readonly partitionGuid: string;
  /** The first `written` bytes of the payload are in the partition and on stable storage. */
  readonly written: number;
  /** `download` until every byte is in and checked, `verify` for the read-back, `finalize` for the slot fields. */
  readonly phase: 'download' | 'verify' | 'finalize';
  /** A download was resumed: errors are then reported with update_engine's Resumed flag. */
  readonly resumed: boolean;
  /** The Ed25519 signature (base64) once fetched and checked; kept so a resumed verify needs no network. */
  readonly signature?: string;
}

/** An installed update, from its installation until its boot is judged. */
export interface PendingBoot {
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly fromPartition: number;
  readonly toPartition: number;
  readonly toGuid: string;
  readonly hash: string;
  /** The boot id when the update was installed: a different one means the node rebooted since. */
  readonly installBootId: string;
  /** Unix seconds when the health checks of the new boot started; the deadline counts from here. */
  readonly healthStartedAt?: number;
  /** The new slot failed its health checks and was marked bad; the reboot into the old one is due or done. */
  readonly rollingBack?: boolean;
  /** The boot id of the boot that decided to roll back. */
  readonly rollbackBootId?: string;
}

/** Everything the agent remembers, in one file written atomically. */
export interface AgentState {
  readonly format: 1;
  readonly status: UpdateStatusName;
  /** Unix seconds of the last update check the server answered; 0 for never. */
  readonly lastCheckedTime: number;
  /** Download progress, 0 to 1. */
  readonly progress: number;
  readonly newVersion: string;
  readonly newSize: number;
  /**
   * update_engine's `previous-version` pref: the version an update was installed from; "" once reported; absent
   * on a fresh node (reported as 0.0.0.0). Equal to the running version after a reboot means a rollback.
   */
  readonly previousVersion?: string;
  /** The first version this node ran (update_engine's `aleph-version`). */
  readonly alephVersion?: string;
  readonly install?: InstallProgress;
  readonly pending?: PendingBoot;
  /** The version each USR slot holds, by partition number, as far as the agent installed or booted it. */
  readonly slotVersions: Readonly<Record<string, string>>;
  /** Payload hashes whose boot failed its health checks here; they are not installed again. */
  readonly refusedHashes: readonly string[];
  /** The last failure, for `ballast agent status --json`. */
  readonly lastError?: { readonly code: number; readonly message: string; readonly at: number };
}

/** The state of a node the agent has never run on. */
export function initialState(): AgentState {
  return {
    format: 1,
    status: 'UPDATE_STATUS_IDLE',
    lastCheckedTime: 0,
    progress: 0,
    newVersion: VERSION_ZERO,
    newSize: 0,
    slotVersions: {},
    refusedHashes: [],
  };
}
