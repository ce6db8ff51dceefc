import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIo } from '../test-io.js';

const example = new URL('../../../../examples/caddy/', import.meta.url).pathname;
const minimal = 'variant: flatcar\nversion: 1.0.0\n';

describe('ballast butane', () => {
  it('translates the Caddy example with its files directory', async () => {
    const io = captureIo();
    const code = await main(['butane', '--files-dir', example, join(example, 'caddy.bu')], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out().endsWith('}\n')).toBe(true);
    const config = JSON.parse(io.out());
    expect(config.ignition.version).toBe('3.3.0');
    expect(config.passwd.users[0]).toEqual({ name: 'caddy', noCreateHome: true, groups: ['docker'] });
    const logo = config.storage.files.find((f: { path: string }) => f.path.endsWith('.png'));
    const png = readFileSync(join(example, 'ballast-logo.png'));
    expect(logo.contents.source).toBe(`data:;base64,${png.toString('base64')}`);
    expect(config.systemd.units.map((u: { name: string }) => u.name)).toEqual([
      'update-engine.service',
      'caddy-webserver.service',
    ]);
  });

  it('reads standard input and writes compact JSON and a newline', async () => {
    const io = captureIo(minimal);
    expect(await main(['butane'], io)).toBe(0);
    expect(io.out()).toBe('{"ignition":{"version":"3.3.0"}}\n');
  });

  it('indents with --pretty', async () => {
    const io = captureIo(minimal);
    expect(await main(['butane', '-p'], io)).toBe(0);
    expect(io.out()).toBe('{\n  "ignition": {\n    "version": "3.3.0"\n  }\n}\n');
  });

  it('writes nothing with --check and writes a file with --output', async () => {
    const check = captureIo(minimal);
    expect(await main(['butane', '--check'], check)).toBe(0);
    expect(check.out()).toBe('');

    const dir = mkdtempSync(join(tmpdir(), 'ballast-butane-'));
    const out = join(dir, 'config.ign');
    expect(await main(['butane', '-o', out], captureIo(minimal))).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('{"ignition":{"version":"3.3.0"}}\n');
  });

  it('shows an error with the source line and a caret, and exits 1', async () => {
    const source = `${minimal}storage:\n  files:\n    - path: relative/path\n`;
    const io = captureIo(source);
    expect(await main(['butane'], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('error[$.storage.files.0.path]:');
    expect(io.err()).toContain('  --> <stdin>:5:13');
    expect(io.err()).toContain('5 |     - path: relative/path');
    expect(io.err()).toMatch(/\^{13} path not absolute/);
    expect(io.err().trimEnd().split('\n').at(-1)).toBe('Error translating config: config generated was invalid');
  });

  it('prints Butane raw errors with --raw-errors', async () => {
    const io = captureIo(`${minimal}storage:\n  files:\n    - path: relative/path\n`);
    expect(await main(['butane', '--raw-errors'], io)).toBe(1);
    expect(io.err()).toContain('error at $.storage.files.0.path, line 5 col 13: path not absolute\n');
  });

  it('fails on warnings with --strict', async () => {
    const source = `${minimal}unknown_key: 1\n`;
    const lenient = captureIo(source);
    expect(await main(['butane'], lenient)).toBe(0);
    expect(lenient.err()).toContain('warning');
    const strict = captureIo(source);
    expect(await main(['butane', '--strict'], strict)).toBe(1);
    expect(strict.err()).toContain('Config produced warnings and --strict was specified');
    expect(strict.out()).toBe('');
  });

  it('names the supported versions for an unknown variant', async () => {
    const io = captureIo('variant: fcos\nversion: 1.0.0\n');
    expect(await main(['butane'], io)).toBe(1);
    expect(io.err()).toContain('No translator exists for variant fcos with version 1.0.0');
    expect(io.err()).toContain('flatcar 1.0.0');
  });

  it('fails with the file name when the input cannot be read', async () => {
    const io = captureIo();
    expect(await main(['butane', '/nonexistent/config.bu'], io)).toBe(1);
    expect(io.err()).toMatch(/^failed to read \/nonexistent\/config.bu: /);
  });

  it('exits 2 on two input files or an unknown flag', async () => {
    expect(await main(['butane', 'a.bu', 'b.bu'], captureIo())).toBe(2);
    expect(await main(['butane', '--frobnicate'], captureIo())).toBe(2);
  });

  it('is accepted by ignition-validate', async () => {
    const io = captureIo();
    await main(['butane', '--files-dir', example, join(example, 'caddy.bu')], io);
    const dir = mkdtempSync(join(tmpdir(), 'ballast-butane-'));
    writeFileSync(join(dir, 'caddy.ign'), io.out());
    // Throws, and so fails the test, when ignition-validate rejects the config.
    execFileSync('ignition-validate', [join(dir, 'caddy.ign')]);
  });
});
