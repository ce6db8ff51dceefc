import { afterEach, describe, expect, it, vi } from 'vitest';
import { Arch, FLATCAR_APP_ID, ManualClock, openSqliteStore, type Store } from '../store/index.js';
import { AppLookup, createAppLookup } from './app-lookup.js';
import { STABLE } from './rollout.contract.js';

const stores: Store[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function open() {
  const store = await openSqliteStore(':memory:', { clock: new ManualClock('2024-03-04T10:00:00Z') });
  stores.push(store);
  return store;
}

const stable = { appId: FLATCAR_APP_ID, track: 'stable', arch: Arch.AMD64 };

describe('AppLookup', () => {
  it('resolves ids and product ids, and reads again on a miss', async () => {
    const store = await open();
    const apps = createAppLookup(store, { ttlMs: 60_000 });
    expect(await apps.resolve(' {E96281A6-D1AF-4BDE-9A0A-97B76E56DC57} ')).toBe(FLATCAR_APP_ID);
    const app = await store.createApplication({ name: 'Mine', productId: 'io.Example.Mine' });
    expect(await apps.resolve('IO.EXAMPLE.MINE')).toBe(app.id);
    expect(await apps.resolve('')).toBeUndefined();
    expect(await apps.resolve('{}')).toBeUndefined();
  });

  it('sees a changed product id within the TTL, or at once after invalidate', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const store = await open();
    const app = await store.createApplication({ name: 'Mine', productId: 'io.example.old' });
    const apps = createAppLookup(store, { ttlMs: 1000 });
    expect(await apps.resolve('io.example.old')).toBe(app.id);
    await store.updateApplication(app.id, { productId: 'io.example.new' });
    expect(await apps.resolve('io.example.old')).toBe(app.id);
    vi.advanceTimersByTime(1001);
    expect(await apps.resolve('io.example.old')).toBeUndefined();
    expect(await apps.resolve('io.example.new')).toBe(app.id);
    await store.updateApplication(app.id, { productId: 'io.example.newer' });
    apps.invalidate();
    expect(await apps.resolve('io.example.new')).toBeUndefined();
  });

  it('remembers which group a track means, but reads the group fresh', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const store = await open();
    const apps = new AppLookup(store, { ttlMs: 1000 });
    expect((await apps.resolveGroup(stable))?.id).toBe(STABLE.groupId);
    await store.updateGroup(STABLE.groupId, { policyUpdatesEnabled: false });
    expect((await apps.resolveGroup(stable))?.policyUpdatesEnabled).toBe(false);
    // A newer group taking over the track is seen once the mapping expires.
    const channel = await store.createChannel(FLATCAR_APP_ID, { name: 'other', arch: Arch.AMD64 });
    const newer = await store.createGroup(FLATCAR_APP_ID, { name: 'Newer', track: 'stable', channelId: channel.id });
    expect((await apps.resolveGroup(stable))?.id).toBe(STABLE.groupId);
    vi.advanceTimersByTime(1001);
    expect((await apps.resolveGroup(stable))?.id).toBe(newer.id);
    // A remembered group that lost its track, or was deleted, is looked up again at once.
    await store.updateGroup(newer.id, { track: 'renamed' });
    expect((await apps.resolveGroup(stable))?.id).toBe(STABLE.groupId);
    await store.deleteGroup(STABLE.groupId);
    expect(await apps.resolveGroup(stable)).toBeUndefined();
  });

  it('reuses whole groups for groupTtlMs, until invalidated', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const store = await open();
    const apps = createAppLookup(store, { ttlMs: 5000, groupTtlMs: 500 });
    expect((await apps.resolveGroup(stable))?.policyUpdatesEnabled).toBe(true);
    await store.updateGroup(STABLE.groupId, { policyUpdatesEnabled: false });
    expect((await apps.resolveGroup(stable))?.policyUpdatesEnabled).toBe(true);
    vi.advanceTimersByTime(501);
    expect((await apps.resolveGroup(stable))?.policyUpdatesEnabled).toBe(false);
    await store.updateGroup(STABLE.groupId, { policyUpdatesEnabled: true });
    apps.invalidate();
    expect((await apps.resolveGroup(stable))?.policyUpdatesEnabled).toBe(true);
  });

  it('forgets one kept group on invalidateGroup, and keeps the others', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const store = await open();
    const apps = createAppLookup(store, { ttlMs: 5000, groupTtlMs: 5000 });
    const beta = { ...stable, track: 'beta' };
    const kept = await apps.resolveGroup(beta);
    expect((await apps.resolveGroup(stable))?.rolloutInProgress).toBe(false);
    await store.setGroupRolloutInProgress(STABLE.groupId, true);
    await store.setGroupRolloutInProgress(kept!.id, true);
    apps.invalidateGroup(STABLE.groupId);
    expect((await apps.resolveGroup(stable))?.rolloutInProgress).toBe(true);
    expect((await apps.resolveGroup(beta))?.rolloutInProgress).toBe(false);
  });
});
