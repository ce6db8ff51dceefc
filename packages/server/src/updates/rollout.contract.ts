import {
  ActionExitCode,
  buildRequest,
  encodeErrorCode,
  parseResponse,
  readUpdateCheck,
  UpdateEngineEvent,
  type UpdateEngineParams,
  type UpdateEngineRequestKind,
  updateEngineErrorEvent,
  updateEngineRequest,
} from '@ballast/omaha';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActivityClass,
  type Clock,
  FLATCAR_APP_ID,
  type Group,
  type GroupInput,
  InstanceStatus,
  ManualClock,
  type Package,
  SEEDED_FLATCAR,
  type Store,
} from '../store/index.js';
import { handleOmahaRequest, type OmahaHttpAnswer, type UpdateContext } from './handle-omaha-request.js';

// Scenario tests of the update flow: simulated Flatcar machines send update_engine's exact request documents
// (`buildRequest(updateEngineRequest(...))` writes update_engine's bytes, checked against its fixtures in
// packages/omaha) through handleOmahaRequest, on a stepping clock, and read the answers as update_engine does.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Monday 4 March 2024, 10:00 UTC: office hours in Europe, not a weekend. */
export const MONDAY_MORNING = '2024-03-04T10:00:00Z';

/** The seeded Flatcar stable group for amd64, which update_engine's default `GROUP=stable` lands in. */
export const STABLE = SEEDED_FLATCAR.stable!.amd64;
/** The seeded Flatcar beta group for amd64. */
export const BETA = SEEDED_FLATCAR.beta!.amd64;

/** The fields of an answer a test looks at, read from the response document. */
export interface AnswerSummary {
  readonly http: number;
  readonly appStatus: string | undefined;
  /** `updatecheck@status`, undefined when no update check was answered. */
  readonly check: string | undefined;
  /** The offered manifest's version. */
  readonly version: string | undefined;
  readonly ping: boolean;
  readonly events: number;
  /** What update_engine makes of the answer (only meaningful for an update check). */
  readonly verdict: ReturnType<typeof readUpdateCheck>['kind'];
}

/** Reads an answer's fields. */
export function summarize(answer: OmahaHttpAnswer): AnswerSummary {
  const parsed = parseResponse(answer.body);
  if (!parsed.ok) throw new Error(`The server answered no Omaha response: ${parsed.error.message}\n${answer.body}`);
  const app = parsed.value.apps[0];
  return {
    http: answer.status,
    appStatus: app?.status,
    check: app?.updateCheck?.status,
    version: app?.updateCheck?.manifests[0]?.version,
    ping: app?.ping !== undefined,
    events: app?.events.length ?? 0,
    verdict: readUpdateCheck(answer.body, { httpStatus: answer.status }).kind,
  };
}

/** A simulated Flatcar machine: update_engine's requests, its previous-version pref and its A/B slots. */
export class FlatcarNode {
  version: string;
  /** update_engine's `previous-version` pref: undefined before any report, '' once reported. */
  private previousVersion: string | undefined;
  /** The version installed into the other slot, waiting for a reboot. */
  private installed: string | undefined;
  /** The version the last update check offered. */
  offered: string | undefined;

  constructor(
    private readonly fleet: Fleet,
    readonly machineId: string,
    private readonly params: Partial<UpdateEngineParams> & { readonly ip?: string } = {},
  ) {
    this.version = params.version ?? '1.0.0';
  }

  private engineParams(): UpdateEngineParams {
    return {
      updaterVersion: 'update_engine-0.4.10',
      track: 'stable',
      board: 'amd64-usr',
      machine: 'x86_64',
      bootId: '{60f9cf6a-361a-45f1-bb86-22380189907a}',
      ...this.params,
      machineId: this.machineId,
      version: this.version,
    };
  }

  /** Sends one request of update_engine's and returns the raw answer. */
  async send(kind: UpdateEngineRequestKind): Promise<OmahaHttpAnswer> {
    const body = buildRequest(updateEngineRequest(this.engineParams(), kind));
    return this.fleet.post(body, this.params.ip ?? '10.0.0.1');
  }

