import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdServer, startEtcd } from '../../../../test/helpers/etcd.js';
import { EtcdClient } from './etcd-client.js';
import { type EtcdRebootLockOptions, openEtcdRebootLock } from './etcd-lock.js';
import { LockError } from './lock-error.js';
import { semaphoreKey } from './semaphore.js';
import { semaphoreHistory } from './semaphore-history.test-helper.js';

const exec = promisify(execFile);

let etcd: EtcdServer;
let client: EtcdClient;
let groups = 0;

beforeAll(async () => {
  etcd = await startEtcd();
  client = new EtcdClient({ endpoints: etcd.endpoints });
}, 60_000);

afterAll(async () => {
  client?.close();
  await etcd?.stop();
});

/** A group of its own for each test, so tests never see each other's semaphore. */
function freshGroup(): string {
  groups += 1;
  return `test-${groups}`;
}

const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

function open(group: string, options: EtcdRebootLockOptions = {}) {
  return openEtcdRebootLock({ endpoints: etcd.endpoints, group, sleep: fastSleep, ...options });
}

async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await exec('/usr/bin/etcdctl', [`--endpoints=${etcd.endpoints.join(',')}`, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  return stdout;
}

/** The value etcdctl reads at a key, without the newline etcdctl adds. */
async function etcdctlValue(key: string): Promise<string> {
  return (await etcdctl('get', key, '--print-value-only')).replace(/\n$/, '');
}

describe('etcd reboot lock against a real etcd', () => {
  it('creates the semaphore as locksmith does when the key is missing', async () => {
    const group = freshGroup();
    const lock = open(group);
    try {
      const status = await lock.status();
      expect(status.key).toBe(`coreos.com/updateengine/rebootlock/groups/${group}/semaphore`);
      expect(status.semaphore).toEqual({ semaphore: 1, max: 1, holders: null });
      expect(await etcdctlValue(status.key)).toBe('{"semaphore":1,"max":1,"holders":null}');
    } finally {
      lock.close();
    }
  });

  it('uses the default key without a group and escapes group names as locksmith', async () => {
    const plain = openEtcdRebootLock({ endpoints: etcd.endpoints });
    const grouped = openEtcdRebootLock({ endpoints: etcd.endpoints, group: 'prod/database' });
    try {
      await plain.status();
      await grouped.status();
      const keys = (await etcdctl('get', 'coreos.com/updateengine/rebootlock/', '--prefix', '--keys-only'))
        .split('\n')
        .filter((k) => k !== '');
      expect(keys).toContain('coreos.com/updateengine/rebootlock/semaphore');
      expect(keys).toContain('coreos.com/updateengine/rebootlock/groups/prod%2Fdatabase/semaphore');
    } finally {
      plain.close();
      grouped.close();
    }
  });

  it('acquires, refuses while full, treats a re-acquire as held, and releases', async () => {
    const lock = open(freshGroup());
    try {
      const a = await lock.acquire('aaaa');
      expect(a).toMatchObject({ acquired: true, alreadyHeld: false });
      expect(a.status.semaphore).toEqual({ semaphore: 0, max: 1, holders: ['aaaa'] });
      expect(await etcdctlValue(lock.key)).toBe('{"semaphore":0,"max":1,"holders":["aaaa"]}');

      const again = await lock.acquire('aaaa');
      expect(again).toMatchObject({ acquired: true, alreadyHeld: true });

      const b = await lock.acquire('bbbb');
      expect(b.acquired).toBe(false);
      expect(b.status.semaphore.holders).toEqual(['aaaa']);

      expect((await lock.release('bbbb')).released).toBe(false);
      const released = await lock.release('aaaa');
      expect(released.released).toBe(true);
      expect(await etcdctlValue(lock.key)).toBe('{"semaphore":1,"max":1,"holders":[]}');
    } finally {
      lock.close();
    }
  });

  for (const [nodes, max] of [
    [2, 1],
    [5, 1],
    [2, 2],
    [5, 2],
  ] as const) {
    it(`lets ${nodes} competing nodes reboot one after another with max ${max}, never more than ${max} at once`, async () => {
      const group = freshGroup();
      const admin = open(group);
      await admin.setMax(max);
      const start = await client.revision();
      let holding = 0;
      let mostHolding = 0;
      let conflicts = 0;
      const node = async (id: string) => {
        const lock = open(group, { onConflict: () => conflicts++ });
        try {
          for (;;) {
            const result = await lock.acquire(id);
            if (result.acquired) break;
            await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
          }
          holding += 1;
          mostHolding = Math.max(mostHolding, holding);
          // The "reboot": hold the lock long enough for the others to try.
          await new Promise((resolve) => setTimeout(resolve, 40));
          holding -= 1;
          expect((await lock.release(id)).released).toBe(true);
        } finally {
          lock.close();
        }
      };
      const ids = Array.from({ length: nodes }, (_, i) => `machine-${i}`);
      await Promise.all(ids.map(node));
      admin.close();

      expect(mostHolding).toBeLessThanOrEqual(max);
      const values = await semaphoreHistory(client, { key: semaphoreKey(group), from: start });
      // Every value the key ever had while they competed: within max, and the counter agrees with the holders.
      for (const value of values) {
        expect(value.holders?.length ?? 0).toBeLessThanOrEqual(max);
        expect(value.semaphore).toBe(max - (value.holders?.length ?? 0));
      }
      // Each node took and gave back the lock exactly once: one write each, nothing lost to a race.
      expect(values).toHaveLength(2 * nodes);
      const everHeld = new Set(values.flatMap((v) => v.holders ?? []));
      expect([...everHeld].sort()).toEqual(ids);
      expect(values.at(-1)).toEqual({ semaphore: max, max, holders: [] });
      if (max === 2 && nodes === 5) {
        expect(Math.max(...values.map((v) => v.holders?.length ?? 0))).toBe(2);
      }
      if (nodes === 5) expect(conflicts).toBeGreaterThan(0);
    });
  }

  it('frees a lock held by a dead node when an operator unlocks it by hand', async () => {
    const group = freshGroup();
    const dead = open(group);
    await dead.acquire('dead-node');
    // The node dies holding the lock: nothing will ever release it.
    dead.close();
    const alive = open(group);
    try {
      expect((await alive.acquire('alive-node')).acquired).toBe(false);
      const operator = open(group);
      const status = await operator.unlock('dead-node');
      operator.close();
      expect(status.semaphore).toEqual({ semaphore: 1, max: 1, holders: [] });
      await expect(open(group).unlock('dead-node')).rejects.toMatchObject({ code: 'LOCK_NOT_HELD' });
      expect((await alive.acquire('alive-node')).acquired).toBe(true);
    } finally {
      alive.close();
    }
  });

  it('sets the maximum as locksmith: the free count follows, holders stay', async () => {
    const lock = open(freshGroup());
    try {
      await lock.acquire('a');
      const raised = await lock.setMax(3);
      expect(raised.previousMax).toBe(1);
      expect(raised.status.semaphore).toEqual({ semaphore: 2, max: 3, holders: ['a'] });
      expect((await lock.acquire('c')).acquired).toBe(true);
      expect((await lock.acquire('b')).acquired).toBe(true);
      expect((await lock.acquire('d')).acquired).toBe(false);
      expect(await etcdctlValue(lock.key)).toBe('{"semaphore":0,"max":3,"holders":["a","b","c"]}');

      const lowered = await lock.setMax(1);
      expect(lowered.previousMax).toBe(3);
      // Lowering below the number of holders leaves the counter negative, exactly as locksmith does.
      expect(await etcdctlValue(lock.key)).toBe('{"semaphore":-2,"max":1,"holders":["a","b","c"]}');
      await lock.release('a');
      await lock.release('b');
      expect((await lock.acquire('d')).acquired).toBe(false);
      await lock.release('c');
      expect((await lock.acquire('d')).acquired).toBe(true);

      await expect(lock.setMax(-1)).rejects.toMatchObject({ code: 'LOCK_MAX_INVALID' });
      await expect(lock.setMax(1.5)).rejects.toMatchObject({ code: 'LOCK_MAX_INVALID' });
    } finally {
      lock.close();
    }
  });

  it('retries a compare-and-swap that lost to another writer, keeping the other write', async () => {
    const group = freshGroup();
    const key = semaphoreKey(group);
    let writes = 0;
    const conflicts: number[] = [];
    const lock = open(group, {
      onConflict: (attempt) => conflicts.push(attempt),
      beforeWrite: async () => {
        writes += 1;
        // Between our read and our write, another node (etcdctl here) takes a slot.
        if (writes === 1) await etcdctl('put', key, '{"semaphore":1,"max":2,"holders":["other"]}');
      },
    });
    try {
      await lock.status();
      const result = await lock.acquire('mine');
      expect(result.acquired).toBe(true);
      expect(conflicts).toEqual([1]);
      expect(await etcdctlValue(key)).toBe('{"semaphore":0,"max":2,"holders":["mine","other"]}');
    } finally {
      lock.close();
    }
  });

  it('gives up with LOCK_CONFLICT when every attempt loses', async () => {
    const group = freshGroup();
    const key = semaphoreKey(group);
    let n = 0;
    const lock = open(group, {
      maxAttempts: 3,
      beforeWrite: async () => {
        n += 1;
        await client.put(key, `{"semaphore":1,"max":1,"holders":null,"n":${n}}`);
      },
    });
    try {
      await expect(lock.acquire('mine')).rejects.toMatchObject({ code: 'LOCK_CONFLICT' });
      expect(n).toBe(3);
    } finally {
      lock.close();
    }
  });

  it('reads what etcdctl put there in locksmith’s format and writes it back as locksmith would', async () => {
    const group = freshGroup();
    const key = semaphoreKey(group);
    // The layout of locksmith's README, tabs and all.
    await etcdctl(
      'put',
      key,
      '{\n\t"semaphore": 1,\n\t"max": 2,\n\t"holders": [\n\t\t"69d27b356a94476da859461d3a3bc6fd"\n\t]\n}',
    );
    const lock = open(group);
    try {
      expect((await lock.status()).semaphore).toEqual({
        semaphore: 1,
        max: 2,
        holders: ['69d27b356a94476da859461d3a3bc6fd'],
      });
      await lock.acquire('0123456789abcdef0123456789abcdef');
      expect(await etcdctlValue(key)).toBe(
        '{"semaphore":0,"max":2,"holders":["0123456789abcdef0123456789abcdef","69d27b356a94476da859461d3a3bc6fd"]}',
      );
    } finally {
      lock.close();
    }
  });

  it('names the key when it holds something that is not a semaphore', async () => {
    const group = freshGroup();
    await etcdctl('put', semaphoreKey(group), 'reboot-me-not');
    const lock = open(group);
    try {
      const error = await lock.acquire('a').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockError);
      expect(error).toMatchObject({ code: 'LOCK_VALUE_INVALID' });
      expect((error as Error).message).toContain(`etcd key ${semaphoreKey(group)}`);
      expect((error as Error).message).toContain('reboot-me-not');
    } finally {
      lock.close();
    }
  });

  it('binds the lock to one machine in the shape the agent calls', async () => {
    const lock = open(freshGroup());
    try {
      const mine = lock.forHolder('machine-a');
      const theirs = lock.forHolder('machine-b');
      expect(await mine.acquire()).toBe(true);
      expect(await mine.acquire()).toBe(true);
      expect(await theirs.acquire()).toBe(false);
      await theirs.release();
      await mine.release();
      await mine.release();
      expect(await theirs.acquire()).toBe(true);
      expect((await lock.status()).semaphore).toEqual({ semaphore: 0, max: 1, holders: ['machine-b'] });
    } finally {
      lock.close();
    }
  });

  it('refuses an empty holder id', async () => {
    const lock = open(freshGroup());
    try {
      await expect(lock.acquire('')).rejects.toMatchObject({ code: 'LOCK_HOLDER_INVALID' });
    } finally {
      lock.close();
    }
  });
});

