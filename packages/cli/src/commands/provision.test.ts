import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../test-io.js';
import { run as applyCommand } from './provision-apply.js';
import { run as runCommand } from './provision-run.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-cli-provision-'));
  await mkdir(join(dir, 'root/etc'), { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = (files: unknown[]) => JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files } });

describe('ballast provision apply', () => {
  it('applies a config file to the root', async () => {
    await writeFile(join(dir, 'c.ign'), config([{ path: '/etc/motd', contents: { source: 'data:,hi' } }]));
    const io = captureIo();
    expect(await applyCommand(['--root', join(dir, 'root'), join(dir, 'c.ign')], io)).toBe(0);
    expect(await readFile(join(dir, 'root/etc/motd'), 'utf8')).toBe('hi');
    expect((await stat(join(dir, 'root/etc/.ignition-result.json'))).mode & 0o777).toBe(0o600);
    expect(io.out()).toContain('provisioned');
  });

  it('reads the config from standard input', async () => {
    const io = captureIo(config([{ path: '/etc/x', contents: { source: 'data:,x' } }]));
    expect(await applyCommand(['-r', join(dir, 'root'), '-'], io)).toBe(0);
    expect(await readFile(join(dir, 'root/etc/x'), 'utf8')).toBe('x');
  });

  it('names the failing entry and exits 1', async () => {
    await writeFile(join(dir, 'root/etc/hostname'), 'old');
    await writeFile(join(dir, 'c.ign'), config([{ path: '/etc/hostname', contents: { source: 'data:,new' } }]));
    const io = captureIo();
    expect(await applyCommand(['--root', join(dir, 'root'), join(dir, 'c.ign')], io)).toBe(1);
    expect(io.err()).toBe(
      'ballast provision apply: storage.files.0 /etc/hostname: A file exists there already and overwrite is false [NODE_EXISTS]\n',
    );
  });

  it('reports an invalid config with its findings', async () => {
    await writeFile(join(dir, 'c.ign'), config([{ path: 'relative' }]));
    const io = captureIo();
    expect(await applyCommand(['--root', join(dir, 'root'), join(dir, 'c.ign')], io)).toBe(1);
    expect(io.err()).toContain('storage.files.0.path: path not absolute');
    expect(io.err()).toContain('[CONFIG_INVALID]');
  });

  it('requires --root and one config', async () => {
    await expect(applyCommand([join(dir, 'c.ign')], captureIo())).rejects.toThrow('--root DIR is required');
    await expect(applyCommand(['--root', dir], captureIo())).rejects.toThrow('exactly one CONFIG');
  });
});

describe('ballast provision run', () => {
  it('does nothing without the first-boot flag', async () => {
    const io = captureIo();
    expect(await runCommand(['--root', join(dir, 'root')], io)).toBe(0);
    expect(io.out()).toContain('not a first boot');
  });

  it('applies the config named by --config on first boot and removes the flag', async () => {
    await mkdir(join(dir, 'root/boot/flatcar'), { recursive: true });
    await writeFile(join(dir, 'root/boot/flatcar/first_boot'), '');
    await writeFile(join(dir, 'c.ign'), config([{ path: '/etc/first', contents: { source: 'data:,1' } }]));
    const io = captureIo();
    expect(await runCommand(['--root', join(dir, 'root'), '--config', join(dir, 'c.ign')], io)).toBe(0);
    expect(await readFile(join(dir, 'root/etc/first'), 'utf8')).toBe('1');
    await expect(stat(join(dir, 'root/boot/flatcar/first_boot'))).rejects.toThrow();
  });
});