  /**
   * An update check without the "previous version" event, as go-omaha clients send it. Flatcar's update_engine
   * always sends the event, and Nebraska resets an update in progress on the empty previous version it carries;
   * this is how a test reaches the states behind that reset.
   */
  async plainCheck(): Promise<AnswerSummary> {
    const request = updateEngineRequest(this.engineParams(), { kind: 'updatecheck', previousVersion: '' });
    const app = request.apps[0]!;
    const body = buildRequest({ ...request, apps: [{ ...app, events: [] }] });
    const answer = summarize(await this.fleet.post(body, this.params.ip ?? '10.0.0.1'));
    // A side request: it does not abort an update under way.
    if (answer.verdict === 'update') this.offered = answer.version;
    return answer;
  }

  /** A periodic update check; remembers an offered version. */
  async check(): Promise<AnswerSummary> {
    const answer = summarize(await this.send({ kind: 'updatecheck', previousVersion: this.previousVersion }));
    // update_engine empties the pref once the check that carried it got through.
    if (answer.http === 200) this.previousVersion = '';
    this.offered = answer.verdict === 'update' ? answer.version : undefined;
    return answer;
  }

  /** Download started and finished, as update_engine reports them. */
  async download(): Promise<void> {
    expect(summarize(await this.send(UpdateEngineEvent.DownloadStarted)).events).toBe(1);
    expect(summarize(await this.send(UpdateEngineEvent.DownloadFinished)).events).toBe(1);
  }

  /** The postinstall step: the other slot holds the offered version; the machine waits for its reboot. */
  async install(): Promise<void> {
    expect(summarize(await this.send(UpdateEngineEvent.Installed)).events).toBe(1);
    this.installed = this.offered;
    this.previousVersion = this.version;
  }

  /** Reboots into the installed version; the next check reports the version it came from. */
  reboot(): void {
    if (this.installed !== undefined) this.version = this.installed;
    this.installed = undefined;
  }

  /** The new slot did not boot: GRUB went back to the old one, and the next check reports a rollback (44). */
  rollBack(): void {
    this.installed = undefined;
  }

  /** Reports a failed step with an update_engine error code. */
  async fail(code: number = encodeErrorCode(ActionExitCode.DownloadTransferError)): Promise<AnswerSummary> {
    return summarize(await this.send(updateEngineErrorEvent(code)));
  }

  /** Carries out the offered update: download, install, reboot, and the check that reports it. */
  async finish(): Promise<AnswerSummary> {
    expect(this.offered).toBeDefined();
    await this.download();
    await this.install();
    this.reboot();
    return this.check();
  }

  /** A whole successful update: a check that gets an update, then {@link finish}. */
  async update(): Promise<AnswerSummary> {
    const offer = await this.check();
    expect(offer.verdict).toBe('update');
    return this.finish();
  }
}

/** A store, a clock and the Flatcar application with packages to roll out. */
export class Fleet {
  readonly context: Omit<UpdateContext, 'remoteAddress'>;

  constructor(
    readonly store: Store,
    readonly clock: ManualClock,
    options: Partial<Omit<UpdateContext, 'remoteAddress' | 'store' | 'clock'>> = {},
  ) {
    this.context = { store, clock, ...options };
  }

  post(body: string | Uint8Array, ip = '10.0.0.1'): Promise<OmahaHttpAnswer> {
    return handleOmahaRequest(typeof body === 'string' ? new TextEncoder().encode(body) : body, {
      ...this.context,
      remoteAddress: ip,
    });
  }

  node(machineId: string, params: Partial<UpdateEngineParams> & { readonly ip?: string } = {}): FlatcarNode {
    return new FlatcarNode(this, machineId, params);
  }

  nodes(count: number, params: Partial<UpdateEngineParams> = {}): FlatcarNode[] {
    return Array.from({ length: count }, (_, i) => this.node(`machine-${String(i).padStart(3, '0')}`, params));
  }

