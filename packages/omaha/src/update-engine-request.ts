import { ActionExitCode } from './codes/action-exit-codes.js';
import { EventResult, EventType } from './codes/event-codes.js';
import type { OmahaEventRequest, OmahaRequest } from './model.js';

/** Flatcar's Omaha application id, as update_engine sends it (with braces). */
export const FLATCAR_APP_ID = '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}';

/** What update_engine reads from the machine (`OmahaRequestParams::Init`) and puts into every request. */
export interface UpdateEngineParams {
  /** `PACKAGE_NAME-PACKAGE_VERSION` of the updater, e.g. "update_engine-0.4.10". */
  readonly updaterVersion: string;
  /** FLATCAR_RELEASE_VERSION. */
  readonly version: string;
  /** GROUP from update.conf; update_engine's default is "stable". */
  readonly track: string;
  /** FLATCAR_RELEASE_BOARD, e.g. "amd64-usr". */
  readonly board: string;
  /** `uname -m`, e.g. "x86_64": update_engine sends `sp="<version>_<machine>"`. */
  readonly machine: string;
  /** "{" + boot_id + "}". */
  readonly bootId: string;
  /** /etc/machine-id. */
  readonly machineId: string;
  readonly machineAlias?: string;
  readonly oem?: string;
  readonly oemVersion?: string;
  /** The first version this machine ran; update_engine falls back to `version`. */
  readonly alephVersion?: string;
  /** FLATCAR_RELEASE_APPID; defaults to Flatcar's. */
  readonly appId?: string;
  /** True for `update_engine_client -check_for_update`, false for the scheduler. */
  readonly interactive?: boolean;
}

/** Which of update_engine's three kinds of request to write. */
export type UpdateEngineRequestKind =
  | {
      /** An update check: ping, updatecheck, and the "previous version" event (or the rollback error). */
      readonly kind: 'updatecheck';
      /**
       * update_engine's `previous-version` pref: the version it updated from, "" once reported, undefined when the
       * pref does not exist (a fresh install, sent as "0.0.0.0"). Equal to the running version means the update
       * was rolled back, reported as UpdateComplete/Error with RollbackError (44).
       */
      readonly previousVersion: string | undefined;
    }
  /** A ping only: what update_engine sends while an installed update waits for the reboot. */
  | { readonly kind: 'ping' }
  /** One event and nothing else; `errorCode` is sent only when the result is not success. */
  | { readonly kind: 'event'; readonly type: number; readonly result: number; readonly errorCode?: number };

/** The events update_engine sends along an update (`UpdateAttempter::BuildUpdateActions`). */
export const UpdateEngineEvent = {
  /** After the update check found an update, before the download. */
  DownloadStarted: { kind: 'event', type: EventType.UpdateDownloadStarted, result: EventResult.Success },
  /** After the payload was downloaded. */
  DownloadFinished: { kind: 'event', type: EventType.UpdateDownloadFinished, result: EventResult.Success },
  /** After the postinstall step: the new slot is ready, the machine waits for a reboot (go-omaha's EventInstalled). */
  Installed: { kind: 'event', type: EventType.UpdateComplete, result: EventResult.Success },
} as const satisfies Record<string, UpdateEngineRequestKind>;

/** The error event update_engine sends when a step fails: UpdateComplete with result Error (or UpdateDeferred). */
export function updateEngineErrorEvent(errorCode: number, deferred = false): UpdateEngineRequestKind {
  return {
    kind: 'event',
    type: EventType.UpdateComplete,
    result: deferred ? EventResult.UpdateDeferred : EventResult.Error,
    errorCode,
  };
}

/** The request model update_engine would send for `what` on a machine described by `params` (`GetRequestXml`). */
export function updateEngineRequest(params: UpdateEngineParams, what: UpdateEngineRequestKind): OmahaRequest {
  const events: OmahaEventRequest[] = [];
  let body: Pick<OmahaRequest['apps'][number], 'ping' | 'updateCheck'> = {};
  if (what.kind === 'event') {
    events.push(
      what.result === EventResult.Success || what.errorCode === undefined
        ? { type: what.type, result: what.result }
        : { type: what.type, result: what.result, errorCode: what.errorCode },
    );
  } else {
    body = { ping: { active: 1 } };
    if (what.kind === 'updatecheck') {
      body = { ...body, updateCheck: {} };
      const previous = what.previousVersion;
      if (previous !== undefined && previous !== '' && previous === params.version) {
        events.push({
          type: EventType.UpdateComplete,
          result: EventResult.Error,
          errorCode: ActionExitCode.RollbackError,
        });
      } else {
        events.push({
          type: EventType.UpdateComplete,
          result: EventResult.SuccessReboot,
          previousVersion: previous ?? '0.0.0.0',
        });
      }
    }
  }
  return {
    protocol: '3.0',
    version: params.updaterVersion,
    updaterVersion: params.updaterVersion,
    installSource: params.interactive ? 'ondemandupdate' : 'scheduler',
    isMachine: 1,
    os: { version: 'Chateau', platform: 'CoreOS', sp: `${params.version}_${params.machine}` },
    apps: [
      {
        appId: params.appId ?? FLATCAR_APP_ID,
        version: params.version,
        track: params.track,
        bootId: params.bootId,
        oem: params.oem ?? '',
        oemVersion: params.oemVersion ?? '',
        alephVersion: params.alephVersion ?? params.version,
        machineId: params.machineId,
        machineAlias: params.machineAlias ?? '',
        lang: 'en-US',
        board: params.board,
        // update_engine never fills hwid in Flatcar, so hardware_class is always empty.
        hardwareClass: '',
        // "TODO: deltas can only be enabled if verity is active": update_engine always says false.
        deltaOkay: false,
        ...body,
        events,
      },
    ],
  };
}
