import { readFileSync } from 'node:fs';
import {
  ActionExitCode,
  buildRequest,
  encodeErrorCode,
  parseResponse,
  readUpdateCheck,
  updateEngineRequest,
} from '@ballast/omaha';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ActivityClass,
  Arch,
  FLATCAR_APP_ID,
  InstanceStatus,
  ManualClock,
  openSqliteStore,
  PackageType,
  SEEDED_FLATCAR,
  type Store,
} from '../store/index.js';
import { createAppLookup } from './app-lookup.js';
import { handleOmahaRequest, type UpdateContext } from './handle-omaha-request.js';
import { Fleet, MONDAY_MORNING, STABLE, summarize } from './rollout.contract.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../omaha/test/fixtures/${name}`, import.meta.url), 'utf8');
const request = (name: string) => fixture(`update-engine/${name}.xml`);
const encode = (text: string) => new TextEncoder().encode(text);

// The machine of packages/omaha's update_engine fixtures.
const MACHINE_ID = '83ab5976451549a1afede31db82fd215';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function setup(options: Partial<Omit<UpdateContext, 'store' | 'clock' | 'remoteAddress'>> = {}) {
  const clock = new ManualClock(MONDAY_MORNING);
  const store = await openSqliteStore(':memory:', { clock });
  stores.push(store);
  const fleet = new Fleet(store, clock, options);
  const post = (body: string, ip = '10.0.0.1') =>
    handleOmahaRequest(encode(body), { ...fleet.context, remoteAddress: ip });
  return { clock, store, fleet, post };
}

/** The package of Nebraska's update.xml fixture (a real Flatcar 3374.2.0 answer). */
async function flatcar3374(store: Store) {
  const pkg = await store.createPackage(FLATCAR_APP_ID, {
    version: '3374.2.0',
    arch: Arch.AMD64,
    url: 'https://update.release.flatcar-linux.net/amd64-usr/3374.2.0/',
    filename: 'flatcar_production_update.gz',
    hash: 'e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=',
    size: '360141900',
    flatcarAction: { sha256: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=', disablePayloadBackoff: true },
  });
  await store.updateChannel(STABLE.channelId, { packageId: pkg.id });
  return pkg;
}

describe("Nebraska's answers, byte for byte", () => {
  it('offers an update as Nebraska did to a real Flatcar machine (update.xml)', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    const answer = await post(request('first-check-fresh-install'));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml');
    expect(answer.body).toBe(fixture('nebraska/update.xml'));
    expect(answer.decisions).toEqual([
      {
        appId: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
        machineId: MACHINE_ID,
        groupId: STABLE.groupId,
        outcome: 'update',
        version: '3374.2.0',
      },
    ]);
    // Field by field, as update_engine reads it.
    expect(readUpdateCheck(answer.body)).toMatchObject({
      kind: 'update',
      displayVersion: '3374.2.0',
      payloadUrls: ['https://update.release.flatcar-linux.net/amd64-usr/3374.2.0/flatcar_production_update.gz'],
      size: 360141900,
      hash: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=',
      disablePayloadBackoff: true,
      needsAdmin: false,
      isDeltaPayload: false,
    });
  });

  it('answers a current machine noupdate with the ping and event answers (noupdate.xml)', async () => {
    const { store, post } = await setup();
    const pkg = await store.createPackage(FLATCAR_APP_ID, { version: '1632.3.0', url: 'https://x/', arch: Arch.AMD64 });
    await store.updateChannel(STABLE.channelId, { packageId: pkg.id });
    const answer = await post(request('update-check'));
    expect(answer.body).toBe(fixture('nebraska/noupdate.xml'));
    expect(readUpdateCheck(answer.body)).toEqual({ kind: 'noupdate', pollInterval: 0 });
  });

  it('acknowledges an event-only request with one event answer and nothing else (event-ack.xml)', async () => {
    const { post } = await setup();
    const answer = await post(request('download-started'));
    expect(answer.body).toBe(fixture('nebraska/event-ack.xml'));
    expect(answer.decisions[0]).toMatchObject({ outcome: 'none', groupId: STABLE.groupId });
  });

  it('answers an unknown track with the app status Nebraska gives it and a failed check only', async () => {
    const { post } = await setup();
    const answer = await post(request('update-check').replace('track="stable"', 'track="nightly"'));
    // unknown-group.xml has the shape; Nebraska's own TestInvalidRequests pins the status: its track lookup fails
    // with a plain error, which getStatusMessageStr turns into error-failedToRetrieveUpdatePackageInfo.
    expect(answer.body).toBe(
      fixture('nebraska/unknown-group.xml').replace(
        'error-unknownApplicationOrGroup',
        'error-failedToRetrieveUpdatePackageInfo',
      ),
    );
    expect(readUpdateCheck(answer.body)).toMatchObject({ kind: 'error', code: ActionExitCode.OmahaResponseInvalid });
  });
});

