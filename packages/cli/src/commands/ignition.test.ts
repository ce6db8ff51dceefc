import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIo } from '../test-io.js';

function files(contents: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-ignition-'));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return (name) => join(dir, name);
}

/** What Debian's ignition-validate prints and how it exits, for comparison. */
function reference(file: string): { stdout: string; stderr: string; code: number } {
  try {
    return { stdout: execFileSync('ignition-validate', [file], { stdio: 'pipe' }).toString(), stderr: '', code: 0 };
  } catch (error) {
    const e = error as { stdout: Buffer; stderr: Buffer; status: number };
    return { stdout: e.stdout.toString(), stderr: e.stderr.toString(), code: e.status };
  }
}

const at = files({
  'valid.ign': '{"ignition":{"version":"3.3.0"}}',
  'invalid.ign': '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]},"foo":1}',
  'warning.ign': '{"ignition":{"version":"3.3.0"},"foo":1}',
  'truncated.ign': '{"ignition":{"version":"3.3.0"}',
  'parent.ign': '{"ignition":{"version":"3.2.0"},"storage":{"files":[{"path":"/a","contents":{"source":"data:,a"}}]}}',
  'child.ign': '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420},{"path":"/b"}]}}',
});

describe('ballast ignition validate', () => {
  it.each(['valid.ign', 'invalid.ign', 'warning.ign', 'truncated.ign'])(
    'prints what ignition-validate prints for %s',
    async (name) => {
      const io = captureIo();
      const code = await main(['ignition', 'validate', at(name)], io);
      const ref = reference(at(name));
      expect(io.out()).toBe(ref.stdout);
      expect(code).toBe(ref.code);
    },
  );

  it('prefixes each line with the file name for several files, and fails when any is invalid', async () => {
    const io = captureIo();
    expect(await main(['ignition', 'validate', at('valid.ign'), at('invalid.ign')], io)).toBe(1);
    expect(io.out()).toContain(
      `${at('invalid.ign')}: error at $.storage.files.0.path, line 1 col 61: path not absolute`,
    );
  });

  it('fails on warnings with --strict', async () => {
    expect(await main(['ignition', 'validate', at('warning.ign')], captureIo())).toBe(0);
    expect(await main(['ignition', 'validate', '--strict', at('warning.ign')], captureIo())).toBe(1);
  });

  it('reads standard input for -', async () => {
    const io = captureIo('{"ignition":{"version":"3.4.0"}}');
    expect(await main(['ignition', 'validate', '-'], io)).toBe(0);
  });

  it('exits 2 without files', async () => {
    expect(await main(['ignition', 'validate'], captureIo())).toBe(2);
  });
});

describe('ballast ignition merge', () => {
  it('upgrades to the newest spec and merges files by path', async () => {
    const io = captureIo();
    expect(await main(['ignition', 'merge', at('parent.ign'), at('child.ign')], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({
      ignition: { version: '3.3.0' },
      storage: {
        files: [{ path: '/a', contents: { source: 'data:,a' }, mode: 420 }, { path: '/b' }],
      },
    });
  });

  it('refuses an invalid config, naming it', async () => {
    const io = captureIo();
    expect(await main(['ignition', 'merge', at('parent.ign'), at('invalid.ign')], io)).toBe(1);
    expect(io.err()).toContain(`${at('invalid.ign')}: error at $.storage.files.0.path`);
    expect(io.out()).toBe('');
  });

  it('exits 2 with fewer than two configs', async () => {
    expect(await main(['ignition', 'merge', at('parent.ign')], captureIo())).toBe(2);
  });
});
