import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdServer, startEtcd } from '../../../../test/helpers/etcd.js';
import { openEtcdRebootLock } from './etcd-lock.js';
import { lockOptionsFrom, lockSettingsFrom } from './lock-settings.js';

const exec = promisify(execFile);

/** A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => exec('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=ballast test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  for (const name of ['server', 'client']) {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    // etcd's JSON gateway dials etcd's own gRPC port with the server certificate, so it must allow clientAuth too.
    const usage = name === 'server' ? 'serverAuth,clientAuth' : 'clientAuth';
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  }
}

describe('etcd over TLS with client certificates', () => {
  let dir: string;
  let etcd: EtcdServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballast-etcd-tls-'));
    await makeCertificates(dir);
    const file = (name: string) => join(dir, name);
    etcd = await startEtcd({
      scheme: 'https',
      flags: [
        '--cert-file',
        file('server.pem'),
        '--key-file',
        file('server.key'),
        '--trusted-ca-file',
        file('ca.pem'),
        '--client-cert-auth',
      ],
      ready: (endpoint) =>
        new Promise((resolve) => {
          const req = request(
            `${endpoint}/health`,
            {
              ca: readFileSync(file('ca.pem')),
              cert: readFileSync(file('client.pem')),
              key: readFileSync(file('client.key')),
              timeout: 1000,
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode === 200));
            },
          );
          req.on('error', () => resolve(false));
          req.on('timeout', () => req.destroy());
          req.end();
        }),
    });
  }, 60_000);

  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes the lock with the CA and client certificate named as locksmithd’s settings name them', async () => {
    const settings = lockSettingsFrom({
      LOCKSMITHD_ENDPOINT: etcd.endpoints.join(','),
      LOCKSMITHD_GROUP: 'tls',
      LOCKSMITHD_ETCD_CAFILE: join(dir, 'ca.pem'),
      LOCKSMITHD_ETCD_CERTFILE: join(dir, 'client.pem'),
      LOCKSMITHD_ETCD_KEYFILE: join(dir, 'client.key'),
    });
    const lock = openEtcdRebootLock(await lockOptionsFrom(settings));
    try {
      expect((await lock.acquire('m1')).acquired).toBe(true);
      expect((await lock.status()).semaphore.holders).toEqual(['m1']);
    } finally {
      lock.close();
    }
  });

  it('says so when the server’s certificate is not trusted, without trying other endpoints', async () => {
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints, timeoutMs: 2000 });
    try {
      const error = await lock.status().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ETCD_REQUEST_FAILED' });
      expect((error as Error).message).toMatch(new RegExp(`^etcd at ${etcd.endpoints[0]}: TLS: `));
    } finally {
      lock.close();
    }
  });

  it('is refused without a client certificate', async () => {
    const lock = openEtcdRebootLock({
      endpoints: etcd.endpoints,
      tls: { ca: readFileSync(join(dir, 'ca.pem')) },
      timeoutMs: 2000,
    });
    try {
      await expect(lock.status()).rejects.toThrow(/etcd/);
    } finally {
      lock.close();
    }
  });

  it('names a TLS file it cannot read', async () => {
    await expect(
      lockOptionsFrom({ endpoints: etcd.endpoints, group: '', caFile: join(dir, 'missing.pem') }),
    ).rejects.toMatchObject({
      code: 'ETCD_CONFIG_INVALID',
      message: expect.stringContaining(`Cannot read the etcd CA file ${join(dir, 'missing.pem')}`),
    });
  });
});

describe('etcd with authentication enabled', () => {
  let etcd: EtcdServer;
  const etcdctl = (...args: string[]) =>
    exec('/usr/bin/etcdctl', [`--endpoints=${etcd.endpoints.join(',')}`, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });

  beforeAll(async () => {
    etcd = await startEtcd();
    await etcdctl('user', 'add', 'root:rootpw');
    await etcdctl('auth', 'enable');
  }, 60_000);

  afterAll(async () => {
    await etcd?.stop();
  });

  it('authenticates with the user and password', async () => {
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints, username: 'root', password: 'rootpw' });
    try {
      expect((await lock.acquire('m1')).acquired).toBe(true);
      const { stdout } = await etcdctl('--user', 'root:rootpw', 'get', lock.key, '--print-value-only');
      expect(stdout.trim()).toBe('{"semaphore":0,"max":1,"holders":["m1"]}');
    } finally {
      lock.close();
    }
  });

  it('reports a wrong password as ETCD_AUTH_FAILED', async () => {
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints, username: 'root', password: 'wrong' });
    try {
      const error = await lock.status().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ETCD_AUTH_FAILED' });
      expect((error as Error).message).toMatch(/did not authenticate user root .*authentication failed/);
    } finally {
      lock.close();
    }
  });

  it('reports etcd’s refusal when no user is given', async () => {
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints });
    try {
      const error = await lock.status().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/^ETCD_(AUTH_FAILED|REQUEST_FAILED)$/) });
      expect((error as Error).message).toMatch(/user name is empty|permission denied/);
    } finally {
      lock.close();
    }
  });
});
