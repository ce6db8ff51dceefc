import { isIP } from 'node:net';
import {
  AppStatus,
  buildResponse,
  EventResult,
  EventType,
  type OmahaAppRequest,
  type OmahaAppResponse,
  type OmahaError,
  type OmahaEventRequest,
  type OmahaRequest,
  type OmahaResponse,
  type OmahaUpdateCheckResponse,
  parseRequest,
} from '@ballast/omaha';
import { InvalidInputError, NotFoundError } from '../errors.js';
import {
  ActivityClass,
  ActivitySeverity,
  type Clock,
  FLATCAR_APP_ID,
  type Group,
  type Instance,
  InstanceStatus,
  type Store,
} from '../store/index.js';
import { AppLookup } from './app-lookup.js';
import { appStatusFor, Refusal, refusalOfGrant } from './refusal.js';
import { requestArch, requestTrack } from './request-arch.js';
import { checkCanaryGate, checkFailureHalt, checkSchedule } from './rollout-policy.js';
import { NO_UPDATE, UPDATE_INTERNAL_ERROR, updateCheckFor } from './update-check-answer.js';
import { planUpdateCheck } from './update-plan.js';

/** One line the handler wants logged; the HTTP layer decides where logs go. */
export interface UpdateLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** What {@link handleOmahaRequest} needs from the server around it. */
export interface UpdateContext {
  readonly store: Store;
  /** The time the policies see (office hours, maintenance windows); the store's own clock should be the same. */
  readonly clock: Clock;
  /** The client's IP address (the HTTP layer resolves proxies); an address that is not one fails registration. */
  readonly remoteAddress: string;
  /** `response@server`; Nebraska's "nebraska" by default, so answers are byte for byte Nebraska's. */
  readonly serverName?: string;
  /**
   * Nebraska's `-disable-updates-on-failed-rollout`: disable a group's updates when the first update of a new
   * version fails. Off by default, as in Nebraska; Ballast's failure halt is the finer tool.
   */
  readonly disableUpdatesOnFailedRollout?: boolean;
  /** Application lookups shared between requests (see {@link createAppLookup}); a fresh one per request if absent. */
  readonly apps?: AppLookup;
  readonly log?: (entry: UpdateLogEntry) => void;
  /** False when `log` drops debug lines, so they are not made at all; true by default. */
  readonly logsDebug?: boolean;
}

/** What the handler decided for one `<app>` of a request, for logs and tests. */
export interface AppDecision {
  /** The app id as the client sent it. */
  readonly appId: string;
  readonly machineId: string;
  /** The resolved group, when there was one. */
  readonly groupId?: string;
  /** `update`: a package was offered; `noupdate`; `refused`: an `error-*` answer; `none`: no update check asked. */
  readonly outcome: 'update' | 'noupdate' | 'refused' | 'none';
  readonly reason?: Refusal;
  /** The version offered. */
  readonly version?: string;
  readonly detail?: string;
}

/** The HTTP answer to an Omaha request. */
export interface OmahaHttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Why the request was refused as a whole (413, 400). */
  readonly error?: OmahaError;
  readonly decisions: readonly AppDecision[];
}

/** Nebraska answers `text/xml` (set before Echo's XMLBlob, which keeps it). */
export const OMAHA_CONTENT_TYPE = 'text/xml';

const PROTOCOL = '3.0';
const EVENT_OK = { status: 'ok' } as const;
const PING_OK = { status: 'ok' } as const;

/**
 * Answers an Omaha request body as Nebraska does (`backend/pkg/omaha/omaha.go`, `api/updates.go`), with Ballast's
 * policies on top. Per app: resolve the application and the group (by track and architecture), record the events,
 * register the instance on a ping or an update check, then decide on the update check. A body over 64 KiB is
 * answered 413, one that is no Omaha request 400, both with an Omaha document that says so. Domain failures are
 * answered as Nebraska answers them; anything else (the database went away) rejects, so that the HTTP layer answers
 * 503 and an event is never acknowledged without being stored.
 */