describe('a Flatcar machine through an update, in update_engine documents', () => {
  it('answers every request of the update from 1632.3.0 to 1688.5.3 field by field', async () => {
    const { store, post } = await setup();
    const pkg = await store.createPackage(FLATCAR_APP_ID, {
      version: '1688.5.3',
      arch: Arch.AMD64,
      url: 'https://update.release.flatcar-linux.net/amd64-usr/1688.5.3/',
      filename: 'flatcar_production_update.gz',
      hash: 'c2hhMQ==',
      size: '123',
      flatcarAction: { sha256: 'c2hhMjU2', disablePayloadBackoff: true },
    });
    await store.updateChannel(STABLE.channelId, { packageId: pkg.id });
    const status = async () => (await store.getInstance(MACHINE_ID, FLATCAR_APP_ID)).application;

    const first = summarize(await post(request('first-check-fresh-install')));
    expect(first).toMatchObject({
      http: 200,
      appStatus: 'ok',
      check: 'ok',
      version: '1688.5.3',
      ping: true,
      events: 1,
    });
    expect(await status()).toMatchObject({ status: InstanceStatus.UpdateGranted, lastUpdateVersion: '1688.5.3' });
    const instance = await store.getInstance(MACHINE_ID, FLATCAR_APP_ID);
    expect(instance).toMatchObject({ ip: '10.0.0.1', alephVersion: '1632.3.0', oem: '', alias: '' });

    for (const [name, expected] of [
      ['download-started', InstanceStatus.Downloading],
      ['download-finished', InstanceStatus.Downloaded],
      // 3/1 after postinstall: no Nebraska status, the machine waits for its reboot.
      ['installed', InstanceStatus.Downloaded],
    ] as const) {
      const answer = summarize(await post(request(name)));
      expect(answer).toMatchObject({ appStatus: 'ok', check: undefined, ping: false, events: 1 });
      expect((await status()).status).toBe(expected);
    }
    const waiting = summarize(await post(request('ping-only')));
    expect(waiting).toMatchObject({ appStatus: 'ok', check: undefined, ping: true, events: 0 });

    const after = summarize(await post(request('first-check-after-update')));
    expect(after).toMatchObject({ appStatus: 'ok', check: 'noupdate', ping: true, events: 1 });
    expect(await status()).toMatchObject({
      status: InstanceStatus.Complete,
      version: '1688.5.3',
      updateInProgress: false,
    });
    const events = await store.listActivity({ start: new Date(0), groupId: STABLE.groupId });
    expect(events.items.map((entry) => entry.class).sort()).toEqual([
      ActivityClass.RolloutStarted,
      ActivityClass.RolloutFinished,
    ]);
  });

  it('records error-event.xml and rollback.xml as errors with their codes', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    await post(request('first-check-fresh-install'));
    await post(request('error-event'));
    const history = () =>
      store.getInstanceStatusHistory({ instanceId: MACHINE_ID, appId: FLATCAR_APP_ID, groupId: STABLE.groupId });
    expect((await history())[0]).toMatchObject({
      status: InstanceStatus.Error,
      errorCode: String(encodeErrorCode(2503, ['TestOmahaUrl'])),
      version: '3374.2.0',
    });
    // Granted again, downloaded, installed, and rolled back by GRUB: the next check says 44.
    expect(summarize(await post(request('update-check'))).check).toBe('ok');
    await post(request('download-started'));
    const rollback = summarize(await post(request('rollback')));
    expect(rollback).toMatchObject({ appStatus: 'ok', check: 'ok', version: '3374.2.0', events: 1 });
    const [latest, error] = await history();
    expect(latest!.status).toBe(InstanceStatus.UpdateGranted);
    expect(error).toMatchObject({ status: InstanceStatus.Error, errorCode: '44' });
  });
});

