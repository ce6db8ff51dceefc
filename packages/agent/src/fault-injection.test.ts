// Kills the agent with SIGKILL at seeded random points of its work (every partition write and read-back chunk,
// every fsync of the payload, every state-file write and rename, every sector write of a GPT update) and then
// checks what a reboot at that moment would find: GRUB's gptprio choice must be a complete, verified slot, and the
// known-good slot must be intact. Then the agent runs again and must finish the job from where it was killed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBootSlot, openDisk, readGpt } from '@ballast/disk';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import { ensureAgentBuilt } from './built-agent.test-helper.js';
import { seededRandom } from './clock.js';
import { createNodeRig, type NodeRig, startTestServer, type TestServer, testImage } from './node-rig.test-helper.js';
import { readState, STATE_DIR } from './state/state-file.js';

const child = fileURLToPath(new URL('../test/fixtures/agent-child.mjs', import.meta.url));
const A = testImage('1.0.0', 64 * 1024);
const B = testImage('2.0.0', 160 * 1024);

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(rig: NodeRig, env: Record<string, string> = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, rig.root, rig.disk], {
      env: { ...process.env, BALLAST_AGENT_CHECKPOINT: '16384', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** What a boot at this moment would find, checked without changing anything on the disk. */
async function checkBootable(rig: NodeRig, where: string): Promise<number> {
  // The state file is always whole: the old one or the new one.
  await readState(join(rig.root, STATE_DIR, 'state.json'));
  const device = await openDisk(rig.disk);
  try {
    const { table } = await readGpt(device);
    const choice = chooseBootSlot(table).choice;
    expect(choice, `${where}: no bootable slot`).toBeDefined();
    const slot = (n: number) => table.partitions.find((p) => p.number === n)!;
    const read = async (n: number, length: number) =>
      Buffer.from(await device.read(slot(n).firstLba * table.sectorSize, length));
    // The known-good slot is never written.
    expect((await read(3, A.bytes.length)).equals(A.bytes), `${where}: USR-A was overwritten`).toBe(true);
    if (choice!.number === 4) {
      expect((await read(4, B.bytes.length)).equals(B.bytes), `${where}: USR-B boots incomplete`).toBe(true);
    }
    return choice!.number;
  } finally {
    await device.close();
  }
}

async function node(server?: TestServer): Promise<{ rig: NodeRig; server: TestServer }> {
  const rig = await createNodeRig({ image: A, known: [B] });
  const srv = server ?? (await startTestServer(rig.privateKeyPem));
  await rig.updateConf({ SERVER: srv.updateUrl });
  await rig.writeFile('/etc/ballast/payload-key.pem', rig.publicKeyPem);
  return { rig, server: srv };
}

/** Fault points a clean run passes, counted from the agent's own log of them. */
async function countPoints(rig: NodeRig): Promise<number> {
  const run = await runChild(rig, { BALLAST_AGENT_FAULT_LOG: '1' });
  expect(run.code, run.stderr).toBe(0);
  return run.stderr.split('\n').filter((l) => l.startsWith('fault-point ')).length;
}

beforeAll(() => {
  ensureAgentBuilt();
}, 180_000);

describe('kill -9 at random points', () => {
  it('during download, write, verification and slot update: always boots a complete slot, then finishes', async () => {
    const random = seededRandom(0x5eed01);
    const calibration = await node();
    calibration.server.behaviour.offer = B;
    const points = await countPoints(calibration.rig);
    expect(points).toBeGreaterThan(30);
    await calibration.server.close();
    await calibration.rig.cleanup();

    let kills = 0;
    let resumedRanges = 0;
    let scenarios = 0;
    while (kills < 70) {
      scenarios++;
      const { rig, server } = await node();
      server.behaviour.offer = B;
      try {
        // Kill runs until one gets through (a kill point past its end): that run is the one that finishes.
        let finish: ChildResult | undefined;
        for (let attempt = 0; attempt < 4 && !finish; attempt++) {
          const at = 1 + Math.floor(random() * points);
          const run = await runChild(rig, { BALLAST_AGENT_KILL_AT: String(at) });
          if (run.signal === 'SIGKILL') {
            kills++;
            await checkBootable(rig, `scenario ${scenarios}, kill at point ${at}`);
          } else finish = run;
        }
        finish ??= await runChild(rig);
        expect(finish.code, finish.stderr).toBe(0);
        await checkBootable(rig, `scenario ${scenarios}, finished`);
        const state = await readState(join(rig.root, STATE_DIR, 'state.json'));
        expect(state.status).toBe('UPDATE_STATUS_UPDATED_NEED_REBOOT');
        resumedRanges += server.downloads.filter((d) => d.range !== undefined && d.range !== 'bytes=0-').length;
        expect(await rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
      } finally {
        await server.close();
        await rig.cleanup();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(70);
    // Some kills fell inside the download, and the next run resumed it with a Range request.
    expect(resumedRanges).toBeGreaterThan(0);
  }, 240_000);

  it('while judging the new boot, keeping it or rolling back: always boots a complete slot, then settles', async () => {
    const random = seededRandom(0x5eed02);
    // A node that has installed B and booted it, with health checks that pass or fail.
    const booted = async (healthy: boolean) => {
      const made = await node();
      await made.rig.agentConf(
        healthy ? { HEALTH_COMMAND: 'true' } : { HEALTH_COMMAND: 'false', HEALTH_DEADLINE: '0s' },
      );
      made.server.behaviour.offer = B;
      const agent = new Agent({ root: made.rig.root, disk: made.rig.disk, noReboot: true });
      expect((await agent.checkForUpdate()).kind).toBe('updated');
      made.server.behaviour.offer = undefined;
      expect(await made.rig.boot()).toMatchObject({ ok: true, partition: 4 });
      return made;
    };
    const points = new Map<boolean, number>();
    for (const healthy of [true, false]) {
      const calibration = await booted(healthy);
      points.set(healthy, await countPoints(calibration.rig));
      await calibration.server.close();
      await calibration.rig.cleanup();
    }
    expect(points.get(true)).toBeGreaterThan(8);
    expect(points.get(false)).toBeGreaterThan(8);

    let kills = 0;
    let scenarios = 0;
    while (kills < 30) {
      scenarios++;
      const healthy = scenarios % 2 === 1;
      const { rig, server } = await booted(healthy);
      const kind = healthy ? 'keep' : 'rollback';
      try {
        let finish: ChildResult | undefined;
        for (let attempt = 0; attempt < 4 && !finish; attempt++) {
          const at = 1 + Math.floor(random() * points.get(healthy)!);
          const run = await runChild(rig, { BALLAST_AGENT_KILL_AT: String(at) });
          if (run.signal === 'SIGKILL') {
            kills++;
            await checkBootable(rig, `scenario ${scenarios} (${kind}), kill at point ${at}`);
          } else finish = run;
        }
        finish ??= await runChild(rig);
        expect(finish.code, finish.stderr).toBe(0);
        const report = JSON.parse(finish.stdout) as { boot: { kind: string } };
        await checkBootable(rig, `scenario ${scenarios} (${kind}), finished`);
        const slots = await rig.slots();
        if (healthy) {
          // Kept now, or by a run that was killed after it had marked the slot good.
          expect(['kept', 'idle']).toContain(report.boot.kind);
          expect(slots[1]).toEqual({ number: 4, priority: 2, tries: 0, successful: true });
          expect(await rig.boot()).toMatchObject({ ok: true, partition: 4 });
        } else {
          expect(report.boot.kind).toBe('rolling-back');
          expect(slots[1]).toEqual({ number: 4, priority: 0, tries: 0, successful: false });
          expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '1.0.0' });
        }
      } finally {
        await server.close();
        await rig.cleanup();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(30);
  }, 240_000);
});
