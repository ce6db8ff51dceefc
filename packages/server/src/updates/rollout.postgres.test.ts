import { afterAll, beforeAll } from 'vitest';
import { type PostgresServer, startPostgres } from '../../../../test/helpers/postgres.js';
import { openPostgresStore } from '../store/index.js';
import { rolloutContract } from './rollout.contract.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

// The policies that count rows under the group's lock and pause groups must come out the same on PostgreSQL.
rolloutContract('postgres', {
  open: async (clock) => openPostgresStore(await server.newDatabase(), { clock }),
  only: ['grant limits', 'failure halt'],
});
