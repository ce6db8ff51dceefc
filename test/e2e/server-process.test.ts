// `ballast server` as a process: authentication modes, the Omaha suffix, API tokens from the command line, and a
// graceful shutdown on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, runTokenCommand, startServerProcess, updateCheck } from './server-harness.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-server-process-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const check = updateCheck('p1');

describe('ballast server: process', () => {
  it('with --auth none needs no token, prints none, and says so loudly in the log', async () => {
    const server = await startServerProcess(['--db', `sqlite:${join(dir, 'none.db')}`, '--auth', 'none']);
    try {
      expect(server.token).toBeUndefined();
      expect((await call(server, '/api/apps', { method: 'POST', json: { name: 'open' } })).status).toBe(200);
      const warning = server
        .logs()
        .find((line) => line.level === 'warn' && String(line.msg).startsWith('AUTHENTICATION IS OFF'));
      expect(warning).toMatchObject({ auth: 'none' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('with --omaha-suffix answers Omaha only under the secret path', async () => {
    const server = await startServerProcess(['--db', `sqlite:${join(dir, 'suffix.db')}`, '--omaha-suffix', 's3cr3t']);
    try {
      expect(server.stdout()).toContain(`SERVER=${server.url}/v1/update/s3cr3t in /etc/flatcar/update.conf`);
      expect((await call(server, '/v1/update/', { method: 'POST', body: check })).status).toBe(404);
      expect((await call(server, '/v1/update', { method: 'POST', body: check })).status).toBe(404);
      expect((await call(server, '/v1/update/s3cr3t', { method: 'POST', body: check })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('creates, lists and deletes API tokens from the command line; the secret is stored only as a hash', async () => {
    const db = `sqlite:${join(dir, 'tokens.db')}`;
    const created = runTokenCommand(['create', '--role', 'viewer', '--name', 'grafana', '--db', db, '--json']);
    expect(created.status).toBe(0);
    const token = JSON.parse(created.stdout) as { id: string; token: string; role: string };
    expect(token).toMatchObject({ role: 'viewer', token: expect.stringMatching(/^ballast_/) });
    const server = await startServerProcess(['--db', db]);
    try {
      // A database that has a token gets no new admin token.
      expect(server.token).toBeUndefined();
      expect((await call(server, '/api/apps', { token: token.token })).status).toBe(200);
      expect(
        (await call(server, '/api/apps', { method: 'POST', token: token.token, json: { name: 'x' } })).status,
      ).toBe(403);
    } finally {
      await server.stop();
    }
    const listed = runTokenCommand(['list', '--db', db]);
    expect(listed.stdout).toContain('grafana');
    expect(listed.stdout).not.toContain(token.token);
    const database = (await import('better-sqlite3')).default;
    const sqlite = new database(join(dir, 'tokens.db'), { readonly: true });
    const dump = JSON.stringify(sqlite.prepare('select * from api_token').all());
    sqlite.close();
    expect(dump).not.toContain(token.token);
    expect(runTokenCommand(['delete', token.id, '--db', db]).status).toBe(0);
    expect(runTokenCommand(['list', '--db', db]).stdout).not.toContain('grafana');
    expect(runTokenCommand(['delete', token.id, '--db', db]).status).toBe(1);
    expect(runTokenCommand(['create', '--role', 'root', '--db', db]).status).toBe(2);
  });

  it('on SIGTERM finishes a download in flight, refuses new connections, and exits 0', async () => {
    const payloads = join(dir, 'payloads');
    const server = await startServerProcess(['--db', `sqlite:${join(dir, 'term.db')}`, '--payloads', payloads]);
    const size = 16 * 1024 * 1024;
    const upload = await call(server, '/api/payloads/big.bin', {
      method: 'PUT',
      token: server.token,
      body: Buffer.alloc(size, 7),
    });
    expect(upload.status).toBe(200);
    const { hostname, port } = new URL(server.url);
    let received = 0;
    const download = new Promise<number>((done, fail) => {
      get({ host: hostname, port, path: '/flatcar/big.bin' }, (res) => {
        res.pause();
        // Read slowly: the download is still running when SIGTERM arrives.
        const timer = setInterval(() => res.read(), 5);
        res.on('readable', () => {});
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on('end', () => {
          clearInterval(timer);
          done(received);
        });
        res.on('error', fail);
        res.resume();
      }).on('error', fail);
    });
    await new Promise((done) => setTimeout(done, 50));
    const exit = server.stop('SIGTERM');
    await new Promise((done) => setTimeout(done, 100));
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    expect(await download).toBe(size);
    expect(await exit).toBe(0);
    const messages = server.logs().map((line) => line.msg);
    expect(messages).toContain('Shutting down: finishing requests in flight');
    expect(messages.at(-1)).toBe('Stopped');
  });

  it('refuses bad flags with exit status 2', async () => {
    await expect(startServerProcess(['--listen', 'nowhere'])).rejects.toThrow(
      /exited with 2[\s\S]*--listen wants HOST:PORT/,
    );
    await expect(startServerProcess(['--auth', 'maybe'])).rejects.toThrow(/exited with 2/);
  });
});
