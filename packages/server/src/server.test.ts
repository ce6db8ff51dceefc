import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResponse, readUpdateCheck } from '@ballast/omaha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from './http/logger.js';
import { type RunningServer, startServer } from './server.js';

const FLATCAR = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

/** An update check exactly as update_engine's GetRequestXml writes it (omaha_request_action.cc). */
function updateEngineCheck(machineId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">\n' +
    '    <os version="Chateau" platform="CoreOS" sp="3815.2.0_x86_64"></os>\n' +
    `    <app appid="{${FLATCAR}}" version="3815.2.0" track="stable" bootid="{5b1a7d5a-6f5e-4d1b-9c0e-0f3a1b2c3d4e}" oem="qemu" oemversion="0.1" alephversion="3815.2.0" machineid="${machineId}" machinealias="" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >\n` +
    '        <ping active="1"></ping>\n' +
    '        <updatecheck></updatecheck>\n' +
    '        <event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event>\n' +
    '    </app>\n' +
    '</request>\n'
  );
}

/** The digest update_engine compares the action's sha256 with: OpenSSL's base64 of the file's SHA-256. */
function updateEngineHash(path: string): string {
  return execFileSync('sh', ['-c', 'openssl dgst -sha256 -binary "$1" | openssl base64 -A', 'sh', path])
    .toString()
    .trim();
}