  /** A Flatcar package for amd64 with a postinstall action. */
  async package(version: string): Promise<Package> {
    return this.store.createPackage(FLATCAR_APP_ID, {
      version,
      arch: 1,
      url: `https://update.example.com/amd64-usr/${version}/`,
      filename: 'flatcar_production_update.gz',
      hash: 'e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=',
      size: '360141900',
      flatcarAction: { sha256: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=', disablePayloadBackoff: true },
    });
  }

  /** Points a seeded channel at `pkg` and sets its group's policy. */
  async rollOut(pkg: Package, policy: Partial<GroupInput> = {}, seeded = STABLE): Promise<Group> {
    await this.store.updateChannel(seeded.channelId, { packageId: pkg.id });
    return this.store.updateGroup(seeded.groupId, policy);
  }

  async status(node: FlatcarNode): Promise<number | null> {
    return (await this.store.getInstance(node.machineId, FLATCAR_APP_ID)).application.status;
  }

  async activity(groupId: string): Promise<number[]> {
    const feed = await this.store.listActivity({ groupId, start: new Date(0), perPage: 100 });
    return feed.items.map((entry) => entry.class).reverse();
  }
}

/** How the scenarios get a fresh store for a clock. */
export type OpenStore = (clock: Clock) => Promise<Store>;

/** Which scenarios to run: all of them, or the subset that must hold on every database. */
export interface RolloutTarget {
  readonly open: OpenStore;
  readonly only?: readonly ('grant limits' | 'failure halt')[];
}

/** The scenarios of the rollout policies, run against one database. */
export function rolloutContract(name: string, target: RolloutTarget): void {
  const wanted = (section: 'grant limits' | 'failure halt' | 'other') =>
    target.only === undefined || (section !== 'other' && target.only.includes(section));
  const opened: Store[] = [];

  async function fleet(options: ConstructorParameters<typeof Fleet>[2] = {}): Promise<Fleet> {
    const clock = new ManualClock(MONDAY_MORNING);
    const store = await target.open(clock);
    opened.push(store);
    return new Fleet(store, clock, options);
  }

  // Sections another database does not need are left out rather than skipped.
  const section = (which: Parameters<typeof wanted>[0], title: string, body: () => void) => {
    if (wanted(which)) describe(title, body);
  };

  describe(`rollout scenarios: ${name}`, () => {
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    section('grant limits', 'grant limits', () => {
      it('grants no more updates per period than the policy allows, puts the rest on hold, and goes on next period', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'), {
          policyMaxUpdatesPerPeriod: 2,
          policyPeriodInterval: '15 minutes',
          policyUpdateTimeout: '60 minutes',
        });
        const [a, b, c] = f.nodes(3);
        expect((await a!.check()).version).toBe('2.0.0');
        expect((await b!.check()).version).toBe('2.0.0');
        const refused = await c!.check();
        expect(refused).toMatchObject({
          appStatus: 'error-maxUpdatesPerPeriodLimitReached',
          check: 'error-internal',
          verdict: 'error',
        });
        expect(await f.status(c!)).toBe(InstanceStatus.OnHold);
        // Both updates finish; the period still holds the third back.
        await a!.finish();
        await b!.finish();
        expect((await c!.check()).appStatus).toBe('error-maxUpdatesPerPeriodLimitReached');
        f.clock.advance(15 * MINUTE + 1000);
        expect((await c!.check()).version).toBe('2.0.0');
        expect(await f.status(c!)).toBe(InstanceStatus.UpdateGranted);
        expect((await f.store.getGroupUpdateStats(group.id)).updatesGrantedInLastPeriod).toBe(1);
      });

      it('holds updates back while as many as allowed are in progress, until one finishes', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), {
          policyMaxUpdatesPerPeriod: 1,
          policyPeriodInterval: '1 minutes',
          policyUpdateTimeout: '60 minutes',
        });
        const [a, b] = f.nodes(2);
        expect((await a!.check()).version).toBe('2.0.0');
        await a!.download();
        f.clock.advance(2 * MINUTE);
        expect(await b!.check()).toMatchObject({
          appStatus: 'error-maxConcurrentUpdatesLimitReached',
          check: 'error-internal',
        });
        expect(await f.status(b!)).toBe(InstanceStatus.OnHold);
        await a!.install();
        a!.reboot();
        expect((await a!.check()).check).toBe('noupdate');
        expect((await b!.check()).version).toBe('2.0.0');
      });

      it('sends the first instance of a new version alone in safe mode, then the rest', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), {
          policySafeMode: true,
          policyMaxUpdatesPerPeriod: 5,
          policyPeriodInterval: '15 minutes',
          policyUpdateTimeout: '60 minutes',
        });
        const [first, second, third] = f.nodes(3);
        expect((await first!.check()).version).toBe('2.0.0');
        // Nothing attempted yet: safe mode lowers the limit to one.
        expect((await second!.check()).appStatus).toBe('error-maxUpdatesPerPeriodLimitReached');
        await first!.finish();
        expect((await second!.check()).version).toBe('2.0.0');
        expect((await third!.check()).version).toBe('2.0.0');
      });

      it('pauses a safe-mode group when the first update times out', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'), {
          policySafeMode: true,
          policyMaxUpdatesPerPeriod: 5,
          policyPeriodInterval: '15 minutes',
          policyUpdateTimeout: '60 minutes',
        });
        const [stuck, next] = f.nodes(2);
        expect((await stuck!.check()).version).toBe('2.0.0');
        await stuck!.download();
        f.clock.advance(61 * MINUTE);
        expect(await next!.check()).toMatchObject({
          appStatus: 'error-maxTimedOutUpdatesLimitReached',
          check: 'error-internal',
        });
        const paused = await f.store.getGroup(group.id);
        expect(paused.policyUpdatesEnabled).toBe(false);
        expect(paused.pausedReason).not.toBeNull();
        expect(await f.activity(group.id)).toContain(ActivityClass.GroupPaused);
        expect((await next!.check()).appStatus).toBe('error-updatesDisabled');
      });

      it('offers a granted update again without counting it twice against the limit', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), {
          policyMaxUpdatesPerPeriod: 1,
          policyPeriodInterval: '15 minutes',
        });
        const [a, b] = f.nodes(2);
        expect((await a!.check()).version).toBe('2.0.0');
        expect((await a!.plainCheck()).version).toBe('2.0.0');
        expect(await f.status(a!)).toBe(InstanceStatus.UpdateGranted);
        expect((await b!.check()).appStatus).toBe('error-maxUpdatesPerPeriodLimitReached');
        // update_engine's own re-check carries previousversion="": Nebraska resets the grant and counts anew.
        expect((await a!.check()).appStatus).toBe('error-maxUpdatesPerPeriodLimitReached');
      });
    });

    section('failure halt', 'failure halt', () => {
      it('pauses the group when failed updates reach the threshold, says so, and resumes on an operator', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'), { failureHaltThreshold: 0.5 });
        const nodes = f.nodes(4);
        for (const node of nodes) expect((await node.check()).version).toBe('2.0.0');
        await nodes[0]!.finish();
        expect((await nodes[1]!.fail()).events).toBe(1);
        expect(await f.status(nodes[1]!)).toBe(InstanceStatus.Error);
        // One of four failed: 25%, below the threshold.
        expect((await f.store.getGroup(group.id)).policyUpdatesEnabled).toBe(true);
        await nodes[2]!.fail();
        // Two of four: 50% reaches it.
        const halted = await f.store.getGroup(group.id);
        expect(halted.policyUpdatesEnabled).toBe(false);
        expect(halted.pausedReason).toMatch(/2 of 4 updates to 2\.0\.0 failed/);
        const activity = await f.activity(group.id);
        expect(activity.filter((c) => c === ActivityClass.InstanceUpdateFailed)).toHaveLength(2);
        expect(activity.at(-1)).toBe(ActivityClass.GroupPaused);

        const late = f.node('machine-late');
        expect(await late.check()).toMatchObject({ appStatus: 'error-updatesDisabled', check: 'error-internal' });
        // Failed machines ask again: no update while halted.
        expect((await nodes[1]!.check()).appStatus).toBe('error-updatesDisabled');

        f.clock.advance(MINUTE);
        await f.store.resumeGroup(group.id);
        expect((await late.check()).version).toBe('2.0.0');
        // Counted from the resume: three granted since (nodes 1 and 3 ask again), and one failure is a third.
        expect((await nodes[1]!.check()).version).toBe('2.0.0');
        expect((await nodes[3]!.check()).version).toBe('2.0.0');
        await late.fail();
        expect((await f.store.getGroup(group.id)).policyUpdatesEnabled).toBe(true);
        await nodes[1]!.fail();
        const again = await f.store.getGroup(group.id);
        expect(again.policyUpdatesEnabled).toBe(false);
        expect(again.pausedReason).toMatch(/2 of 3 updates/);
      });

      it('counts rollbacks (error code 44) as failed updates', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'), { failureHaltThreshold: 0.5 });
        const [a, b] = f.nodes(2);
        expect((await a!.check()).version).toBe('2.0.0');
        expect((await b!.check()).version).toBe('2.0.0');
        await a!.download();
        await a!.install();
        a!.rollBack();
        // The check after the rollback carries UpdateComplete/Error with code 44.
        const answer = await a!.check();
        expect(answer.events).toBe(1);
        const history = await f.store.getInstanceStatusHistory({
          instanceId: a!.machineId,
          appId: FLATCAR_APP_ID,
          groupId: group.id,
        });
        expect(history[0]).toMatchObject({ status: InstanceStatus.Error, version: '2.0.0', errorCode: '44' });
        const halted = await f.store.getGroup(group.id);
        expect(halted.policyUpdatesEnabled).toBe(false);
        expect(halted.pausedReason).toMatch(/1 of 2 updates/);
      });

      it('ignores failures on the way to a version the group no longer rolls out', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'), { failureHaltThreshold: 0.1 });
        const [a] = f.nodes(1);
        expect((await a!.check()).version).toBe('2.0.0');
        await f.rollOut(await f.package('3.0.0'));
        await a!.fail();
        expect((await f.store.getGroup(group.id)).policyUpdatesEnabled).toBe(true);
      });
    });

    section('other', 'update flow', () => {
      it('moves an instance through granted, downloading, downloaded and complete, with activity', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'));
        const node = f.node('machine-a');
        expect((await node.check()).version).toBe('2.0.0');
        expect(await f.status(node)).toBe(InstanceStatus.UpdateGranted);
        expect((await f.store.getGroup(group.id)).rolloutInProgress).toBe(true);
        await node.send(UpdateEngineEvent.DownloadStarted);
        expect(await f.status(node)).toBe(InstanceStatus.Downloading);
        // Between download and reboot, checks are answered "update in progress".
        expect(await node.plainCheck()).toMatchObject({
          appStatus: 'error-updateInProgressOnInstance',
          check: 'error-internal',
        });
        await node.send(UpdateEngineEvent.DownloadFinished);
        expect(await f.status(node)).toBe(InstanceStatus.Downloaded);
        await node.install();
        // update_engine's 3/1 after postinstall is no status of Nebraska's (its "installed" is event 800).
        expect(await f.status(node)).toBe(InstanceStatus.Downloaded);
        node.reboot();
        expect(await node.check()).toMatchObject({ appStatus: 'ok', check: 'noupdate', ping: true, events: 1 });
        const instance = await f.store.getInstance(node.machineId, FLATCAR_APP_ID);
        expect(instance.application).toMatchObject({
          status: InstanceStatus.Complete,
          version: '2.0.0',
          updateInProgress: false,
        });
        const history = await f.store.getInstanceStatusHistory({
          instanceId: node.machineId,
          appId: FLATCAR_APP_ID,
          groupId: group.id,
        });
        expect(history.map((entry) => entry.status).reverse()).toEqual([
          InstanceStatus.UpdateGranted,
          InstanceStatus.Downloading,
          InstanceStatus.Downloaded,
          InstanceStatus.Complete,
        ]);
        expect(await f.activity(group.id)).toEqual([ActivityClass.RolloutStarted, ActivityClass.RolloutFinished]);
        expect((await f.store.getGroup(group.id)).rolloutInProgress).toBe(false);
      });

      it('records an error event with its code and an activity entry', async () => {
        const f = await fleet();
        const group = await f.rollOut(await f.package('2.0.0'));
        const node = f.node('machine-a');
        await node.check();
        const code = encodeErrorCode(2503, ['TestOmahaUrl']);
        expect(await node.fail(code)).toMatchObject({ appStatus: 'ok', events: 1, check: undefined });
        const [entry] = await f.store.getInstanceStatusHistory({
          instanceId: node.machineId,
          appId: FLATCAR_APP_ID,
          groupId: group.id,
        });
        expect(entry).toMatchObject({ status: InstanceStatus.Error, errorCode: String(code), version: '2.0.0' });
        expect(await f.activity(group.id)).toContain(ActivityClass.InstanceUpdateFailed);
        // A failed instance asks again and gets the update again.
        expect((await node.check()).version).toBe('2.0.0');
      });

      it('ignores events of unknown instances and of instances without an update in progress', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'));
        const stranger = f.node('machine-unknown');
        expect((await stranger.fail()).events).toBe(1);
        const idle = f.node('machine-idle', { version: '2.0.0' });
        expect((await idle.check()).check).toBe('noupdate');
        expect((await idle.fail()).events).toBe(1);
        expect(await f.status(idle)).toBeNull();
      });

      it('resets a granted instance whose Flatcar check reports no previous version', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'));
        const node = f.node('machine-a');
        expect((await node.check()).version).toBe('2.0.0');
        // The next check carries previousversion="": Nebraska sets the status back to undefined, then grants anew.
        expect((await node.check()).version).toBe('2.0.0');
        const history = await f.store.getInstanceStatusHistory({
          instanceId: node.machineId,
          appId: FLATCAR_APP_ID,
          groupId: STABLE.groupId,
        });
        expect(history.map((entry) => entry.status).reverse()).toEqual([
          InstanceStatus.UpdateGranted,
          InstanceStatus.Undefined,
          InstanceStatus.UpdateGranted,
        ]);
      });

      it('completes a grant once the instance runs the granted version, even without its event', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'));
        const node = f.node('machine-a');
        await node.check();
        // A ping while waiting for the reboot keeps the grant; then the machine shows up on 2.0.0 with no event.
        expect(summarize(await node.send({ kind: 'ping' }))).toMatchObject({ ping: true, check: undefined });
        expect(await f.status(node)).toBe(InstanceStatus.UpdateGranted);
        node.version = '2.0.0';
        expect((await node.plainCheck()).check).toBe('noupdate');
        expect((await f.store.getInstance(node.machineId, FLATCAR_APP_ID)).application).toMatchObject({
          status: InstanceStatus.Complete,
          version: '2.0.0',
          updateInProgress: false,
        });
      });
    });

    section('other', 'schedules', () => {
      it('refuses outside office hours in the group time zone, as updates disabled', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), { policyOfficeHours: true, policyTimezone: 'America/New_York' });
        const node = f.node('machine-a');
        // 10:00 UTC is 05:00 in New York.
        expect(await node.check()).toMatchObject({ appStatus: 'error-updatesDisabled', check: 'error-internal' });
        expect(await f.status(node)).toBeNull();
        f.clock.set('2024-03-04T14:00:00Z');
        expect((await node.check()).version).toBe('2.0.0');
      });

      it('offers updates only in a maintenance window of the group time zone', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), {
          maintenanceWindows: ['Sat 02:00-06:00', 'Wed 22:00-01:00'],
          policyTimezone: 'Europe/Berlin',
        });
        const node = f.node('machine-a');
        expect(await node.check()).toMatchObject({
          appStatus: 'error-outsideMaintenanceWindow',
          check: 'error-internal',
          verdict: 'error',
        });
        // Saturday 9 March, 05:30 UTC is 06:30 in Berlin (UTC+1): just closed.
        f.clock.set('2024-03-09T05:30:00Z');
        expect((await node.check()).appStatus).toBe('error-outsideMaintenanceWindow');
        // 04:59 UTC is 05:59 in Berlin.
        f.clock.set('2024-03-09T04:59:00Z');
        expect((await node.check()).version).toBe('2.0.0');
        // Past midnight: Thursday 00:30 in Berlin is Wednesday 23:30 UTC.
        const other = f.node('machine-b');
        f.clock.set('2024-03-06T23:30:00Z');
        expect((await other.check()).version).toBe('2.0.0');
      });

      it('needs office hours and a maintenance window when both are set', async () => {
        const f = await fleet();
        await f.rollOut(await f.package('2.0.0'), {
          policyOfficeHours: true,
          policyTimezone: 'UTC',
          maintenanceWindows: ['Tue 12:00-14:00'],
        });
        const node = f.node('machine-a');
        expect((await node.check()).appStatus).toBe('error-outsideMaintenanceWindow');
        f.clock.set('2024-03-09T12:30:00Z');
        expect((await node.check()).appStatus).toBe('error-updatesDisabled');
        f.clock.set('2024-03-05T12:30:00Z');
        expect((await node.check()).version).toBe('2.0.0');
      });
    });

    section('other', 'canary gate', () => {
      it('offers a version only after the canary group completed it on enough instances without failure', async () => {
        const f = await fleet();
        const pkg = await f.package('2.0.0');
        const beta = await f.rollOut(pkg, {}, BETA);
        const stable = await f.rollOut(pkg, { canaryGroupId: beta.id, canarySuccessShare: 0.5 });
        const canaries = f.nodes(4, { track: 'beta' });
        for (const canary of canaries) expect((await canary.check()).check).toBe('ok');
        const prod = f.node('machine-prod');
        expect(await prod.check()).toMatchObject({
          appStatus: 'error-canaryGateClosed',
          check: 'error-internal',
          verdict: 'error',
        });
        expect(await f.activity(stable.id)).toEqual([ActivityClass.CanaryGateWaiting]);
        await canaries[0]!.finish();
        // A canary that failed and then made it does not count as a success.
        await canaries[1]!.fail();
        await canaries[1]!.update();
        expect((await prod.check()).appStatus).toBe('error-canaryGateClosed');
        // One entry a day is enough.
        expect(await f.activity(stable.id)).toEqual([ActivityClass.CanaryGateWaiting]);
        await canaries[2]!.finish();
        expect((await prod.check()).version).toBe('2.0.0');
      });

      it('keeps the gate closed while the canary group has no instances', async () => {
        const f = await fleet();
        const pkg = await f.package('2.0.0');
        const beta = await f.rollOut(pkg, {}, BETA);
        await f.rollOut(pkg, { canaryGroupId: beta.id, canarySuccessShare: 0.1 });
        expect((await f.node('machine-prod').check()).appStatus).toBe('error-canaryGateClosed');
      });
    });

    section('other', 'downgrades', () => {
      it('offers a lower version only when the channel was moved back with allow downgrade', async () => {
        const f = await fleet();
        const old = await f.package('1.0.0');
        const newer = await f.package('2.0.0');
        await f.rollOut(newer);
        const node = f.node('machine-a');
        await node.update();
        expect(node.version).toBe('2.0.0');
        // Moved back without permission: Nebraska never serves a downgrade.
        await f.store.updateChannel(STABLE.channelId, { packageId: old.id });
        expect((await node.check()).check).toBe('noupdate');
        await f.store.updateChannel(STABLE.channelId, { allowDowngrade: true });
        expect((await node.update()).check).toBe('noupdate');
        expect(node.version).toBe('1.0.0');
        expect((await f.store.getInstance(node.machineId, FLATCAR_APP_ID)).application).toMatchObject({
          status: InstanceStatus.Complete,
          version: '1.0.0',
        });
        expect((await node.check()).check).toBe('noupdate');
      });

      it('offers a granted downgrade again until the instance runs it', async () => {
        const f = await fleet();
        const old = await f.package('1.0.0');
        await f.rollOut(old);
        await f.store.updateChannel(STABLE.channelId, { allowDowngrade: true });
        const node = f.node('machine-a', { version: '2.0.0' });
        expect((await node.check()).version).toBe('1.0.0');
        await node.send({ kind: 'ping' });
        expect(await f.status(node)).toBe(InstanceStatus.UpdateGranted);
        // Still on 2.0.0: the grant is not reached, so the downgrade is offered again rather than completed.
        expect((await node.plainCheck()).version).toBe('1.0.0');
        expect(await f.status(node)).toBe(InstanceStatus.UpdateGranted);
      });
    });
  });
}