describe('etcd client against a real etcd', () => {
  it('fails over from a dead endpoint to a live one', async () => {
    const dead = 'http://127.0.0.1:1';
    const lock = openEtcdRebootLock({ endpoints: [dead, ...etcd.endpoints], group: freshGroup() });
    try {
      expect((await lock.acquire('a')).acquired).toBe(true);
    } finally {
      lock.close();
    }
  });

  it('says which endpoints it tried when etcd is down', async () => {
    const lock = openEtcdRebootLock({ endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:9'] });
    const error = await lock.status().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETCD_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /^No etcd endpoint answered \/kv\/range: http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*; http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/,
    );
  });

  it('times out on an etcd that accepts connections but never answers', async () => {
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints, timeoutMs: 300 });
    etcd.pause();
    try {
      const error = await lock.status().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ETCD_UNAVAILABLE' });
      expect((error as Error).message).toContain(`${etcd.endpoints[0]}: no answer within 300 ms`);
    } finally {
      etcd.resume();
      lock.close();
    }
    // Once etcd is back, the same client works again.
    expect((await client.revision()) > 0).toBe(true);
  });

  it('reports etcd’s own answer when it refuses a request', async () => {
    const error = await client.get('k', { revision: 1e12 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETCD_REQUEST_FAILED' });
    expect((error as Error).message).toBe(
      `etcd at ${etcd.endpoints[0]} refused /v3/kv/range (HTTP 400): etcdserver: mvcc: required revision is a future revision`,
    );
  });

  it('rejects endpoints that are not http or https URLs', () => {
    expect(() => new EtcdClient({ endpoints: [] })).toThrow(expect.objectContaining({ code: 'ETCD_CONFIG_INVALID' }));
    expect(() => new EtcdClient({ endpoints: ['127.0.0.1:2379'] })).toThrow(
      expect.objectContaining({ code: 'ETCD_CONFIG_INVALID' }),
    );
    expect(() => new EtcdClient({ endpoints: ['unix:///run/etcd.sock'] })).toThrow(
      expect.objectContaining({ code: 'ETCD_CONFIG_INVALID' }),
    );
  });
});
