import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { openSqliteStore } from './sqlite.js';
import { storeContract } from './store.contract.js';

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
