import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, type AgentOptions } from './agent.js';
import { createServedRig, type NodeRig, type TestImage, type TestServer, testImage } from './node-rig.test-helper.js';

let rig: NodeRig;
let server: TestServer;
let reboots: string[];
let lines: string[];

beforeEach(async () => {
  ({ rig, server } = await createServedRig({ version: '1.0.0' }));
  await rig.agentConf({ HEALTH_INTERVAL: '10ms', HEALTH_DEADLINE: '1s' });
  reboots = [];
  lines = [];
});

afterEach(async () => {
  await server.close();
  await rig.cleanup();
});

function agent(options: Partial<AgentOptions> = {}): Agent {
  return new Agent({
    root: rig.root,
    disk: rig.disk,
    reboot: async (reason) => {
      reboots.push(reason);
    },
    log: (line) => lines.push(line),
    checkpointBytes: 16 * 1024,
    ...options,
  });
}

function offer(version: string, size?: number): TestImage {
  const image = testImage(version, size);
  rig.know(image);
  server.behaviour.offer = image;
  return image;
}

/** Each request as `kind type/result[/code] prev`, for compact assertions on what update_engine would send. */
function sent(): string[] {
  return server.requests.map((r) => {
    const kind = r.updateCheck ? 'check' : r.events.length > 0 ? 'event' : 'ping';
    const events = r.events.map(
      (e) =>
        `${e.type}/${e.result}` +
        (e.errorCode !== undefined ? `/${e.errorCode}` : '') +
        (e.previousVersion !== undefined ? ` prev=${e.previousVersion}` : ''),
    );
    return [kind, ...events].join(' ');
  });
}

