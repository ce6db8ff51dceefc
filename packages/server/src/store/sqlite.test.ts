import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { checkGrantLimits } from './grant-limits.js';
import { openSqliteStore } from './sqlite.js';
import { storeContract } from './store.contract.js';
import type { GrantDecision } from './store.js';

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

describe('sqlite grant limits', () => {
  it("decides from the indexed counts exactly as from the whole group's numbers, for any mix of instances", async () => {
    const clock = new ManualClock('2024-03-01T12:00:00Z');
    const path = join(dir, 'grant-limits.db');
    const store = await openSqliteStore(path, { clock });
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
