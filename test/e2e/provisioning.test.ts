// Serving configs to bare metal, end to end: a real `ballast server` process, a profile and a group created
// through the REST API (the profile with `ballast provision profile put`), the Ignition config a machine with a
// matching MAC address fetches from /ignition, applied to a temporary root by `ballast provision apply`.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ensureBuilt, type ServerProcess, startServerProcess } from './server-harness.js';

const root = new URL('../../', import.meta.url).pathname;

/** Runs `bin/ballast provision VERB ARGS`, the command as users run it. */
function ballast(command: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [join(root, 'bin/ballast'), 'provision', command, ...args], {
      cwd: root,
      stdio: 'pipe',
    }).toString();
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
    return { status: failed.status ?? 1, stdout: String(failed.stdout ?? ''), stderr: String(failed.stderr ?? '') };
  }
}

const WORKER = `variant: flatcar
version: 1.0.0
storage:
  files:
    - path: /etc/hostname
      mode: 0644
      contents:
        inline: {{.hostname}}
    - path: /etc/motd.d/welcome.conf
      mode: 0600
      contents:
        inline: |
          Welcome to {{.hostname}} in {{.rack}}
          {{.motd}}
  links:
    - path: /etc/localtime
      target: /usr/share/zoneinfo/{{.zone}}
systemd:
  units:
    - name: node-agent.service
      enabled: true
      contents: |
        [Service]
        ExecStart=/usr/bin/agent --name={{.hostname}}
        [Install]
        WantedBy=multi-user.target
`;

let dir: string;
let server: ServerProcess;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ballast-provisioning-e2e-'));
  server = await startServerProcess(['--db', `sqlite:${join(dir, 'ballast.db')}`]);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serving configs to bare metal', () => {
  it('serves the config of the group a MAC address matches, and ballast provision apply writes it to a root', async () => {
    const token = server.token!;
    const template = join(dir, 'worker.yaml');
    writeFileSync(template, WORKER);
    const profile = ballast('profile', [
      'put',
      'worker',
      '--config',
      template,
      '--kernel',
      'http://assets.example/flatcar_production_pxe.vmlinuz',
      '--initrd',
      'http://assets.example/flatcar_production_pxe_image.cpio.gz',
      '--server',
      server.url,
      '--token',
      token,
    ]);
    expect(profile, profile.stderr).toMatchObject({ status: 0, stdout: 'Created machine profile worker\n' });
    const group = await call(server, '/api/provisioning/groups', {
      method: 'POST',
      token,
      json: {
        id: 'node1',
        profile: 'worker',
        selector: { mac: '52:54:00:89:D8:10', rack: 'r3' },
        metadata: { hostname: 'node1', motd: 'Line one\nLine two: not a key', zone: 'Europe/Berlin' },
      },
    });
    expect(group.status, group.text).toBe(201);

    // The machine sends the MAC address as iPXE's ${mac:hexhyp} writes it, and labels it has.
    const script = await call(server, '/ipxe?mac=52-54-00-89-d8-10&rack=r3&uuid=&hostname=');
    expect(script.status).toBe(200);
    const configUrl = /ignition\.config\.url=(\S+)/.exec(script.text)?.[1];
    expect(configUrl).toBe(`${server.url}/ignition?mac=52:54:00:89:d8:10&rack=r3`);
    const answer = await fetch(configUrl!);
    expect(answer.status).toBe(200);
    const config = await answer.text();
    const configFile = join(dir, 'node1.ign');
    writeFileSync(configFile, config);

    const target = join(dir, 'root');
    mkdirSync(target);
    const applied = ballast('apply', ['--root', target, configFile]);
    expect(applied, applied.stderr).toMatchObject({ status: 0 });
    expect(readFileSync(join(target, 'etc/hostname'), 'utf8')).toBe('node1');
    expect(statSync(join(target, 'etc/hostname')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(target, 'etc/motd.d/welcome.conf'), 'utf8')).toBe(
      'Welcome to node1 in r3\nLine one\nLine two: not a key\n',
    );
    expect(statSync(join(target, 'etc/motd.d/welcome.conf')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(target, 'etc/systemd/system/node-agent.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/agent --name=node1\n',
    );
    expect(readFileSync(join(target, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8')).toContain(
      'enable node-agent.service',
    );
    expect(readlinkSync(join(target, 'etc/localtime'))).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(existsSync(join(target, 'etc/.ignition-result.json'))).toBe(true);
  });

  it('answers machines that match no group, or whose config is invalid, with a clear 4xx', async () => {
    const none = await call(server, '/ignition?mac=52:54:00:00:00:01');
    expect(none.status).toBe(404);
    expect(none.json().error).toBe('NO_MATCHING_GROUP');
    const put = await call(server, '/api/provisioning/groups/broken', {
      method: 'PUT',
      token: server.token,
      json: {
        profile: 'worker',
        selector: { mac: '52:54:00:00:00:02' },
        metadata: { hostname: 'x', motd: '', zone: 'UTC' },
      },
    });
    expect(put.status).toBe(201);
    const missing = await call(server, '/ignition?mac=52:54:00:00:00:02');
    expect(missing.status).toBe(422);
    expect(missing.json()).toMatchObject({
      error: 'TEMPLATE_INVALID',
      reports: [{ code: 'TEMPLATE_MISSING_VARIABLE', template_line: 13 }],
    });
  });
});
