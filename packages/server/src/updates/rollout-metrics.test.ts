import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, openSqliteStore, type Store } from '../store/index.js';
import { Fleet, MINUTE, MONDAY_MORNING, STABLE } from './rollout.contract.js';
import { collectRolloutCounters, formatRolloutMetrics, getRolloutCounters } from './rollout-metrics.js';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

describe('rollout counters', () => {
  it('counts granted, in progress, complete, failed and timed out updates of the current version', async () => {
    const clock = new ManualClock(MONDAY_MORNING);
    const store = await openSqliteStore(':memory:', { clock });
    stores.push(store);
    const f = new Fleet(store, clock);
    await f.rollOut(await f.package('2.0.0'), { policyUpdateTimeout: '30 minutes' });
    const [done, failed, slow, late] = f.nodes(4);
    for (const node of [done, failed, slow]) await node!.check();
    await done!.finish();
    await failed!.fail();
    await slow!.download();
    clock.advance(31 * MINUTE);
    await late!.check();

    expect(await getRolloutCounters(store, STABLE.groupId)).toEqual({
      appId: 'e96281a6-d1af-4bde-9a0a-97b76e56dc57',
      groupId: STABLE.groupId,
      groupName: 'Stable (AMD64)',
      track: 'stable',
      version: '2.0.0',
      granted: 4,
      inProgress: 1,
      complete: 1,
      failed: 1,
      timedOut: 1,
      paused: false,
    });

    const all = await collectRolloutCounters(store);
    expect(all).toHaveLength(8);
    const empty = all.find((counters) => counters.track === 'beta');
    expect(empty).toMatchObject({ version: null, granted: 0, inProgress: 0, complete: 0, failed: 0, timedOut: 0 });

    const text = formatRolloutMetrics(all);
    expect(text).toContain('# TYPE ballast_rollout_granted gauge\n');
    expect(text).toContain(
      `ballast_rollout_granted{app="e96281a6-d1af-4bde-9a0a-97b76e56dc57",group="${STABLE.groupId}",` +
        'group_name="Stable (AMD64)",track="stable",version="2.0.0"} 4\n',
    );
    expect(text).toContain(
      `ballast_rollout_timed_out{app="e96281a6-d1af-4bde-9a0a-97b76e56dc57",group="${STABLE.groupId}"`,
    );
    expect(text.split('\n').filter((line) => line.startsWith('ballast_group_paused{'))).toHaveLength(8);
  });

  it('escapes label values as the exposition format wants', () => {
    const text = formatRolloutMetrics([
      {
        appId: 'a',
        groupId: 'g',
        groupName: 'say "hi"\\\n',
        track: 't',
        version: null,
        granted: 0,
        inProgress: 0,
        complete: 0,
        failed: 0,
        timedOut: 0,
        paused: true,
      },
    ]);
    expect(text).toContain('group_name="say \\"hi\\"\\\\\\n"');
    expect(text).toContain(
      'ballast_group_paused{app="a",group="g",group_name="say \\"hi\\"\\\\\\n",track="t",version=""} 1',
    );
  });
});