export async function handleOmahaRequest(body: Uint8Array | string, context: UpdateContext): Promise<OmahaHttpAnswer> {
  const server = context.serverName ?? 'nebraska';
  const parsed = parseRequest(body);
  if (!parsed.ok) {
    const tooLarge = parsed.error.code === 'XML_TOO_LARGE';
    context.log?.({
      level: 'warn',
      message: `Refused an Omaha request: ${parsed.error.message}`,
      fields: { code: parsed.error.code, path: parsed.error.path, remoteAddress: context.remoteAddress },
    });
    return {
      status: tooLarge ? 413 : 400,
      contentType: OMAHA_CONTENT_TYPE,
      body: buildResponse(refusalDocument(server, tooLarge ? 'error-requestTooLarge' : 'error-malformedRequest')),
      error: parsed.error,
      decisions: [],
    };
  }
  const run = new RequestRun(context, parsed.value);
  const apps = await run.answer();
  const response: OmahaResponse = { protocol: PROTOCOL, server, dayStart: { elapsedSeconds: '0' }, apps };
  return { status: 200, contentType: OMAHA_CONTENT_TYPE, body: buildResponse(response), decisions: run.decisions };
}

// A request we cannot read has no app id to answer for, so the refusal names no app: an `<app>` with only a status
// and a failed update check, which any Omaha client reads as "the check failed".
function refusalDocument(server: string, status: string): OmahaResponse {
  return {
    protocol: PROTOCOL,
    server,
    dayStart: { elapsedSeconds: '0' },
    apps: [{ status, updateCheck: UPDATE_INTERNAL_ERROR, events: [] }],
  };
}

/** A store error that belongs to the request (a bad field, a vanished row) rather than to the database. */
function isDomainError(error: unknown): boolean {
  return error instanceof NotFoundError || error instanceof InvalidInputError;
}

class RequestRun {
  readonly decisions: AppDecision[] = [];
  private readonly store: Store;
  private readonly apps: AppLookup;

  constructor(
    private readonly context: UpdateContext,
    private readonly request: OmahaRequest,
  ) {
    this.store = context.store;
    this.apps = context.apps ?? new AppLookup(context.store, { ttlMs: 0 });
  }

  private log(level: UpdateLogEntry['level'], message: string, fields: Record<string, unknown>): void {
    this.context.log?.({ level, message, fields });
  }

  /** A debug line, its fields made only when someone reads debug lines. */
  private debug(message: string, fields: () => Record<string, unknown>): void {
    if (this.context.log && this.context.logsDebug !== false) this.log('debug', message, fields());
  }

  async answer(): Promise<OmahaAppResponse[]> {
    const answers: OmahaAppResponse[] = [];
    for (const app of this.request.apps) {
      const answer = await this.answerApp(app);
      answers.push(answer.response);
      // Nebraska stops at the first app it cannot place and answers the apps so far.
      if (answer.stop) break;
    }
    return answers;
  }

  private async answerApp(app: OmahaAppRequest): Promise<{ response: OmahaAppResponse; stop: boolean }> {
    const machineId = app.machineId ?? '';
    const appId = await this.apps.resolve(app.appId);
    if (appId === undefined) {
      this.decisions.push({ appId: app.appId, machineId, outcome: 'refused', reason: Refusal.UnknownApplication });
      return { response: this.refused(app.appId, Refusal.UnknownApplication), stop: true };
    }
    const track = requestTrack(app);
    const arch = requestArch(this.request.os, app);
    const group = await this.apps.resolveGroup({ appId, track, arch });
    if (!group) {
      this.decisions.push({
        appId: app.appId,
        machineId,
        outcome: 'refused',
        reason: Refusal.UnknownGroup,
        detail: `No group with track "${track}" for architecture ${arch}`,
      });
      return { response: this.refused(app.appId, Refusal.UnknownGroup), stop: true };
    }

    const events = [];
    // The instance as the events read it, while none of them changed it: registration then needs no read of its own.
    let current: Instance | null | undefined;
    for (const event of app.events) {
      current = await this.processEvent({ machineId, appId, group, event, current });
      events.push(EVENT_OK);
    }

    let registered: Instance | Refusal | undefined;
    const response: { -readonly [K in keyof OmahaAppResponse]: OmahaAppResponse[K] } = {
      appId: app.appId,
      status: AppStatus.Ok,
      events,
    };
    if (app.ping) {
      // Nebraska registers on a ping and answers it "ok" whatever came of that.
      registered = await this.register(app, { appId, group, current });
      response.ping = PING_OK;
    }
    if (!app.updateCheck) {
      this.decisions.push({ appId: app.appId, machineId, groupId: group.id, outcome: 'none' });
      return { response, stop: false };
    }
    if (registered === undefined || registered === Refusal.RegistrationFailed) {
      registered = await this.register(app, { appId, group, current });
    }
    const check = await this.updateCheck({ app, appId, group, instance: registered });
    response.updateCheck = check.updateCheck;
    if (check.status !== undefined) response.status = check.status;
    this.decisions.push({ appId: app.appId, machineId, groupId: group.id, ...check.decision });
    return { response, stop: false };
  }

