import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../../../../test/helpers/postgres.js';
import { parseInterval } from './interval.js';
import { openPostgresStore } from './postgres.js';
import { storeContract } from './store.contract.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

storeContract('postgres', {
  // One server for the file, one fresh database per test.
  open: async (clock) => {
    const url = await server.newDatabase();
    return { store: await openPostgresStore(url, { clock }), openAnother: (c) => openPostgresStore(url, { clock: c }) };
  },
  concurrentStores: true,
});

describe('parseInterval', () => {
  it('reads intervals as PostgreSQL does, which Nebraska relied on', async () => {
    const texts = [
      '1 minutes',
      '60 minutes',
      '15 minute',
      '1 hours',
      '1 hour 30 mins',
      '2 days',
      '1 week',
      '1 mon',
      '1 year',
      '90 s',
      '01:30:00',
      '1.5 hours',
    ];
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      for (const text of texts) {
        const { rows } = await client.query<{ ms: string }>('select extract(epoch from $1::interval) * 1000 as ms', [
          text,
        ]);
        expect(parseInterval(text), text).toBe(Number(rows[0]!.ms));
      }
    } finally {
      await client.end();
    }
  });
});

describe('postgres connections ended by the server', () => {
  it('fails the work on an ended connection, reports it, and goes on with fresh ones: idle or in a transaction', async () => {
    const url = await server.newDatabase();
    const lost: Error[] = [];
    const store = await openPostgresStore(url, { onConnectionError: (error) => lost.push(error) });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const terminateOthers = () =>
      admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
    try {
      const app = await store.createApplication({ name: 'Ended OS' });
      const pkg = await store.createPackage(app.id, { version: '2.0.0', url: '' });
      const channel = await store.createChannel(app.id, { name: 'stable', packageId: pkg.id });
      const group = await store.createGroup(app.id, { name: 'All', channelId: channel.id });
      await store.registerInstance({
        instanceId: 'node',
        appId: app.id,
        groupId: group.id,
        version: '1.0.0',
        ip: '::1',
      });
      // Idle connections in the pool.
      await Promise.all([store.ping(), store.ping(), store.ping()]);
      await terminateOthers();
      await expect.poll(() => lost.length).toBeGreaterThanOrEqual(1);
      // A query may still pick a connection whose end has not been read yet, and fails (the server answers 503);
      // the pool has dropped them all soon after.
      await expect
        .poll(() =>
          store.ping().then(
            () => 'ok',
            () => 'failed',
          ),
        )
        .toBe('ok');
      // A connection checked out for a transaction (the grant waits on its decision) ends under it.
      let decided!: () => void;
      const deciding = new Promise<void>((resolve) => {
        decided = resolve;
      });
      const before = lost.length;
      const grant = store.grantUpdate(
        { instanceId: 'node', appId: app.id, groupId: group.id, version: '2.0.0' },
        async () => {
          decided();
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { grant: true };
        },
      );
      await deciding;
      await terminateOthers();
      await expect(grant).rejects.toThrow();
      await expect.poll(() => lost.length).toBeGreaterThan(before);
      expect(lost.every((error) => error instanceof Error)).toBe(true);
      // Nothing of the failed grant was committed, and the store works on new connections.
      expect((await store.getInstance('node', app.id)).application.status).toBeNull();
      expect(
        (await store.grantUpdate({ instanceId: 'node', appId: app.id, groupId: group.id, version: '2.0.0' })).granted,
      ).toBe(true);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});

describe('postgres outages', () => {
  it('fails while the database is away and recovers by itself when it returns', async () => {
    const store = await openPostgresStore(await server.newDatabase());
    try {
      await store.ping();
      await server.pause();
      await expect(store.ping()).rejects.toThrow();
      await server.resume();
      await store.ping();
      expect((await store.listApplications()).total).toBe(1);
    } finally {
      await store.close();
    }
  });
});
