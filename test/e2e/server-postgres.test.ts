// The server on PostgreSQL: it answers 503 while the database is away and recovers by itself, and two server
// processes on one database keep a group's rate limit between them.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { parseResponse } from '@ballast/omaha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import {
  call,
  FLATCAR_APP,
  publishToStable,
  type ServerProcess,
  startServerProcess,
  updateCheck,
} from './server-harness.js';

/**
 * A TCP proxy in front of PostgreSQL that the test can cut (close the port and drop every connection, as a
 * database host that went away) and restore on the same port.
 */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((done) => this.server!.listen(this.port, '127.0.0.1', () => done()));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((done) => this.server?.close(() => done()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('ballast server on PostgreSQL', () => {
  let pg: PostgresServer;

  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await pg?.stop();
  });

  it('answers 503 while PostgreSQL is away and recovers by itself when it returns', async () => {
    const url = new URL(await pg.newDatabase());
    const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.open();
    const db = `postgres://postgres@127.0.0.1:${proxy.port}${url.pathname}`;
    const server = await startServerProcess(['--db', db]);
    try {
      const token = server.token!;
      await publishToStable(server, token);
      expect((await call(server, '/v1/update/', { method: 'POST', body: updateCheck('outage-1') })).status).toBe(200);

      await proxy.cut();
      const health = await call(server, '/health');
      expect(health.status).toBe(503);
      expect(health.json()).toEqual({ status: 'database unavailable' });
      const omaha = await call(server, '/v1/update/', { method: 'POST', body: updateCheck('outage-2') });
      expect(omaha.status).toBe(503);
      expect(omaha.headers.get('retry-after')).toBe('5');
      const api = await call(server, `/api/apps/${FLATCAR_APP}`, { token });
      expect(api.status).toBe(503);
      expect(api.json().error).toBe('DATABASE_UNAVAILABLE');
      expect(server.child.exitCode).toBe(null);
      expect(server.logs().some((line) => line.msg === 'Database unavailable' && line.level === 'warn')).toBe(true);

      await proxy.open();
      await waitFor(async () => (await call(server, '/health')).status === 200, 15_000);
      const again = await call(server, '/v1/update/', { method: 'POST', body: updateCheck('outage-2') });
      expect(again.status).toBe(200);
      const parsed = parseResponse(again.text);
      expect(parsed.ok && parsed.value.apps[0]?.updateCheck?.status).toBe('ok');
    } finally {
      await server.stop();
      await proxy.cut();
    }
  }, 60_000);

  it('starts while PostgreSQL is away, says so on /health, and becomes ready once it is there', async () => {
    const url = new URL(await pg.newDatabase());
    const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.open();
    await proxy.cut();
    const server = await startServerProcess(['--db', `postgres://postgres@127.0.0.1:${proxy.port}${url.pathname}`], {
      waitFor: 'listening',
    });
    try {
      await waitFor(async () => server.logs().some((line) => line.msg === 'Database unavailable; retrying'), 10_000);
      const health = await call(server, '/health');
      expect(health.status).toBe(503);
      expect(health.json()).toEqual({ status: 'database unavailable' });
      expect((await call(server, '/v1/update/', { method: 'POST', body: updateCheck('early') })).status).toBe(503);
      // A machine booting now, or an operator opening the dashboard, is told to come back, not that nothing is there.
      for (const path of ['/ignition?mac=52:54:00:00:00:01', '/ipxe', '/', '/api/apps']) {
        const early = await call(server, path);
        expect([path, early.status, early.headers.get('retry-after')]).toEqual([path, 503, '5']);
      }
      await proxy.open();
      await waitFor(async () => (await call(server, '/health')).status === 200, 15_000);
      expect(server.stdout()).toMatch(/Admin API token/);
    } finally {
      await server.stop();
      await proxy.cut();
    }
  }, 60_000);

  it('keeps a group’s update limit across two server processes on one database', async () => {
    const db = await pg.newDatabase();
    const first = await startServerProcess(['--db', db]);
    let second: ServerProcess | undefined;
    try {
      const token = first.token!;
      second = await startServerProcess(['--db', db]);
      expect(second.token).toBeUndefined();
      const { groupId } = await publishToStable(first, token, {
        policy: { policy_max_updates_per_period: 5, policy_period_interval: '1 hours' },
      });
      const replicas = [first, second];
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const response = await call(replicas[i % 2]!, '/v1/update/', {
            method: 'POST',
            body: updateCheck(`replica-${i}`),
          });
          expect(response.status).toBe(200);
          const parsed = parseResponse(response.text);
          return parsed.ok ? parsed.value.apps[0]?.updateCheck?.status : 'unparsed';
        }),
      );
      expect(answers.filter((status) => status === 'ok')).toHaveLength(5);
      const stats = await call(second, `/api/apps/${FLATCAR_APP}/groups/${groupId}/instances_stats?duration=1d`, {
        token,
      });
      expect(stats.json()).toMatchObject({ total: 40, update_granted: 5 });
      // Both replicas see the same fleet.
      const counts = await Promise.all(
        replicas.map(async (replica) =>
          (await call(replica, `/api/apps/${FLATCAR_APP}/groups/${groupId}/instancescount`, { token })).json(),
        ),
      );
      expect(counts).toEqual([{ count: 40 }, { count: 40 }]);
    } finally {
      await second?.stop();
      await first.stop();
    }
  }, 60_000);
});
