// The REST API, auth, payload hosting and hostile input, against a real `ballast server` process on SQLite.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRequest, parseResponse, updateEngineRequest } from '@ballast/omaha';
import { openApiDocument } from '@ballast/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type ServerProcess, startServerProcess } from './server-harness.js';

const FLATCAR = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
let dir: string;
let server: ServerProcess;
let admin: string;
const payload = randomBytes(100_000);

type Schema = Record<string, unknown>;
const schemas = openApiDocument.components.schemas as unknown as Record<string, Schema>;

/** Checks a value against an OpenAPI schema of the served document; returns the paths that do not fit. */
function mismatches(value: unknown, schema: Schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') return mismatches(value, schemas[schema.$ref.split('/').pop()!]!, path);
  if (value === null) return schema.nullable ? [] : [`${path}: null`];
  if (Array.isArray(schema.allOf)) return mismatches(value, schema.allOf[0] as Schema, path);
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: not a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => mismatches(item, schema.items as Schema, `${path}[${i}]`))
        : [`${path}: not an array`];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      const object = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const errors = ((schema.required ?? []) as string[])
        .filter((key) => !(key in object))
        .map((key) => `${path}.${key}: missing`);
      for (const [key, item] of Object.entries(object)) {
        if (properties[key]) errors.push(...mismatches(item, properties[key], `${path}.${key}`));
        else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not in the schema`);
        else if (typeof schema.additionalProperties === 'object') {
          errors.push(...mismatches(item, schema.additionalProperties as Schema, `${path}.${key}`));
        }
      }
      return errors;
    }
    default:
      return [];
  }
}

function expectSchema(value: unknown, name: string): void {
  expect(mismatches(value, { $ref: `#/components/schemas/${name}` })).toEqual([]);
}

