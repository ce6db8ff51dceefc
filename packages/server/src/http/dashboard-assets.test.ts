import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDashboardRoutes } from './dashboard-assets.js';
import { silentLogger } from './logger.js';
import { Router } from './router.js';

let dir: string;
let servers: Server[] = [];

/** A bare HTTP server with only the dashboard's routes, answering 404 for anything else as the real one does. */
async function serve(options: { dir?: string }): Promise<string> {
  const router = new Router();
  registerDashboardRoutes(router, options);
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const match = router.match(req.method ?? 'GET', q < 0 ? url : url.slice(0, q));
    if (!match || !('route' in match)) {
      res.writeHead(404).end('unrouted');
      return;
    }
    await match.route.handler({
      req,
      res,
      params: match.params,
      query: new URLSearchParams(),
      route: match.route.pattern,
      log: silentLogger,
      principal: undefined,
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-dashboard-assets-'));
  mkdirSync(join(dir, 'dist/assets'), { recursive: true });
  writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'dist/assets/index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'dist/assets/notes.exe'), 'MZ');
  writeFileSync(join(dir, 'secret.txt'), 'no');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard assets', () => {
  it('serves the page and its assets with their types, and HEAD without a body', async () => {
    const url = await serve({ dir: join(dir, 'dist') });
    const page = await fetch(`${url}/`);
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<!doctype html><title>x</title>',
    ]);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const head = await fetch(`${url}/assets/index-abc123.js`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '14', '']);
  });

  it('serves nothing but flat files of known types from assets/', async () => {
    const url = await serve({ dir: join(dir, 'dist') });
    for (const path of [
      '/assets/notes.exe',
      '/assets/%2e%2e%2fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/.js',
    ]) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
    // Other paths are not the dashboard's: it registers `/` and `/assets/*` only.
    expect(await (await fetch(`${url}/index.html`)).text()).toBe('unrouted');
    expect(await (await fetch(`${url}/api/apps`)).text()).toBe('unrouted');
  });

  it('says how to build the dashboard when there is no build', async () => {
    const url = await serve({ dir: join(dir, 'missing') });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('The Ballast dashboard is not built. Run `npm run build`');
  });
});