describe('an update from A to B', () => {
  it('installs into the other slot, reports as update_engine, reboots, and keeps a healthy boot', async () => {
    const image = offer('2.0.0');
    const first = await agent().runOnce();
    expect(first.boot.kind).toBe('idle');
    expect(first.check).toMatchObject({ kind: 'updated', version: '2.0.0' });
    expect(first.reboot).toEqual({ kind: 'rebooted' });
    expect(reboots).toEqual(['update to 2.0.0']);
    // The first check of a fresh node says 0.0.0.0; then download started, finished, update complete.
    expect(sent()).toEqual(['check 3/2 prev=0.0.0.0', 'event 13/1', 'event 14/1', 'event 3/1']);
    expect(await rig.slots()).toEqual([
      { number: 3, priority: 1, tries: 0, successful: true },
      { number: 4, priority: 2, tries: 1, successful: false },
    ]);
    expect((await rig.readSlot(4, image.bytes.length)).equals(image.bytes)).toBe(true);
    const state = await agent().state();
    expect(state).toMatchObject({
      status: 'UPDATE_STATUS_UPDATED_NEED_REBOOT',
      newVersion: '2.0.0',
      newSize: image.bytes.length,
      previousVersion: '1.0.0',
    });
    expect(state.install).toBeUndefined();

    // Before the reboot, further checks only ping.
    server.requests.length = 0;
    expect((await agent().checkForUpdate()).kind).toBe('ping');
    expect(sent()).toEqual(['ping']);

    expect(await rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
    server.behaviour.offer = undefined;
    server.requests.length = 0;
    const second = await agent().runOnce();
    expect(second.boot).toEqual({ kind: 'kept', version: '2.0.0' });
    expect(second.check?.kind).toBe('noupdate');
    expect(sent()).toEqual(['check 3/2 prev=1.0.0']);
    expect(await rig.slots()).toEqual([
      { number: 3, priority: 1, tries: 0, successful: true },
      { number: 4, priority: 2, tries: 0, successful: true },
    ]);
    // Reported once: the next check says "" as update_engine does.
    server.requests.length = 0;
    await agent().checkForUpdate();
    expect(sent()).toEqual(['check 3/2 prev=']);
    expect(await agent().state()).toMatchObject({
      status: 'UPDATE_STATUS_IDLE',
      slotVersions: { 3: '1.0.0', 4: '2.0.0' },
    });

    // And on to the next update, which goes into A again; B, the known-good slot, is untouched.
    const third = offer('3.0.0');
    expect((await agent().runOnce()).check?.kind).toBe('updated');
    expect((await rig.readSlot(3, third.bytes.length)).equals(third.bytes)).toBe(true);
    expect((await rig.readSlot(4, image.bytes.length)).equals(image.bytes)).toBe(true);
    expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '3.0.0' });
  });

  it('rolls back a boot that fails its health checks, and the next check reports error 44', async () => {
    await rig.agentConf({ HEALTH_COMMAND: 'test -e /nonexistent/healthy', HEALTH_DEADLINE: '50ms' });
    offer('2.0.0');
    await agent().runOnce();
    expect(await rig.boot()).toMatchObject({ ok: true, partition: 4 });
    const judged = await agent().runOnce();
    expect(judged.boot).toMatchObject({ kind: 'rolling-back', version: '2.0.0' });
    expect(reboots).toEqual(['update to 2.0.0', 'health checks of 2.0.0 failed']);
    expect(await rig.slots()).toEqual([
      { number: 3, priority: 1, tries: 0, successful: true },
      { number: 4, priority: 0, tries: 0, successful: false },
    ]);
    expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '1.0.0' });

    server.requests.length = 0;
    const back = await agent().runOnce();
    expect(back.boot).toEqual({ kind: 'rolled-back', version: '1.0.0' });
    // The server still offers 2.0.0; this node saw it fail and does not take it again.
    expect(back.check?.kind).toBe('refused');
    expect(sent()).toEqual(['check 3/0/44']);
    expect(reboots).toHaveLength(2);
  });

  it('reports the rollback when the boot loader falls back by itself', async () => {
    offer('2.0.0');
    await agent().runOnce();
    expect(await rig.boot()).toMatchObject({ ok: true, partition: 4 });
    // 2.0.0 dies before the agent starts: GRUB's next boot skips the slot (tries 0, not successful).
    expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '1.0.0' });
    server.behaviour.offer = undefined;
    server.requests.length = 0;
    const report = await agent().runOnce();
    expect(report.boot).toEqual({ kind: 'fell-back', version: '1.0.0' });
    expect(sent()).toEqual(['check 3/0/44']);
  });

  it('waits for the reboot window, and does not reboot with strategy off', async () => {
    const now = new Date(2024, 0, 4, 12, 0); // a Thursday, noon
    await rig.updateConf({ LOCKSMITHD_REBOOT_WINDOW_START: 'Thu 14:00', LOCKSMITHD_REBOOT_WINDOW_LENGTH: '1h' });
    offer('2.0.0');
    const clock = { now: () => now };
    const report = await agent({ clock }).runOnce();
    expect(report.reboot).toEqual({ kind: 'window', waitMs: 2 * 3600_000 });
    expect(reboots).toEqual([]);
    const inside = { now: () => new Date(2024, 0, 4, 14, 30) };
    expect(await agent({ clock: inside }).rebootIfNeeded()).toEqual({ kind: 'rebooted' });
    await rig.updateConf({ REBOOT_STRATEGY: 'off' });
    expect(await agent({ clock: inside }).rebootIfNeeded()).toEqual({ kind: 'off' });
  });

  it('takes the reboot lock before rebooting and gives it back once the new boot is healthy', async () => {
    await rig.updateConf({ REBOOT_STRATEGY: 'etcd-lock' });
    const calls: string[] = [];
    let free = false;
    const lock = {
      acquire: async () => {
        calls.push('acquire');
        return free;
      },
      release: async () => {
        calls.push('release');
      },
    };
    offer('2.0.0');
    const first = await agent({ lock }).runOnce();
    expect(first.reboot).toEqual({ kind: 'lock-busy' });
    free = true;
    expect(await agent({ lock }).rebootIfNeeded()).toEqual({ kind: 'rebooted' });
    expect(calls).toEqual(['release', 'acquire', 'acquire']);
    await rig.boot();
    server.behaviour.offer = undefined;
    expect((await agent({ lock }).runOnce()).boot.kind).toBe('kept');
    expect(calls).toEqual(['release', 'acquire', 'acquire', 'release']);
  });
});

describe('downloads that break off', () => {
  it('resume with Range requests until the payload is in', async () => {
    const image = offer('2.0.0', 200 * 1024);
    server.behaviour.dropAfter = 48 * 1024;
    const report = await agent().runOnce();
    expect(report.check?.kind).toBe('updated');
    const starts = server.downloads.map((d) => Number(/^bytes=(\d+)-$/.exec(d.range ?? 'bytes=0-')![1]));
    // Each request picks up where the last one broke off (at most 48 KiB later; a reset may eat a few bytes).
    expect(starts[0]).toBe(0);
    expect(starts.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i]! - starts[i - 1]!).toBeGreaterThan(0);
      expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(48 * 1024);
    }
    expect((await rig.readSlot(4, image.bytes.length)).equals(image.bytes)).toBe(true);
  });

  it('keep what arrived when the transfer fails, and resume at the next check (flagged Resumed on failure)', async () => {
    const image = offer('2.0.0', 200 * 1024);
    server.behaviour.dropAfter = 64 * 1024;
    // The first run gets 64 KiB, then the payload URL stops working.
    const original = server.behaviour;
    let served = 0;
    Object.defineProperty(original, 'dropAfter', {
      get: () => (served++ === 0 ? 64 * 1024 : 0),
      configurable: true,
    });
    const failed = await agent({ attemptsPerUrl: 2 }).runOnce();
    expect(failed.check).toMatchObject({ kind: 'failed', code: 9 | 0x10000000 });
    const kept = (await agent().state()).install!;
    expect(kept).toMatchObject({ phase: 'download', version: '2.0.0' });
    // What arrived before the connection broke (the kernel may drop the last bytes with the reset).
    expect(kept.written).toBeGreaterThan(32 * 1024);
    expect(kept.written).toBeLessThanOrEqual(64 * 1024);
    // The server fails again once more: now the failure is flagged as one of a resumed download.
    const again = await agent({ attemptsPerUrl: 1 }).checkForUpdate();
    expect(again).toMatchObject({ kind: 'failed', code: 9 | 0x10000000 | 0x40000000 });
    Object.defineProperty(original, 'dropAfter', { value: undefined, writable: true, configurable: true });
    server.downloads.length = 0;
    expect((await agent().checkForUpdate()).kind).toBe('updated');
    expect(server.downloads[0]!.range).toBe(`bytes=${kept.written}-`);
    expect((await rig.readSlot(4, image.bytes.length)).equals(image.bytes)).toBe(true);
  });
});

