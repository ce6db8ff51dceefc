import { createHash } from 'node:crypto';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipGo } from '@ballast/config';
import { afterAll, describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { ProvisionError } from './provision-error.js';
import { haveIgnition, makeBaseRoot, runReference, snapshot, tempDir } from './reference-ignition.test-helper.js';
import { parseConfigText } from './render-config.js';

// Each config below runs through Debian's real Ignition (2.14, spec up to 3.3.0) and through `apply`, on two
// copies of the same base root; the two trees must then agree entry by entry.

const dataUrl = (text: string) => `data:,${encodeURIComponent(text)}`;
const base64Url = (bytes: Uint8Array) => `data:;base64,${Buffer.from(bytes).toString('base64')}`;
const sha512 = (bytes: Uint8Array | string) => `sha512-${createHash('sha512').update(bytes).digest('hex')}`;
const unit = '[Unit]\nDescription=demo\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

interface Case {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly setup?: (root: string) => Promise<void>;
  readonly fails?: boolean;
  /**
   * Where we deliberately do better: Ignition writes the file and only then fails to look its owner up, leaving a
   * file with the wrong owner; we check owners first and leave the root as it was.
   */
  readonly oursWritesNothing?: boolean;
}

const v33 = (rest: Record<string, unknown>) => ({ ignition: { version: '3.3.0' }, ...rest });

const cases: Case[] = [
  {
    name: 'files from plain, base64 and gzip data URLs with modes, owners and verified hashes',
    config: v33({
      storage: {
        files: [
          { path: '/etc/motd', contents: { source: dataUrl('Hello from Ballast\n') }, mode: 0o644 },
          {
            path: '/opt/bin/tool',
            contents: { source: base64Url(new TextEncoder().encode('#!/bin/sh\necho hi\n')) },
            mode: 0o755,
            user: { id: 500 },
            group: { id: 501 },
          },
          {
            path: '/var/lib/data/blob.txt',
            contents: {
              source: base64Url(gzipGo(new TextEncoder().encode('compressed text\n'.repeat(20)))),
              compression: 'gzip',
              verification: { hash: sha512('compressed text\n'.repeat(20)) },
            },
          },
          { path: '/etc/empty' },
          { path: '/etc/owned', contents: { source: dataUrl('x') }, user: { name: 'bin' }, group: { name: 'wheel' } },
          { path: '/etc/private', contents: { source: dataUrl('secret') }, mode: 0o600 },
          { path: '/etc/setuid', contents: { source: dataUrl('s') }, mode: 0o4755 },
        ],
      },
    }),
  },
  {
    name: 'directories in depth order, with modes and owners, and their parents',
    config: v33({
      storage: {
        directories: [
          { path: '/srv/a/b/c', mode: 0o700, user: { name: 'bin' } },
          { path: '/srv/a', mode: 0o750, group: { id: 10 } },
          { path: '/var/log/app' },
          { path: '/root', mode: 0o750 },
        ],
        files: [{ path: '/srv/a/b/c/file', contents: { source: dataUrl('deep') } }],
      },
    }),
  },
  {
    name: 'symbolic and hard links, relative and absolute, before and after their targets',
    config: v33({
      storage: {
        files: [{ path: '/opt/deep/inside/target', contents: { source: dataUrl('target') } }],
        links: [
          { path: '/opt/hard', target: '/opt/deep/inside/target', hard: true },
          { path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' },
          { path: '/opt/rel', target: 'deep/inside/target' },
          { path: '/usr/local/bin/dangling', target: '../nowhere' },
          { path: '/opt/owned-link', target: '/opt/deep', user: { id: 7 }, group: { id: 8 } },
        ],
      },
    }),
  },
  {
    name: 'overwrite, append and permissions on what the root already holds',
    setup: async (root) => {
      await mkdir(join(root, 'etc/app'), { recursive: true, mode: 0o755 });
      await writeFile(join(root, 'etc/app/replace'), 'old contents\n', { mode: 0o600 });
      await writeFile(join(root, 'etc/app/append'), 'first line\n', { mode: 0o640 });
      await writeFile(join(root, 'etc/app/keep'), 'kept\n', { mode: 0o600 });
      await mkdir(join(root, 'etc/app/dir/sub'), { recursive: true });
      await writeFile(join(root, 'etc/app/dir/sub/x'), 'x');
      await symlink('/etc/app/keep', join(root, 'etc/app/link'));
      await mkdir(join(root, 'etc/existing-dir'), { mode: 0o711 });
    },
    config: v33({
      storage: {
        files: [
          { path: '/etc/app/replace', overwrite: true, contents: { source: dataUrl('new contents\n') } },
          {
            path: '/etc/app/append',
            append: [{ source: dataUrl('second line\n') }, { source: dataUrl('third line\n') }],
          },
          { path: '/etc/app/keep', mode: 0o644, user: { id: 42 } },
          { path: '/etc/app/dir', overwrite: true, contents: { source: dataUrl('now a file') } },
          { path: '/etc/app/new-appended', append: [{ source: dataUrl('only appended\n') }], mode: 0o600 },
          {
            path: '/etc/app/both',
            contents: { source: dataUrl('base\n') },
            append: [{ source: dataUrl('more\n') }],
          },
        ],
        directories: [{ path: '/etc/existing-dir', mode: 0o755 }],
        links: [
          { path: '/etc/app/link', target: '/etc/app/keep' },
          { path: '/etc/app/relinked', target: '/etc/motd', overwrite: true },
        ],
      },
    }),
  },
  {
    name: 'a file where one exists and overwrite is false fails, after the entries before it',
    setup: async (root) => {
      await writeFile(join(root, 'etc/hostname'), 'old\n');
    },
    config: v33({
      storage: {
        files: [
          { path: '/etc/a', contents: { source: dataUrl('a') } },
          { path: '/etc/hostname', contents: { source: dataUrl('new\n') } },
        ],
      },
    }),
    fails: true,
  },
  {
    name: 'a directory where a file exists fails',
    setup: async (root) => {
      await writeFile(join(root, 'etc/notadir'), 'file\n');
    },
    config: v33({ storage: { directories: [{ path: '/etc/notadir' }] } }),
    fails: true,
  },
  {
    name: 'a symlink where another one points elsewhere fails',
    setup: async (root) => {
      await symlink('/somewhere', join(root, 'etc/link'));
    },
    config: v33({ storage: { links: [{ path: '/etc/link', target: '/elsewhere' }] } }),
    fails: true,
  },
  {
    name: 'users and groups: create, modify, delete, with every field',
    config: v33({
      passwd: {
        groups: [
          { name: 'docker', gid: 233 },
          { name: 'ops', passwordHash: '$6$salt$hash', system: true },
          { name: 'stale', shouldExist: false },
        ],
        users: [
          {
            name: 'core',
            uid: 1001,
            gecos: 'CoreOS Admin',
            groups: ['sudo', 'docker'],
            passwordHash: '$6$rounds=4096$abc$def',
            sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza one@example', 'ssh-rsa AAAAB3Nza two@example'],
          },
          { name: 'svc', system: true, noCreateHome: true, shell: '/usr/sbin/nologin', primaryGroup: 'docker' },
          { name: 'dev', homeDir: '/srv/dev', noUserGroup: true, noLogInit: true },
          { name: 'old', shouldExist: false },
          { name: 'bin', gecos: 'binaries', passwordHash: '' },
          { name: 'keys', sshAuthorizedKeys: ['ssh-ed25519 AAAA keys\n'] },
        ],
      },
    }),
  },
  {
    name: 'SSH keys of a user without a home directory fail, as the user may not create it',
    config: v33({
      passwd: { users: [{ name: 'nohome', noCreateHome: true, sshAuthorizedKeys: ['ssh-ed25519 AAAA nohome'] }] },
    }),
    fails: true,
  },
  {
    name: 'systemd units: contents, drop-ins, enabled, disabled, masked, unmasked',
    setup: async (root) => {
      await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
      await symlink('/dev/null', join(root, 'etc/systemd/system/masked.service'));
    },
    config: v33({
      systemd: {
        units: [
          {
            name: 'app.service',
            enabled: true,
            contents: unit,
            dropins: [
              { name: '10-env.conf', contents: '[Service]\nEnvironment=A=1\n' },
              { name: '20-empty.conf', contents: '' },
              { name: '30-none.conf' },
            ],
          },
          { name: 'off.service', enabled: false },
          { name: 'hidden.service', mask: true },
          { name: 'masked.service', mask: false },
          { name: 'empty.service', contents: '' },
          { name: 'echo@.service', contents: unit },
          { name: 'timer.timer', dropins: [{ name: 'x.conf', contents: '[Timer]\n' }] },
        ],
      },
    }),
  },
  {
    name: 'merged and replacing configs from data URLs',
    config: v33({
      ignition: {
        version: '3.3.0',
        config: {
          merge: [
            {
              source: dataUrl(
                JSON.stringify({
                  ignition: { version: '3.1.0' },
                  storage: { files: [{ path: '/etc/from-merge', contents: { source: dataUrl('merged') } }] },
                }),
              ),
            },
            {
              source: dataUrl(
                JSON.stringify({
                  ignition: { version: '3.3.0' },
                  storage: { files: [{ path: '/etc/parent', mode: 0o600 }] },
                }),
              ),
              verification: {
                hash: sha512(
                  JSON.stringify({
                    ignition: { version: '3.3.0' },
                    storage: { files: [{ path: '/etc/parent', mode: 0o600 }] },
                  }),
                ),
              },
            },
          ],
        },
      },
      storage: { files: [{ path: '/etc/parent', contents: { source: dataUrl('parent') }, mode: 0o644 }] },
    }),
  },
  {
    name: 'a replaced config',
    config: v33({
      ignition: {
        version: '3.3.0',
        config: {
          replace: {
            source: dataUrl(
              JSON.stringify({
                ignition: { version: '3.2.0' },
                storage: { files: [{ path: '/etc/replaced', contents: { source: dataUrl('r') } }] },
              }),
            ),
          },
        },
      },
      storage: { files: [{ path: '/etc/not-written', contents: { source: dataUrl('n') } }] },
    }),
  },
  {
    name: 'entries owned by users and groups the same config creates',
    config: v33({
      passwd: { groups: [{ name: 'app', gid: 700 }], users: [{ name: 'app', uid: 700, primaryGroup: 'app' }] },
      storage: {
        directories: [{ path: '/var/lib/app', mode: 0o750, user: { name: 'app' }, group: { name: 'app' } }],
        files: [
          { path: '/var/lib/app/config', contents: { source: dataUrl('a=1\n') }, user: { name: 'app' }, mode: 0o640 },
        ],
        links: [{ path: '/var/lib/app/current', target: 'config', user: { name: 'app' }, group: { name: 'app' } }],
      },
    }),
  },
  {
    name: 'overwrite on directories and links, and hard links to symlinks',
    setup: async (root) => {
      await mkdir(join(root, 'srv/old/inner'), { recursive: true });
      await writeFile(join(root, 'srv/old/inner/file'), 'gone');
      await symlink('/etc/passwd', join(root, 'srv/pw'));
      await writeFile(join(root, 'srv/plain'), 'plain');
    },
    config: v33({
      storage: {
        directories: [{ path: '/srv/old', overwrite: true, mode: 0o700 }],
        links: [
          { path: '/srv/plain', target: '/etc/group', overwrite: true },
          { path: '/srv/hard-to-link', target: '/srv/pw', hard: true },
        ],
      },
    }),
  },
  {
    name: 'a missing user named by a file fails (before writing the file, unlike Ignition)',
    oursWritesNothing: true,
    config: v33({
      storage: { files: [{ path: '/etc/x', contents: { source: dataUrl('x') }, user: { name: 'ghost' } }] },
    }),
    fails: true,
  },
  {
    name: 'paths through symlinks that stay inside the root',
    setup: async (root) => {
      await mkdir(join(root, 'var/opt'), { recursive: true });
      await symlink('/var/opt', join(root, 'opt'));
      await symlink('../var', join(root, 'etc/var'));
    },
    config: v33({
      storage: {
        files: [
          { path: '/opt/inside/file', contents: { source: dataUrl('via absolute link') } },
          { path: '/etc/var/relative', contents: { source: dataUrl('via relative link') } },
        ],
        directories: [{ path: '/opt/dir', mode: 0o700 }],
      },
    }),
  },
];

describe.skipIf(!haveIgnition)('apply agrees with the real Ignition (2.14) on spec 3.3.0 configs', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(c.name, async () => {
      const dir = await tempDir('diff');
      dirs.push(dir);
      const theirs = join(dir, 'theirs');
      const ours = join(dir, 'ours');
      for (const root of [theirs, ours]) {
        await mkdir(root);
        await makeBaseRoot(root);
        await c.setup?.(root);
      }
      const base = await snapshot(ours);
      const text = JSON.stringify(c.config);
      const reference = await runReference(theirs, text);
      let failure: unknown;
      try {
        await apply(parseConfigText(text), { root: ours, bootId: 'boot' });
      } catch (error) {
        failure = error;
      }
      expect(reference.ok, reference.log).toBe(!c.fails);
      if (c.fails) expect(failure).toBeInstanceOf(ProvisionError);
      else expect(failure).toBeUndefined();
      if (c.oursWritesNothing) expect(await snapshot(ours)).toEqual(base);
      else expect(await snapshot(ours)).toEqual(await snapshot(theirs));
    });
  }
});
