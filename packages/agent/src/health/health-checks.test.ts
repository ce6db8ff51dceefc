import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthConfig } from '../config/agent-config.js';
import { awaitHealth, healthProbes } from './health-checks.js';

let dir: string;
let server: Server;
let url: string;
let answer = 200;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-health-'));
  // A stand-in for systemctl: units named in $dir/active are active, as `systemctl is-active` reports them.
  await writeFile(
    join(dir, 'systemctl'),
    `#!/bin/sh
[ "$1" = is-active ] || exit 2
shift
rc=0
for unit in "$@"; do
  if grep -qx "$unit" "${dir}/active" 2>/dev/null; then echo active; else echo inactive; rc=3; fi
done
exit $rc
`,
  );
  await chmod(join(dir, 'systemctl'), 0o755);
  server = createServer((_, res) => {
    res.statusCode = answer;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const config = (patch: Partial<HealthConfig>): HealthConfig => ({
  units: [],
  httpUrl: undefined,
  command: undefined,
  deadlineMs: 60_000,
  intervalMs: 10_000,
  ...patch,
});

/** A clock that only moves when the checks sleep. */
function steppingClock() {
  let now = Date.UTC(2024, 0, 1);
  const sleeps: number[] = [];
  return {
    clock: { now: () => new Date(now) },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('health probes', () => {
  it('checks units with systemctl is-active and names the ones that are not active', async () => {
    await writeFile(join(dir, 'active'), 'docker.service\n');
    const [probe] = healthProbes(config({ units: ['docker.service', 'kubelet.service'] }), {
      systemctl: join(dir, 'systemctl'),
    });
    expect(await probe!.check()).toBe('kubelet.service is inactive');
    await writeFile(join(dir, 'active'), 'docker.service\nkubelet.service\n');
    expect(await probe!.check()).toBe('');
  });

  it('checks an HTTP endpoint for 2xx and a command for exit 0', async () => {
    const probes = healthProbes(config({ httpUrl: url, command: `test -e ${dir}/ready` }));
    expect(probes.map((p) => p.name)).toEqual([`http ${url}`, `command test -e ${dir}/ready`]);
    answer = 503;
    expect(await probes[0]!.check()).toBe(`${url} answered HTTP 503`);
    answer = 204;
    expect(await probes[0]!.check()).toBe('');
    expect(await probes[1]!.check()).toMatch(/failed \(exit 1\)/);
    await writeFile(join(dir, 'ready'), '');
    expect(await probes[1]!.check()).toBe('');
    await rm(join(dir, 'ready'));
  });
});

describe('awaitHealth', () => {
  it('is healthy at once without probes', async () => {
    const { clock, sleep } = steppingClock();
    expect(await awaitHealth([], { deadlineMs: 0, intervalMs: 1, clock, sleep })).toEqual({
      healthy: true,
      rounds: 1,
      problems: [],
    });
  });

  it('retries every interval until a round passes', async () => {
    const { clock, sleep, sleeps } = steppingClock();
    let calls = 0;
    const probe = { name: 'flaky', check: async () => (++calls < 3 ? 'not yet' : '') };
    const verdict = await awaitHealth([probe], { deadlineMs: 60_000, intervalMs: 10_000, clock, sleep });
    expect(verdict).toEqual({ healthy: true, rounds: 3, problems: [] });
    expect(sleeps).toEqual([10_000, 10_000]);
  });

  it('gives up at the deadline, counted from when the checks first started', async () => {
    const { clock, sleep, sleeps } = steppingClock();
    const probe = { name: 'down', check: async () => 'refused' };
    const verdict = await awaitHealth([probe], {
      deadlineMs: 25_000,
      intervalMs: 10_000,
      clock,
      sleep,
      startedAt: new Date(clock.now().getTime() - 10_000),
    });
    expect(verdict).toEqual({ healthy: false, rounds: 3, problems: ['down: refused'] });
    expect(sleeps).toEqual([10_000, 5_000]);
  });
});
