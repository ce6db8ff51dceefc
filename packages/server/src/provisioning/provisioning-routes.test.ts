// biome-ignore-all lint/suspicious/noTemplateCurlyInString: iPXE settings such as ${uuid} are written as iPXE reads them
import { request as httpRequest } from 'node:http';
import { translateButane } from '@ballast/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/authenticate.js';
import { silentLogger } from '../http/logger.js';
import { type RunningServer, startServer } from '../server.js';

let server: RunningServer;
let admin: string;
let viewer: string;

beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', db: 'sqlite::memory:', logger: silentLogger });
  admin = (await server.ready).initialAdminToken!;
  viewer = (await createApiToken(server.store()!, { name: 'viewer', role: 'viewer' })).secret;
});

afterAll(async () => {
  await server?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
type Json = any;

async function call(
  path: string,
  init: { method?: string; token?: string | undefined; json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: () => Json; type: string | null }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text), type: response.headers.get('content-type') };
}

const put = (path: string, json: unknown, token = admin) => call(path, { method: 'PUT', token, json });

const BOOT = {
  kernel: 'http://assets.example/flatcar_production_pxe.vmlinuz',
  initrd: ['http://assets.example/flatcar_production_pxe_image.cpio.gz'],
  args: ['console=ttyS0'],
};

const WORKER = `variant: flatcar
version: 1.0.0
storage:
  files:
    - path: /etc/hostname
      mode: 0644
      contents:
        inline: {{.hostname}}
    - path: /etc/motd
      contents:
        inline: |
          {{.motd}}
          booted with {{.request.query.os}}
`;

