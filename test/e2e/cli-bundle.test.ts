// bin/ballast as `npm run build` leaves it: the butane and ignition commands run from the bundle that
// scripts/bundle-cli.mjs writes, compiled with a code cache saved by the first run. Every run here must give what
// the compiled modules give, byte for byte and with the same exit status, with and without the cache.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translateButane } from '@ballast/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/ensure-built.js';

const root = new URL('../../', import.meta.url).pathname;
const ballast = join(root, 'bin/ballast');
const bundleDir = join(root, 'packages/cli/dist/bundle');
const bundle = join(bundleDir, 'ballast.cjs');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(mode: 'bundle' | 'modules' | undefined, args: readonly string[], input = ''): Run {
  const env = { ...process.env };
  if (mode === undefined) delete env.BALLAST_CLI;
  else env.BALLAST_CLI = mode;
  const result = spawnSync(process.execPath, [ballast, ...args], { cwd: root, env, input });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const caches = (): string[] => readdirSync(bundleDir).filter((f) => f.endsWith('.cache'));

const small = `variant: flatcar
version: 1.1.0
passwd:
  users:
    - name: core
      ssh_authorized_keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample core@example]
storage:
  files:
    - path: /etc/app/app.conf
      mode: 0644
      contents:
        inline: |
          fleet update channel stable fleet update channel stable fleet update channel stable
          fleet update channel beta fleet update channel beta
systemd:
  units:
    - name: app.service
      enabled: true
      contents: "[Service]\\nExecStart=/usr/bin/app\\n[Install]\\nWantedBy=multi-user.target\\n"
`;
const warning = 'variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      mode: 644\n';
const invalid = 'variant: flatcar\nversion: 1.1.0\nstorage:\n  files:\n    - path: relative\n';

let dir = '';
beforeAll(() => {
  ensureBuilt();
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(join(tmpdir(), 'ballast-cli-bundle-'));
  writeFileSync(join(dir, 'small.bu'), small);
  writeFileSync(join(dir, 'warning.bu'), warning);
  writeFileSync(join(dir, 'invalid.bu'), invalid);
  writeFileSync(join(dir, 'small.ign'), translateButane(small).json ?? '');
}, 300_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('bin/ballast from the bundle', () => {
  const cases: [string, string[], string?][] = [
    ['a config', ['butane', 'DIR/small.bu']],
    ['pretty, from standard input', ['butane', '--pretty'], small],
    ['a local file from --files-dir', ['butane', '-d', 'examples/caddy', 'examples/caddy/caddy.bu']],
    ['a warning', ['butane', 'DIR/warning.bu']],
    ['a warning under --strict', ['butane', '--strict', 'DIR/warning.bu']],
    ['an error, raw', ['butane', '--raw-errors', 'DIR/invalid.bu']],
    ['a missing file', ['butane', 'DIR/missing.bu']],
    ['a bad flag', ['butane', '--no-such-flag']],
    ['ignition validate', ['ignition', 'validate', 'DIR/small.ign']],
    ['ignition merge', ['ignition', 'merge', 'DIR/small.ign', 'DIR/small.ign']],
    ['the help', ['--help']],
    ['the version', ['--version']],
    ['no command', []],
    ['an unknown command', ['nonsense']],
  ];

  it.each(cases)('runs %s as the modules do, with and without its code cache', (_, template, input) => {
    const args = template.map((a) => a.replace('DIR', dir));
    const expected = run('modules', args, input);
    for (const f of caches()) rmSync(join(bundleDir, f));
    expect(run('bundle', args, input), 'first run').toEqual(expected);
    expect(run('bundle', args, input), 'second run').toEqual(expected);
  });

  it('prints what the library translates, and saves a code cache only for a run that succeeded', () => {
    for (const f of caches()) rmSync(join(bundleDir, f));
    expect(run('bundle', ['butane', join(dir, 'invalid.bu')]).status).toBe(1);
    expect(caches()).toEqual([]);
    const ok = run('bundle', ['butane', join(dir, 'small.bu')]);
    expect(ok).toEqual({ status: 0, stdout: translateButane(small).json, stderr: '' });
    expect(caches()).toEqual(['ballast.cjs.butane.cache']);
  });

  it('replaces a damaged code cache instead of crashing on it', () => {
    for (const f of caches()) rmSync(join(bundleDir, f));
    const args = ['butane', join(dir, 'small.bu')];
    const expected = run('bundle', args);
    const cache = join(bundleDir, 'ballast.cjs.butane.cache');
    const bytes = readFileSync(cache);
    for (let at = 4096; at < bytes.length; at += 7919) bytes[at] = (bytes[at] as number) ^ 0x5a;
    writeFileSync(cache, bytes);
    expect(run('bundle', args)).toEqual(expected);
    expect(readFileSync(cache).equals(bytes)).toBe(false);
    expect(run('bundle', args)).toEqual(expected);
  });

  it('leaves a bundle older than the compiled packages alone, and its caches with it', () => {
    for (const f of caches()) rmSync(join(bundleDir, f));
    const { atime, mtime } = statSync(bundle);
    utimesSync(bundle, 0, 0);
    try {
      expect(run(undefined, ['butane', join(dir, 'small.bu')]).status).toBe(0);
      expect(caches()).toEqual([]);
    } finally {
      utimesSync(bundle, atime, mtime);
    }
  });

  it('leaves the other commands to the modules', () => {
    for (const f of caches()) rmSync(join(bundleDir, f));
    const help = run(undefined, ['disk', '--help']);
    expect(help.status).toBe(0);
    expect(caches()).toEqual([]);
    expect(existsSync(bundle)).toBe(true);
  });
});
