import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openEtcdRebootLock } from '@ballast/agent';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEtcd } from '../../../../test/helpers/etcd.js';
import {
  createNodeRig,
  createServedRig,
  type NodeRig,
  type TestServer,
  testImage,
} from '../../../agent/src/node-rig.test-helper.js';
import { captureIo } from '../test-io.js';
import { UsageError } from '../usage-error.js';
import { run } from './agent.js';

let rig: NodeRig;
let server: TestServer;

beforeEach(async () => {
  ({ rig, server } = await createServedRig({ version: '1.0.0' }));
  // The reboot a real node does with systemctl, recorded in a file.
  await rig.agentConf({ REBOOT_COMMAND: `touch ${join(rig.dir, 'rebooted')}`, HEALTH_INTERVAL: '10ms' });
});

afterEach(async () => {
  await server.close();
  await rig.cleanup();
});

async function agent(...args: string[]) {
  const io = captureIo();
  const code = await run([...args, '--root', rig.root, '--disk', rig.disk], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ballast agent', () => {
  it('prints the status of a fresh node as update_engine_client -status', async () => {
    expect(await agent('status')).toEqual({
      code: 0,
      out: 'LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n',
      err: '',
    });
  });

  it('run --once installs an offered update, reboots with REBOOT_COMMAND, then keeps the healthy boot', async () => {
    const image = testImage('2.0.0');
    rig.know(image);
    server.behaviour.offer = image;
    const first = await agent('run', '--once');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(
      /^LAST_CHECKED_TIME=\d+\nPROGRESS=0\.000000\nCURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n/,
    );
    expect(first.out).toContain(`NEW_VERSION=2.0.0\nNEW_SIZE=${image.bytes.length}\n`);
    expect(first.err).toContain('Rebooting: update to 2.0.0');
    expect(existsSync(join(rig.dir, 'rebooted'))).toBe(true);

    expect(await rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
    server.behaviour.offer = undefined;
    const second = await agent('run', '--once');
    expect(second.code, second.err).toBe(0);
    expect(second.err).toContain('2.0.0 is healthy; partition 4 is marked good');
    expect(second.out).toContain('CURRENT_OP=UPDATE_STATUS_IDLE\n');
    const json = JSON.parse((await agent('status', '--json')).out);
    expect(json).toMatchObject({ status: 'UPDATE_STATUS_IDLE', slotVersions: { 3: '1.0.0', 4: '2.0.0' } });
  });

  it('run --once --no-reboot leaves the reboot to later; rollback cancels the update', async () => {
    server.behaviour.offer = testImage('2.0.0');
    const first = await agent('run', '--once', '--no-reboot');
    expect(first.code).toBe(0);
    expect(first.out).toContain('CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n');
    expect(existsSync(join(rig.dir, 'rebooted'))).toBe(false);
    const back = await agent('rollback');
    expect(back).toMatchObject({ code: 0, out: 'Cancelled the update to 2.0.0; it will not boot\n' });
    expect((await rig.slots())[1]).toMatchObject({ number: 4, priority: 0 });
  });

  it('check-now checks on demand when no agent runs, and exits 1 when the update fails', async () => {
    const image = testImage('2.0.0');
    server.behaviour.offer = image;
    server.behaviour.signature = null;
    const result = await agent('check-now');
    expect(result.code).toBe(1);
    expect(result.out).toContain('CURRENT_OP=UPDATE_STATUS_IDLE\n');
    expect(result.err).toContain('No signature for the payload');
    expect(server.requests[0]!.request.installSource).toBe('ondemandupdate');
    const state = JSON.parse(await readFile(join(rig.root, 'var/lib/ballast/agent/state.json'), 'utf8'));
    // SignedDeltaPayloadExpectedError (17) with TestOmahaUrl.
    expect(state.lastError.code).toBe(17 | 0x10000000);
  });

  it('explains what it cannot do, with the error code', async () => {
    await rig.writeFile('/proc/cmdline', 'quiet\n');
    const result = await agent('run', '--once');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^ballast agent run: The kernel command line names no \/usr partition.*\[BOOTED_SLOT_UNKNOWN\]\n$/,
    );
    expect((await agent('rollback')).err).toContain('[BOOTED_SLOT_UNKNOWN]');
  });

  it('has usage errors and help', async () => {
    await expect(run(['frobnicate'], captureIo())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['run', '--bogus'], captureIo())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['status', 'extra'], captureIo())).rejects.toBeInstanceOf(UsageError);
    const io = captureIo();
    expect(await run([], io)).toBe(2);
    expect(io.out()).toContain('Usage: ballast agent <run|check-now|status|rollback|lock>');
    for (const verb of ['run', 'check-now', 'status', 'rollback', 'lock']) {
      const help = captureIo();
      expect(await run([verb, '--help'], help)).toBe(0);
      expect(help.out()).toMatch(/^Usage: ballast agent /);
    }
  });
});

describe('ballast agent with REBOOT_STRATEGY=etcd-lock', () => {
  it('reboots one node at a time through locksmith’s semaphore, released once the new boot is healthy', async () => {
    const etcd = await startEtcd();
    const other = await createNodeRig({ version: '1.0.0' });
    const lock = openEtcdRebootLock({ endpoints: etcd.endpoints });
    try {
      const image = testImage('2.0.0');
      server.behaviour.offer = image;
      const nodes = [rig, other];
      for (const [i, node] of nodes.entries()) {
        node.know(image);
        await node.writeFile('/etc/ballast/payload-key.pem', rig.publicKeyPem);
        await node.updateConf({
          SERVER: server.updateUrl,
          REBOOT_STRATEGY: 'etcd-lock',
          LOCKSMITHD_ENDPOINT: etcd.endpoints.join(','),
        });
        await node.agentConf({ REBOOT_COMMAND: `touch ${join(rig.dir, `rebooted-${i}`)}` });
      }
      const once = async (node: NodeRig) => {
        const io = captureIo();
        const code = await run(['run', '--once', '--root', node.root, '--disk', node.disk], io);
        expect(code, io.err()).toBe(0);
        return io.err();
      };
      const machine = async (node: NodeRig) => (await readFile(join(node.root, 'etc/machine-id'), 'utf8')).trim();
      const holders = async () => (await lock.status()).semaphore.holders;

      await once(rig);
      expect(existsSync(join(rig.dir, 'rebooted-0'))).toBe(true);
      expect(await holders()).toEqual([await machine(rig)]);
      // The second node installs too, but max is 1: it waits for the lock.
      expect(await once(other)).toContain('Not rebooting into 2.0.0 yet: every slot of the reboot lock is taken');
      expect(existsSync(join(rig.dir, 'rebooted-1'))).toBe(false);

      await rig.boot();
      server.behaviour.offer = undefined;
      expect(await once(rig)).toContain('2.0.0 is healthy');
      expect(await holders()).toEqual([]);
      await once(other);
      expect(existsSync(join(rig.dir, 'rebooted-1'))).toBe(true);
      expect(await holders()).toEqual([await machine(other)]);
    } finally {
      lock.close();
      await other.cleanup();
      await etcd.stop();
    }
  });
});