describe("Nebraska's refusals", () => {
  it('answers an unknown application error-failedToRetrieveUpdatePackageInfo and stops there', async () => {
    const { post } = await setup();
    const body = buildRequest({
      ...updateEngineRequest(
        {
          updaterVersion: 'update_engine-0.4.10',
          version: '1.0.0',
          track: 'stable',
          board: 'amd64-usr',
          machine: 'x86_64',
          bootId: '{b}',
          machineId: 'm',
          appId: '{00000000-0000-0000-0000-000000000000}',
        },
        { kind: 'ping' },
      ),
    });
    const answer = await post(body);
    const parsed = parseResponse(answer.body);
    expect(parsed.ok && parsed.value.apps).toEqual([
      {
        appId: '{00000000-0000-0000-0000-000000000000}',
        status: 'error-failedToRetrieveUpdatePackageInfo',
        updateCheck: { status: 'error-internal', urls: [], manifests: [] },
        events: [],
      },
    ]);
  });

  it('answers error-instanceRegistrationFailed to a bad address, version or machine id', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    expect(summarize(await post(request('update-check'), 'not-an-ip'))).toMatchObject({
      appStatus: 'error-instanceRegistrationFailed',
      check: 'error-internal',
      // Nebraska answers the ping "ok" whatever came of its registration.
      ping: true,
    });
    expect(summarize(await post(request('update-check').replaceAll('1632.3.0', '1632.3')))).toMatchObject({
      appStatus: 'error-instanceRegistrationFailed',
    });
    expect(summarize(await post(request('update-check').replace(MACHINE_ID, '')))).toMatchObject({
      appStatus: 'error-instanceRegistrationFailed',
    });
    // A ping alone still gets its "ok".
    expect(summarize(await post(request('ping-only'), 'bogus'))).toMatchObject({ appStatus: 'ok', ping: true });
  });

  it('answers error-noPackageFound while the channel has no package, noting it in the feed once a day', async () => {
    const { clock, store, post } = await setup();
    expect(summarize(await post(request('update-check')))).toMatchObject({
      appStatus: 'error-noPackageFound',
      check: 'error-internal',
    });
    await post(request('update-check'));
    const feed = async () =>
      (await store.listActivity({ start: new Date(0), groupId: STABLE.groupId })).items.map((a) => a.class);
    expect(await feed()).toEqual([ActivityClass.PackageNotFound]);
    clock.advance(25 * 3_600_000);
    await post(request('update-check'));
    expect(await feed()).toEqual([ActivityClass.PackageNotFound, ActivityClass.PackageNotFound]);
  });

  it('answers error-updatesDisabled when an operator disabled updates', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    await store.updateGroup(STABLE.groupId, { policyUpdatesEnabled: false });
    expect(summarize(await post(request('update-check')))).toMatchObject({
      appStatus: 'error-updatesDisabled',
      check: 'error-internal',
      verdict: 'error',
    });
    expect((await store.getInstance(MACHINE_ID, FLATCAR_APP_ID)).application.status).toBeNull();
  });

  it('answers a Flatcar package without its action with error-internal and an ok app', async () => {
    const { store, post } = await setup();
    const pkg = await store.createPackage(FLATCAR_APP_ID, { version: '9999.0.0', url: 'https://x/', arch: Arch.AMD64 });
    await store.updateChannel(STABLE.channelId, { packageId: pkg.id });
    expect(summarize(await post(request('update-check')))).toMatchObject({ appStatus: 'ok', check: 'error-internal' });
  });
});

