import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { checkGrantLimits } from './grant-limits.js';
import { FIND_INSTANCE_SQL, INSTANCE_COLUMN_INDEX, instanceRowOf } from './hot-path.js';
import { InstanceStatus } from './model.js';
import { openSqliteStore } from './sqlite.js';
import { storeContract } from './store.contract.js';
import type { GrantDecision, Store } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'ballast-store-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', {
  // A file rather than :memory:, so the database can be opened again as a second process would.
  open: async (clock) => {
    files += 1;
    const path = join(dir, `store-${files}.db`);
    return { store: await openSqliteStore(path, { clock }), openAnother: (c) => openSqliteStore(path, { clock: c }) };
  },
  concurrentStores: false,
});

describe('sqlite check-ins beside a transaction', () => {
  it('queues lookups and check-in writes behind an open transaction of the same store, seeing what it committed', async () => {
    const clock = new ManualClock('2024-03-01T12:00:00Z');
    const store = await openSqliteStore(join(dir, 'beside-transaction.db'), { clock });
    try {
      const app = await store.createApplication({ name: 'Queued OS' });
      const pkg = await store.createPackage(app.id, { version: '2.0.0', url: '' });
      const channel = await store.createChannel(app.id, { name: 'stable', packageId: pkg.id });
      const group = await store.createGroup(app.id, { name: 'All', channelId: channel.id });
      const base = { instanceId: 'node', appId: app.id, groupId: group.id, version: '1.0.0', ip: '::1' };
      await store.registerInstance(base);
      clock.advance(10 * 60_000);
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let decided = false;
      // The grant's transaction stays open while its decision waits.
      const grant = store.grantUpdate(
        { instanceId: 'node', appId: app.id, groupId: group.id, version: '2.0.0' },
        async () => {
          decided = true;
          await held;
          return { grant: true };
        },
      );
      while (!decided) await new Promise((resolve) => setTimeout(resolve, 1));
      const order: string[] = [];
      const read = store.getInstance('node', app.id).then((instance) => {
        order.push('read');
        return instance;
      });
      const checkIn = store.registerInstance({ ...base, ip: '::2' }).then((instance) => {
        order.push('check-in');
        return instance;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toEqual([]);
      release();
      expect((await grant).granted).toBe(true);
      expect((await read).application.status).toBe(2);
      const written = await checkIn;
      expect(written).toMatchObject({ ip: '::2', application: { status: 2, lastUpdateVersion: '2.0.0' } });
      expect(written).toEqual(await store.getInstance('node', app.id));
    } finally {
      await store.close();
    }
  });
});

describe('sqlite check-ins committed together', () => {
  it('writes the check-ins of one turn in one transaction, each answered with its own row as read back', async () => {
    const clock = new ManualClock('2024-03-01T12:00:00Z');
    const path = join(dir, 'group-commit.db');
    const store = await openSqliteStore(path, { clock });
    const raw = new Database(path);
    try {
      const app = await store.createApplication({ name: 'Busy OS' });
      const group = await store.createGroup(app.id, { name: 'All' });
      const ids = Array.from({ length: 40 }, (_, i) => `node-${i}`);
      const base = { appId: app.id, groupId: group.id, version: '1.0.0' };
      for (const [i, instanceId] of ids.entries()) {
        await store.registerInstance({ ...base, instanceId, ip: `10.0.0.${i}` });
      }
      clock.advance(10 * 60_000);
      const before = raw.prepare('select count(*) as n from instance_application where last_check_for_updates = ?');
      const written = await Promise.all(
        ids.map((instanceId, i) =>
          store.registerInstance({ ...base, instanceId, ip: `10.0.1.${i}`, version: '1.0.1' }),
        ),
      );
      expect(before.get(clock.now().getTime())).toEqual({ n: 40 });
      for (const [i, instance] of written.entries()) {
        expect(instance).toEqual(await store.getInstance(ids[i]!, app.id));
        expect(instance).toMatchObject({ ip: `10.0.1.${i}`, application: { version: '1.0.1' } });
      }
    } finally {
      raw.close();
      await store.close();
    }
  });
});

describe('sqlite instance cache', () => {
  const APP_ID = '0a5e7c1d-2b3f-4a6e-8c9d-1e2f3a4b5c6d';
  const GROUP_IDS = ['1b6f8d2e-3c4a-4b7f-9d0e-2f3a4b5c6d7e', '2c7a9e3f-4d5b-4c8a-8e1f-3a4b5c6d7e8f'];

  async function fleetStore(path: string, clock: ManualClock, instanceCacheRows: number): Promise<Store> {
    const store = await openSqliteStore(path, { clock, instanceCacheRows });
    await store.createApplication({ id: APP_ID, name: 'Cached OS' });
    const pkg = await store.createPackage(APP_ID, { version: '2.0.0', url: '' });
    const channel = await store.createChannel(APP_ID, { name: 'stable', packageId: pkg.id });
    for (const [index, id] of GROUP_IDS.entries()) {
      await store.createGroup(APP_ID, {
        id,
        name: `Group ${index}`,
        channelId: channel.id,
        policyUpdatesEnabled: true,
      });
    }
    return store;
  }

  it('answers every read as a store without the cache does, through any sequence of writes', async () => {
    const node = fc.constantFrom('node-0', 'node-1', 'node-2', 'node-3');
    const group = fc.constantFrom(0, 1);
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('register' as const),
        node,
        group,
        version: fc.constantFrom('1.0.0', '1.0.1', '2.0.0'),
        ip: fc.constantFrom('10.0.0.1', '10.0.0.2'),
        alias: fc.constantFrom('', 'web'),
      }),
      fc.record({ kind: fc.constant('burst' as const), ip: fc.constantFrom('10.0.1.1', '10.0.1.2') }),
      fc.record({
        kind: fc.constant('status' as const),
        node,
        status: fc.constantFrom(...Object.values(InstanceStatus)),
      }),
      fc.record({ kind: fc.constant('alias' as const), node, alias: fc.constantFrom('db', 'cache') }),
      fc.record({ kind: fc.constant('grant' as const), node, group }),
      fc.record({
        kind: fc.constant('event' as const),
        node,
        event: fc.constantFrom([3, 2], [3, 0], [13, 1], [800, 1]),
      }),
      fc.record({ kind: fc.constant('prune' as const), minutes: fc.constantFrom(5, 60) }),
      fc.record({ kind: fc.constant('deleteGroup' as const), group }),
      fc.record({ kind: fc.constant('advance' as const), minutes: fc.constantFrom(1, 6, 90) }),
    );
    type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
    const apply = (store: Store, op: Operation, clock: ManualClock): Promise<unknown> => {
      const instance = (id: string) => ({ instanceId: id, appId: APP_ID });
      switch (op.kind) {
        case 'register':
          return store.registerInstance({
            ...instance(op.node),
            groupId: GROUP_IDS[op.group]!,
            version: op.version,
            ip: op.ip,
            alias: op.alias,
          });
        case 'burst':
          // Check-ins of one turn, committed together.
          return Promise.all(
            ['node-0', 'node-1', 'node-2', 'node-3'].map((id) =>
              store.registerInstance({ ...instance(id), groupId: GROUP_IDS[0]!, version: '1.0.1', ip: op.ip }),
            ),
          );
        case 'status':
          return store.setInstanceStatus(op.node, APP_ID, op.status);
        case 'alias':
          return store.updateInstanceAlias(op.node, op.alias);
        case 'grant':
          return store.grantUpdate({ ...instance(op.node), groupId: GROUP_IDS[op.group]!, version: '2.0.0' });
        case 'event':
          return store.recordEvent({
            ...instance(op.node),
            type: op.event[0]!,
            result: op.event[1]!,
            previousVersion: '1.0.0',
          });
        case 'prune':
          return store.pruneInstances(op.minutes * 60_000);
        case 'deleteGroup':
          return store.deleteGroup(GROUP_IDS[op.group]!);
        case 'advance':
          clock.advance(op.minutes * 60_000);
          return Promise.resolve();
      }
    };
    const settle = (work: Promise<unknown>) =>
      work.then(
        (value) => ({ value }),
        (error: Error) => ({ error: `${error.constructor.name}: ${error.message}` }),
      );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 30 }), async (operations) => {
        runs += 1;
        const clock = new ManualClock('2024-03-01T12:00:00Z');
        // Room for fewer rows than there are instances, so that rows also leave the cache to make room.
        const cached = await fleetStore(join(dir, `cached-${runs}.db`), clock, 3);
        const uncached = await fleetStore(join(dir, `uncached-${runs}.db`), clock, 0);
        try {
          for (const op of operations) {
            const results = [await settle(apply(cached, op, clock)), await settle(apply(uncached, op, clock))];
            expect(results[0], JSON.stringify(op)).toEqual(results[1]);
            for (const id of ['node-0', 'node-1', 'node-2', 'node-3']) {
              const reads = [
                await settle(cached.getInstance(id, APP_ID)),
                await settle(uncached.getInstance(id, APP_ID)),
              ];
              expect(reads[0], `${id} after ${JSON.stringify(op)}`).toEqual(reads[1]);
            }
          }
        } finally {
          await cached.close();
          await uncached.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  /** A fleet store on a file of its own and a second connection to the file, both closed after `work`. */
  async function withFleetFile(name: string, work: (store: Store, raw: Database.Database) => Promise<void>) {
    const path = join(dir, name);
    const store = await fleetStore(path, new ManualClock('2024-03-01T12:00:00Z'), 100);
    const raw = new Database(path);
    try {
      await store.registerInstance({
        instanceId: 'node',
        appId: APP_ID,
        groupId: GROUP_IDS[0]!,
        version: '1.0.0',
        ip: '::1',
        oem: 'qemu',
      });
      await work(store, raw);
    } finally {
      raw.close();
      await store.close();
    }
  }

  it('names the values of an instance read as the columns it selects', () =>
    withFleetFile('cache-row-names.db', async (_store, raw) => {
      const read = raw.prepare(FIND_INSTANCE_SQL.sqlite);
      const named = read.get('node', APP_ID);
      expect(instanceRowOf(read.raw(true).get('node', APP_ID) as unknown[])).toStrictEqual(named);
      expect(Object.keys(INSTANCE_COLUMN_INDEX)).toEqual(Object.keys(named as object));
    }));

  it("sees another process's write to an instance a moment later", () =>
    withFleetFile('cache-other-writer.db', async (store, raw) => {
      expect((await store.getInstance('node', APP_ID)).alias).toBe('');
      raw.prepare("update instance set alias = 'renamed elsewhere' where id = 'node'").run();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await store.getInstance('node', APP_ID)).alias).toBe('renamed elsewhere');
    }));
});

