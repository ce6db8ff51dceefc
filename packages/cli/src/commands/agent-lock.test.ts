import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdServer, startEtcd } from '../../../../test/helpers/etcd.js';
import { captureIo } from '../test-io.js';
import { run } from './agent-lock.js';

const exec = promisify(execFile);

let etcd: EtcdServer;
let root: string;

beforeAll(async () => {
  etcd = await startEtcd();
  root = mkdtempSync(join(tmpdir(), 'ballast-lock-cli-'));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
}, 60_000);

afterAll(async () => {
  await etcd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function lock(...args: string[]) {
  const io = captureIo();
  const code = await run([...args, '--endpoints', etcd.endpoints.join(',')], io);
  return { code, out: io.out(), err: io.err() };
}

async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await exec('/usr/bin/etcdctl', [`--endpoints=${etcd.endpoints.join(',')}`, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  return stdout;
}

const KEY = 'coreos.com/updateengine/rebootlock/semaphore';

describe('ballast agent lock, as locksmithctl', () => {
  it('prints the status of a new lock as locksmithctl status', async () => {
    expect(await lock('status')).toEqual({ code: 0, out: 'Available: 1\nMax: 1\n', err: '' });
  });

  it('lists the holders of a held lock, and unlocks a dead node by hand', async () => {
    // A node took the lock (as locksmithd writes it) and died.
    await etcdctl('put', KEY, '{"semaphore":0,"max":1,"holders":["69d27b356a94476da859461d3a3bc6fd"]}');
    expect(await lock('status')).toEqual({
      code: 0,
      out: 'Available: 0\nMax: 1\n\nMACHINE ID\n69d27b356a94476da859461d3a3bc6fd\n',
      err: '',
    });
    expect(await lock('unlock', '69d27b356a94476da859461d3a3bc6fd')).toEqual({ code: 0, out: '', err: '' });
    expect((await etcdctl('get', KEY, '--print-value-only')).trim()).toBe('{"semaphore":1,"max":1,"holders":[]}');
    const again = await lock('unlock', '69d27b356a94476da859461d3a3bc6fd');
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      `ballast agent lock unlock: 69d27b356a94476da859461d3a3bc6fd does not hold the reboot lock at ${KEY}\n`,
    );
  });

  it('unlocks this machine by its /etc/machine-id under --root', async () => {
    await etcdctl('put', KEY, '{"semaphore":0,"max":1,"holders":["0123456789abcdef0123456789abcdef"]}');
    expect(await lock('unlock', '--root', root, '--disk', '/dev/null')).toEqual({ code: 0, out: '', err: '' });
    const missing = await lock('unlock', '--root', join(root, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read the machine id from');
  });

  it('sets the maximum and prints the old and new one', async () => {
    expect(await lock('set-max', '3')).toEqual({ code: 0, out: 'Old-Max: 1\nMax: 3\n', err: '' });
    expect((await etcdctl('get', KEY, '--print-value-only')).trim()).toBe('{"semaphore":3,"max":3,"holders":[]}');
    expect(await lock('status')).toMatchObject({ out: 'Available: 3\nMax: 3\n' });
    expect(await lock('set-max', '1')).toMatchObject({ code: 0, out: 'Old-Max: 3\nMax: 1\n' });
  });

  it('refuses a maximum that is not a whole number of 0 or more', async () => {
    for (const bad of ['two', '1.5', '+-1']) {
      await expect(lock('set-max', bad)).rejects.toThrow(/the maximum must be a whole number of 0 or more/);
    }
    await expect(run(['set-max', '--endpoints', etcd.endpoints[0]!, '--', '-1'], captureIo())).rejects.toThrow(
      /the maximum must be a whole number of 0 or more, not "-1"/,
    );
    await expect(lock('set-max')).rejects.toThrow(/give the new maximum/);
  });

  it('works on a group’s semaphore', async () => {
    expect(await lock('set-max', '2', '--group', 'lb')).toMatchObject({ code: 0, out: 'Old-Max: 1\nMax: 2\n' });
    expect(
      (await etcdctl('get', 'coreos.com/updateengine/rebootlock/groups/lb/semaphore', '--print-value-only')).trim(),
    ).toBe('{"semaphore":2,"max":2,"holders":null}');
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await lock('status', '--json', '--group', 'lb');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      key: 'coreos.com/updateengine/rebootlock/groups/lb/semaphore',
      semaphore: 2,
      max: 2,
      holders: [],
    });
  });

  it('says which endpoints it tried when etcd is down', async () => {
    const io = captureIo();
    const code = await run(['status', '--endpoints', 'http://127.0.0.1:1'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /^ballast agent lock status: No etcd endpoint answered .*http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });

  it('prints help, and refuses an unknown command', async () => {
    const io = captureIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: ballast agent lock <status|unlock|set-max>');
    const help = captureIo();
    expect(await run(['status', '--help'], help)).toBe(0);
    expect(help.out()).toContain('--endpoints URLS');
    await expect(run(['frobnicate'], captureIo())).rejects.toThrow(/unknown command 'agent lock frobnicate'/);
  });
});
