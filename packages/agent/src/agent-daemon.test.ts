import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import { seededRandom } from './clock.js';
import { createServedRig, type NodeRig, type TestServer, testImage } from './node-rig.test-helper.js';

let rig: NodeRig;
let server: TestServer;

beforeEach(async () => {
  ({ rig, server } = await createServedRig({ version: '1.0.0' }));
});

afterEach(async () => {
  await server.close();
  await rig.cleanup();
});

/** A clock that moves only when the daemon sleeps: hours of schedule run in milliseconds. */
function steppingClock(start: Date) {
  let now = start.getTime();
  return {
    clock: { now: () => new Date(now) },
    sleep: async (ms: number) => {
      now += ms;
    },
    minutesSince: (t: number) => (now - t) / 60_000,
    now: () => now,
  };
}

/** Runs the daemon until `stop` says so after an update check; returns the minutes at which checks happened. */
async function daemon(options: {
  start: Date;
  stopAfterChecks: number;
  onCheck?: (index: number) => void;
  reboot?: (reason: string, minute: number) => void;
}): Promise<{ checks: number[]; pings: number[] }> {
  const time = steppingClock(options.start);
  const controller = new AbortController();
  const checks: number[] = [];
  const pings: number[] = [];
  const counted = server.requests.length;
  const agent = new Agent({
    root: rig.root,
    disk: rig.disk,
    clock: time.clock,
    sleep: time.sleep,
    random: seededRandom(42),
    checkpointBytes: 65536,
    reboot: async (reason) => {
      options.reboot?.(reason, time.minutesSince(options.start.getTime()));
      controller.abort();
    },
  });
  // Note the daemon's clock as each request arrives.
  const originalPush = server.requests.push.bind(server.requests);
  server.requests.push = (...items) => {
    for (const item of items) {
      const minute = time.minutesSince(options.start.getTime());
      if (item.updateCheck) {
        checks.push(minute);
        options.onCheck?.(checks.length);
        if (checks.length >= options.stopAfterChecks) controller.abort();
      } else if (item.ping && item.events.length === 0) pings.push(minute);
    }
    return originalPush(...items);
  };
  try {
    await agent.runDaemon(controller.signal);
  } finally {
    server.requests.push = originalPush;
  }
  expect(server.requests.length).toBeGreaterThan(counted);
  return { checks, pings };
}

