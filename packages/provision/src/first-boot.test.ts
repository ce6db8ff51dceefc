import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configUrlFromCmdline, runFirstBoot } from './first-boot.js';
import { tempDir } from './reference-ignition.test-helper.js';

const config = (path: string) =>
  JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path, contents: { source: 'data:,x' } }] } });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/node.ign') response.end(config('/etc/from-url'));
    else if (request.url === '/latest/user-data') response.end(config('/etc/from-user-data'));
    else if (request.url === '/cloud-config/user-data') response.end('#cloud-config\nhostname: x\n');
    else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let root: string;
beforeEach(async () => {
  root = await tempDir('firstboot');
  await mkdir(join(root, 'boot/flatcar'), { recursive: true });
  await mkdir(join(root, 'proc'));
  await writeFile(join(root, 'boot/flatcar/first_boot'), '');
  await writeFile(join(root, 'proc/cmdline'), 'root=LABEL=ROOT console=ttyS0\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const exists = (path: string) =>
  stat(join(root, path)).then(
    () => true,
    () => false,
  );
const result = async () => JSON.parse(await readFile(join(root, 'etc/.ignition-result.json'), 'utf8'));

describe('runFirstBoot', () => {
  it('does nothing without /boot/flatcar/first_boot', async () => {
    await rm(join(root, 'boot/flatcar/first_boot'));
    expect(await runFirstBoot({ root, configFile: '/nonexistent' })).toEqual({ applied: false });
    expect(await exists('etc')).toBe(false);
  });

  it('takes ignition.config.url from the kernel command line and removes the flag', async () => {
    await writeFile(
      join(root, 'proc/cmdline'),
      `console=ttyS0 ignition.config.url=${base}/node.ign flatcar.first_boot=1\n`,
    );
    const outcome = await runFirstBoot({ root, bootId: 'b' });
    expect(outcome.source).toBe(`cmdline:${base}/node.ign`);
    expect(await exists('etc/from-url')).toBe(true);
    expect(await exists('boot/flatcar/first_boot')).toBe(false);
    expect((await result()).userConfigProvided).toBe(true);
  });

  it('reads QEMU fw_cfg opt/org.flatcar-linux/config', async () => {
    const dir = join(root, 'sys/firmware/qemu_fw_cfg/by_name/opt/org.flatcar-linux/config');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'raw'), config('/etc/from-fw-cfg'));
    expect((await runFirstBoot({ root })).source).toBe('qemu-fw-cfg');
    expect(await exists('etc/from-fw-cfg')).toBe(true);
  });

  it('reads oem:/// URLs from the OEM partition', async () => {
    await mkdir(join(root, 'usr/share/oem'), { recursive: true });
    await writeFile(join(root, 'usr/share/oem/config.ign'), config('/etc/from-oem'));
    await writeFile(join(root, 'proc/cmdline'), 'ignition.config.url=oem:///config.ign');
    await runFirstBoot({ root });
    expect(await exists('etc/from-oem')).toBe(true);
  });

  it('fetches cloud user data last, and applies an empty config when there is none', async () => {
    expect((await runFirstBoot({ root, userDataUrl: `${base}/latest/user-data` })).source).toBe(
      `user-data:${base}/latest/user-data`,
    );
    expect(await exists('etc/from-user-data')).toBe(true);

    await writeFile(join(root, 'boot/flatcar/first_boot'), '');
    await rm(join(root, 'etc'), { recursive: true });
    const outcome = await runFirstBoot({ root, userDataUrl: `${base}/none` });
    expect(outcome).toMatchObject({ applied: true });
    expect(outcome.source).toBeUndefined();
    expect((await result()).userConfigProvided).toBe(false);
  });

  it('leaves coreos-cloudinit user data alone', async () => {
    const outcome = await runFirstBoot({ root, userDataUrl: `${base}/cloud-config/user-data` });
    expect(outcome.source).toBeUndefined();
    expect((await result()).userConfigProvided).toBe(false);
  });

  it('keeps the flag when applying fails, so the next boot tries again', async () => {
    await writeFile(join(root, 'c.ign'), '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]}}');
    await expect(runFirstBoot({ root, configFile: join(root, 'c.ign') })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(await exists('boot/flatcar/first_boot')).toBe(true);
  });
});

describe('configUrlFromCmdline', () => {
  it('takes the last ignition.config.url', () => {
    expect(configUrlFromCmdline('a ignition.config.url=http://x/1 b ignition.config.url=http://x/2')).toBe(
      'http://x/2',
    );
    expect(configUrlFromCmdline('quiet')).toBeUndefined();
    expect(configUrlFromCmdline('ignition.config.url=')).toBeUndefined();
  });
});
