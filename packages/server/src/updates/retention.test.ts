import { afterEach, describe, expect, it, vi } from 'vitest';
import { FLATCAR_APP_ID, ManualClock, openSqliteStore, type Store } from '../store/index.js';
import { pruneInactiveInstances, startRetention } from './retention.js';
import { Fleet, HOUR, MONDAY_MORNING, STABLE } from './rollout.contract.js';

const DAY = 24 * HOUR;
const stores: Store[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function fleet() {
  const clock = new ManualClock(MONDAY_MORNING);
  const store = await openSqliteStore(':memory:', { clock });
  stores.push(store);
  return new Fleet(store, clock);
}

describe('pruneInactiveInstances', () => {
  it('deletes instances not seen for the given time, with their history, and keeps the others', async () => {
    const f = await fleet();
    await f.rollOut(await f.package('2.0.0'));
    const [gone, kept] = f.nodes(2);
    await gone!.check();
    await gone!.fail();
    f.clock.advance(20 * DAY);
    await kept!.check();
    f.clock.advance(11 * DAY);
    expect(await pruneInactiveInstances(f.store, 30 * DAY)).toBe(1);
    await expect(f.store.getInstance(gone!.machineId, FLATCAR_APP_ID)).rejects.toThrow();
    expect(
      await f.store.getInstanceStatusHistory({
        instanceId: gone!.machineId,
        appId: FLATCAR_APP_ID,
        groupId: STABLE.groupId,
      }),
    ).toEqual([]);
    expect((await f.store.getInstance(kept!.machineId, FLATCAR_APP_ID)).id).toBe(kept!.machineId);
    // A machine that comes back registers anew.
    expect((await gone!.check()).version).toBe('2.0.0');
  });

  it('refuses a retention that is not a positive time', async () => {
    const f = await fleet();
    await expect(pruneInactiveInstances(f.store, 0)).rejects.toThrow(RangeError);
    await expect(pruneInactiveInstances(f.store, Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe('startRetention', () => {
  it('prunes on its schedule until stopped, and on demand', async () => {
    const f = await fleet();
    await f.rollOut(await f.package('2.0.0'));
    await f.node('machine-old').check();
    vi.useFakeTimers();
    const pruned: number[] = [];
    const job = startRetention({
      store: f.store,
      notSeenForMs: DAY,
      intervalMs: HOUR,
      onPruned: (n) => pruned.push(n),
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(pruned).toEqual([0]);
    f.clock.advance(2 * DAY);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(pruned).toEqual([0, 1]);
    expect(await job.runNow()).toBe(0);
    job.stop();
    await vi.advanceTimersByTimeAsync(5 * HOUR);
    expect(pruned).toEqual([0, 1, 0]);
  });

  it('reports a failed run and tries again at the next', async () => {
    const f = await fleet();
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const flaky = new Proxy(f.store, {
      get(target, key, receiver) {
        if (key === 'pruneInstances') {
          return (ms: number) =>
            ++calls === 1 ? Promise.reject(new Error('database is locked')) : target.pruneInstances(ms);
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const job = startRetention({ store: flaky, notSeenForMs: DAY, intervalMs: HOUR, onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    job.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('refuses an interval that is not a positive time', async () => {
    const f = await fleet();
    expect(() => startRetention({ store: f.store, notSeenForMs: DAY, intervalMs: -1 })).toThrow(RangeError);
  });
});