describe('finding the group', () => {
  it('takes the application by id with or without braces, in any case, or by product id', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    const upper = request('update-check').replace(
      '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
      'E96281A6-D1AF-4BDE-9A0A-97B76E56DC57',
    );
    const answer = await post(upper);
    expect(summarize(answer).check).toBe('ok');
    // The answer names the app as the client did.
    expect(answer.body).toContain('appid="E96281A6-D1AF-4BDE-9A0A-97B76E56DC57"');

    const app = await store.createApplication({ name: 'My app', productId: 'io.example.MyApp' });
    const mine = await store.createPackage(app.id, {
      version: '4000.0.0',
      url: 'https://x/',
      type: PackageType.Other,
    });
    const channel = await store.createChannel(app.id, { name: 'main', packageId: mine.id });
    await store.createGroup(app.id, { name: 'All', track: 'main', channelId: channel.id });
    const byProduct = request('update-check')
      .replace('{e96281a6-d1af-4bde-9a0a-97b76e56dc57}', 'IO.EXAMPLE.MYAPP')
      .replace('track="stable"', 'track="main"');
    expect(summarize(await post(byProduct))).toMatchObject({ check: 'ok', version: '4000.0.0' });
  });

  it("maps CoreOS's hard-coded group ids to tracks and picks the group of the machine's architecture", async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    const arm = await store.createPackage(FLATCAR_APP_ID, {
      version: '3374.2.0',
      arch: Arch.AArch64,
      url: 'https://update.release.flatcar-linux.net/arm64-usr/3374.2.0/',
      flatcarAction: { sha256: 'YXJt' },
    });
    await store.updateChannel(SEEDED_FLATCAR.stable!.arm.channelId, { packageId: arm.id });
    const legacy = await post(
      request('update-check').replace('track="stable"', 'track="9a2deb70-37be-4026-853f-bfdd6b347bbe"'),
    );
    expect(legacy.decisions[0]).toMatchObject({ groupId: STABLE.groupId, outcome: 'update' });
    const onArm = await post(
      request('update-check').replace('board="amd64-usr"', 'board="arm64-usr"').replace(MACHINE_ID, 'arm-machine'),
    );
    expect(onArm.decisions[0]).toMatchObject({ groupId: SEEDED_FLATCAR.stable!.arm.groupId, outcome: 'update' });
    expect(onArm.body).toContain('codebase="https://update.release.flatcar-linux.net/arm64-usr/3374.2.0/"');
    // A Go client without a board says os arch="arm".
    const goClient = `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0"><os platform="linux" arch="arm"></os><app appid="${FLATCAR_APP_ID}" version="1.0.0" track="stable" machineid="go-client"><updatecheck></updatecheck></app></request>`;
    expect((await post(goClient)).decisions[0]).toMatchObject({ groupId: SEEDED_FLATCAR.stable!.arm.groupId });
  });

  it('answers each app of a request in turn and stops at the first it cannot place', async () => {
    const { store, post } = await setup();
    await flatcar3374(store);
    const app = (id: string, track: string) =>
      `<app appid="${id}" version="1.0.0" track="${track}" machineid="m1"><ping active="1"></ping><updatecheck></updatecheck></app>`;
    const body = `<request protocol="3.0">${app(FLATCAR_APP_ID, 'stable')}${app(FLATCAR_APP_ID, 'nope')}${app(FLATCAR_APP_ID, 'stable')}</request>`;
    const parsed = parseResponse((await post(body)).body);
    expect(parsed.ok && parsed.value.apps.map((a) => [a.status, a.updateCheck?.status])).toEqual([
      ['ok', 'ok'],
      ['error-failedToRetrieveUpdatePackageInfo', 'error-internal'],
    ]);
  });

  it('reuses a shared application lookup and still finds an application created since', async () => {
    const { store, fleet } = await setup();
    const apps = createAppLookup(store, { ttlMs: 60_000 });
    expect(await apps.resolve('{E96281A6-d1af-4bde-9a0a-97b76e56dc57}')).toBe(FLATCAR_APP_ID);
    const created = await store.createApplication({ name: 'New', productId: 'io.example.New' });
    expect(await apps.resolve('io.example.new')).toBe(created.id);
    expect(await apps.resolve('io.example.missing')).toBeUndefined();
    const answer = await handleOmahaRequest(encode(request('ping-only')), {
      ...fleet.context,
      apps,
      remoteAddress: '10.0.0.1',
    });
    expect(summarize(answer)).toMatchObject({ appStatus: 'ok', ping: true });
  });
});