describe('a boot on trial that the agent did not install', () => {
  it('is judged too: a slot prioritised by hand is marked good when healthy', async () => {
    const image = offer('2.0.0');
    await agent({ noReboot: true }).checkForUpdate();
    // Someone cancels through the agent and then puts the slot back by hand, as cgpt would.
    await agent({ noReboot: true }).rollback();
    const { openDisk, readGpt, prepareUpdate, writeGpt } = await import('@ballast/disk');
    const device = await openDisk(rig.disk, { writable: true });
    await writeGpt(device, prepareUpdate((await readGpt(device)).table, 4).table!);
    await device.close();
    // The cancel zeroed nothing: the bytes are still the image.
    expect((await rig.readSlot(4, image.bytes.length)).equals(image.bytes)).toBe(true);
    expect(await rig.boot()).toMatchObject({ ok: true, partition: 4 });
    server.behaviour.offer = undefined;
    const report = await agent().runOnce();
    expect(report.boot).toEqual({ kind: 'marked-good', version: '2.0.0' });
    expect((await rig.slots())[1]).toEqual({ number: 4, priority: 2, tries: 0, successful: true });
  });
});

describe('payloads that fail a check', () => {
  const cases: [string, (image: TestImage) => void, number, string][] = [
    [
      'a flipped bit',
      (image) => {
        const bytes = Buffer.from(image.bytes);
        bytes[5000] = bytes[5000]! ^ 0x10;
        server.behaviour.payloadBytes = bytes;
      },
      10,
      'PAYLOAD_HASH_MISMATCH',
    ],
    [
      'a truncated file',
      (image) => {
        server.behaviour.payloadBytes = image.bytes.subarray(0, image.bytes.length - 1000);
      },
      11,
      'PAYLOAD_SIZE_MISMATCH',
    ],
    [
      'a wrong size in the answer',
      (image) => {
        server.behaviour.announcedSize = image.bytes.length - 1;
      },
      11,
      'PAYLOAD_SIZE_MISMATCH',
    ],
    [
      'a wrong signature',
      (image) => {
        server.behaviour.signature = Buffer.alloc(64, 7).toString('base64');
        void image;
      },
      18,
      'PAYLOAD_SIGNATURE_INVALID',
    ],
    [
      'no signature',
      () => {
        server.behaviour.signature = null;
      },
      17,
      'PAYLOAD_SIGNATURE_MISSING',
    ],
  ];

  it.each(cases)('rejects %s, reports the code, and leaves the slot unbootable and wiped', async (_, spoil, code) => {
    const image = offer('2.0.0');
    spoil(image);
    const report = await agent().runOnce();
    // A self-hosted server is not Flatcar's production one: update_engine sets TestOmahaUrl (0x10000000).
    expect(report.check).toMatchObject({ kind: 'failed', code: code | 0x10000000 });
    expect(sent()).toContain(`event 3/0/${code | 0x10000000}`);
    expect(sent()).not.toContain('event 3/1');
    expect(await rig.slots()).toEqual([
      { number: 3, priority: 1, tries: 0, successful: true },
      { number: 4, priority: 0, tries: 0, successful: false },
    ]);
    expect((await rig.readSlot(4, 1024)).equals(Buffer.alloc(1024))).toBe(true);
    const state = await agent().state();
    expect(state).toMatchObject({ status: 'UPDATE_STATUS_IDLE', newVersion: '0.0.0', newSize: 0 });
    expect(state.install).toBeUndefined();
    expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '1.0.0' });
  });
});
