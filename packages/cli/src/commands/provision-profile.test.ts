import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, silentLogger, startServer } from '@ballast/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../test-io.js';
import { run as group } from './provision-group.js';
import { run as profile } from './provision-profile.js';

let server: RunningServer;
let token: string;
let dir: string;

beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', db: 'sqlite::memory:', logger: silentLogger });
  token = (await server.ready).initialAdminToken!;
  dir = mkdtempSync(join(tmpdir(), 'ballast-provision-cli-'));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(command: typeof profile, args: readonly string[], withToken = true) {
  const io = captureIo();
  const code = await command([...args, '--server', server.url, ...(withToken ? ['--token', token] : [])], io);
  return { code, out: io.out(), err: io.err() };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ballast provision profile and group', () => {
  it('puts, lists, shows and deletes profiles and groups, and shows what a machine gets', async () => {
    const butane = file('worker.yaml', 'variant: flatcar\nversion: 1.0.0\npasswd:\n  users:\n    - name: {{.user}}\n');
    const put = await cli(profile, [
      'put',
      'worker',
      '--config',
      butane,
      '--kernel',
      'http://assets/vmlinuz',
      '--initrd',
      'http://assets/initrd.cpio.gz',
      '--arg',
      'console=ttyS0',
    ]);
    expect(put).toEqual({ code: 0, out: 'Created machine profile worker\n', err: '' });
    expect((await cli(profile, ['put', 'worker', '--config', butane])).out).toBe('Replaced machine profile worker\n');
    const ign = file('plain.ign', '{"ignition": {"version": "3.3.0"}}');
    expect((await cli(profile, ['put', 'plain', '--config', ign])).code).toBe(0);
    expect((await cli(profile, ['show', 'plain', '--json'])).out).toContain('"config_format": "ignition"');
    expect((await cli(profile, ['list'])).out).toBe(
      'ID      FORMAT    BOOT  NAME\nplain   ignition  -     plain\nworker  butane    -     worker\n',
    );

    const metadata = file('meta.json', '{"user": "core", "keys": ["a"]}');
    const created = await cli(group, [
      'put',
      'node1',
      '--profile',
      'worker',
      '--selector',
      'mac=52-54-00-89-D8-10',
      '--metadata',
      metadata,
      '--set',
      'user=admin',
    ]);
    expect(created).toEqual({ code: 0, out: 'Created machine group node1\n', err: '' });
    const shown = JSON.parse((await cli(group, ['show', 'node1', '--json'])).out);
    expect(shown).toMatchObject({ selector: { mac: '52:54:00:89:d8:10' }, metadata: { user: 'admin', keys: ['a'] } });
    expect((await cli(group, ['list'])).out).toBe('ID     PROFILE  SELECTOR\nnode1  worker   mac=52:54:00:89:d8:10\n');

    const match = await cli(group, ['match', '--mac', '52:54:00:89:d8:10']);
    expect(match.code).toBe(0);
    expect(match.err).toBe('Group node1, profile worker\n');
    expect(JSON.parse(match.out)).toEqual({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'admin' }] } });
    const none = await cli(group, ['match', '--mac', '52:54:00:00:00:01']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('[NO_MATCHING_GROUP]');

    const inUse = await cli(profile, ['delete', 'worker']);
    expect(inUse.code).toBe(1);
    expect(inUse.err).toContain('[PROFILE_IN_USE]');
    expect((await cli(group, ['delete', 'node1'])).code).toBe(0);
    expect((await cli(profile, ['delete', 'worker'])).out).toBe('Deleted machine profile worker\n');
  });

  it('prints each field the server refused, and needs an admin token to write', async () => {
    const refused = await cli(group, ['put', 'bad', '--profile', 'nope', '--selector', 'mac=zz']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'ballast provision group put: Invalid input: selector.mac: Not a MAC address: "zz" (expected e.g. 52:54:00:89:d8:10) [INVALID_INPUT]\n  selector.mac: Not a MAC address: "zz" (expected e.g. 52:54:00:89:d8:10)\n',
    );
    const anonymous = await cli(profile, ['list'], false);
    expect(anonymous.code).toBe(1);
    expect(anonymous.err).toContain('[UNAUTHORIZED]');
  });

  it('refuses bad usage with a hint, and says when the server cannot be reached', async () => {
    await expect(cli(group, ['put', 'x'])).rejects.toThrow('--profile');
    await expect(cli(group, ['put', 'x', '--profile', 'p', '--selector', 'novalue'])).rejects.toThrow('KEY=VALUE');
    await expect(cli(profile, ['put', 'x'])).rejects.toThrow('--config');
    await expect(cli(profile, ['frobnicate'])).rejects.toThrow("unknown command 'provision profile frobnicate'");
    const io = captureIo();
    expect(await profile(['list', '--server', 'http://127.0.0.1:1'], io)).toBe(1);
    expect(io.err()).toContain('Cannot reach the server at http://127.0.0.1:1');
    const help = captureIo();
    expect(await group(['--help'], help)).toBe(0);
    expect(help.out()).toContain('ballast provision group match');
  });

  it('shows one for people or as JSON, refuses --file beside the options it holds, and says when there are none', async () => {
    const whole = file(
      'shown.json',
      '{"config": "variant: flatcar\\nversion: 1.0.0\\n", "boot": {"kernel": "http://k", "initrd": ["http://i"], "args": ["a=b"]}}',
    );
    await expect(cli(profile, ['put', 'shown', '--file', whole, '--kernel', 'k'])).rejects.toThrow(
      '--file holds the whole profile; give --config and --kernel in it instead',
    );
    expect(await cli(profile, ['put', 'shown', '--file', whole])).toEqual({
      code: 0,
      out: 'Created machine profile shown\n',
      err: '',
    });
    expect((await cli(profile, ['show', 'shown'])).out).toMatch(
      /^id: {6}shown\nname: {4}shown\nformat: {2}butane\nkernel: {2}http:\/\/k\ninitrd: {2}http:\/\/i\nargs: {4}a=b\nupdated: \S+\n\nvariant: flatcar\nversion: 1\.0\.0\n$/,
    );

    await expect(cli(group, ['put', 'dflt', '--file', whole, '--profile', 'shown'])).rejects.toThrow(
      '--file holds the whole group; give the profile and selector in it instead',
    );
    const put = await cli(group, ['put', 'dflt', '--profile', 'shown', '--json']);
    expect(JSON.parse(put.out)).toMatchObject({ id: 'dflt', profile: 'shown', selector: {} });
    expect((await cli(group, ['show', 'dflt'])).out).toContain('selector: (none: the default group)\n');
    expect((await cli(group, ['list'])).out).toBe('ID    PROFILE  SELECTOR\ndflt  shown    (default)\n');
    await expect(cli(group, ['toString'])).rejects.toThrow(
      "unknown command 'provision group toString'; try list, show, put, delete or match",
    );

    expect(await cli(group, ['delete', 'dflt', '--json'])).toEqual({ code: 0, out: '', err: '' });
    expect((await cli(profile, ['delete', 'shown'])).out).toBe('Deleted machine profile shown\n');
    expect(await cli(group, ['list'])).toEqual({
      code: 0,
      out: '',
      err: 'No machine groups yet; add one with `ballast provision group put`\n',
    });
  });
});