  private refused(appId: string, reason: Refusal): OmahaAppResponse {
    return { appId, status: appStatusFor(reason) ?? AppStatus.Ok, updateCheck: UPDATE_INTERNAL_ERROR, events: [] };
  }

  private async register(
    app: OmahaAppRequest,
    target: { appId: string; group: Group; current: Instance | null | undefined },
  ): Promise<Instance | Refusal> {
    const { appId, group, current } = target;
    const ip = this.context.remoteAddress;
    const version = app.version ?? '';
    // Nebraska keeps the address in an inet column, so an address that is none fails its registration.
    if (isIP(ip) === 0) {
      this.log('info', 'Instance registration failed: not an IP address', { ip, machineId: app.machineId });
      return Refusal.RegistrationFailed;
    }
    try {
      return await this.store.registerInstance({
        instanceId: app.machineId ?? '',
        appId,
        groupId: group.id,
        version,
        ip,
        alias: app.machineAlias ?? '',
        oem: app.oem ?? '',
        oemVersion: app.oemVersion ?? '',
        alephVersion: app.alephVersion ?? '',
        ...(current !== undefined && { current }),
      });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      this.log('info', `Instance registration failed: ${(error as Error).message}`, { machineId: app.machineId });
      return Refusal.RegistrationFailed;
    }
  }

  // ------------------------------------------------------------------------------------------------------ events