describe('groups kept by a shared lookup', () => {
  it('drops a kept group the endpoint itself changed: rollout marked once, a halt seen at once', async () => {
    const { store, fleet } = await setup();
    const apps = createAppLookup(store, { ttlMs: 60_000, groupTtlMs: 60_000 });
    const shared = new Fleet(store, fleet.clock, { apps });
    await shared.rollOut(await shared.package('2.0.0'), { failureHaltThreshold: 0.5 });
    const marked = vi.spyOn(store, 'setGroupRolloutInProgress');
    const [a, b, c] = shared.nodes(3);
    expect((await a!.check()).version).toBe('2.0.0');
    expect((await b!.check()).version).toBe('2.0.0');
    // The second grant found the group as the first left it, rollout in progress, without waiting for the TTL.
    expect(marked).toHaveBeenCalledTimes(1);
    expect(
      (await apps.resolveGroup({ appId: FLATCAR_APP_ID, track: 'stable', arch: Arch.AMD64 }))?.rolloutInProgress,
    ).toBe(true);
    // Both updates fail: the failure halt pauses the group, and the next check is refused by the kept group.
    await a!.fail(ActionExitCode.PostinstallRunnerError);
    await b!.fail(ActionExitCode.PostinstallRunnerError);
    expect((await store.getGroup(STABLE.groupId)).policyUpdatesEnabled).toBe(false);
    expect(
      (await apps.resolveGroup({ appId: FLATCAR_APP_ID, track: 'stable', arch: Arch.AMD64 }))?.policyUpdatesEnabled,
    ).toBe(false);
    expect((await c!.check()).appStatus).toBe('error-updatesDisabled');
  });
});

describe('other applications and options', () => {
  it('completes the update of a non-Flatcar application on update complete with success', async () => {
    const { store, post } = await setup();
    const app = await store.createApplication({ name: 'Agent' });
    const pkg = await store.createPackage(app.id, { version: '2.0.0', url: 'https://x/', type: PackageType.Other });
    const channel = await store.createChannel(app.id, { name: 'main', packageId: pkg.id });
    await store.createGroup(app.id, { name: 'All', track: 'main', channelId: channel.id });
    const doc = (version: string, inner: string) =>
      `<request protocol="3.0"><app appid="${app.id}" version="${version}" track="main" machineid="m1">${inner}</app></request>`;
    expect(summarize(await post(doc('1.0.0', '<updatecheck></updatecheck>')))).toMatchObject({
      check: 'ok',
      version: '2.0.0',
    });
    await post(doc('1.0.0', '<event eventtype="3" eventresult="1"></event>'));
    expect((await store.getInstance('m1', app.id)).application).toMatchObject({
      status: InstanceStatus.Complete,
      version: '2.0.0',
    });
  });

  it("disables a group's updates when the first update of a version fails, with Nebraska's option", async () => {
    const { store, fleet } = await setup({ disableUpdatesOnFailedRollout: true });
    await fleet.rollOut(await fleet.package('2.0.0'));
    const [a, b] = fleet.nodes(2);
    await a!.check();
    await a!.fail();
    const group = await store.getGroup(STABLE.groupId);
    expect(group.policyUpdatesEnabled).toBe(false);
    const feed = (await store.listActivity({ start: new Date(0), groupId: STABLE.groupId })).items.map((e) => e.class);
    expect(feed).toContain(ActivityClass.RolloutFailed);
    expect((await b!.check()).appStatus).toBe('error-updatesDisabled');
  });

  it('says "nebraska" as the server unless told otherwise', async () => {
    const { fleet } = await setup({ serverName: 'ballast' });
    const answer = await fleet.post(request('ping-only'));
    expect(answer.body).toContain('<response protocol="3.0" server="ballast">');
  });

  it('rejects when the store fails for a reason of its own, so nothing is acknowledged', async () => {
    const { store, fleet } = await setup();
    await fleet.rollOut(await fleet.package('2.0.0'));
    const node = fleet.node('machine-a');
    await node.check();
    const broken = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'recordEvent') return () => Promise.reject(new Error('connection terminated'));
        return Reflect.get(target, key, receiver);
      },
    });
    await expect(
      handleOmahaRequest(encode(request('download-started').replace(MACHINE_ID, 'machine-a')), {
        ...fleet.context,
        store: broken,
        remoteAddress: '10.0.0.1',
      }),
    ).rejects.toThrow('connection terminated');
  });
});

