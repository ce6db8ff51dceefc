import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from '@ballast/disk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { makeBaseRoot, tempDir } from './reference-ignition.test-helper.js';
import { parseConfigText } from './render-config.js';

// Spec 3.4.0 configs (Debian's Ignition 2.14 reads up to 3.3.0, so these run ours alone) and what the
// differential suite cannot show.

let root: string;
beforeEach(async () => {
  root = await tempDir('apply');
  await makeBaseRoot(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const v34 = (rest: Record<string, unknown>) =>
  parseConfigText(JSON.stringify({ ignition: { version: '3.4.0' }, ...rest }));
const mode = async (path: string) => (await lstat(join(root, path))).mode & 0o7777;

describe('apply, spec 3.4.0', () => {
  it('keeps setuid, setgid and sticky bits, which 3.4.0 allows and 3.3.0 masks', async () => {
    await apply(
      v34({
        storage: {
          files: [{ path: '/usr/local/bin/su-tool', contents: { source: 'data:,x' }, mode: 0o4755, user: { id: 5 } }],
          directories: [{ path: '/srv/shared', mode: 0o3777 }],
        },
      }),
      { root },
    );
    expect(await mode('usr/local/bin/su-tool')).toBe(0o4755);
    expect(await mode('srv/shared')).toBe(0o3777);
    const v33 = parseConfigText(
      JSON.stringify({
        ignition: { version: '3.3.0' },
        storage: { files: [{ path: '/etc/s', contents: { source: 'data:,x' }, mode: 0o4755 }] },
      }),
    );
    await apply(v33, { root });
    expect(await mode('etc/s')).toBe(0o755);
  });

  it('enables template instances on one preset line and disables through systemctl --root', async () => {
    const calls: string[][] = [];
    const runner: Runner = async (tool, args) => {
      calls.push([tool, ...args]);
      return { stdout: '', stderr: '', exitCode: 0 };
    };
    await apply(
      v34({
        systemd: {
          units: [
            { name: 'echo@.service', contents: '[Service]\n' },
            { name: 'echo@a.service', enabled: true },
            { name: 'echo@b.service', enabled: true },
            { name: 'echo@c.service', enabled: false },
            { name: 'plain.service', enabled: true },
          ],
        },
      }),
      { root, runner },
    );
    expect(await readFile(join(root, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8')).toBe(
      'enable echo@.service a b\ndisable echo@.service c\nenable plain.service\n',
    );
    expect(calls).toEqual([['systemctl', '--root', root, 'disable', 'echo@.service c']]);
  });

  it('records the previous report when provisioning again, with its keys in Go order', async () => {
    const dates = [new Date('2026-01-02T03:04:05.678Z'), new Date('2026-02-03T04:05:06Z')];
    await apply(v34({}), { root, bootId: 'first', clock: { now: () => dates[0] as Date } });
    await apply(v34({}), { root, bootId: 'second', clock: { now: () => dates[1] as Date } });
    expect(await readFile(join(root, 'etc/.ignition-result.json'), 'utf8')).toBe(
      `${JSON.stringify(
        {
          provisioningBootID: 'second',
          provisioningDate: '2026-02-03T04:05:06Z',
          userConfigProvided: true,
          previousReport: {
            provisioningBootID: 'first',
            provisioningDate: '2026-01-02T03:04:05Z',
            userConfigProvided: true,
          },
        },
        null,
        2,
      )}\n`,
    );
    expect(await mode('etc/.ignition-result.json')).toBe(0o600);
  });

  it('refuses LUKS volumes instead of skipping them', async () => {
    await expect(
      apply(v34({ storage: { luks: [{ name: 'data', device: '/dev/vdb' }] } }), { root }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED', message: 'storage.luks: LUKS volumes are not supported yet' });
  });

  it('refuses two entries that resolve to the same place through a link', async () => {
    await mkdir(join(root, 'real'));
    await writeFile(join(root, 'marker'), '');
    const { symlink } = await import('node:fs/promises');
    await symlink('/real', join(root, 'alias'));
    await expect(
      apply(
        v34({
          storage: {
            files: [
              { path: '/real/x', contents: { source: 'data:,1' } },
              { path: '/alias/x', contents: { source: 'data:,2' } },
            ],
          },
        }),
        { root },
      ),
    ).rejects.toMatchObject({
      code: 'ENTRY_CONFLICT',
      message:
        'storage.files.1 /alias/x: File at /alias/x resolved to /real/x after symlink chasing, but another entry with path /real/x also resolves there',
    });
  });

  it('logs each operation as Ignition names it', async () => {
    const lines: string[] = [];
    await apply(
      v34({
        storage: {
          files: [{ path: '/etc/a', contents: { source: 'data:,a' } }],
          links: [{ path: '/l', target: '/etc/a' }],
        },
      }),
      { root, log: (line) => lines.push(line), bootId: 'b' },
    );
    expect(lines).toContain('writing file "/etc/a"');
    expect(lines).toContain('writing link "/l" -> "/etc/a"');
  });
});
