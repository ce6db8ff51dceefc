import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { hashApiToken } from './api-token.js';
import { type Clock, ManualClock } from './clock.js';
import {
  ActivityClass,
  ActivitySeverity,
  Arch,
  FLATCAR_APP_ID,
  type Group,
  InstanceStatus,
  PackageType,
} from './model.js';
import type { GroupInput, Store } from './store.js';

/** A fresh database for one test, and a way to open it once more as another process would. */
export interface TestDatabase {
  readonly store: Store;
  /** Opens a second Store on the same database (its own connections, its own migration run). */
  openAnother(clock: Clock): Promise<Store>;
}

/** How a contract run gets its databases. */
export interface StoreTarget {
  open(clock: Clock): Promise<TestDatabase>;
  /**
   * Whether two Stores on one database may work at the same time in one process. PostgreSQL's may (two pools stand
   * for two replicas); two SQLite connections in one thread would wait on each other's lock synchronously.
   */
  readonly concurrentStores: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Asserts that `promise` rejects with an error of `type` whose `code` is `code`, and returns the error. */
async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  code: string,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as { code?: string }).code).toBe(code);
  return error as E;
}

function fieldPaths(error: InvalidInputError): string[] {
  return error.fields.map((field) => field.path);
}

/** The Store contract: every implementation must pass it against a real database. */
export function storeContract(name: string, target: StoreTarget): void {
  describe(`store contract: ${name}`, () => {
    const opened: Store[] = [];
    let clock: ManualClock;

    async function open(): Promise<TestDatabase> {
      clock = new ManualClock('2024-03-01T12:00:00Z');
      const database = await target.open(clock);
      opened.push(database.store);
      return {
        store: database.store,
        openAnother: async (c) => {
          const another = await database.openAnother(c);
          opened.push(another);
          return another;
        },
      };
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** An application with packages 1.0.0 and 2.0.0 (amd64), a channel on 2.0.0 and a group following it. */
    async function rollout(store: Store, policy: Partial<GroupInput> = {}) {
      const app = await store.createApplication({ name: 'Test OS' });
      const old = await store.createPackage(app.id, { version: '1.0.0', url: 'https://example.com/1.0.0/' });
      const pkg = await store.createPackage(app.id, {
        version: '2.0.0',
        url: 'https://example.com/2.0.0/',
        filename: 'update.gz',
        size: '1000',
        hash: 'c2hhMQ==',
        flatcarAction: { sha256: 'c2hhMjU2' },
      });
      const channel = await store.createChannel(app.id, { name: 'stable', color: '#000', packageId: pkg.id });
      const group = await store.createGroup(app.id, {
        name: 'Production',
        track: 'prod',
        channelId: channel.id,
        policyMaxUpdatesPerPeriod: 100,
        policyPeriodInterval: '1 hours',
        policyUpdateTimeout: '30 minutes',
        ...policy,
      });
      return { app, old, pkg, channel, group };
    }

    async function register(store: Store, group: Group, count: number, version = '1.0.0') {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const instanceId = `machine-${String(i).padStart(3, '0')}`;
        await store.registerInstance({
          instanceId,
          appId: group.appId,
          groupId: group.id,
          version,
          ip: `10.0.0.${i + 1}`,
        });
        ids.push(instanceId);
      }
      return ids;
    }

    describe('first open', () => {
      it('seeds the Flatcar application with alpha, beta, stable and lts channels and groups, channels empty', async () => {
        const { store } = await open();
        const apps = await store.listApplications();
        expect(apps.total).toBe(1);
        const flatcar = await store.getApplication(FLATCAR_APP_ID);
        expect(flatcar.name).toBe('Flatcar Container Linux');
        const tracks = ['alpha', 'beta', 'stable', 'lts'];
        for (const arch of [Arch.AMD64, Arch.AArch64]) {
          const channels = flatcar.channels.filter((channel) => channel.arch === arch);
          expect(channels.map((channel) => channel.name).sort()).toEqual([...tracks].sort());
          expect(channels.every((channel) => channel.packageId === null && channel.package === null)).toBe(true);
          for (const track of tracks) {
            const group = await store.findGroupByTrack({ appId: FLATCAR_APP_ID, track, arch });
            expect(group?.track).toBe(track);
            expect(group?.channel?.name).toBe(track);
            expect(group?.channel?.arch).toBe(arch);
            expect(group?.policyUpdatesEnabled).toBe(true);
            expect(group?.policySafeMode).toBe(false);
          }
        }
        expect(flatcar.groups.map((group) => group.name)).toEqual([
          'Alpha (AMD64)',
          'Alpha (ARM)',
          'Beta (AMD64)',
          'Beta (ARM)',
          'Stable (AMD64)',
          'Stable (ARM)',
          'LTS (AMD64)',
          'LTS (ARM)',
        ]);
        // Nebraska's ids for its stable group and channel, so existing scripts keep working.
        const stable = await store.findGroupByTrack({ appId: FLATCAR_APP_ID, track: 'stable', arch: Arch.AMD64 });
        expect(stable?.id).toBe('9a2deb70-37be-4026-853f-bfdd6b347bbe');
        expect(stable?.channelId).toBe('e06064ad-4414-4904-9a6e-fd465593d1b2');
        expect(await store.findGroupByTrack({ appId: FLATCAR_APP_ID, track: 'edge', arch: Arch.AMD64 })).toBe(
          undefined,
        );
      });

      it('opens again without migrating or seeding twice, and never re-seeds a deleted application', async () => {
        const database = await open();
        const group = await database.store.getGroup('9a2deb70-37be-4026-853f-bfdd6b347bbe');
        await database.store.updateGroup(group.id, { description: 'ours' });
        const again = await database.openAnother(clock);
        expect((await again.listApplications()).total).toBe(1);
        expect((await again.getGroup(group.id)).description).toBe('ours');
        await again.deleteApplication(FLATCAR_APP_ID);
        const third = await database.openAnother(clock);
        expect((await third.listApplications()).total).toBe(0);
      });

      it('answers ping', async () => {
        const { store } = await open();
        await expect(store.ping()).resolves.toBeUndefined();
        expect(store.dialect).toBe(name);
      });
    });

    describe('applications', () => {
      it('creates, reads, updates and deletes, with not-found and conflict errors', async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Edge OS', description: 'edge', productId: 'io.example.os' });
        expect(app).toMatchObject({ name: 'Edge OS', description: 'edge', productId: 'io.example.os' });
        expect(app.groups).toEqual([]);
        expect(app.createdAt).toEqual(clock.now());
        await rejection(store.createApplication({ name: 'Edge OS' }), ConflictError, 'DUPLICATE_APPLICATION');
        const invalid = await rejection(store.createApplication({ name: ' ' }), InvalidInputError, 'INVALID_INPUT');
        expect(fieldPaths(invalid)).toEqual(['name']);
        const updated = await store.updateApplication(app.id, { description: 'changed' });
        expect(updated.description).toBe('changed');
        expect(updated.name).toBe('Edge OS');
        const page = await store.listApplications({ page: 1, perPage: 1 });
        expect(page.total).toBe(2);
        expect(page.items).toHaveLength(1);
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        expect((await store.listApplicationKeys()).sort(byId)).toEqual(
          [
            { id: FLATCAR_APP_ID, productId: null },
            { id: app.id, productId: 'io.example.os' },
          ].sort(byId),
        );
        await store.deleteApplication(app.id);
        await rejection(store.getApplication(app.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.deleteApplication(app.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.updateApplication(app.id, { name: 'x' }), NotFoundError, 'NOT_FOUND');
      });

      it('clones channels without packages and groups with their channels and canary links', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const beta = await store.createGroup(app.id, { name: 'Beta', channelId: group.channelId });
        await store.updateGroup(group.id, { canaryGroupId: beta.id, canarySuccessShare: 0.5 });
        await store.updateGroup(beta.id, { policyUpdatesEnabled: false });
        const clone = await store.createApplication({ name: 'Clone' }, { cloneFrom: app.id });
        expect(clone.channels).toHaveLength(1);
        expect(clone.channels[0]).toMatchObject({ name: 'stable', packageId: null, appId: clone.id });
        const production = clone.groups.find((g) => g.name === 'Production')!;
        const clonedBeta = clone.groups.find((g) => g.name === 'Beta')!;
        expect(production.channelId).toBe(clone.channels[0]!.id);
        expect(production.track).toBe('prod');
        expect(production.canaryGroupId).toBe(clonedBeta.id);
        expect(clonedBeta.policyUpdatesEnabled).toBe(true);
        await rejection(store.createApplication({ name: 'Other' }, { cloneFrom: 'nope' }), NotFoundError, 'NOT_FOUND');
        expect((await store.listApplications()).items.map((a) => a.name)).not.toContain('Other');
      });
    });

    describe('packages', () => {
      it('stores every field: Flatcar action, extra files, blacklist, hashes', async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Pkg OS' });
        const other = await store.createChannel(app.id, { name: 'beta' });
        const pkg = await store.createPackage(app.id, {
          type: PackageType.Flatcar,
          version: '3815.2.0',
          arch: Arch.AMD64,
          url: 'https://update.example.com/amd64-usr/3815.2.0/',
          filename: 'flatcar_production_update.gz',
          description: 'Flatcar 3815.2.0',
          size: '465881871',
          hash: 'r3nufcxgMTZaxYEqL+x2zIoeClk=',
          hashSha256: 'ab'.repeat(32),
          flatcarAction: { sha256: 'LIkAKVZY2EJFiwTmltiJZLFLA5xT/FodbjVgqkyF/y8=', isDelta: true },
          extraFiles: [{ name: 'oem-azure.gz', size: '10', hash: 'aGFzaA==', hash256: 'cd'.repeat(32) }],
          channelsBlacklist: [other.id],
        });
        const read = await store.getPackage(pkg.id);
        expect(read).toEqual(pkg);
        expect(read).toMatchObject({
          appId: app.id,
          version: '3815.2.0',
          size: '465881871',
          hashSha256: 'ab'.repeat(32),
          channelsBlacklist: [other.id],
        });
        expect(read.flatcarAction).toMatchObject({
          event: 'postinstall',
          sha256: 'LIkAKVZY2EJFiwTmltiJZLFLA5xT/FodbjVgqkyF/y8=',
          needsAdmin: false,
          isDelta: true,
          disablePayloadBackoff: true,
        });
        expect(read.extraFiles).toHaveLength(1);
        expect(read.extraFiles[0]).toMatchObject({ name: 'oem-azure.gz', size: '10', hash256: 'cd'.repeat(32) });
        expect(await store.findPackage({ appId: app.id, version: '3815.2.0', arch: Arch.AMD64 })).toEqual(read);
        expect(await store.findPackage({ appId: app.id, version: '3815.2.0', arch: Arch.AArch64 })).toBe(undefined);
      });

      it('keeps the action sha256 in base64 and hash_sha256 in hex, turning a digest sent the other way', async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Hash OS' });
        const digest = Buffer.from('5c'.repeat(32), 'hex');
        const [hex, base64] = [digest.toString('hex'), digest.toString('base64')];
        const pkg = await store.createPackage(app.id, {
          version: '1.0.0',
          url: '',
          hashSha256: base64,
          flatcarAction: { sha256: hex.toUpperCase() },
          extraFiles: [{ name: 'extra.raw', hash: 'aGFzaA==', hash256: base64 }],
        });
        expect(pkg).toMatchObject({ hashSha256: hex, flatcarAction: { sha256: base64 } });
        expect(pkg.extraFiles[0]?.hash256).toBe(hex);
        expect(await store.getPackage(pkg.id)).toEqual(pkg);
        const other = Buffer.from('a7'.repeat(32), 'hex');
        const updated = await store.updatePackage(pkg.id, {
          hashSha256: other.toString('base64'),
          flatcarAction: { sha256: other.toString('hex') },
        });
        expect(updated).toMatchObject({
          hashSha256: other.toString('hex'),
          flatcarAction: { sha256: other.toString('base64') },
        });
      });

      it('refuses bad fields, duplicates and foreign channels', async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Pkg OS' });
        const arm = await store.createChannel(app.id, { name: 'stable', arch: Arch.AArch64 });
        const bad = await rejection(
          store.createPackage(app.id, { version: '1.0', url: '', type: 9 as PackageType, size: 'big' }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(bad)).toEqual(['version', 'type', 'size']);
        await store.createPackage(app.id, { version: '1.0.0', url: '' });
        await rejection(store.createPackage(app.id, { version: '1.0.0', url: '' }), ConflictError, 'DUPLICATE_VERSION');
        // The same version for another architecture is another package.
        await store.createPackage(app.id, { version: '1.0.0', url: '', arch: Arch.AArch64 });
        const foreign = await rejection(
          store.createPackage(app.id, { version: '1.1.0', url: '', channelsBlacklist: [arm.id] }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(foreign)).toEqual(['channels_blacklist']);
        await rejection(store.createPackage('nope', { version: '1.2.0', url: '' }), NotFoundError, 'NOT_FOUND');
      });

      it('updates fields, extra files, action and blacklist, and lists newest version first', async () => {
        const { store } = await open();
        const { app, pkg, channel, old } = await rollout(store);
        const withFiles = await store.updatePackage(pkg.id, {
          extraFiles: [{ name: 'a' }, { name: 'b', size: '2' }],
        });
        const [a] = withFiles.extraFiles;
        const changed = await store.updatePackage(pkg.id, {
          description: 'second',
          extraFiles: [{ id: a!.id, name: 'a2' }, { name: 'c' }],
          flatcarAction: null,
        });
        expect(changed.description).toBe('second');
        expect(changed.extraFiles.map((file) => file.name)).toEqual(['a2', 'c']);
        expect(changed.extraFiles[0]!.id).toBe(a!.id);
        expect(changed.flatcarAction).toBe(null);
        expect(changed.filename).toBe('update.gz');
        await rejection(
          store.updatePackage(pkg.id, { channelsBlacklist: [channel.id] }),
          ConflictError,
          'BLACKLISTING_CHANNEL',
        );
        const blacklisted = await store.updatePackage(old.id, { channelsBlacklist: [channel.id] });
        expect(blacklisted.channelsBlacklist).toEqual([channel.id]);
        expect((await store.updatePackage(old.id, { channelsBlacklist: [] })).channelsBlacklist).toEqual([]);
        await rejection(store.updatePackage(old.id, { version: '2.0.0' }), ConflictError, 'DUPLICATE_VERSION');
        await store.createPackage(app.id, { version: '10.0.0', url: '' });
        await store.createPackage(app.id, { version: '2.0.0-rc.1', url: '' });
        const list = await store.listPackages(app.id, { perPage: 3 });
        expect(list.total).toBe(4);
        expect(list.items.map((p) => p.version)).toEqual(['10.0.0', '2.0.0', '2.0.0-rc.1']);
        const second = await store.listPackages(app.id, { page: 2, perPage: 3 });
        expect(second.items.map((p) => p.version)).toEqual(['1.0.0']);
        const search = await store.listPackages(app.id, { searchVersion: 'RC' });
        expect(search.items.map((p) => p.version)).toEqual(['2.0.0-rc.1']);
        await store.deletePackage(pkg.id);
        expect((await store.getChannel(channel.id)).packageId).toBe(null);
        await rejection(store.getPackage(pkg.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.deletePackage(pkg.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.updatePackage(pkg.id, { url: '' }), NotFoundError, 'NOT_FOUND');
      });
    });

    describe('channels', () => {
      it('points at packages of its application and architecture, and records the change', async () => {
        const { store } = await open();
        const { app, pkg, old, channel } = await rollout(store);
        expect(channel.package?.version).toBe('2.0.0');
        const armPkg = await store.createPackage(app.id, { version: '2.0.0', url: '', arch: Arch.AArch64 });
        const wrongArch = await rejection(
          store.updateChannel(channel.id, { packageId: armPkg.id }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(wrongArch)).toEqual(['package_id']);
        await store.updatePackage(old.id, { channelsBlacklist: [channel.id] });
        await rejection(store.updateChannel(channel.id, { packageId: old.id }), ConflictError, 'CHANNEL_BLACKLISTED');
        await store.updatePackage(old.id, { channelsBlacklist: [] });
        clock.advance(MINUTE);
        const moved = await store.updateChannel(channel.id, {
          packageId: old.id,
          allowDowngrade: true,
          color: '#fff',
        });
        expect(moved).toMatchObject({ packageId: old.id, allowDowngrade: true, color: '#fff', name: 'stable' });
        expect(moved.package?.version).toBe('1.0.0');
        const activity = await store.listActivity({ appId: app.id, channelId: channel.id });
        expect(activity.items.map((entry) => [entry.class, entry.version, entry.channelName])).toEqual([
          [ActivityClass.ChannelPackageUpdated, '1.0.0', 'stable'],
          [ActivityClass.ChannelPackageUpdated, '2.0.0', 'stable'],
        ]);
        expect((await store.updateChannel(channel.id, { packageId: null })).package).toBe(null);
        expect((await store.listChannels(app.id)).items.map((c) => c.id)).toEqual([channel.id]);
        void pkg;
      });

      it('keeps names unique per architecture and unhooks groups on delete', async () => {
        const { store } = await open();
        const { app, channel, group } = await rollout(store);
        await rejection(store.createChannel(app.id, { name: 'stable' }), ConflictError, 'DUPLICATE_CHANNEL');
        const arm = await store.createChannel(app.id, { name: 'stable', arch: Arch.AArch64 });
        expect(arm.arch).toBe(Arch.AArch64);
        await rejection(store.updateChannel(arm.id, { name: ' ' }), InvalidInputError, 'INVALID_INPUT');
        await rejection(store.createChannel('nope', { name: 'x' }), NotFoundError, 'NOT_FOUND');
        await store.deleteChannel(channel.id);
        expect((await store.getGroup(group.id)).channel).toBe(null);
        await rejection(store.getChannel(channel.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.deleteChannel(channel.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.updateChannel(channel.id, { name: 'x' }), NotFoundError, 'NOT_FOUND');
      });
    });

    describe('groups', () => {
      it("creates with Nebraska's defaults, the track defaulting to the id, and Ballast's policy fields", async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Group OS' });
        const plain = await store.createGroup(app.id, { name: 'Plain' });
        expect(plain).toMatchObject({
          track: plain.id,
          description: '',
          channel: null,
          rolloutInProgress: false,
          policyUpdatesEnabled: true,
          policySafeMode: false,
          policyOfficeHours: false,
          policyTimezone: null,
          policyPeriodInterval: '1 minutes',
          policyMaxUpdatesPerPeriod: 999999,
          policyUpdateTimeout: '60 minutes',
          maintenanceWindows: [],
          failureHaltThreshold: null,
          canaryGroupId: null,
          pausedReason: null,
        });
        const full = await store.createGroup(app.id, {
          name: 'Full',
          track: 'full',
          policySafeMode: true,
          policyOfficeHours: true,
          policyTimezone: 'Europe/Berlin',
          maintenanceWindows: ['Sat 02:00-06:00', 'Sun 22:00-02:00'],
          failureHaltThreshold: 0.2,
          canaryGroupId: plain.id,
          canarySuccessShare: 0.9,
        });
        expect(await store.getGroup(full.id)).toEqual(full);
        expect(full).toMatchObject({
          maintenanceWindows: ['Sat 02:00-06:00', 'Sun 22:00-02:00'],
          failureHaltThreshold: 0.2,
          canaryGroupId: plain.id,
          canarySuccessShare: 0.9,
        });
        const list = await store.listGroups(app.id);
        expect(list.total).toBe(2);
        await rejection(store.createGroup(app.id, { name: 'Plain' }), ConflictError, 'DUPLICATE_GROUP');
        await rejection(store.listGroups('nope'), NotFoundError, 'NOT_FOUND');
      });

      it('names every bad policy field', async () => {
        const { store } = await open();
        const app = await store.createApplication({ name: 'Group OS' });
        const other = await store.createApplication({ name: 'Other OS' });
        const foreign = await store.createChannel(other.id, { name: 'x' });
        const bad = await rejection(
          store.createGroup(app.id, {
            name: 'Bad',
            policyPeriodInterval: 'soon',
            policyUpdateTimeout: '',
            policyMaxUpdatesPerPeriod: 0,
            policyTimezone: 'Mars/Olympus',
            maintenanceWindows: ['Sat 02:00-06:00', 'Caturday 1-2'],
            failureHaltThreshold: 1.5,
            canarySuccessShare: 0,
          }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(bad)).toEqual([
          'policy_period_interval',
          'policy_update_timeout',
          'policy_max_updates_per_period',
          'policy_timezone',
          'maintenance_windows.1',
          'failure_halt_threshold',
          'canary_success_share',
        ]);
        const hours = await rejection(
          store.createGroup(app.id, { name: 'Hours', policyOfficeHours: true }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(hours)).toEqual(['policy_timezone']);
        const channel = await rejection(
          store.createGroup(app.id, { name: 'Foreign', channelId: foreign.id }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(channel)).toEqual(['channel_id']);
        const group = await store.createGroup(app.id, { name: 'Good' });
        const self = await rejection(
          store.updateGroup(group.id, { canaryGroupId: group.id, canarySuccessShare: 1 }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(self)).toEqual(['canary_group_id']);
      });

      it('updates, pauses and resumes with activity, and deletes', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const updated = await store.updateGroup(group.id, { name: 'Prod', policySafeMode: true, track: '' });
        expect(updated).toMatchObject({ name: 'Prod', policySafeMode: true, track: group.id });
        expect(updated.channel?.package?.version).toBe('2.0.0');
        await store.setGroupRolloutInProgress(group.id, true);
        expect((await store.getGroup(group.id)).rolloutInProgress).toBe(true);
        const paused = await store.pauseGroup(group.id, { reason: 'Failure halt', version: '2.0.0' });
        expect(paused).toMatchObject({
          policyUpdatesEnabled: false,
          pausedReason: 'Failure halt',
          rolloutInProgress: false,
        });
        expect(paused.pausedAt).toEqual(clock.now());
        clock.advance(MINUTE);
        const resumed = await store.resumeGroup(group.id);
        expect(resumed).toMatchObject({ policyUpdatesEnabled: true, pausedReason: null, pausedAt: null });
        expect(resumed.resumedAt).toEqual(clock.now());
        const feed = await store.listActivity({ groupId: group.id });
        expect(feed.items.map((entry) => [entry.class, entry.severity, entry.groupName])).toEqual([
          [ActivityClass.GroupResumed, ActivitySeverity.Info, 'Prod'],
          [ActivityClass.GroupPaused, ActivitySeverity.Error, 'Prod'],
        ]);
        await store.pauseGroup(group.id, { reason: 'again', version: '2.0.0' });
        clock.advance(MINUTE);
        const enabled = await store.updateGroup(group.id, { policyUpdatesEnabled: true });
        expect(enabled).toMatchObject({ pausedReason: null, pausedAt: null, resumedAt: clock.now() });
        await store.deleteGroup(group.id);
        await rejection(store.getGroup(group.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.deleteGroup(group.id), NotFoundError, 'NOT_FOUND');
        await rejection(store.updateGroup(group.id, { name: 'x' }), NotFoundError, 'NOT_FOUND');
        await rejection(store.setGroupRolloutInProgress(group.id, false), NotFoundError, 'NOT_FOUND');
        expect((await store.listGroups(app.id)).total).toBe(0);
      });

      it('says in the activity feed when an operator turns a group’s updates off or on', async () => {
        const { store } = await open();
        const { group } = await rollout(store);
        await store.updateGroup(group.id, { policyUpdatesEnabled: false });
        clock.advance(MINUTE);
        await store.updateGroup(group.id, { policyUpdatesEnabled: false, name: 'Still paused' });
        clock.advance(MINUTE);
        await store.updateGroup(group.id, { policyUpdatesEnabled: true });
        const feed = await store.listActivity({ groupId: group.id });
        expect(feed.items.map((entry) => [entry.class, entry.severity, entry.version])).toEqual([
          [ActivityClass.GroupResumed, ActivitySeverity.Info, '2.0.0'],
          [ActivityClass.GroupPaused, ActivitySeverity.Warning, '2.0.0'],
        ]);
      });

      it('finds the newest group of a track for an architecture', async () => {
        const { store } = await open();
        const { app, group, channel } = await rollout(store);
        const arm = await store.createChannel(app.id, { name: 'stable', arch: Arch.AArch64 });
        const armGroup = await store.createGroup(app.id, { name: 'Prod ARM', track: 'prod', channelId: arm.id });
        expect((await store.findGroupByTrack({ appId: app.id, track: 'prod', arch: Arch.AMD64 }))?.id).toBe(group.id);
        expect((await store.findGroupByTrack({ appId: app.id, track: 'prod', arch: Arch.AArch64 }))?.id).toBe(
          armGroup.id,
        );
        clock.advance(MINUTE);
        const newer = await store.createGroup(app.id, { name: 'Prod 2', track: 'prod', channelId: channel.id });
        expect((await store.findGroupByTrack({ appId: app.id, track: 'prod', arch: Arch.AMD64 }))?.id).toBe(newer.id);
        expect(await store.findGroupByTrack({ appId: FLATCAR_APP_ID, track: 'prod', arch: Arch.AMD64 })).toBe(
          undefined,
        );
      });
    });

    describe('instances', () => {
      it('registers on check-in and refreshes only what changed, keeping known details', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const first = await store.registerInstance({
          instanceId: 'abc',
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '10.0.0.1',
          alias: 'node-1',
          oem: 'azure',
          oemVersion: '2.9.1',
          alephVersion: '3033.2.0',
        });
        expect(first).toMatchObject({
          id: 'abc',
          ip: '10.0.0.1',
          alias: 'node-1',
          oem: 'azure',
          oemVersion: '2.9.1',
          alephVersion: '3033.2.0',
          application: {
            appId: app.id,
            groupId: group.id,
            version: '1.0.0',
            status: null,
            lastUpdateVersion: null,
            updateInProgress: false,
          },
        });
        expect(first.application.lastCheckForUpdates).toEqual(clock.now());
        clock.advance(MINUTE);
        const same = await store.registerInstance({
          instanceId: 'abc',
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '10.0.0.1',
        });
        // Unchanged within five minutes: nothing written, as Nebraska.
        expect(same).toEqual(first);
        clock.advance(5 * MINUTE);
        const later = await store.registerInstance({
          instanceId: 'abc',
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '10.0.0.2',
        });
        expect(later).toMatchObject({ ip: '10.0.0.2', alias: 'node-1', oem: 'azure', alephVersion: '3033.2.0' });
        expect(later.application.lastCheckForUpdates).toEqual(clock.now());
        expect(later.lastSeenAt).toEqual(clock.now());
        expect(later.createdAt).toEqual(first.createdAt);
        await store.updateInstanceAlias('abc', 'renamed');
        expect((await store.getInstance('abc', app.id)).alias).toBe('renamed');
        await rejection(store.updateInstanceAlias('nope', 'x'), NotFoundError, 'NOT_FOUND');
        await rejection(store.getInstance('abc', FLATCAR_APP_ID), NotFoundError, 'NOT_FOUND');
      });

      it('gives back a check-in it wrote exactly as a later read gives it, with or without the instance passed in', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const other = await store.createGroup(app.id, { name: 'Other', track: 'other' });
        const base = { instanceId: 'abc', appId: app.id, groupId: group.id, version: '1.0.0', ip: '10.0.0.1' };
        const first = await store.registerInstance({ ...base, alias: 'node-1', oem: 'qemu' });
        clock.advance(6 * MINUTE);
        // Only the last check is old: the rows are refreshed.
        const refreshed = await store.registerInstance({ ...base, current: first });
        expect(refreshed).toEqual(await store.getInstance('abc', app.id));
        expect(refreshed.application.lastCheckForUpdates).toEqual(clock.now());
        expect(refreshed.lastSeenAt).toEqual(clock.now());
        expect(refreshed).toMatchObject({ alias: 'node-1', oem: 'qemu', createdAt: first.createdAt });
        clock.advance(MINUTE);
        // A new version and address within five minutes are written at once, empty details keep the stored ones.
        const updated = await store.registerInstance({ ...base, version: '1.0.1', ip: '10.0.0.9', alias: '' });
        expect(updated).toEqual(await store.getInstance('abc', app.id));
        expect(updated).toMatchObject({ ip: '10.0.0.9', alias: 'node-1', application: { version: '1.0.1' } });
        // Passing the instance as read saves the read and changes nothing else; null means "not read as there".
        clock.advance(10 * MINUTE);
        const current = await store.getInstance('abc', app.id);
        const withCurrent = await store.registerInstance({ ...base, version: '1.0.1', current });
        expect(withCurrent).toEqual(await store.getInstance('abc', app.id));
        clock.advance(10 * MINUTE);
        const withNull = await store.registerInstance({ ...base, version: '1.0.1', current: null });
        expect(withNull).toEqual(await store.getInstance('abc', app.id));
        expect(withNull.application.lastCheckForUpdates).toEqual(clock.now());
        // Moving to another group is checked as on first registration.
        const moved = await store.registerInstance({ ...base, groupId: other.id, version: '1.0.1', current: withNull });
        expect(moved.application.groupId).toBe(other.id);
        await rejection(
          store.registerInstance({ ...base, appId: FLATCAR_APP_ID, current: moved }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        // An instance pruned since it was read is registered again.
        clock.advance(2 * DAY);
        expect(await store.pruneInstances(DAY)).toBe(1);
        const again = await store.registerInstance({ ...base, current: moved });
        expect(again).toEqual(await store.getInstance('abc', app.id));
        expect(again.createdAt).toEqual(clock.now());
      });

      it('writes many check-ins at once, each given back as read, and none of an instance it does not know', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const base = { appId: app.id, groupId: group.id, version: '1.0.1' };
        const ids = Array.from({ length: 30 }, (_, i) => `batch-${i}`);
        await store.registerInstance({ ...base, instanceId: ids[0]!, ip: '10.9.9.9' });
        clock.advance(10 * MINUTE);
        for (const instanceId of ids.slice(1)) await store.registerInstance({ ...base, instanceId, ip: '10.9.9.9' });
        clock.advance(10 * MINUTE);
        const known = await Promise.all(ids.map((instanceId) => store.getInstance(instanceId, app.id)));
        // One check-in names an instance pruned since it was read: it is registered anew, not lost.
        expect(await store.pruneInstances(15 * MINUTE)).toBe(1);
        const written = await Promise.all(
          ids.map((instanceId, i) =>
            store.registerInstance({ ...base, instanceId, ip: `10.1.0.${i}`, current: known[i]! }),
          ),
        );
        for (const [i, instance] of written.entries()) {
          expect(instance).toEqual(await store.getInstance(ids[i]!, app.id));
          expect(instance).toMatchObject({ ip: `10.1.0.${i}`, application: { version: '1.0.1' } });
          expect(instance.application.lastCheckForUpdates).toEqual(clock.now());
        }
      });

      it('refuses a group of another application, a missing group and a bad version', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const base = { instanceId: 'abc', appId: app.id, groupId: group.id, version: '1.0.0', ip: '10.0.0.1' };
        const foreign = await rejection(
          store.registerInstance({ ...base, appId: FLATCAR_APP_ID }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(foreign)).toEqual(['group_id']);
        await rejection(store.registerInstance({ ...base, groupId: 'nope' }), NotFoundError, 'NOT_FOUND');
        const version = await rejection(
          store.registerInstance({ ...base, version: 'latest' }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(version)).toEqual(['version']);
      });

      it("lists with Nebraska's filters, search, sorting and pages", async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        await register(store, group, 5);
        await store.registerInstance({
          instanceId: 'machine-new',
          appId: app.id,
          groupId: group.id,
          version: '2.0.0',
          ip: '192.168.1.9',
          alias: 'zeta',
        });
        await store.setInstanceStatus('machine-001', app.id, InstanceStatus.Error);
        const base = { appId: app.id, groupId: group.id };
        const all = await store.listInstances({ ...base, perPage: 100 });
        expect(all.total).toBe(6);
        // Sorted by alias (or id where there is none), descending by default.
        expect(all.items.map((i) => i.id)).toEqual([
          'machine-new',
          'machine-004',
          'machine-003',
          'machine-002',
          'machine-001',
          'machine-000',
        ]);
        const ascending = await store.listInstances({ ...base, sortOrder: 'asc', perPage: 2, page: 2 });
        expect(ascending.total).toBe(6);
        expect(ascending.items.map((i) => i.id)).toEqual(['machine-002', 'machine-003']);
        const byIp = await store.listInstances({ ...base, sortBy: 'ip', sortOrder: 'asc', perPage: 1 });
        expect(byIp.items[0]?.ip).toBe('10.0.0.1');
        expect((await store.listInstances({ ...base, status: InstanceStatus.Error })).items.map((i) => i.id)).toEqual([
          'machine-001',
        ]);
        expect((await store.listInstances({ ...base, status: InstanceStatus.Undefined })).total).toBe(5);
        expect((await store.listInstances({ ...base, version: '2.0.0' })).items.map((i) => i.id)).toEqual([
          'machine-new',
        ]);
        expect((await store.listInstances({ ...base, searchValue: 'ZET' })).total).toBe(1);
        expect((await store.listInstances({ ...base, searchFilter: 'ip', searchValue: '192.168' })).total).toBe(1);
        expect((await store.listInstances({ ...base, searchFilter: 'id', searchValue: 'machine-00' })).total).toBe(5);
        expect((await store.listInstances({ ...base, searchFilter: 'alias', searchValue: 'machine' })).total).toBe(5);
        expect(await store.countInstances({ appId: app.id })).toBe(6);
        expect(await store.countInstances({ appId: app.id, groupId: group.id })).toBe(6);
        expect((await store.getApplication(app.id)).instanceCount).toBe(6);
        // Only instances that checked in within the duration count.
        clock.advance(2 * HOUR);
        expect((await store.listInstances({ ...base, duration: '1h' })).total).toBe(0);
        expect((await store.listInstances({ ...base, duration: '1d' })).total).toBe(6);
        clock.advance(DAY);
        expect(await store.countInstances({ appId: app.id })).toBe(0);
        expect((await store.listInstances({ ...base, duration: '7d' })).total).toBe(6);
      });

      it('prunes instances not seen for a given time, with their history, events and activity', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        await register(store, group, 2);
        await store.grantUpdate({ instanceId: 'machine-000', appId: app.id, groupId: group.id, version: '2.0.0' });
        await store.recordEvent({
          instanceId: 'machine-000',
          appId: app.id,
          type: 3,
          result: 0,
          errorCode: '44',
          activity: { class: ActivityClass.InstanceUpdateFailed, severity: ActivitySeverity.Error, version: '2.0.0' },
        });
        clock.advance(10 * DAY);
        await store.registerInstance({
          instanceId: 'machine-001',
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '10.0.0.2',
        });
        expect(await store.pruneInstances(7 * DAY)).toBe(1);
        await rejection(store.getInstance('machine-000', app.id), NotFoundError, 'NOT_FOUND');
        expect(
          await store.getInstanceStatusHistory({ instanceId: 'machine-000', appId: app.id, groupId: group.id }),
        ).toEqual([]);
        expect((await store.listActivity({ instanceId: 'machine-000', start: new Date(0) })).total).toBe(0);
        expect((await store.getVersionOutcome({ groupId: group.id, version: '2.0.0' })).granted).toBe(0);
        expect((await store.getInstance('machine-001', app.id)).id).toBe('machine-001');
        expect(await store.pruneInstances(7 * DAY)).toBe(0);
      });
    });

    describe('events and status history', () => {
      it("moves an instance through an update as update_engine reports it, with Nebraska's history", async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        await register(store, group, 1);
        const id = 'machine-000';
        const grant = await store.grantUpdate({ instanceId: id, appId: app.id, groupId: group.id, version: '2.0.0' });
        expect(grant.granted).toBe(true);
        expect(grant.instance.application).toMatchObject({
          status: InstanceStatus.UpdateGranted,
          lastUpdateVersion: '2.0.0',
          updateInProgress: true,
          version: '1.0.0',
        });
        expect(grant.instance.application.lastUpdateGrantedAt).toEqual(clock.now());
        const steps: [number, number, InstanceStatus][] = [
          [13, 1, InstanceStatus.Downloading],
          [14, 1, InstanceStatus.Downloaded],
          [800, 1, InstanceStatus.Installed],
          [3, 2, InstanceStatus.Complete],
        ];
        for (const [type, result, status] of steps) {
          clock.advance(MINUTE);
          const recorded = await store.recordEvent({ instanceId: id, appId: app.id, type, result });
          expect(recorded.instance.application.status).toBe(status);
          expect(recorded.event).toMatchObject({ type, result, groupId: group.id, instanceId: id });
        }
        const done = await store.getInstance(id, app.id);
        expect(done.application).toMatchObject({ version: '2.0.0', updateInProgress: false });
        const history = await store.getInstanceStatusHistory({ instanceId: id, appId: app.id, groupId: group.id });
        expect(history.map((entry) => [entry.status, entry.version])).toEqual([
          [InstanceStatus.Complete, '2.0.0'],
          [InstanceStatus.Installed, '2.0.0'],
          [InstanceStatus.Downloaded, '2.0.0'],
          [InstanceStatus.Downloading, '2.0.0'],
          [InstanceStatus.UpdateGranted, '2.0.0'],
        ]);
        const limited = await store.getInstanceStatusHistory({
          instanceId: id,
          appId: app.id,
          groupId: group.id,
          limit: 2,
        });
        expect(limited).toHaveLength(2);
      });

      it('records an error with its code in the history and an activity entry in the same transaction', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        await register(store, group, 1);
        const id = 'machine-000';
        await store.grantUpdate({ instanceId: id, appId: app.id, groupId: group.id, version: '2.0.0' });
        clock.advance(MINUTE);
        const failed = await store.recordEvent({
          instanceId: id,
          appId: app.id,
          type: 3,
          result: 0,
          previousVersion: '1.0.0',
          errorCode: '268435508',
          activity: { class: ActivityClass.InstanceUpdateFailed, severity: ActivitySeverity.Error, version: '2.0.0' },
        });
        expect(failed.previousStatus).toBe(InstanceStatus.UpdateGranted);
        expect(failed.event).toMatchObject({ previousVersion: '1.0.0', errorCode: '268435508' });
        expect(failed.instance.application).toMatchObject({
          status: InstanceStatus.Error,
          updateInProgress: false,
          version: '1.0.0',
        });
        const [entry] = await store.getInstanceStatusHistory({ instanceId: id, appId: app.id, groupId: group.id });
        expect(entry).toMatchObject({ status: InstanceStatus.Error, version: '2.0.0', errorCode: '268435508' });
        const feed = await store.listActivity({ instanceId: id });
        expect(feed.items.map((a) => [a.class, a.groupId, a.instanceId])).toEqual([
          [ActivityClass.InstanceUpdateFailed, group.id, id],
        ]);
        // An event that moves no status (a deferred update) is still recorded.
        const deferred = await store.recordEvent({ instanceId: id, appId: app.id, type: 3, result: 9 });
        expect(deferred.instance.application.status).toBe(InstanceStatus.Error);
        const overridden = await store.recordEvent({ instanceId: id, appId: app.id, type: 3, result: 0, status: null });
        expect(overridden.instance.application.status).toBe(InstanceStatus.Error);
        await rejection(
          store.recordEvent({ instanceId: 'nope', appId: app.id, type: 3, result: 2 }),
          NotFoundError,
          'NOT_FOUND',
        );
      });

      it('sets a status directly, writing history only on a change', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        await register(store, group, 1);
        await store.setInstanceStatus('machine-000', app.id, InstanceStatus.OnHold);
        await store.setInstanceStatus('machine-000', app.id, InstanceStatus.OnHold);
        const history = await store.getInstanceStatusHistory({
          instanceId: 'machine-000',
          appId: app.id,
          groupId: group.id,
        });
        expect(history.map((entry) => [entry.status, entry.version])).toEqual([[InstanceStatus.OnHold, null]]);
        await rejection(store.setInstanceStatus('nope', app.id, InstanceStatus.OnHold), NotFoundError, 'NOT_FOUND');
      });
    });

    describe('update grants', () => {
      it('grants no more updates per period than the policy allows, and again in the next period', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store, { policyMaxUpdatesPerPeriod: 2, policyPeriodInterval: '1 hour' });
        const ids = await register(store, group, 4);
        const results = [];
        for (const instanceId of ids.slice(0, 3)) {
          results.push(await store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' }));
        }
        expect(results.map((r) => r.granted)).toEqual([true, true, false]);
        const refused = results[2]!;
        expect(refused.granted === false && refused.reason).toBe('MAX_UPDATES_PER_PERIOD');
        expect(refused.instance.application.status).toBe(InstanceStatus.OnHold);
        // The first two finish, so nothing is in progress: only the period holds the next one back.
        for (const instanceId of ids.slice(0, 2)) {
          await store.recordEvent({ instanceId, appId: app.id, type: 3, result: 2 });
        }
        clock.advance(HOUR + MINUTE);
        for (const instanceId of ids.slice(0, 2)) {
          await store.registerInstance({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0', ip: '::1' });
        }
        await store.registerInstance({
          instanceId: ids[3]!,
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '::1',
        });
        const next = await store.grantUpdate({
          instanceId: ids[3]!,
          appId: app.id,
          groupId: group.id,
          version: '2.0.0',
        });
        expect(next.granted).toBe(true);
        const stats = await store.getGroupUpdateStats(group.id);
        expect(stats).toEqual({
          totalInstances: 4,
          currentVersion: '2.0.0',
          updatesToCurrentVersionGranted: 3,
          updatesToCurrentVersionAttempted: 2,
          updatesToCurrentVersionSucceeded: 2,
          updatesToCurrentVersionFailed: 0,
          updatesGrantedInLastPeriod: 1,
          updatesInProgress: 1,
          updatesTimedOut: 0,
        });
      });

      it('counts updates in progress against the limit until they finish or time out', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store, {
          policyMaxUpdatesPerPeriod: 1,
          policyPeriodInterval: '1 minute',
          policyUpdateTimeout: '30 minutes',
        });
        const ids = await register(store, group, 2);
        const grant = (instanceId: string) =>
          store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' });
        expect((await grant(ids[0]!)).granted).toBe(true);
        // Asking again for the same version is the same grant, not a second one.
        expect((await grant(ids[0]!)).granted).toBe(true);
        clock.advance(5 * MINUTE);
        const waiting = await grant(ids[1]!);
        expect(waiting.granted === false && waiting.reason).toBe('MAX_CONCURRENT_UPDATES');
        clock.advance(26 * MINUTE);
        expect((await store.getGroupUpdateStats(group.id)).updatesTimedOut).toBe(1);
        expect((await grant(ids[1]!)).granted).toBe(true);
      });

      it('lets one instance go first in safe mode and pauses the group when it times out', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store, {
          policySafeMode: true,
          policyMaxUpdatesPerPeriod: 5,
          policyPeriodInterval: '1 minute',
          policyUpdateTimeout: '10 minutes',
        });
        const ids = await register(store, group, 3);
        const grant = (instanceId: string) =>
          store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' });
        expect((await grant(ids[0]!)).granted).toBe(true);
        clock.advance(2 * MINUTE);
        const second = await grant(ids[1]!);
        expect(second.granted === false && second.reason).toBe('MAX_CONCURRENT_UPDATES');
        clock.advance(10 * MINUTE);
        const timedOut = await grant(ids[2]!);
        expect(timedOut.granted === false && timedOut.reason).toBe('MAX_TIMED_OUT_UPDATES');
        const paused = await store.getGroup(group.id);
        expect(paused.policyUpdatesEnabled).toBe(false);
        expect(paused.pausedReason).not.toBe(null);
        const disabled = await grant(ids[1]!);
        expect(disabled.granted === false && disabled.reason).toBe('UPDATES_DISABLED');
        expect((await store.listActivity({ groupId: group.id })).items[0]?.class).toBe(ActivityClass.GroupPaused);
      });

      it("runs a caller's decision under the lock with fresh numbers", async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const [id] = await register(store, group, 1);
        const outcome = await store.grantUpdate(
          { instanceId: id!, appId: app.id, groupId: group.id, version: '2.0.0' },
          async (context) => {
            expect(context.group.id).toBe(group.id);
            expect(context.instance.id).toBe(id);
            expect(context.stats.totalInstances).toBe(1);
            expect(context.now).toEqual(clock.now());
            expect(context.version).toBe('2.0.0');
            return { grant: false, reason: 'CANARY_GATE' };
          },
        );
        expect(outcome.granted === false && outcome.reason).toBe('CANARY_GATE');
        expect(outcome.instance.application.status).toBe(null);
        await rejection(
          store.grantUpdate({ instanceId: id!, appId: FLATCAR_APP_ID, groupId: group.id, version: '2.0.0' }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        await rejection(
          store.grantUpdate({ instanceId: 'nope', appId: app.id, groupId: group.id, version: '2.0.0' }),
          NotFoundError,
          'NOT_FOUND',
        );
      });

      it('never grants more than the limit to many parallel requests, from two stores where they may', async () => {
        const database = await open();
        const { store } = database;
        const { app, group } = await rollout(store, { policyMaxUpdatesPerPeriod: 5, policyPeriodInterval: '1 hour' });
        const ids = await register(store, group, 40);
        const other = target.concurrentStores ? await database.openAnother(clock) : store;
        const outcomes = await Promise.all(
          ids.map((instanceId, index) =>
            (index % 2 === 0 ? store : other).grantUpdate({
              instanceId,
              appId: app.id,
              groupId: group.id,
              version: '2.0.0',
            }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(5);
        const stats = await other.getGroupUpdateStats(group.id);
        expect(stats.updatesGrantedInLastPeriod).toBe(5);
        expect(
          (await store.listInstances({ appId: app.id, groupId: group.id, status: InstanceStatus.OnHold })).total,
        ).toBe(35);
      });
    });

    describe('rollout numbers', () => {
      it('counts how many instances got a version, completed it and failed it, for halts and canaries', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const ids = await register(store, group, 5);
        for (const instanceId of ids.slice(0, 4)) {
          await store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' });
        }
        clock.advance(MINUTE);
        const event = (instanceId: string, type: number, result: number) =>
          store.recordEvent({ instanceId, appId: app.id, type, result });
        await event(ids[0]!, 3, 2);
        await event(ids[1]!, 3, 2);
        await event(ids[2]!, 3, 0);
        // ids[3] fails once (a rollback, error code 44), is granted again and completes.
        await event(ids[3]!, 3, 0);
        clock.advance(MINUTE);
        const resumedAt = clock.now();
        await store.grantUpdate({ instanceId: ids[3]!, appId: app.id, groupId: group.id, version: '2.0.0' });
        await event(ids[3]!, 3, 2);
        expect(await store.getVersionOutcome({ groupId: group.id, version: '2.0.0' })).toEqual({
          activeInstances: 5,
          granted: 4,
          completed: 3,
          failed: 2,
          completedWithoutFailure: 2,
        });
        expect(await store.getVersionOutcome({ groupId: group.id, version: '2.0.0', since: resumedAt })).toEqual({
          activeInstances: 5,
          granted: 1,
          completed: 1,
          failed: 0,
          completedWithoutFailure: 1,
        });
        expect((await store.getVersionOutcome({ groupId: group.id, version: '3.0.0' })).granted).toBe(0);
        await rejection(store.getVersionOutcome({ groupId: 'nope', version: '1.0.0' }), NotFoundError, 'NOT_FOUND');

        const breakdown = await store.getGroupVersionBreakdown(group.id);
        expect(breakdown).toEqual([
          { version: '2.0.0', instances: 3, percentage: 60 },
          { version: '1.0.0', instances: 2, percentage: 40 },
        ]);
        const stats = await store.getGroupInstancesStats(group.id, '1d');
        expect(stats).toEqual({
          total: 5,
          undefined: 1,
          updateGranted: 0,
          error: 1,
          complete: 3,
          installed: 0,
          downloaded: 0,
          downloading: 0,
          onHold: 0,
          otherVersions: 0,
          timedOut: 0,
        });
      });

      it('says a rollout finished exactly when every recent instance completed the version, as the counts say', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const finished = async () => {
          const stats = await store.getGroupUpdateStats(group.id);
          const answer = await store.isRolloutFinished(group.id);
          expect(answer).toBe(stats.updatesToCurrentVersionSucceeded === stats.totalInstances);
          return answer;
        };
        expect(await finished()).toBe(true);
        const ids = await register(store, group, 3);
        expect(await finished()).toBe(false);
        const event = (instanceId: string, result: number) =>
          store.recordEvent({ instanceId, appId: app.id, type: 3, result });
        for (const instanceId of ids) {
          await store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' });
        }
        expect(await finished()).toBe(false);
        await event(ids[0]!, 2);
        await event(ids[1]!, 0);
        expect(await finished()).toBe(false);
        await event(ids[2]!, 2);
        // ids[1] failed: still not every instance runs 2.0.0; it is granted again and completes.
        expect(await finished()).toBe(false);
        await store.grantUpdate({ instanceId: ids[1]!, appId: app.id, groupId: group.id, version: '2.0.0' });
        await event(ids[1]!, 2);
        expect(await finished()).toBe(true);
        // An instance not seen for a day does not hold a rollout back; a new one does.
        clock.advance(2 * DAY);
        await store.registerInstance({
          instanceId: ids[0]!,
          appId: app.id,
          groupId: group.id,
          version: '2.0.0',
          ip: '::1',
        });
        expect(await finished()).toBe(true);
        await store.registerInstance({
          instanceId: 'late',
          appId: app.id,
          groupId: group.id,
          version: '1.0.0',
          ip: '::1',
        });
        expect(await finished()).toBe(false);
      });

      it('builds version and status timelines from the history', async () => {
        const { store } = await open();
        const { app, group } = await rollout(store);
        const ids = await register(store, group, 3);
        clock.advance(90 * MINUTE);
        for (const instanceId of ids.slice(0, 2)) {
          await store.grantUpdate({ instanceId, appId: app.id, groupId: group.id, version: '2.0.0' });
        }
        clock.advance(MINUTE);
        await store.recordEvent({ instanceId: ids[0]!, appId: app.id, type: 3, result: 2 });
        await store.recordEvent({ instanceId: ids[1]!, appId: app.id, type: 3, result: 0 });
        clock.advance(3 * HOUR);
        for (const instanceId of ids) {
          await store.registerInstance({
            instanceId,
            appId: app.id,
            groupId: group.id,
            version: instanceId === ids[0] ? '2.0.0' : '1.0.0',
            ip: '::1',
          });
        }
        const versions = await store.getGroupVersionTimeline(group.id, '1d');
        expect(versions).toHaveLength(25);
        expect(versions.at(-1)?.time).toEqual(clock.now());
        const at = (time: number) => versions.find((point) => point.time.getTime() === time)?.versions;
        // Points are every hour, ending now; the updates happened 3 hours ago.
        const now = clock.now().getTime();
        expect(at(now)).toEqual({ '1.0.0': 2, '2.0.0': 1 });
        // Before the grants only the instance that never got one is known (Nebraska dates the others' versions from
        // their grant).
        expect(at(now - 4 * HOUR)).toEqual({ '1.0.0': 1, '2.0.0': 0 });
        expect(at(now - 24 * HOUR)).toEqual({ '1.0.0': 0, '2.0.0': 0 });
        const statuses = await store.getGroupStatusTimeline(group.id, '1d');
        expect(statuses).toHaveLength(25);
        const point = (time: number) => statuses.find((p) => p.time.getTime() === time)?.statuses;
        // Each point counts the changes of the hour before it: the grants fell into one, the results into the next.
        expect(point(now - 3 * HOUR)).toEqual({
          [InstanceStatus.UpdateGranted]: { '2.0.0': 2 },
          [InstanceStatus.Complete]: {},
          [InstanceStatus.Error]: {},
        });
        expect(point(now - 2 * HOUR)).toEqual({
          [InstanceStatus.UpdateGranted]: {},
          [InstanceStatus.Complete]: { '2.0.0': 1 },
          [InstanceStatus.Error]: { '2.0.0': 1 },
        });
        expect(point(now)).toEqual({
          [InstanceStatus.UpdateGranted]: {},
          [InstanceStatus.Complete]: {},
          [InstanceStatus.Error]: {},
        });
        await rejection(store.getGroupStatusTimeline('nope', '1h'), NotFoundError, 'NOT_FOUND');
      });
    });

    describe('activity', () => {
      it('lists the feed newest first within a time window, with filters and pages', async () => {
        const { store } = await open();
        const { app, group, channel } = await rollout(store);
        const entry = await store.addActivity({
          appId: app.id,
          groupId: group.id,
          class: ActivityClass.RolloutStarted,
          severity: ActivitySeverity.Info,
          version: '2.0.0',
        });
        expect(entry).toMatchObject({
          appId: app.id,
          groupId: group.id,
          channelId: null,
          applicationName: 'Test OS',
          groupName: 'Production',
          channelName: null,
          createdAt: clock.now(),
        });
        expect(
          await store.hasRecentActivity({ class: ActivityClass.RolloutStarted, groupId: group.id, version: '2.0.0' }),
        ).toBe(true);
        expect(await store.hasRecentActivity({ class: ActivityClass.RolloutStarted, version: '3.0.0' })).toBe(false);
        clock.advance(HOUR);
        await store.addActivity({
          appId: app.id,
          groupId: group.id,
          class: ActivityClass.RolloutFailed,
          severity: ActivitySeverity.Error,
          version: '2.0.0',
        });
        const all = await store.listActivity({ appId: app.id });
        // The channel's package change from the set-up comes first in time.
        expect(all.items.map((a) => a.class)).toEqual([
          ActivityClass.RolloutFailed,
          ActivityClass.RolloutStarted,
          ActivityClass.ChannelPackageUpdated,
        ]);
        expect(all.items[2]?.channelName).toBe(channel.name);
        expect((await store.listActivity({ severity: ActivitySeverity.Error })).total).toBe(1);
        expect((await store.listActivity({ appId: app.id, perPage: 1, page: 2 })).items[0]?.class).toBe(
          ActivityClass.RolloutStarted,
        );
        clock.advance(DAY);
        expect(await store.hasRecentActivity({ class: ActivityClass.RolloutStarted })).toBe(false);
        clock.advance(2 * DAY);
        // Three days back by default.
        expect((await store.listActivity({ appId: app.id })).items.map((a) => a.class)).toEqual([
          ActivityClass.RolloutFailed,
        ]);
        const end = new Date(entry.createdAt.getTime() + 1);
        expect((await store.listActivity({ appId: app.id, start: new Date(0), end })).total).toBe(2);
        await rejection(
          store.addActivity({ appId: 'nope', class: 1, severity: 1, version: '1.0.0' }),
          NotFoundError,
          'NOT_FOUND',
        );
      });
    });

    describe('API tokens', () => {
      it('stores tokens by hash with a role, marks their use and deletes them', async () => {
        const { store } = await open();
        const hash = hashApiToken('secret-admin-token');
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        const admin = await store.createApiToken({ name: 'ci', role: 'admin', tokenHash: hash });
        expect(admin).toMatchObject({ name: 'ci', role: 'admin', lastUsedAt: null, createdAt: clock.now() });
        clock.advance(MINUTE);
        await store.createApiToken({ name: 'dash', role: 'viewer', tokenHash: hashApiToken('viewer') });
        await rejection(
          store.createApiToken({ name: 'x', role: 'admin', tokenHash: hash }),
          ConflictError,
          'DUPLICATE_TOKEN',
        );
        await rejection(
          store.createApiToken({ name: 'x', role: 'root' as 'admin', tokenHash: 'h' }),
          InvalidInputError,
          'INVALID_INPUT',
        );
        clock.advance(MINUTE);
        const used = await store.useApiToken(hash);
        expect(used).toMatchObject({ id: admin.id, role: 'admin', lastUsedAt: clock.now() });
        expect(await store.useApiToken(hashApiToken('wrong'))).toBe(undefined);
        expect((await store.listApiTokens()).map((token) => token.name)).toEqual(['ci', 'dash']);
        await store.deleteApiToken(admin.id);
        expect(await store.useApiToken(hash)).toBe(undefined);
        await rejection(store.deleteApiToken(admin.id), NotFoundError, 'NOT_FOUND');
      });
    });

    describe('machine provisioning', () => {
      const butane = 'variant: flatcar\nversion: 1.0.0\n';
      const boot = {
        kernel: 'http://assets/flatcar_production_pxe.vmlinuz',
        initrd: ['http://assets/flatcar_production_pxe_image.cpio.gz'],
        args: ['console=ttyS0'],
      };

      it('creates, replaces, lists and deletes profiles', async () => {
        const { store } = await open();
        const created = await store.saveMachineProfile({ id: 'worker', config: butane, boot }, 'create');
        expect(created.created).toBe(true);
        expect(created.value).toEqual({
          id: 'worker',
          name: 'worker',
          configFormat: 'butane',
          config: butane,
          boot,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
        await rejection(
          store.saveMachineProfile({ id: 'worker', config: '{}' }, 'create'),
          ConflictError,
          'DUPLICATE_ID',
        );
        clock.advance(MINUTE);
        const replaced = await store.saveMachineProfile(
          { id: 'worker', name: 'Workers', configFormat: 'ignition', config: '{}' },
          'put',
        );
        expect(replaced.created).toBe(false);
        expect(replaced.value).toMatchObject({ name: 'Workers', configFormat: 'ignition', boot: null });
        expect(replaced.value.createdAt).toEqual(created.value.createdAt);
        expect(replaced.value.updatedAt).toEqual(clock.now());
        expect((await store.saveMachineProfile({ id: 'a-first', config: butane }, 'put')).created).toBe(true);
        expect((await store.listMachineProfiles()).map((p) => p.id)).toEqual(['a-first', 'worker']);
        expect(await store.getMachineProfile('worker')).toEqual(replaced.value);
        await store.deleteMachineProfile('worker');
        await rejection(store.getMachineProfile('worker'), NotFoundError, 'NOT_FOUND');
        await rejection(store.deleteMachineProfile('worker'), NotFoundError, 'NOT_FOUND');
      });

      it('refuses ids that do not fit in a URL and unknown formats, naming the field', async () => {
        const { store } = await open();
        for (const id of ['', '-x', 'a b', 'x/y', '../etc', 'x'.repeat(65), 'é']) {
          const error = await rejection(
            store.saveMachineProfile({ id, config: butane }, 'put'),
            InvalidInputError,
            'INVALID_INPUT',
          );
          expect(fieldPaths(error)).toEqual(['id']);
        }
        const error = await rejection(
          store.saveMachineProfile({ id: 'x', config: butane, configFormat: 'yaml' as 'butane' }, 'put'),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(error)).toEqual(['config_format']);
      });

      it('keeps groups with their selector and metadata, and refuses unknown profiles', async () => {
        const { store } = await open();
        await store.saveMachineProfile({ id: 'worker', config: butane }, 'create');
        const selector = { mac: '52:54:00:89:d8:10', region: 'eu' };
        const metadata = { etcd: { name: 'node1' }, keys: ['ssh-ed25519 AAAA'], count: 3, on: true, none: null };
        const created = await store.saveMachineGroup(
          { id: 'node1', profileId: 'worker', selector, metadata },
          'create',
        );
        expect(created).toEqual({
          created: true,
          value: {
            id: 'node1',
            name: 'node1',
            profileId: 'worker',
            selector,
            metadata,
            createdAt: clock.now(),
            updatedAt: clock.now(),
          },
        });
        await rejection(
          store.saveMachineGroup({ id: 'node1', profileId: 'worker' }, 'create'),
          ConflictError,
          'DUPLICATE_ID',
        );
        const unknown = await rejection(
          store.saveMachineGroup({ id: 'node2', profileId: 'nope' }, 'put'),
          InvalidInputError,
          'INVALID_INPUT',
        );
        expect(fieldPaths(unknown)).toEqual(['profile']);
        const defaults = await store.saveMachineGroup(
          { id: 'default', name: 'Everyone else', profileId: 'worker' },
          'put',
        );
        expect(defaults.value).toMatchObject({ name: 'Everyone else', selector: {}, metadata: {} });
        expect((await store.listMachineGroups()).map((g) => g.id)).toEqual(['default', 'node1']);
        await store.deleteMachineGroup('default');
        await rejection(store.getMachineGroup('default'), NotFoundError, 'NOT_FOUND');
        await rejection(store.deleteMachineGroup('default'), NotFoundError, 'NOT_FOUND');
      });

      it('refuses a second group with the same selector, in any key order, but lets a group keep its own', async () => {
        const { store } = await open();
        await store.saveMachineProfile({ id: 'worker', config: butane }, 'create');
        await store.saveMachineGroup({ id: 'a', profileId: 'worker', selector: { region: 'eu', rack: '3' } }, 'create');
        await rejection(
          store.saveMachineGroup({ id: 'b', profileId: 'worker', selector: { rack: '3', region: 'eu' } }, 'create'),
          ConflictError,
          'DUPLICATE_SELECTOR',
        );
        await store.saveMachineGroup({ id: 'a', profileId: 'worker', selector: { rack: '3', region: 'eu' } }, 'put');
        await store.saveMachineGroup({ id: 'default-1', profileId: 'worker' }, 'create');
        const error = await rejection(
          store.saveMachineGroup({ id: 'default-2', profileId: 'worker', selector: {} }, 'create'),
          ConflictError,
          'DUPLICATE_SELECTOR',
        );
        expect(error.message).toContain('default-1');
        expect((await store.listMachineGroups()).map((g) => g.id)).toEqual(['a', 'default-1']);
      });

      it('will not delete a profile that a group uses', async () => {
        const { store } = await open();
        await store.saveMachineProfile({ id: 'worker', config: butane }, 'create');
        await store.saveMachineGroup(
          { id: 'node1', profileId: 'worker', selector: { mac: '52:54:00:00:00:01' } },
          'put',
        );
        const error = await rejection(store.deleteMachineProfile('worker'), ConflictError, 'PROFILE_IN_USE');
        expect(error.message).toContain('node1');
        await store.deleteMachineGroup('node1');
        await store.deleteMachineProfile('worker');
        expect(await store.listMachineProfiles()).toEqual([]);
      });
    });
  });
}