function updateCheck(machineId: string, version = '3815.2.0'): string {
  return buildRequest(
    updateEngineRequest(
      {
        updaterVersion: '0.4.10',
        version,
        track: 'stable',
        board: 'amd64-usr',
        machine: 'x86_64',
        bootId: '{b}',
        machineId,
      },
      { kind: 'updatecheck', previousVersion: undefined },
    ),
  );
}

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..` and `%2e%2e`). */
function rawRequest(
  path: string,
  options: { method?: string; body?: string; token?: string } = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method: options.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-server-api-'));
  writeFileSync(join(dir, 'secret.txt'), 'outside the payload root');
  server = await startServerProcess([
    '--db',
    `sqlite:${join(dir, 'db', 'ballast.db')}`,
    '--payloads',
    join(dir, 'payloads'),
  ]);
  admin = server.token!;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ballast server: process', () => {
  it('prints an admin token on first start and says where it listens in a JSON log line', () => {
    expect(admin).toMatch(/^ballast_[A-Za-z0-9_-]{43}$/);
    const listening = server.logs().find((line) => line.msg === `Listening on ${server.url}`);
    expect(listening).toMatchObject({ level: 'info', host: '127.0.0.1' });
    expect(Number(listening?.port)).toBeGreaterThan(0);
  });

  it('answers /health and serves its OpenAPI document', async () => {
    expect((await call(server, '/health')).json()).toEqual({ status: 'ok', database: 'sqlite' });
    const doc = (await call(server, '/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toContain('/api/apps/{appId}/groups/{groupId}/instances');
  });
});

describe('ballast server: auth', () => {
  it('refuses the API without a token, with a bad token, and with a malformed header', async () => {
    const none = await call(server, '/api/apps');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ballast"');
    expect(none.json().error).toBe('UNAUTHORIZED');
    expect((await call(server, '/api/apps', { token: 'ballast_nope' })).status).toBe(401);
    expect((await call(server, '/api/apps', { headers: { authorization: `Basic ${admin}` } })).status).toBe(401);
  });

  it('lets viewers read and only admins write; tokens are listed without secrets and can be revoked', async () => {
    const created = await call(server, '/api/tokens', {
      method: 'POST',
      token: admin,
      json: { name: 'ci', role: 'viewer' },
    });
    expect(created.status).toBe(200);
    expectSchema(created.json(), 'createdApiToken');
    const viewer = created.json().token as string;
    expect((await call(server, '/api/apps', { token: viewer })).status).toBe(200);
    const write = await call(server, '/api/apps', { method: 'POST', token: viewer, json: { name: 'x' } });
    expect(write.status).toBe(403);
    expect(write.json().error).toBe('FORBIDDEN');
    expect((await call(server, '/api/tokens', { token: viewer })).status).toBe(403);
    const list = await call(server, '/api/tokens', { token: admin });
    expect(list.text).not.toContain(viewer);
    expect(list.text).not.toContain(admin);
    expect(
      list
        .json()
        .tokens.map((t: { name: string }) => t.name)
        .sort(),
    ).toEqual(['ci', 'initial-admin']);
    expect((await call(server, `/api/tokens/${created.json().id}`, { method: 'DELETE', token: admin })).status).toBe(
      204,
    );
    expect((await call(server, '/api/apps', { token: viewer })).status).toBe(401);
  });

  it('needs no token for the Omaha endpoint, /health and /metrics', async () => {
    expect((await call(server, '/v1/update/', { method: 'POST', body: updateCheck('auth-check') })).status).toBe(200);
    expect((await call(server, '/metrics')).status).toBe(200);
  });
});

describe('ballast server: REST API', () => {
  it('finds the Flatcar application by bare, braced, upper-case and URL-encoded id', async () => {
    for (const id of [FLATCAR, `{${FLATCAR}}`, `%7B${FLATCAR.toUpperCase()}%7D`, encodeURIComponent(`{${FLATCAR}}`)]) {
      const answer = await call(server, `/api/apps/${id}`, { token: admin });
      expect(answer.status).toBe(200);
      expect(answer.json().id).toBe(FLATCAR);
    }
    const app = (await call(server, `/api/apps/${FLATCAR}`, { token: admin })).json();
    expectSchema(app, 'application');
    expect(app.groups.map((g: { track: string }) => g.track).sort()).toEqual([
      'alpha',
      'alpha',
      'beta',
      'beta',
      'lts',
      'lts',
      'stable',
      'stable',
    ]);
    expect(app.channels.every((c: { package_id: unknown }) => c.package_id === null)).toBe(true);
  });

  it('answers 404 with a JSON body for unknown ids and routes, 405 with Allow for a wrong method', async () => {
    const app = await call(server, '/api/apps/nope', { token: admin });
    expect(app.status).toBe(404);
    expect(app.json()).toMatchObject({ error: 'NOT_FOUND' });
    expect((await call(server, `/api/apps/${FLATCAR}/groups/nope`, { token: admin })).status).toBe(404);
    expect((await call(server, '/api/nothing', { token: admin })).status).toBe(404);
    const wrong = await call(server, '/api/apps', { method: 'DELETE', token: admin });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('creates, pages, changes and deletes applications, groups and channels in Nebraska shapes', async () => {
    const app = await call(server, '/api/apps', {
      method: 'POST',
      token: admin,
      json: { name: 'Demo', description: 'd', product_id: 'io.example.demo' },
    });
    expect(app.status).toBe(200);
    expectSchema(app.json(), 'application');
    const id = app.json().id as string;
    expect((await call(server, '/api/apps/io.example.demo', { token: admin })).json().id).toBe(id);
    const channel = await call(server, `/api/apps/${id}/channels`, {
      method: 'POST',
      token: admin,
      json: { name: 'main', color: '#fff', arch: 1, application_id: id },
    });
    expect(channel.status).toBe(200);
    expectSchema(channel.json(), 'channel');
    const group = await call(server, `/api/apps/${id}/groups`, {
      method: 'POST',
      token: admin,
      json: {
        name: 'canary',
        channel_id: channel.json().id,
        policy_updates_enabled: true,
        policy_safe_mode: false,
        policy_office_hours: false,
        policy_timezone: 'Europe/Berlin',
        policy_period_interval: '15 minutes',
        policy_max_updates_per_period: 2,
        policy_update_timeout: '60 minutes',
        maintenance_windows: ['Sat 02:00-06:00'],
      },
    });
    expect(group.status).toBe(200);
    expectSchema(group.json(), 'group');
    expect(group.json()).toMatchObject({
      track: group.json().id,
      policy_timezone: 'Europe/Berlin',
      channel: { id: channel.json().id },
    });
    const changed = await call(server, `/api/apps/${id}/groups/${group.json().id}`, {
      method: 'PUT',
      token: admin,
      json: { policy_max_updates_per_period: 5 },
    });
    expect(changed.json()).toMatchObject({
      name: 'canary',
      policy_max_updates_per_period: 5,
      policy_period_interval: '15 minutes',
    });
    const page = (await call(server, `/api/apps/${id}/groups?page=1&perpage=10`, { token: admin })).json();
    expect(page).toMatchObject({ totalCount: 1, count: 1 });
    expect(
      (await call(server, `/api/apps/${id}/groups/${group.json().id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(204);
    expect((await call(server, `/api/apps/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await call(server, `/api/apps/${id}`, { token: admin })).status).toBe(404);
  });

  it('names every bad field in a 400', async () => {
    const answer = await call(server, `/api/apps/${FLATCAR}/groups`, {
      method: 'POST',
      token: admin,
      json: {
        name: 7,
        policy_max_updates_per_period: 'many',
        policy_safe_mode: 'yes',
        maintenance_windows: ['Sat', 3],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toBe('INVALID_INPUT');
    expect(
      answer
        .json()
        .fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['maintenance_windows.1', 'name', 'policy_max_updates_per_period', 'policy_safe_mode'].sort());
    const store = await call(server, `/api/apps/${FLATCAR}/groups`, {
      method: 'POST',
      token: admin,
      json: { name: 'bad', policy_period_interval: 'soon', policy_timezone: 'Mars/Base' },
    });
    expect(store.status).toBe(400);
    expect(
      store
        .json()
        .fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['policy_period_interval', 'policy_timezone']);
    const pkg = await call(server, `/api/apps/${FLATCAR}/packages`, {
      method: 'POST',
      token: admin,
      json: { version: '1.0.0', url: 'http://x/', extra_files: [{ size: '1' }], flatcar_action: {} },
    });
    expect(
      pkg
        .json()
        .fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['extra_files.0.name', 'flatcar_action.sha256']);
    const query = await call(server, `/api/apps/${FLATCAR}/groups?page=two`, { token: admin });
    expect(query.status).toBe(400);
    expect(query.json().fields).toEqual([{ path: 'page', message: 'Expected a whole number, got "two"' }]);
  });

  it('publishes a hosted payload, points a channel at it and offers it to a Flatcar node', async () => {
    const upload = await call(server, '/api/payloads/9999.0.0/flatcar_production_update.gz', {
      method: 'PUT',
      token: admin,
      body: payload,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(upload.status).toBe(200);
    expectSchema(upload.json(), 'storedPayload');
    const sha256 = createHash('sha256').update(payload).digest();
    expect(upload.json()).toEqual({
      path: '9999.0.0/flatcar_production_update.gz',
      url: '/flatcar/9999.0.0/',
      filename: 'flatcar_production_update.gz',
      size: String(payload.length),
      hash: createHash('sha1').update(payload).digest('base64'),
      hash_sha256: sha256.toString('hex'),
      sha256: sha256.toString('base64'),
    });
    const created = await call(server, `/api/apps/{${FLATCAR}}/packages`, {
      method: 'POST',
      token: admin,
      json: {
        type: 1,
        version: '9999.0.0',
        arch: 1,
        url: `${server.url}/flatcar/9999.0.0/`,
        filename: 'flatcar_production_update.gz',
      },
    });
    expect(created.status).toBe(200);
    const pkg = created.json();
    expectSchema(pkg, 'package');
    expect(pkg).toMatchObject({
      size: String(payload.length),
      hash: upload.json().hash,
      hash_sha256: upload.json().hash_sha256,
      flatcar_action: { sha256: upload.json().sha256, event: 'postinstall' },
      application_id: FLATCAR,
    });
    const app = (await call(server, `/api/apps/${FLATCAR}`, { token: admin })).json();
    const stable = app.channels.find((c: { name: string; arch: number }) => c.name === 'stable' && c.arch === 1);
    const pointed = await call(server, `/api/apps/${FLATCAR}/channels/${stable.id}`, {
      method: 'PUT',
      token: admin,
      json: { package_id: pkg.id },
    });
    expect(pointed.status).toBe(200);
    expect(pointed.json().package.version).toBe('9999.0.0');

    const omaha = await call(server, '/v1/update/', {
      method: 'POST',
      body: updateCheck('node-1'),
      headers: { 'content-type': 'text/xml' },
    });
    expect(omaha.status).toBe(200);
    expect(omaha.headers.get('content-type')).toBe('text/xml');
    const parsed = parseResponse(omaha.text);
    expect(parsed.ok).toBe(true);
    const check = parsed.ok ? parsed.value.apps[0]?.updateCheck : undefined;
    expect(check?.status).toBe('ok');
    expect(check?.urls).toEqual([`${server.url}/flatcar/9999.0.0/`]);
    expect(check?.manifests[0]?.packages[0]).toMatchObject({
      name: 'flatcar_production_update.gz',
      size: payload.length,
    });

    // The node downloads what it was offered.
    const download = await fetch(`${check?.urls[0]}${check?.manifests[0]?.packages[0]?.name}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(payload)).toBe(true);

    const group = app.groups.find(
      (g: { track: string; channel: { arch: number } }) => g.track === 'stable' && g.channel.arch === 1,
    );
    const instances = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/instances?status=0&duration=1d`, { token: admin })
    ).json();
    expectSchema(instances, 'instancePage');
    const node = instances.instances.find((i: { id: string }) => i.id === 'node-1');
    expect(node.application).toMatchObject({
      version: '3815.2.0',
      status: 2,
      last_update_version: '9999.0.0',
      update_in_progress: true,
    });
    const one = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/instances/node-1`, { token: admin })
    ).json();
    expectSchema(one, 'instance');
    const history = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/instances/node-1/status_history`, { token: admin })
    ).json();
    expect(history.map((h: { status: number }) => h.status)).toContain(2);
    for (const entry of history) expectSchema(entry, 'instanceStatusHistory');
    const stats = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/instances_stats?duration=1d`, { token: admin })
    ).json();
    expectSchema(stats, 'instancesStats');
    expect(stats.update_granted).toBe(1);
    const breakdown = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/version_breakdown`, { token: admin })
    ).json();
    // node-1 and the node of the auth test.
    expect(breakdown).toEqual([{ version: '3815.2.0', instances: 2, percentage: 100 }]);
    const count = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/instancescount?duration=1d`, { token: admin })
    ).json();
    expect(count).toEqual({ count: 2 });
    const timeline = (
      await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/version_timeline?duration=1d`, { token: admin })
    ).json();
    expectSchema(timeline, 'versionTimeline');
    expectSchema(
      (
        await call(server, `/api/apps/${FLATCAR}/groups/${group.id}/status_timeline?duration=1d`, { token: admin })
      ).json(),
      'statusTimeline',
    );
    const activity = (await call(server, `/api/activity?appIDorProductID=${FLATCAR}`, { token: admin })).json();
    for (const entry of activity.activities) expectSchema(entry, 'activity');
    expect(
      activity.activities.some((a: { class: number; version: string }) => a.class === 6 && a.version === '9999.0.0'),
    ).toBe(true);
    const alias = await call(server, `/api/instances/node-1?app_id=${FLATCAR}`, {
      method: 'PUT',
      token: admin,
      json: { alias: 'web-1' },
    });
    expect(alias.json()).toMatchObject({ id: 'node-1', alias: 'web-1' });

    const metrics = (await call(server, '/metrics')).text;
    expect(metrics).toContain(
      `ballast_rollout_instances{app_id="${FLATCAR}",group_id="${group.id}",group="${group.name}",track="stable",version="9999.0.0",state="granted"} 1`,
    );
    expect(metrics).toMatch(/ballast_http_requests_total\{method="POST",route="\/v1\/update\/",status="200"\} \d+/);
    expect(metrics).toContain('ballast_database_up{dialect="sqlite"} 1');
  });

  it('refuses to point a channel at a package that blacklists it (409)', async () => {
    const app = (await call(server, `/api/apps/${FLATCAR}`, { token: admin })).json();
    const beta = app.channels.find((c: { name: string; arch: number }) => c.name === 'beta' && c.arch === 1);
    const pkg = await call(server, `/api/apps/${FLATCAR}/packages`, {
      method: 'POST',
      token: admin,
      json: {
        version: '9998.0.0',
        arch: 1,
        url: 'https://example.com/',
        filename: 'u.gz',
        channels_blacklist: [beta.id],
        flatcar_action: { sha256: 'x' },
      },
    });
    const answer = await call(server, `/api/apps/${FLATCAR}/channels/${beta.id}`, {
      method: 'PUT',
      token: admin,
      json: { package_id: pkg.json().id },
    });
    expect(answer.status).toBe(409);
    expect(answer.json().error).toBe('CHANNEL_BLACKLISTED');
  });
});

describe('ballast server: payload downloads', () => {
  const path = '/flatcar/9999.0.0/flatcar_production_update.gz';

  it('serves ranges so downloads can resume', async () => {
    const full = await fetch(`${server.url}${path}`);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const etag = full.headers.get('etag')!;
    await full.arrayBuffer();
    const part = await fetch(`${server.url}${path}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${payload.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(payload.subarray(100, 200))).toBe(true);
    const rest = await fetch(`${server.url}${path}`, { headers: { range: 'bytes=99990-', 'if-range': etag } });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(payload.subarray(99_990))).toBe(true);
    const suffix = await fetch(`${server.url}${path}`, { headers: { range: 'bytes=-5' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(payload.subarray(-5))).toBe(true);
    const stale = await fetch(`${server.url}${path}`, { headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const past = await fetch(`${server.url}${path}`, { headers: { range: `bytes=${payload.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${payload.length}`);
    const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(payload.length));
    expect((await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it.each([
    '/flatcar/../secret.txt',
    '/flatcar/../../secret.txt',
    '/flatcar/%2e%2e/secret.txt',
    '/flatcar/%2E%2E%2Fsecret.txt',
    '/flatcar/9999.0.0/..%2f..%2fsecret.txt',
    '/flatcar/..%5csecret.txt',
    '/flatcar/.upload-x',
    '/flatcar/%00',
    '/flatcar//etc/passwd',
    '/flatcar/%2fetc%2fpasswd',
    '/flatcar/9999.0.0',
  ])('never serves anything outside the payload root: %s', async (path) => {
    const answer = await rawRequest(path);
    expect([400, 404]).toContain(answer.status);
    expect(answer.body).not.toContain('outside the payload root');
    expect(answer.body).not.toContain('root:');
  });

  it('refuses uploads to hidden or escaping paths', async () => {
    for (const path of ['/api/payloads/..%2fx', '/api/payloads/.x', '/api/payloads/a/%2e%2e/b']) {
      const answer = await rawRequest(path, { method: 'PUT', token: admin, body: 'x' });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).error).toBe('BAD_PAYLOAD_PATH');
    }
  });
});

describe('ballast server: hostile input', () => {
  it('refuses a JSON body over 1 MiB with 413', async () => {
    const answer = await call(server, '/api/apps', {
      method: 'POST',
      token: admin,
      body: `{"name":"${'x'.repeat(1_100_000)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
    expect(answer.json().error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('says where malformed JSON breaks, and refuses non-objects and other media types', async () => {
    const bad = await call(server, '/api/apps', {
      method: 'POST',
      token: admin,
      body: '{"name": "x",\n "description": }',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toBe('INVALID_JSON');
    expect(bad.json().message).toMatch(/^Malformed JSON at 2:/);
    const array = await call(server, '/api/apps', { method: 'POST', token: admin, json: [1] });
    expect(array.status).toBe(400);
    expect(
      (
        await call(server, '/api/apps', {
          method: 'POST',
          token: admin,
          body: '<x/>',
          headers: { 'content-type': 'text/xml' },
        })
      ).status,
    ).toBe(415);
  });

  it('answers an Omaha body over 64 KiB with 413 and malformed XML with 400, both as Omaha documents', async () => {
    const big = await call(server, '/v1/update/', { method: 'POST', body: `<request>${' '.repeat(70_000)}</request>` });
    expect(big.status).toBe(413);
    expect(big.text).toContain('<response');
    const bad = await call(server, '/v1/update/', { method: 'POST', body: '<request><app' });
    expect(bad.status).toBe(400);
    const entity = await call(server, '/v1/update/', {
      method: 'POST',
      body: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><request protocol="3.0">&e;</request>',
    });
    expect(entity.status).toBe(400);
    expect((await call(server, '/health')).status).toBe(200);
  });

  it('survives a malformed HTTP request line and keeps serving', async () => {
    const { hostname, port } = new URL(server.url);
    const net = await import('node:net');
    const reply = await new Promise<string>((done) => {
      const socket = net.connect(Number(port), hostname, () => socket.write('GARBAGE\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('close', () => done(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await call(server, '/health')).status).toBe(200);
  });
});
