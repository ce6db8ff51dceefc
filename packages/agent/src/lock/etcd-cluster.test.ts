import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdCluster, startEtcdCluster } from '../../../../test/helpers/etcd.js';
import { EtcdClient } from './etcd-client.js';
import { openEtcdRebootLock } from './etcd-lock.js';
import { semaphoreKey } from './semaphore.js';
import { semaphoreHistory } from './semaphore-history.test-helper.js';

let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await startEtcdCluster(3);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The endpoints starting at member `first`, so that each node talks to a different member first. */
const rotated = (first: number) => [...cluster.endpoints.slice(first), ...cluster.endpoints.slice(0, first)];

describe('reboot lock on a three-member etcd cluster', () => {
  it('never lets more than max nodes in while each node talks to a different member', async () => {
    const group = 'cluster';
    const key = semaphoreKey(group);
    const admin = openEtcdRebootLock({ endpoints: cluster.endpoints, group });
    await admin.setMax(2);
    admin.close();
    const reader = new EtcdClient({ endpoints: cluster.endpoints });
    const start = await reader.revision();
    const ids = Array.from({ length: 6 }, (_, i) => `node-${i}`);
    await Promise.all(
      ids.map(async (id, i) => {
        const lock = openEtcdRebootLock({ endpoints: rotated(i % 3), group, sleep: async () => {} });
        try {
          while (!(await lock.acquire(id)).acquired) await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
          await new Promise((r) => setTimeout(r, 30));
          await lock.release(id);
        } finally {
          lock.close();
        }
      }),
    );
    const values = await semaphoreHistory(reader, { key, from: start });
    reader.close();
    expect(values).toHaveLength(2 * ids.length);
    for (const value of values) {
      expect(value.holders?.length ?? 0).toBeLessThanOrEqual(2);
      expect(value.semaphore).toBe(2 - (value.holders?.length ?? 0));
    }
    expect(values.at(-1)).toEqual({ semaphore: 2, max: 2, holders: [] });
  });

  it('keeps working through the other members when the one it used stops', async () => {
    const lock = openEtcdRebootLock({ endpoints: cluster.endpoints, group: 'failover', timeoutMs: 1000 });
    try {
      expect((await lock.acquire('a')).acquired).toBe(true);
      await cluster.members[0]!.stop();
      expect((await lock.acquire('b')).acquired).toBe(false);
      expect((await lock.release('a')).released).toBe(true);
      expect((await lock.acquire('b')).acquired).toBe(true);
      expect((await lock.status()).semaphore).toEqual({ semaphore: 0, max: 1, holders: ['b'] });
    } finally {
      lock.close();
    }
  });
});