describe('hostile bodies', () => {
  const answers = async (body: string | Uint8Array) => {
    const { fleet } = await setup();
    return handleOmahaRequest(typeof body === 'string' ? encode(body) : body, {
      ...fleet.context,
      remoteAddress: '10.0.0.1',
    });
  };

  it('refuses a body over 64 KiB with 413 before reading it', async () => {
    const padding = ' '.repeat(64 * 1024);
    const answer = await answers(request('update-check').replace('<request', `${padding}<request`));
    expect(answer).toMatchObject({ status: 413, contentType: 'text/xml', error: { code: 'XML_TOO_LARGE' } });
    expect(parseResponse(answer.body).ok).toBe(true);
    expect(answer.body).toContain('status="error-requestTooLarge"');
  });

  it.each([
    ['truncated', request('update-check').slice(0, 300), 'XML_MALFORMED'],
    ['empty', '', 'XML_MALFORMED'],
    ['not XML', '{"protocol":"3.0"}', 'XML_MALFORMED'],
    [
      'an entity bomb',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><request protocol="3.0">&b;</request>',
      'XML_DTD_FORBIDDEN',
    ],
    [
      'an external entity',
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><request>&x;</request>',
      'XML_DTD_FORBIDDEN',
    ],
    ['the wrong root', fixture('nebraska/noupdate.xml'), 'OMAHA_WRONG_ROOT'],
    [
      'another protocol',
      request('update-check').replace('protocol="3.0"', 'protocol="2.0"'),
      'OMAHA_UNSUPPORTED_PROTOCOL',
    ],
    ['an app without id', '<request protocol="3.0"><app version="1.0.0"></app></request>', 'OMAHA_MISSING_ATTRIBUTE'],
    [
      'a bad event',
      request('error-event').replace('errorcode="268437959"', 'errorcode="x"'),
      'OMAHA_INVALID_ATTRIBUTE',
    ],
  ])('answers %s with 400 and an Omaha document', async (_name, body, code) => {
    const answer = await answers(body);
    expect(answer).toMatchObject({ status: 400, contentType: 'text/xml', error: { code }, decisions: [] });
    const parsed = parseResponse(answer.body);
    expect(parsed.ok && parsed.value.apps[0]).toMatchObject({ status: 'error-malformedRequest' });
    expect(readUpdateCheck(answer.body, { httpStatus: 400 })).toMatchObject({ kind: 'error', code: 2400 });
  });

  it('answers invalid UTF-8 with 400', async () => {
    const bytes = encode(request('update-check'));
    bytes[200] = 0xff;
    expect((await answers(bytes)).status).toBe(400);
  });

  it('never throws on mutated real requests, and answers them 200, 400 or 413', async () => {
    const { fleet } = await setup();
    await fleet.rollOut(await fleet.package('2000.0.0'));
    const documents = ['update-check', 'first-check-after-update', 'error-event', 'rollback', 'download-started'].map(
      request,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 8 })), { maxLength: 4 }),
        async (document, edits) => {
          let text = document;
          for (const [at, cut, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + cut);
          }
          const answer = await handleOmahaRequest(encode(text), { ...fleet.context, remoteAddress: '10.0.0.1' });
          expect([200, 400, 413]).toContain(answer.status);
          expect(parseResponse(answer.body).ok).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
