// The server on PostgreSQL while an administrator (or a failover) ends its database sessions under load: every
// connection of the pool, idle or in the middle of a transaction, is terminated again and again, and the process
// must stay up, answer 200 or 503, and serve normally once the terminations stop.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { call, publishToStable, startServerProcess, updateCheck } from './server-harness.js';

describe('ballast server on PostgreSQL, sessions terminated', () => {
  let pgServer: PostgresServer;

  beforeAll(async () => {
    pgServer = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await pgServer?.stop();
  });

  it('stays up under load while pg_terminate_backend ends its connections, and recovers at once', async () => {
    const db = await pgServer.newDatabase();
    const server = await startServerProcess(['--db', db]);
    const admin = new pg.Client({ connectionString: db });
    await admin.connect();
    try {
      // A new version: every check registers a new instance and is granted an update, both in transactions.
      await publishToStable(server, server.token);
      const statuses = new Map<number, number>();
      let failures = 0;
      let sent = 0;
      let running = true;
      const worker = async (w: number) => {
        for (let i = 0; running; i++) {
          sent += 1;
          try {
            const answer = await call(server, '/v1/update/', {
              method: 'POST',
              body: updateCheck(`m-${w}-${i}`),
            });
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          } catch {
            failures += 1;
          }
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
      let terminated = 0;
      for (let round = 0; round < 20; round++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const { rows } = await admin.query<{ ended: boolean }>(
          'select pg_terminate_backend(pid) as ended from pg_stat_activity ' +
            'where datname = current_database() and pid <> pg_backend_pid()',
        );
        terminated += rows.filter((row) => row.ended).length;
      }
      running = false;
      await load;

      expect(server.child.exitCode).toBe(null);
      expect(server.child.signalCode).toBe(null);
      expect(terminated).toBeGreaterThan(10);
      expect(sent).toBeGreaterThan(50);
      // Never a dropped HTTP connection or a 500: an update check either went through or was told to retry.
      expect(failures).toBe(0);
      expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      const lost = server
        .logs()
        .filter((line) => line.msg === 'Lost a database connection; the next query opens a new one');
      expect(lost.length).toBeGreaterThan(0);
      expect(lost.every((line) => line.level === 'warn')).toBe(true);
      expect(server.logs().some((line) => line.level === 'error' && line.msg !== 'Request failed')).toBe(false);

      // Within a moment every query runs on a fresh connection again.
      const deadline = Date.now() + 10_000;
      let health = await call(server, '/health');
      while (health.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        health = await call(server, '/health');
      }
      expect(health.status).toBe(200);
      expect((await call(server, '/v1/update/', { method: 'POST', body: updateCheck('after') })).status).toBe(200);
      expect(await server.stop()).toBe(0);
    } finally {
      await admin.end();
      await server.stop('SIGKILL');
    }
  }, 90_000);
});