describe('sqlite grant limits', () => {
  it("decides from the indexed counts exactly as from the whole group's numbers, for any mix of instances", async () => {
    const clock = new ManualClock('2024-03-01T12:00:00Z');
    const path = join(dir, 'grant-limits.db');
    // Rows are written behind the store's back and read right after: every read goes to the database.
    const store = await openSqliteStore(path, { clock, instanceCacheRows: 0 });
    const raw = new Database(path);
    raw.pragma('foreign_keys = ON');
    try {
      const app = await store.createApplication({ name: 'Limited OS' });
      const pkg = await store.createPackage(app.id, { version: '2.0.0', url: '' });
      const channel = await store.createChannel(app.id, { name: 'stable', packageId: pkg.id });
      const group = await store.createGroup(app.id, { name: 'All', channelId: channel.id });
      const minutes = (n: number) => clock.now().getTime() - n * 60_000;
      const instance = fc.record({
        seenMinutesAgo: fc.constantFrom(1, 50, 2000),
        grantedMinutesAgo: fc.option(fc.constantFrom(1, 8, 20, 45, 90, 3000)),
        inProgress: fc.boolean(),
        lastVersion: fc.constantFrom(null, '1.0.0', '2.0.0'),
        version: fc.constantFrom('1.0.0', '2.0.0'),
      });
      const policy = fc.record({
        policyMaxUpdatesPerPeriod: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(999999)),
        policySafeMode: fc.boolean(),
        policyPeriodInterval: fc.constantFrom('10 minutes', '1 hour'),
        policyUpdateTimeout: fc.constantFrom('5 minutes', '30 minutes'),
      });
      const insertInstance = raw.prepare("insert into instance values (?, '10.0.0.1', '', '', '', '', ?, ?)");
      const insertApplication = raw.prepare('insert into instance_application values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      await fc.assert(
        fc.asyncProperty(policy, fc.array(instance, { maxLength: 12 }), async (limits, others) => {
          raw.exec('delete from instance');
          await store.updateGroup(group.id, { ...limits, policyUpdatesEnabled: true });
          const rows = [
            {
              id: 'probe',
              seenMinutesAgo: 1,
              grantedMinutesAgo: null,
              inProgress: false,
              lastVersion: null,
              version: '1.0.0',
            },
            ...others.map((other, index) => ({ id: `other-${index}`, ...other })),
          ];
          for (const row of rows) {
            insertInstance.run(row.id, minutes(5000), minutes(row.seenMinutesAgo));
            insertApplication.run(
              row.id,
              app.id,
              group.id,
              row.version,
              null,
              minutes(5000),
              minutes(row.seenMinutesAgo),
              row.grantedMinutesAgo === null ? null : minutes(row.grantedMinutesAgo),
              row.lastVersion,
              row.inProgress ? 1 : 0,
            );
          }
          const request = { instanceId: 'probe', appId: app.id, groupId: group.id, version: '2.0.0' };
          // Twice: the second attempt finds the first one's grant, hold or pause, and may be settled unlocked.
          for (let attempt = 0; attempt < 2; attempt++) {
            // A caller's decider is given every number of the group; Nebraska's own gets the indexed counts.
            let whole: GrantDecision | undefined;
            const probed = await store.grantUpdate(request, (context) => {
              whole = checkGrantLimits(context);
              return { grant: false, reason: 'PROBE' };
            });
            const expected = probed.granted ? 'granted' : whole?.grant ? 'granted' : (whole?.reason ?? 'none');
            const outcome = await store.grantUpdate(request);
            expect(outcome.granted ? 'granted' : outcome.reason).toBe(expected);
            expect(outcome.instance).toEqual(await store.getInstance('probe', app.id));
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      raw.close();
      await store.close();
    }
  });
});

describe('sqlite across processes', () => {
  it('makes a grant wait for another process holding the write lock, then count its grant', async () => {
    const clock = new ManualClock('2024-03-01T12:00:00Z');
    const path = join(dir, 'two-processes.db');
    const store = await openSqliteStore(path, { clock });
    try {
      const app = await store.createApplication({ name: 'Locked OS' });
      const pkg = await store.createPackage(app.id, { version: '2.0.0', url: '' });
      const channel = await store.createChannel(app.id, { name: 'stable', packageId: pkg.id });
      const group = await store.createGroup(app.id, {
        name: 'One at a time',
        channelId: channel.id,
        policyMaxUpdatesPerPeriod: 1,
        policyPeriodInterval: '1 hour',
      });
      for (const instanceId of ['other', 'ours']) {
        await store.registerInstance({ instanceId, appId: app.id, groupId: group.id, version: '1.0.0', ip: '::1' });
      }
      // Another server process grants "other" inside a write transaction it holds for a while.
      const script = `
        const db = require('better-sqlite3')(${JSON.stringify(path)});
        db.exec('begin immediate');
        db.prepare("update instance_application set status = 2, update_in_progress = 1, last_update_version = '2.0.0', last_update_granted_ts = ? where instance_id = 'other'").run(${clock.now().getTime()});
        process.stdout.write('locked\\n');
        setTimeout(() => { db.exec('commit'); db.close(); }, 400);
      `;
      const child = spawn(process.execPath, ['-e', script], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited ${code} before locking`)));
      });
      const outcome = await store.grantUpdate({
        instanceId: 'ours',
        appId: app.id,
        groupId: group.id,
        version: '2.0.0',
      });
      expect(outcome.granted === false && outcome.reason).toBe('MAX_UPDATES_PER_PERIOD');
      expect(await exited).toBe(0);
    } finally {
      await store.close();
    }
  });
});
