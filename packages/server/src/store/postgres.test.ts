import { afterAll, beforeAll } from 'vitest';
import { type PostgresServer, startPostgres } from '../../../../test/helpers/postgres.js';
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
