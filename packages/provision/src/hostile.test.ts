import { createHash } from 'node:crypto';
import { chown, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { ProvisionError } from './provision-error.js';
import { makeBaseRoot, snapshot, tempDir } from './reference-ignition.test-helper.js';
import { parseConfigText } from './render-config.js';
import { resolveInRoot } from './root-path.js';

// Configs and roots that try to make a write land outside the root, or leave something half-written.

let dir: string;
let root: string;
let outside: string;

beforeEach(async () => {
  dir = await tempDir('hostile');
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await makeBaseRoot(root);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const v34 = (rest: Record<string, unknown>) =>
  parseConfigText(JSON.stringify({ ignition: { version: '3.4.0' }, ...rest }));
const dataUrl = (text: string) => `data:,${encodeURIComponent(text)}`;

async function outsideIsEmpty(): Promise<void> {
  expect(await readdir(outside)).toEqual([]);
}

async function failure(promise: Promise<unknown>): Promise<ProvisionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProvisionError) return error;
    throw error;
  }
  throw new Error('expected a ProvisionError');
}

describe('paths stay inside the root', () => {
  it('follows an absolute symlink in the root from the root, not from the host', async () => {
    await mkdir(join(root, 'srv'));
    await symlink(outside, join(root, 'srv/data'));
    await apply(v34({ storage: { files: [{ path: '/srv/data/x', contents: { source: dataUrl('x') } }] } }), { root });
    await outsideIsEmpty();
    expect(await readFile(join(root, outside, 'x'), 'utf8')).toBe('x');
  });

  it('does not let a relative symlink climb above the root', async () => {
    await symlink('../../../../../../..', join(root, 'up'));
    await apply(
      v34({
        storage: {
          files: [{ path: '/up/outside/file', contents: { source: dataUrl('f') } }],
          directories: [{ path: '/up/up/dir' }],
          links: [{ path: '/up/link', target: '/etc/passwd', hard: true }],
        },
      }),
      { root },
    );
    await outsideIsEmpty();
    expect(await readFile(join(root, 'outside/file'), 'utf8')).toBe('f');
    expect((await lstat(join(root, 'dir'))).isDirectory()).toBe(true);
    expect((await lstat(join(root, 'link'))).ino).toBe((await lstat(join(root, 'etc/passwd'))).ino);
  });

  it('keeps .. in config paths inside the root', async () => {
    // Validation refuses such paths ("path is not fully simplified"); a config built in code may still hold one.
    expect(() => v34({ storage: { files: [{ path: '/etc/../x' }] } })).toThrow('path is not fully simplified');
    const config = v34({ storage: { files: [{ path: '/x', contents: { source: dataUrl('x') } }] } });
    (config.storage.files[0] as { path: string }).path = '/etc/../../../../x';
    await apply(config, { root });
    await outsideIsEmpty();
    expect(await readFile(join(root, 'x'), 'utf8')).toBe('x');
  });

  it('follows chains of links from link to link, each inside the root', async () => {
    await symlink('/b', join(root, 'a'));
    await symlink('c/../d', join(root, 'b'));
    await mkdir(join(root, 'c'));
    await symlink(outside, join(root, 'd'));
    await apply(v34({ storage: { files: [{ path: '/a/file', contents: { source: dataUrl('chain') } }] } }), {
      root,
    });
    await outsideIsEmpty();
    expect(await readFile(join(root, outside, 'file'), 'utf8')).toBe('chain');
  });

  it('answers SYMLINK_LOOP for links that point at each other', async () => {
    await symlink('/loop2', join(root, 'loop1'));
    await symlink('/loop1', join(root, 'loop2'));
    const error = await failure(
      apply(v34({ storage: { files: [{ path: '/loop1/x', contents: { source: dataUrl('x') } }] } }), { root }),
    );
    expect(error.code).toBe('SYMLINK_LOOP');
    expect(error.message).toMatch(/^storage\.files\.0 \/loop1\/x: too many levels of symbolic links/);
  });

  it('replaces a symlink that is the entry itself instead of writing through it', async () => {
    await writeFile(join(outside, 'victim'), 'untouched');
    await symlink(join(outside, 'victim'), join(root, 'etc/motd'));
    const error = await failure(
      apply(v34({ storage: { files: [{ path: '/etc/motd', contents: { source: dataUrl('x') } }] } }), { root }),
    );
    expect(error.message).toBe(
      'storage.files.0 /etc/motd: A non regular file exists there already and overwrite is false',
    );
    await apply(
      v34({ storage: { files: [{ path: '/etc/motd', overwrite: true, contents: { source: dataUrl('x') } }] } }),
      { root },
    );
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
    expect(await readFile(join(root, 'etc/motd'), 'utf8')).toBe('x');
  });

  it('writes SSH keys, units and presets inside the root when their directories are links out of it', async () => {
    await mkdir(join(root, 'etc/systemd'), { recursive: true });
    await symlink(outside, join(root, 'etc/systemd/system'));
    await symlink(outside, join(root, 'etc/systemd/system-preset'));
    await mkdir(join(root, 'home'), { recursive: true });
    await symlink(outside, join(root, 'home/core'));
    await mkdir(join(root, outside), { recursive: true });
    await chown(join(root, outside), 1000, 1000);
    await apply(
      v34({
        passwd: {
          users: [{ name: 'core', uid: 1000, noCreateHome: true, sshAuthorizedKeys: ['ssh-ed25519 AAAA'] }],
        },
        systemd: { units: [{ name: 'a.service', contents: '[Service]\n', enabled: true, mask: false }] },
      }),
      { root },
    );
    await outsideIsEmpty();
    expect(await readFile(join(root, outside, '.ssh/authorized_keys.d/ignition'), 'utf8')).toBe('ssh-ed25519 AAAA\n');
    expect(await readFile(join(root, outside, 'a.service'), 'utf8')).toBe('[Service]\n');
    expect(await readFile(join(root, outside, '20-ignition.preset'), 'utf8')).toBe('enable a.service\n');
  });

  it('resolves any path and any links to a place under the root (property)', async () => {
    const names = fc.constantFrom('a', 'b', '..', '.', 'etc', outside.slice(1));
    const path = fc.array(names, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    const target = fc.oneof(
      path,
      path.map((p) => p.slice(1)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'etc/l'), target), { maxLength: 3 }),
        path,
        async (links, p) => {
          const sandbox = await tempDir('prop');
          const r = join(sandbox, 'r');
          await mkdir(join(r, 'etc'), { recursive: true });
          for (const [name, t] of links) await symlink(t, join(r, name)).catch(() => undefined);
          try {
            const host = await resolveInRoot(r, p);
            expect(host === r || host.startsWith(`${r}/`)).toBe(true);
          } catch (error) {
            expect((error as ProvisionError).code).toBe('SYMLINK_LOOP');
          } finally {
            await rm(sandbox, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('nothing half-written', () => {
  let server: Server;
  let base: string;
  const body = 'served contents\n';
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/truncated') {
        response.writeHead(200, { 'Content-Length': '1000' });
        response.write('only the start');
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      if (request.url === '/big') {
        response.writeHead(200);
        for (let i = 0; i < 64; i++) response.write(Buffer.alloc(1024, 0x61));
        response.end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = (source: string, hash?: string) =>
    v34({
      passwd: { users: [{ name: 'core' }] },
      storage: {
        files: [
          { path: '/etc/first', contents: { source: dataUrl('first') } },
          { path: '/etc/served', contents: { source, ...(hash ? { verification: { hash } } : {}) } },
        ],
      },
      systemd: { units: [{ name: 'a.service', contents: '[Service]\n' }] },
    });

  it('writes nothing, not even the entries before it, when a fetched file has the wrong hash', async () => {
    const before = await snapshot(root);
    const wrong = `sha512-${createHash('sha512').update('something else').digest('hex')}`;
    const error = await failure(apply(config(`${base}/file`, wrong), { root }));
    expect(error.code).toBe('FETCH_HASH_MISMATCH');
    expect(error.message).toMatch(
      /^storage\.files\.1 \/etc\/served: hash verification failed for http:\/\/127\.0\.0\.1/,
    );
    expect(await snapshot(root)).toEqual(before);
  });

  it('writes the file when the hash matches', async () => {
    const right = `sha512-${createHash('sha512').update(body).digest('hex')}`;
    await apply(config(`${base}/file`, right), { root, bootId: 'b' });
    expect(await readFile(join(root, 'etc/served'), 'utf8')).toBe(body);
  });

  it('writes nothing when a response is truncated', async () => {
    const before = await snapshot(root);
    const error = await failure(apply(config(`${base}/truncated`), { root }));
    expect(error.code).toBe('FETCH_TRUNCATED');
    expect(await snapshot(root)).toEqual(before);
  });

  it('writes nothing when a response is larger than allowed', async () => {
    const before = await snapshot(root);
    const error = await failure(apply(config(`${base}/big`), { root, fetchSettings: { maxBytes: 10_000 } }));
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(await snapshot(root)).toEqual(before);
  });

  it('leaves no temporary file behind when an entry fails', async () => {
    await writeFile(join(root, 'etc/taken'), 'taken');
    await failure(
      apply(
        v34({
          storage: {
            files: [
              { path: '/etc/new', contents: { source: dataUrl('n') } },
              { path: '/etc/taken', contents: { source: dataUrl('t') } },
            ],
          },
        }),
        { root },
      ),
    );
    expect((await readdir(join(root, 'etc'))).filter((name) => name.includes('tmp'))).toEqual([]);
    expect(await readFile(join(root, 'etc/taken'), 'utf8')).toBe('taken');
    expect(await readlink(join(root, 'etc/new')).catch(() => 'not a link')).toBe('not a link');
  });
});