describe('ballast server: connections', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ listen: '127.0.0.1:0', db: 'sqlite::memory:', auth: 'none', logger: silentLogger });
    await server.ready;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Sends raw requests on one connection, one after the other's answer, and gives back the answers' heads. */
  async function converse(requests: readonly string[]): Promise<{ heads: string[]; closed: boolean }> {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((done) => socket.once('connect', done));
    let closed = false;
    socket.once('end', () => {
      closed = true;
    });
    const heads: string[] = [];
    let buffer = '';
    for (const request of requests) {
      socket.write(request);
      await new Promise<void>((done) => {
        const onData = (chunk: Buffer) => {
          buffer += chunk.toString('latin1');
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
          if (buffer.length < end + 4 + length) return;
          heads.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 4 + length);
          socket.off('data', onData);
          done();
        };
        socket.on('data', onData);
      });
    }
    await new Promise((done) => setTimeout(done, 50));
    socket.destroy();
    return { heads, closed };
  }

  const check = (version: '1.0' | '1.1', extra = '') => {
    const body = updateEngineCheck('keep-alive-node');
    return (
      `POST /v1/update/ HTTP/${version}\r\nHost: update.example.com\r\nContent-Type: text/xml\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  };

  it('keeps a connection open across update checks, as node:http does, and closes it when asked', async () => {
    const kept = await converse([check('1.1'), check('1.1'), check('1.1')]);
    expect(kept.heads).toHaveLength(3);
    for (const head of kept.heads) {
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head).toMatch(/\r\nConnection: keep-alive\r\n/i);
    }
    expect(kept.closed).toBe(false);
    const asked = await converse([check('1.1', 'Connection: close\r\n')]);
    expect(asked.heads[0]).toMatch(/\r\nConnection: close/i);
    expect(asked.closed).toBe(true);
    // An HTTP/1.0 client gets its connection closed unless it asks to keep it.
    expect((await converse([check('1.0')])).closed).toBe(true);
    const kept10 = await converse([
      check('1.0', 'Connection: keep-alive\r\n'),
      check('1.0', 'Connection: keep-alive\r\n'),
    ]);
    expect(kept10.heads).toHaveLength(2);
    expect(kept10.closed).toBe(false);
  });
});

describe('ballast server: the SHA-256 an update_engine check gets', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballast-server-sha256-'));
    server = await startServer({
      listen: '127.0.0.1:0',
      db: 'sqlite::memory:',
      auth: 'none',
      payloadsDir: join(dir, 'payloads'),
      logger: silentLogger,
      groupCacheMs: 0,
    });
    await server.ready;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function api(path: string, method: string, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      ...(body !== undefined && {
        headers: { 'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json' },
        body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
      }),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBe(200);
    return JSON.parse(text);
  }

  async function publish(version: string, pkg: Record<string, unknown>): Promise<void> {
    const created = await api(`/api/apps/${FLATCAR}/packages`, 'POST', { type: 1, version, arch: 1, ...pkg });
    const app = await api(`/api/apps/${FLATCAR}`, 'GET');
    const stable = app.channels.find((c: { name: string; arch: number }) => c.name === 'stable' && c.arch === 1);
    await api(`/api/apps/${FLATCAR}/channels/${stable.id}`, 'PUT', { package_id: created.id });
  }

  async function check(machineId: string) {
    const response = await fetch(`${server.url}/v1/update/`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: updateEngineCheck(machineId),
    });
    const body = await response.text();
    return { body, verdict: readUpdateCheck(body, { httpStatus: response.status }) };
  }

  it('offers a hosted payload whose action sha256 update_engine finds equal to the file it downloads', async () => {
    const payload = randomBytes(300_000);
    const extra = randomBytes(5_000);
    const upload = await api('/api/payloads/4081.2.0/flatcar_production_update.gz', 'PUT', payload);
    const uploadExtra = await api('/api/payloads/4081.2.0/oem-azure.gz', 'PUT', extra);
    await publish('4081.2.0', {
      url: `${server.url}${upload.url}`,
      filename: upload.filename,
      extra_files: [
        { name: 'oem-azure.gz', size: uploadExtra.size, hash: uploadExtra.hash, hash256: uploadExtra.hash_sha256 },
      ],
    });

    const { body, verdict } = await check('sha256-node-1');
    expect(verdict.kind).toBe('update');
    if (verdict.kind !== 'update') return;
    // update_engine downloads payloadUrls[0], checks the size, then the base64 SHA-256 against the action's.
    const download = Buffer.from(await (await fetch(verdict.payloadUrls[0]!)).arrayBuffer());
    const file = join(dir, 'downloaded.gz');
    writeFileSync(file, download);
    expect(download.equals(payload)).toBe(true);
    expect(verdict.size).toBe(payload.length);
    expect(verdict.hash).toBe(updateEngineHash(file));
    expect(verdict.hash).toBe(createHash('sha256').update(payload).digest('base64'));

    // As Nebraska writes the manifest: the payload with its SHA-1, no hash_sha256; an extra file with both, hex.
    const parsed = parseResponse(body);
    const packages = parsed.ok ? parsed.value.apps[0]?.updateCheck?.manifests[0]?.packages : undefined;
    expect(packages?.[0]).toEqual({
      name: 'flatcar_production_update.gz',
      hash: createHash('sha1').update(payload).digest('base64'),
      size: payload.length,
      required: true,
    });
    expect(packages?.[1]).toMatchObject({
      name: 'oem-azure.gz',
      hash: createHash('sha1').update(extra).digest('base64'),
      hashSha256: createHash('sha256').update(extra).digest('hex'),
      size: extra.length,
      required: false,
    });
    expect(body).not.toContain(upload.hash_sha256);

    // The REST API gives the package back in Nebraska's encodings.
    const pkg = (await api(`/api/apps/${FLATCAR}/packages?searchVersion=4081.2.0`, 'GET')).packages[0];
    expect(pkg.flatcar_action.sha256).toBe(verdict.hash);
    expect(pkg.hash_sha256).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(pkg.extra_files[0].hash256).toBe(createHash('sha256').update(extra).digest('hex'));
  });

  it('answers base64 even when a publisher sent the action sha256 in hex', async () => {
    const payload = randomBytes(100_000);
    const digest = createHash('sha256').update(payload).digest();
    const upload = await api('/api/payloads/4082.0.0/flatcar_production_update.gz', 'PUT', payload);
    await publish('4082.0.0', {
      url: `${server.url}${upload.url}`,
      filename: upload.filename,
      size: upload.size,
      hash: upload.hash,
      hash_sha256: digest.toString('base64'),
      flatcar_action: { sha256: digest.toString('hex') },
    });
    const { verdict } = await check('sha256-node-2');
    expect(verdict.kind === 'update' && verdict.hash).toBe(digest.toString('base64'));
    const file = join(dir, 'second.gz');
    writeFileSync(file, payload);
    expect(verdict.kind === 'update' && verdict.hash).toBe(updateEngineHash(file));
    const pkg = (await api(`/api/apps/${FLATCAR}/packages?searchVersion=4082.0.0`, 'GET')).packages[0];
    expect(pkg).toMatchObject({
      hash_sha256: digest.toString('hex'),
      flatcar_action: { sha256: digest.toString('base64') },
    });
  });
});
