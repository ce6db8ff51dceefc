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