describe('machine profiles and groups over REST', () => {
  it('creates, reads, replaces and deletes profiles; viewers read, only admins write', async () => {
    const created = await call('/api/provisioning/profiles', {
      method: 'POST',
      token: admin,
      json: { id: 'crud', config: 'variant: flatcar\nversion: 1.0.0\n', boot: BOOT },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ id: 'crud', name: 'crud', config_format: 'butane', boot: BOOT });
    expect(
      (await call('/api/provisioning/profiles', { method: 'POST', token: admin, json: { id: 'crud', config: 'x' } }))
        .status,
    ).toBe(409);
    expect((await call('/api/provisioning/profiles/crud', { token: viewer })).json().boot).toEqual(BOOT);
    expect(
      (await put('/api/provisioning/profiles/crud', { config: '{}', config_format: 'ignition' }, viewer)).status,
    ).toBe(403);
    expect((await call('/api/provisioning/profiles/crud')).status).toBe(401);
    const replaced = await put('/api/provisioning/profiles/crud', { config: '{}', config_format: 'ignition' });
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toMatchObject({ config_format: 'ignition', boot: null });
    expect((await put('/api/provisioning/profiles/crud-2', { config: '{}' })).status).toBe(201);
    const list = (await call('/api/provisioning/profiles', { token: viewer })).json();
    expect(list.profiles.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['crud', 'crud-2']));
    expect((await call('/api/provisioning/profiles/crud', { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await call('/api/provisioning/profiles/crud', { token: admin })).status).toBe(404);
    expect((await call('/api/provisioning/profiles/crud-2', { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it('names every bad field of a profile', async () => {
    const answer = await call('/api/provisioning/profiles', {
      method: 'POST',
      token: admin,
      json: {
        id: 'a b',
        config: 'variant: flatcar\n{{ exec "rm -rf /" }}\n',
        config_format: 'yaml',
        boot: { kernel: 'http://x/vmlinuz console=tty0', initrd: 'one', args: ['ok', 'two words'], extra: 1 },
        selectors: {},
      },
    });
    expect(answer.status).toBe(400);
    const fields = answer.json().fields as { path: string; message: string }[];
    expect(fields.map((f) => f.path).sort()).toEqual(
      ['selectors', 'id', 'config_format', 'config', 'boot.extra', 'boot.initrd', 'boot.kernel', 'boot.args.1'].sort(),
    );
    expect(fields.find((f) => f.path === 'config')!.message).toMatch(/^2:1: Unsupported action/);
    const mismatch = await put('/api/provisioning/profiles/one', { id: 'other', config: 'x' });
    expect(mismatch.json().fields).toEqual([{ path: 'id', message: expect.stringContaining('(one)') }]);
  });

  it('names every bad field of a group, and refuses clashing selectors and deleting a profile in use', async () => {
    expect((await put('/api/provisioning/profiles/g', { config: 'variant: flatcar\nversion: 1.0.0\n' })).status).toBe(
      201,
    );
    const bad = await call('/api/provisioning/groups', {
      method: 'POST',
      token: admin,
      json: {
        id: 'g1',
        profile: 'g',
        selector: { mac: 'zz:zz', Rack: '3' },
        metadata: { request: 1, deep: JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`) },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json().fields.map((f: { path: string }) => f.path)).toEqual([
      'selector.mac',
      'selector.Rack',
      'metadata.request',
      'metadata.deep.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0',
    ]);
    const unknown = await call('/api/provisioning/groups', {
      method: 'POST',
      token: admin,
      json: { id: 'g1', profile: 'nope' },
    });
    expect(unknown.json()).toMatchObject({ error: 'INVALID_INPUT', fields: [{ path: 'profile' }] });
    const huge = await put('/api/provisioning/groups/g1', { profile: 'g', metadata: { x: 'x'.repeat(70_000) } });
    expect(huge.json().fields).toEqual([{ path: 'metadata', message: expect.stringContaining('64 KiB') }]);

    const created = await put('/api/provisioning/groups/g1', { profile: 'g', selector: { mac: '52-54-00-AA-BB-01' } });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'g1',
      profile: 'g',
      selector: { mac: '52:54:00:aa:bb:01' },
      metadata: {},
    });
    const twin = await put('/api/provisioning/groups/g2', { profile: 'g', selector: { mac: '5254.00aa.bb01' } });
    expect(twin.status).toBe(409);
    expect(twin.json()).toMatchObject({ error: 'DUPLICATE_SELECTOR' });
    const inUse = await call('/api/provisioning/profiles/g', { method: 'DELETE', token: admin });
    expect(inUse.json()).toMatchObject({ error: 'PROFILE_IN_USE', message: expect.stringContaining('g1') });
    expect((await call('/api/provisioning/groups/g1', { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await call('/api/provisioning/profiles/g', { method: 'DELETE', token: admin })).status).toBe(204);
  });
});

describe('machines fetching their config', () => {
  beforeAll(async () => {
    for (const [id, body] of Object.entries({
      worker: { config: WORKER, boot: BOOT },
      plain: {
        config: '{"ignition": {"version": "3.3.0"}, "passwd": {"users": [{"name": "{{.user}}"}]}}',
        config_format: 'ignition',
      },
      broken: { config: 'variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: {{.path}}\n' },
    })) {
      const answer = await put(`/api/provisioning/profiles/${id}`, body);
      expect(answer.status, answer.text).toBe(201);
    }
    for (const [id, body] of Object.entries({
      node1: {
        profile: 'worker',
        selector: { mac: '52:54:00:89:d8:10' },
        metadata: { hostname: 'node1', motd: 'Hello\nstorage: []' },
      },
      'eu-workers': { profile: 'plain', selector: { region: 'eu' }, metadata: { user: 'eu-admin' } },
      'eu-rack3': { profile: 'broken', selector: { region: 'eu', rack: '3' }, metadata: { path: 'relative/path' } },
    })) {
      const answer = await put(`/api/provisioning/groups/${id}`, body);
      expect(answer.status, answer.text).toBe(201);
    }
  });

  it('answers the Ignition config of the group a MAC address matches, in any spelling, without a token', async () => {
    const expected = translateButane(
      WORKER.replace('{{.hostname}}', '"node1"')
        .replace('{{.motd}}', 'Hello\n          storage: []')
        .replace('{{.request.query.os}}', 'installed'),
    ).json;
    for (const mac of ['52:54:00:89:d8:10', '52-54-00-89-D8-10', '5254.0089.d810', '52540089D810']) {
      const answer = await call(`/ignition?mac=${encodeURIComponent(mac)}&os=installed`);
      expect(answer.status, mac).toBe(200);
      expect(answer.type).toContain('json');
      expect(answer.text).toBe(expected);
    }
    const head = await fetch(`${server.url}/ignition?mac=52:54:00:89:d8:10&os=x`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('picks the most specific group, and says clearly when none matches', async () => {
    const eu = await call('/ignition?region=eu&rack=4');
    expect(eu.json()).toEqual({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'eu-admin' }] } });
    const none = await call('/ignition?mac=52:54:00:00:00:99&region=us');
    expect(none.status).toBe(404);
    expect(none.json()).toEqual({
      error: 'NO_MATCHING_GROUP',
      message:
        'No machine group matches mac=52:54:00:00:00:99, region=us; add a group whose selector these labels satisfy, or a default group with no selector',
    });
    const badMac = await call('/ignition?mac=52:54:00');
    expect(badMac.status).toBe(400);
    expect(badMac.json().fields).toEqual([{ path: 'mac', message: expect.stringContaining('Not a MAC address') }]);
  });

  it("answers 422 with Butane's report, its path and its line and column, when the rendered config is invalid", async () => {
    const answer = await call('/ignition?region=eu&rack=3');
    expect(answer.status).toBe(422);
    expect(answer.json()).toMatchObject({
      error: 'CONFIG_INVALID',
      group: 'eu-rack3',
      profile: 'broken',
      reports: [
        {
          severity: 'error',
          code: 'PATH_NOT_ABSOLUTE',
          path: '$.storage.files.0.path',
          line: 5,
          column: 13,
          template_line: 5,
          template_column: 13,
        },
      ],
    });
    expect(answer.json().message).toContain('template line 5');
  });

  it('keeps hostile labels to the values they are, in the config and in the iPXE script', async () => {
    const os = 'x\npasswd:\n  users:\n    - name: evil {{.hostname}}';
    const answer = await call(`/ignition?mac=52:54:00:89:d8:10&os=${encodeURIComponent(os)}`);
    expect(answer.status).toBe(200);
    const config = answer.json();
    expect(Object.keys(config)).toEqual(['ignition', 'storage']);
    expect(config.storage.files.map((f: { path: string }) => f.path)).toEqual(['/etc/hostname', '/etc/motd']);
    const motd = config.storage.files[1].contents.source as string;
    expect(Buffer.from(motd.slice(motd.indexOf(',') + 1), 'base64').toString()).toBe(
      `Hello\nstorage: []\nbooted with ${os}\n`,
    );
    expect((await call(`/ignition?mac=52:54:00:89:d8:10&os=${'a'.repeat(5000)}`)).status).toBe(400);
    const script = await call(`/ipxe?mac=52:54:00:89:d8:10&os=${encodeURIComponent('a b\n${x}#')}`);
    expect(script.text.split('\n')).toHaveLength(5);
    expect(script.text).toContain('os=a%20b%0A%24%7Bx%7D%23');
  });

  it('answers an iPXE script that boots Flatcar with the config URL pointing back here', async () => {
    const answer = await call('/ipxe?mac=52-54-00-89-d8-10&uuid=&hostname=');
    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/plain');
    const host = new URL(server.url).host;
    expect(answer.text).toBe(
      [
        '#!ipxe',
        `kernel ${BOOT.kernel} initrd=flatcar_production_pxe_image.cpio.gz console=ttyS0 flatcar.first_boot=1 ignition.config.url=http://${host}/ignition?mac=52:54:00:89:d8:10`,
        `initrd ${BOOT.initrd[0]}`,
        'boot',
        '',
      ].join('\n'),
    );
    const noBoot = await call('/ipxe?region=eu');
    expect(noBoot.status).toBe(404);
    expect(noBoot.json()).toMatchObject({ error: 'NO_BOOT_SETTINGS' });
    expect((await call('/boot.ipxe')).text).toMatch(/^#!ipxe\nchain ipxe\?uuid=\$\{uuid\}&mac=\$\{mac:hexhyp\}/);
  });

  it('refuses a Host header that could write into the script', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/ipxe?mac=52:54:00:89:d8:10',
          headers: { host: 'evil.example/x y' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('shows operators what a machine would get, with the rendered text when it fails', async () => {
    expect((await call('/api/provisioning/render?region=eu')).status).toBe(401);
    const ok = (await call('/api/provisioning/render?region=eu&rack=9', { token: viewer })).json();
    expect(ok).toMatchObject({ group: 'eu-workers', profile: 'plain', ok: true, ties: [], reports: [] });
    expect(ok.ignition.passwd.users[0].name).toBe('eu-admin');
    const failed = (await call('/api/provisioning/render?region=eu&rack=3', { token: viewer })).json();
    expect(failed).toMatchObject({
      ok: false,
      ignition: null,
      rendered: expect.stringContaining('path: "relative/path"'),
    });
  });
});
