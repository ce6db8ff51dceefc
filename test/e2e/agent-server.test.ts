// Node agents on disk-image files against a real `ballast server` process: a release rolls out A → B on every
// node; a release whose boot fails its health checks rolls back on every node that got it, each reports the
// rollback (error code 44), and the server's failure halt stops the rollout before the other nodes take it.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, signPayloadDigest } from '@ballast/agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeRig,
  type NodeRig,
  type TestImage,
  testImage,
} from '../../packages/agent/src/node-rig.test-helper.js';
import { call, FLATCAR_APP, type ServerProcess, startServerProcess } from './server-harness.js';

let dir: string;
let server: ServerProcess;
let token: string | undefined;
let groupId: string;
let channelId: string;
const fleetKey = generateKeyPairSync('ed25519');
const publicPem = fleetKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = fleetKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const v1 = testImage('1.0.0');
const v2 = testImage('2.0.0', 160 * 1024);
const v3 = testImage('3.0.0', 128 * 1024);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-e2e-agent-'));
  server = await startServerProcess(['--db', `sqlite:${join(dir, 'ballast.db')}`, '--payloads', join(dir, 'payloads')]);
  token = server.token;
  const app = (await call(server, `/api/apps/${FLATCAR_APP}`, { token })).json();
  const channel = app.channels.find((c: { name: string; arch: number }) => c.name === 'stable' && c.arch === 1);
  channelId = channel.id;
  groupId = app.groups.find((g: { channel_id: string }) => g.channel_id === channel.id).id;
  const policy = await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}`, {
    method: 'PUT',
    token,
    json: {
      policy_updates_enabled: true,
      policy_safe_mode: false,
      policy_office_hours: false,
      policy_max_updates_per_period: 100,
      policy_period_interval: '1 minute',
      policy_update_timeout: '60 minutes',
      failure_halt_threshold: 0.5,
    },
  });
  expect(policy.status, policy.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Uploads a release's payload and its signature, creates the package and points the stable channel at it. */
async function publish(image: TestImage): Promise<void> {
  const base = `/api/payloads/${image.version}`;
  const signature = signPayloadDigest(createHash('sha256').update(image.bytes).digest(), privatePem);
  for (const [name, body] of [
    ['usr.raw', image.bytes],
    ['usr.raw.sig', Buffer.from(signature)],
  ] as const) {
    const put = await call(server, `${base}/${name}`, { method: 'PUT', token, body });
    expect(put.status, put.text).toBe(200);
  }
  const created = await call(server, `/api/apps/${FLATCAR_APP}/packages`, {
    method: 'POST',
    token,
    json: {
      type: 1,
      version: image.version,
      arch: 1,
      url: `${server.url}/flatcar/${image.version}/`,
      filename: 'usr.raw',
    },
  });
  expect(created.status, created.text).toBe(200);
  expect(created.json().flatcar_action.sha256).toBe(image.sha256);
  const pointed = await call(server, `/api/apps/${FLATCAR_APP}/channels/${channelId}`, {
    method: 'PUT',
    token,
    json: { package_id: created.json().id },
  });
  expect(pointed.status, pointed.text).toBe(200);
}

interface Node {
  readonly rig: NodeRig;
  readonly agent: Agent;
  readonly reboots: string[];
}

async function node(): Promise<Node> {
  const rig = await createNodeRig({ image: v1, known: [v2, v3] });
  await rig.updateConf({ SERVER: `${server.url}/v1/update/`, GROUP: 'stable' });
  await rig.writeFile('/etc/ballast/payload-key.pem', publicPem);
  await rig.agentConf({ HEALTH_INTERVAL: '10ms', HEALTH_DEADLINE: '200ms' });
  const reboots: string[] = [];
  const agent = new Agent({
    root: rig.root,
    disk: rig.disk,
    reboot: async (reason) => {
      reboots.push(reason);
    },
  });
  return { rig, agent, reboots };
}

describe('the agent with ballast server', () => {
  const nodes: Node[] = [];

  afterAll(async () => {
    for (const n of nodes) await n.rig.cleanup();
  });

  it('updates every node from A to B and keeps the healthy boots', async () => {
    for (let i = 0; i < 4; i++) nodes.push(await node());
    await publish(v2);
    for (const n of nodes) {
      const first = await n.agent.runOnce();
      expect(first.check).toMatchObject({ kind: 'updated', version: '2.0.0' });
      expect(n.reboots).toEqual(['update to 2.0.0']);
      expect(await n.rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
      const second = await n.agent.runOnce();
      expect(second.boot).toEqual({ kind: 'kept', version: '2.0.0' });
      expect(second.check?.kind).toBe('noupdate');
    }
    const breakdown = (
      await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}/version_breakdown`, { token })
    ).json();
    expect(breakdown).toEqual([expect.objectContaining({ version: '2.0.0', instances: 4 })]);
  });

  it('rolls a failing release back on the nodes that took it, and the failure halt stops the rest', async () => {
    for (const n of nodes) await n.rig.agentConf({ HEALTH_COMMAND: 'false' });
    await publish(v3);
    const [first, second, third, fourth] = nodes as [Node, Node, Node, Node];
    // Two nodes take the release before any of them has booted it.
    for (const n of [first, second]) {
      expect((await n.agent.runOnce()).check).toMatchObject({ kind: 'updated', version: '3.0.0' });
      expect(await n.rig.boot()).toEqual({ ok: true, partition: 3, version: '3.0.0' });
    }
    for (const n of [first, second]) {
      const judged = await n.agent.runOnce();
      expect(judged.boot).toMatchObject({ kind: 'rolling-back', version: '3.0.0' });
      expect(n.reboots.at(-1)).toBe('health checks of 3.0.0 failed');
      expect(await n.rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
      // Back on 2.0.0: the check reports the rollback; this node does not take 3.0.0 again.
      const back = await n.agent.runOnce();
      expect(back.boot).toEqual({ kind: 'rolled-back', version: '2.0.0' });
      expect(back.check?.kind).not.toBe('updated');
    }
    const group = (await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}`, { token })).json();
    expect(group.policy_updates_enabled).toBe(false);
    // The first rollback already made half of the grants failures: the halt came then.
    expect(group.paused_reason).toBe('Failure halt: 1 of 2 updates to 3.0.0 failed (50%, threshold 50%)');

    for (const n of [third, fourth]) {
      const report = await n.agent.runOnce();
      expect(report.check?.kind).toBe('failed');
      expect(await n.rig.slots()).toEqual([
        { number: 3, priority: 1, tries: 0, successful: true },
        { number: 4, priority: 2, tries: 0, successful: true },
      ]);
      expect((await n.rig.readSlot(3, v1.bytes.length)).equals(v1.bytes)).toBe(true);
      expect(await n.rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
    }
  });
});