describe('the daemon', () => {
  it('checks 2 to 12 minutes after start, then every 40 to 50 minutes', async () => {
    const { checks } = await daemon({ start: new Date(2024, 0, 1), stopAfterChecks: 6 });
    expect(checks[0]).toBeGreaterThanOrEqual(2);
    expect(checks[0]).toBeLessThanOrEqual(12);
    for (let i = 1; i < checks.length; i++) {
      expect(checks[i]! - checks[i - 1]!).toBeGreaterThanOrEqual(40);
      expect(checks[i]! - checks[i - 1]!).toBeLessThanOrEqual(50);
    }
  });

  it('backs off exponentially with jitter while the server fails, to 4 hours, and recovers', async () => {
    server.behaviour.checkStatus = 503;
    const { checks } = await daemon({
      start: new Date(2024, 0, 1),
      stopAfterChecks: 8,
      onCheck: (n) => {
        if (n === 6) delete server.behaviour.checkStatus;
      },
    });
    const gaps = checks.slice(1).map((t, i) => t - checks[i]!);
    // 45 ± 5, then 90 ± 45, 180 ± 90, 240 ± 120, 240 ± 120; then the server answers again: 45 ± 5.
    const ranges = [
      [40, 50],
      [45, 135],
      [90, 270],
      [120, 360],
      [120, 360],
      [40, 50],
      [40, 50],
    ];
    expect(gaps).toHaveLength(ranges.length);
    gaps.forEach((gap, i) => {
      expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(ranges[i]![0]!);
      expect(gap, `gap ${i}`).toBeLessThanOrEqual(ranges[i]![1]!);
    });
    // Each failed check was reported with update_engine's error event: 2000 + 503, flagged TestOmahaUrl.
    const errors = server.requests.flatMap((r) => r.events).filter((e) => e.type === 3 && e.result === 0);
    expect(errors.map((e) => e.errorCode)).toContain(2503 | 0x10000000);
  });

  it('follows the server’s poll interval', async () => {
    server.behaviour.pollInterval = 7200;
    const { checks } = await daemon({ start: new Date(2024, 0, 1), stopAfterChecks: 4 });
    for (let i = 1; i < checks.length; i++) {
      expect(checks[i]! - checks[i - 1]!).toBeGreaterThanOrEqual(60);
      expect(checks[i]! - checks[i - 1]!).toBeLessThanOrEqual(180);
    }
  });

  it('installs an update, keeps pinging, and reboots when the window opens', async () => {
    await rig.updateConf({ LOCKSMITHD_REBOOT_WINDOW_START: 'Thu 14:00', LOCKSMITHD_REBOOT_WINDOW_LENGTH: '1h' });
    const image = testImage('2.0.0');
    rig.know(image);
    server.behaviour.offer = image;
    let rebootedAt: number | undefined;
    const start = new Date(2024, 0, 4, 9, 0); // Thursday 09:00
    const { checks, pings } = await daemon({
      start,
      stopAfterChecks: 99,
      reboot: (reason, minute) => {
        expect(reason).toBe('update to 2.0.0');
        rebootedAt = minute;
      },
    });
    expect(checks).toHaveLength(1);
    // Pings every 45 minutes or so until 14:00, then the reboot at the window's start.
    expect(pings.length).toBeGreaterThanOrEqual(5);
    expect(rebootedAt).toBe(5 * 60);
    expect(await rig.boot()).toEqual({ ok: true, partition: 4, version: '2.0.0' });
  });

  it('checks at once, as an on-demand check, when asked', async () => {
    const agent = new Agent({
      root: rig.root,
      disk: rig.disk,
      random: seededRandom(1),
      // The clock stands still: only the request can wake the daemon.
      sleep: (_, signal) =>
        new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true })),
    });
    const controller = new AbortController();
    const running = agent.runDaemon(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(0);
    agent.requestCheck();
    for (let i = 0; i < 100 && server.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await running;
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.request.installSource).toBe('ondemandupdate');
  });
});

describe('manual rollback', () => {
  const quiet = { log: () => undefined };

  it('cancels an installed update that has not been booted', async () => {
    const image = testImage('2.0.0');
    server.behaviour.offer = image;
    const agent = new Agent({ root: rig.root, disk: rig.disk, noReboot: true, ...quiet });
    expect((await agent.checkForUpdate()).kind).toBe('updated');
    expect(await agent.rollback()).toEqual({ kind: 'cancelled', version: '2.0.0' });
    expect((await rig.slots())[1]).toEqual({ number: 4, priority: 0, tries: 0, successful: false });
    expect(await agent.state()).toMatchObject({ status: 'UPDATE_STATUS_IDLE', newVersion: '0.0.0' });
    expect(await rig.boot()).toMatchObject({ ok: true, partition: 3 });
  });

  it('goes back to the previous slot after a kept update, and the next check reports the rollback', async () => {
    const image = testImage('2.0.0');
    rig.know(image);
    server.behaviour.offer = image;
    const reboots: string[] = [];
    const agent = new Agent({
      root: rig.root,
      disk: rig.disk,
      reboot: async (r) => {
        reboots.push(r);
      },
      ...quiet,
    });
    await agent.runOnce();
    await rig.boot();
    server.behaviour.offer = undefined;
    expect((await agent.runOnce()).boot.kind).toBe('kept');
    expect(await agent.rollback()).toEqual({ kind: 'rolled-back', partition: 3, rebooted: true });
    expect(reboots).toEqual(['update to 2.0.0', 'rollback to partition 3']);
    expect(await rig.boot()).toEqual({ ok: true, partition: 3, version: '1.0.0' });
    server.requests.length = 0;
    await agent.runOnce();
    expect(server.requests[0]!.events).toEqual([{ type: 3, result: 0, errorCode: 44 }]);
  });

  it('refuses when the other slot never booted', async () => {
    const agent = new Agent({ root: rig.root, disk: rig.disk, noReboot: true, ...quiet });
    await expect(agent.rollback()).rejects.toMatchObject({ code: 'ROLLBACK_UNAVAILABLE' });
  });
});
