import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError } from '../agent-error.js';
import { DEFAULT_APP_ID, PRODUCTION_SERVER, readAgentConfig } from './agent-config.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ballast-agent-config-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

const release = 'FLATCAR_RELEASE_VERSION=3815.2.0\nFLATCAR_RELEASE_BOARD=amd64-usr\n';

describe('readAgentConfig', () => {
  it('uses update_engine’s defaults when update.conf says nothing', async () => {
    await put('/usr/share/flatcar/release', release);
    const config = await readAgentConfig(root, { machine: 'x86_64' });
    expect(config).toMatchObject({
      server: PRODUCTION_SERVER,
      group: 'stable',
      version: '3815.2.0',
      board: 'amd64-usr',
      appId: DEFAULT_APP_ID,
      machine: 'x86_64',
      machineId: '',
      bootId: '',
      oem: '',
      rebootStrategy: 'reboot',
      rebootWindow: undefined,
      allowUnsigned: false,
      publicKeyPath: '/etc/ballast/payload-key.pem',
      rebootCommand: ['systemctl', 'reboot'],
      checkpointBytes: 64 * 1024 * 1024,
      health: { units: [], httpUrl: undefined, command: undefined, deadlineMs: 300_000, intervalMs: 10_000 },
    });
  });

  it('takes each key from the first of /etc/flatcar/update.conf, /usr/share/flatcar/update.conf, the release', async () => {
    await put('/usr/share/flatcar/release', `${release}GROUP=from-release\n`);
    await put('/usr/share/flatcar/update.conf', 'GROUP=alpha\nSERVER=https://usr.example/v1/update/\n');
    await put('/etc/flatcar/update.conf', 'GROUP=beta\nREBOOT_STRATEGY=etcd-lock\nLOCKSMITHD_ENDPOINT=http://e:2379\n');
    await put('/etc/oem-release', 'ID=qemu\nVERSION_ID=0.1\n');
    await put('/etc/machine-id', 'abc123\n');
    await put('/proc/sys/kernel/random/boot_id', 'b0-07\n');
    await put('/proc/cmdline', 'mount.usr=PARTUUID=7130c94a-213a-4e5a-8e26-6cce9662f132 \n');
    const config = await readAgentConfig(root);
    expect(config).toMatchObject({
      group: 'beta',
      server: 'https://usr.example/v1/update/',
      rebootStrategy: 'etcd-lock',
      oem: 'qemu',
      oemVersion: '0.1',
      machineId: 'abc123',
      bootId: 'b0-07',
      cmdline: 'mount.usr=PARTUUID=7130c94a-213a-4e5a-8e26-6cce9662f132',
    });
    expect(config.settings.LOCKSMITHD_ENDPOINT).toBe('http://e:2379');
    expect(config.settings.GROUP).toBe('beta');
  });

  it('reads the agent’s own settings from /etc/ballast/agent.conf first', async () => {
    await put('/usr/share/flatcar/release', release);
    await put('/etc/flatcar/update.conf', 'HEALTH_DEADLINE=1h\n');
    await put(
      '/etc/ballast/agent.conf',
      'HEALTH_UNITS="docker.service  kubelet.service"\nHEALTH_HTTP=http://127.0.0.1:10248/healthz\n' +
        'HEALTH_COMMAND=/opt/bin/ready --quick\nHEALTH_DEADLINE=2m30s\nHEALTH_INTERVAL=500ms\n' +
        'REBOOT_COMMAND=/sbin/shutdown -r now\nPAYLOAD_PUBLIC_KEY=/etc/keys/k.pem\nDOWNLOAD_CHECKPOINT=8M\n' +
        'LOCKSMITHD_REBOOT_WINDOW_START=Thu 04:00\nLOCKSMITHD_REBOOT_WINDOW_LENGTH=1h\n',
    );
    const config = await readAgentConfig(root);
    expect(config.health).toEqual({
      units: ['docker.service', 'kubelet.service'],
      httpUrl: 'http://127.0.0.1:10248/healthz',
      command: '/opt/bin/ready --quick',
      deadlineMs: 150_000,
      intervalMs: 500,
    });
    expect(config.rebootCommand).toEqual(['/sbin/shutdown', '-r', 'now']);
    expect(config.publicKeyPath).toBe('/etc/keys/k.pem');
    expect(config.checkpointBytes).toBe(8 * 1024 * 1024);
    expect(config.rebootWindow).toMatchObject({ dayOfWeek: 4, hour: 4, minute: 0, lengthMs: 3_600_000 });
  });

  it('refuses what it cannot act on, with a code', async () => {
    await expect(readAgentConfig(root)).rejects.toMatchObject({ code: 'RELEASE_UNKNOWN' });
    await put('/usr/share/flatcar/release', release);
    const bad = async (text: string) => {
      await put('/etc/flatcar/update.conf', text);
      const error = await readAgentConfig(root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentError);
      return (error as AgentError).code;
    };
    expect(await bad('REBOOT_STRATEGY=best-effort\n')).toBe('CONFIG_INVALID');
    expect(await bad('LOCKSMITHD_REBOOT_WINDOW_START=04:00\n')).toBe('CONFIG_INVALID');
    expect(await bad('LOCKSMITHD_REBOOT_WINDOW_START=Thursday 04:00\nLOCKSMITHD_REBOOT_WINDOW_LENGTH=1h\n')).toBe(
      'CONFIG_INVALID',
    );
    expect(await bad('HEALTH_DEADLINE=soon\n')).toBe('CONFIG_INVALID');
    expect(await bad('DOWNLOAD_CHECKPOINT=0\n')).toBe('CONFIG_INVALID');
  });
});