  /**
   * Nebraska's `RegisterEvent`: events count only for a known instance with an update in progress; Flatcar's
   * "update complete, rebooted" without a previous version (a fresh install, or a check after the version was
   * reported) resets the instance's status instead of completing anything. Gives back the instance as it is now
   * when the event changed nothing or only its status (null: no such instance), undefined when more happened.
   */
  private async processEvent(input: {
    machineId: string;
    appId: string;
    group: Group;
    event: OmahaEventRequest;
    current: Instance | null | undefined;
  }): Promise<Instance | null | undefined> {
    const { machineId, appId, event } = input;
    const fields = () => ({ machineId, appId, type: event.type, result: event.result, errorCode: event.errorCode });
    let instance = input.current;
    if (instance === undefined) {
      try {
        instance = await this.store.getInstance(machineId, appId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        instance = null;
      }
    }
    if (instance === null) {
      this.debug('Event ignored: unknown instance', fields);
      return null;
    }
    if (!instance.application.updateInProgress) {
      this.debug('Event ignored: no update in progress', fields);
      return instance;
    }
    const flatcar = appId === FLATCAR_APP_ID;
    const previousVersion = event.previousVersion ?? '';
    if (flatcar && event.type === EventType.UpdateComplete && event.result === EventResult.SuccessReboot) {
      if (previousVersion === '' || previousVersion === '0.0.0.0') {
        const reset = await this.store.setInstanceStatus(machineId, appId, InstanceStatus.Undefined);
        this.debug('Flatcar event ignored: no previous version', fields);
        return reset;
      }
    }
    const complete =
      event.type === EventType.UpdateComplete &&
      (event.result === EventResult.SuccessReboot || (!flatcar && event.result === EventResult.Success));
    const failed = event.result === EventResult.Error;
    const failedVersion = instance.application.lastUpdateVersion ?? '';
    const recorded = await this.store.recordEvent({
      instanceId: machineId,
      appId,
      type: event.type,
      result: event.result,
      previousVersion,
      // Nebraska stores strconv.Itoa of go-omaha's int, so a missing code is "0".
      errorCode: String(event.errorCode ?? 0),
      ...(complete && { status: InstanceStatus.Complete }),
      ...(failed && {
        activity: {
          class: ActivityClass.InstanceUpdateFailed,
          severity: ActivitySeverity.Error,
          version: failedVersion,
        },
      }),
    });
    const groupId = recorded.instance.application.groupId ?? input.group.id;
    if (complete) await this.afterComplete(groupId, appId, failedVersion);
    if (failed) await this.afterFailure(groupId, appId, failedVersion);
    return undefined;
  }

  /** Nebraska's rollout-finished rule: every active instance of the group runs the group's version. */
  private async afterComplete(groupId: string, appId: string, version: string): Promise<void> {
    if (!(await this.store.isRolloutFinished(groupId))) return;
    await this.store.setGroupRolloutInProgress(groupId, false);
    this.apps.invalidateGroup(groupId);
    await this.store.addActivity({
      appId,
      groupId,
      class: ActivityClass.RolloutFinished,
      severity: ActivitySeverity.Success,
      version,
    });
  }

  private async afterFailure(groupId: string, appId: string, failedVersion: string): Promise<void> {
    const group = await this.store.getGroup(groupId);
    if (this.context.disableUpdatesOnFailedRollout && group.policyUpdatesEnabled) {
      const stats = await this.store.getGroupUpdateStats(groupId);
      if (stats.updatesToCurrentVersionAttempted === 1) {
        await this.store.updateGroup(groupId, { policyUpdatesEnabled: false });
        await this.store.setGroupRolloutInProgress(groupId, false);
        this.apps.invalidateGroup(groupId);
        await this.store.addActivity({
          appId,
          groupId,
          class: ActivityClass.RolloutFailed,
          severity: ActivitySeverity.Error,
          version: failedVersion,
        });
        return;
      }
    }
    await this.failureHalt(group, failedVersion);
  }

  /** Ballast's failure halt: pause the group once too many of the updates to its current version failed. */
  private async failureHalt(group: Group, failedVersion: string): Promise<void> {
    const threshold = group.failureHaltThreshold;
    const version = group.channel?.package?.version;
    // A failure on the way to an older version says nothing about the rollout going on now.
    if (threshold === null || !group.policyUpdatesEnabled || version === undefined || version !== failedVersion) {
      return;
    }
    // An operator who resumed a halted group decided the failures so far are understood: count from there.
    const outcome = await this.store.getVersionOutcome({
      groupId: group.id,
      version,
      ...(group.resumedAt !== null && { since: group.resumedAt }),
    });
    const decision = checkFailureHalt({ threshold, outcome, version });
    if (!decision.halt) return;
    await this.store.pauseGroup(group.id, { reason: decision.reason, version });
    this.apps.invalidateGroup(group.id);
    this.log('warn', decision.reason, { groupId: group.id, version });
  }

  // ------------------------------------------------------------------------------------------------ update check

  private async updateCheck(input: {
    app: OmahaAppRequest;
    appId: string;
    group: Group;
    instance: Instance | Refusal;
  }): Promise<{
    updateCheck: OmahaUpdateCheckResponse;
    status?: string;
    decision: Pick<AppDecision, 'outcome' | 'reason' | 'version' | 'detail'>;
  }> {
    const { app, appId, group, instance } = input;
    const refuse = (reason: Refusal, detail?: string) => {
      const status = appStatusFor(reason);
      return {
        updateCheck: UPDATE_INTERNAL_ERROR,
        ...(status !== undefined && { status }),
        decision: { outcome: 'refused' as const, reason, ...(detail !== undefined && { detail }) },
      };
    };
    if (typeof instance === 'string') return refuse(instance);

    const plan = planUpdateCheck({ instance, group, version: app.version ?? '' });
    switch (plan.kind) {
      case 'refuse':
        if (plan.reason === Refusal.NoPackage) await this.packageNotFound(appId, group);
        return refuse(plan.reason);
      case 'noupdate':
        if (plan.complete) await this.store.setInstanceStatus(instance.id, appId, InstanceStatus.Complete);
        return { updateCheck: NO_UPDATE, decision: { outcome: 'noupdate', detail: plan.why } };
      case 'reoffer':
        return this.offer(plan.package, 'Granted earlier; offered again');
    }

    const version = plan.package.version;
    const now = this.context.clock.now();
    const schedule = checkSchedule(group, now);
    if (!schedule.allow) return refuse(schedule.reason, schedule.detail);
    if (group.canaryGroupId !== null) {
      const gate = await this.canaryGate(group, version);
      if (!gate.allow) return refuse(gate.reason, gate.detail);
    }

    let outcome: Awaited<ReturnType<Store['grantUpdate']>>;
    try {
      outcome = await this.store.grantUpdate({
        instanceId: instance.id,
        appId,
        groupId: group.id,
        version,
        current: instance,
      });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      // Nebraska answers a grant that could not be written with "no update".
      return { updateCheck: NO_UPDATE, decision: { outcome: 'noupdate', detail: (error as Error).message } };
    }
    if (!outcome.granted) {
      // A refusal may have paused the group (safe mode's timed-out updates).
      if (outcome.reason === 'MAX_TIMED_OUT_UPDATES') this.apps.invalidateGroup(group.id);
      return refuse(refusalOfGrant(outcome.reason));
    }

    const recent = await this.store.hasRecentActivity({
      class: ActivityClass.RolloutStarted,
      severity: ActivitySeverity.Info,
      appId,
      groupId: group.id,
      version,
    });
    if (!recent) {
      await this.store.addActivity({
        appId,
        groupId: group.id,
        class: ActivityClass.RolloutStarted,
        severity: ActivitySeverity.Info,
        version,
      });
    }
    if (!group.rolloutInProgress) {
      await this.store.setGroupRolloutInProgress(group.id, true);
      this.apps.invalidateGroup(group.id);
    }
    return this.offer(plan.package, plan.downgrade ? `Downgrade from ${app.version ?? ''}` : undefined);
  }

  private offer(pkg: Parameters<typeof updateCheckFor>[0], detail?: string) {
    const updateCheck = updateCheckFor(pkg);
    if (!updateCheck) {
      return {
        updateCheck: UPDATE_INTERNAL_ERROR,
        decision: {
          outcome: 'refused' as const,
          reason: Refusal.MissingAction,
          detail: `Package ${pkg.id} has no Flatcar action`,
        },
      };
    }
    return {
      updateCheck,
      decision: { outcome: 'update' as const, version: pkg.version, ...(detail !== undefined && { detail }) },
    };
  }

  private async canaryGate(group: Group, version: string) {
    const canaryGroupId = group.canaryGroupId!;
    let outcome: Awaited<ReturnType<Store['getVersionOutcome']>>;
    try {
      outcome = await this.store.getVersionOutcome({ groupId: canaryGroupId, version });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return {
        allow: false as const,
        reason: Refusal.CanaryGate,
        detail: `Canary group ${canaryGroupId} does not exist`,
      };
    }
    const gate = checkCanaryGate({ share: group.canarySuccessShare ?? 1, outcome, version, canaryGroupId });
    if (!gate.allow) {
      const recent = await this.store.hasRecentActivity({
        class: ActivityClass.CanaryGateWaiting,
        appId: group.appId,
        groupId: group.id,
        version,
      });
      if (!recent) {
        await this.store.addActivity({
          appId: group.appId,
          groupId: group.id,
          class: ActivityClass.CanaryGateWaiting,
          severity: ActivitySeverity.Info,
          version,
        });
      }
    }
    return gate;
  }

  // Nebraska writes this entry on every check of a group without a package; once a day is enough to be seen.
  private async packageNotFound(appId: string, group: Group): Promise<void> {
    const query = { class: ActivityClass.PackageNotFound, appId, groupId: group.id, version: '0.0.0' };
    if (await this.store.hasRecentActivity(query)) return;
    await this.store.addActivity({ ...query, severity: ActivitySeverity.Warning });
  }
}
