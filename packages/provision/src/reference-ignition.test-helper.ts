import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Ignition binary (package `ignition`, installed by scripts/setup). */
export const IGNITION = '/usr/lib/dracut/modules.d/30ignition/ignition';

/** True when the reference binary is installed. */
export const haveIgnition = existsSync(IGNITION);

/** Makes a temporary directory for one test. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ballast-provision-${prefix}-`));
  // Ignition writes SSH keys as the user (as_user), who must be able to reach the root.
  await chmod(dir, 0o755);
  return dir;
}

/**
 * Lays out a small root as a first boot finds it: passwd, group, shadow and gshadow with a few system accounts,
 * /home, /root, and an SELinux config (Debian's Ignition relabels after the files stage and reads it; the
 * reference run gets a `setfiles` that does nothing).
 */
export async function makeBaseRoot(root: string): Promise<void> {
  await mkdir(join(root, 'etc/selinux'), { recursive: true });
  await mkdir(join(root, 'home'), { mode: 0o755 });
  await mkdir(join(root, 'bin'), { mode: 0o755 });
  await mkdir(join(root, 'root'), { mode: 0o700 });
  await writeFile(join(root, 'etc/selinux/config'), 'SELINUXTYPE=targeted\n');
  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/bash\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nold:x:1500:1500::/home/old:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    { mode: 0o644 },
  );
  await writeFile(
    join(root, 'etc/group'),
    'root:x:0:\nbin:x:2:\nwheel:x:10:\nsudo:x:27:\nusers:x:100:\nold:x:1500:\nstale:x:1600:\nnogroup:x:65534:\n',
    { mode: 0o644 },
  );
  await writeFile(
    join(root, 'etc/shadow'),
    'root:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\nold:!:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n',
  );
  await writeFile(
    join(root, 'etc/gshadow'),
    'root:*::\nbin:*::\nwheel:*::\nsudo:*::\nusers:*::\nold:!::\nstale:!::\nnogroup:*::\n',
  );
  await chmod(join(root, 'etc/shadow'), 0o640);
  await chmod(join(root, 'etc/gshadow'), 0o640);
  await mkdir(join(root, 'home/old'), { mode: 0o700 });
  await chown(join(root, 'home/old'), 1500, 1500);
  await mkdir(join(root, 'var/mail'), { recursive: true });
  await writeFile(join(root, 'var/mail/old'), '');
  await chown(join(root, 'var/mail/old'), 1500, 1500);
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: 32 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * Runs the real Ignition's fetch-offline and files stages on a root, with the config file given through
 * IGNITION_CONFIG_FILE and its state, cache and flag files in a temporary directory.
 */
export async function runReference(root: string, config: string): Promise<{ ok: boolean; log: string }> {
  const work = await tempDir('reference');
  const stub = join(work, 'bin');
  await mkdir(stub);
  await writeFile(join(stub, 'setfiles'), '#!/bin/sh\ncat >/dev/null\nexit 0\n', { mode: 0o755 });
  const configFile = join(work, 'config.ign');
  await writeFile(configFile, config);
  const env = { ...process.env, IGNITION_CONFIG_FILE: configFile, PATH: `${stub}:${process.env.PATH ?? ''}` };
  const common = [
    '--platform=file',
    `--root=${root}`,
    '--log-to-stdout',
    `--config-cache=${join(work, 'cache.json')}`,
    `--state-file=${join(work, 'state')}`,
  ];
  try {
    const fetch = await exec(IGNITION, ['--stage=fetch-offline', `--neednet=${join(work, 'neednet')}`, ...common], env);
    if (fetch.code !== 0) return { ok: false, log: fetch.output };
    const files = await exec(IGNITION, ['--stage=files', ...common], env);
    return { ok: files.code === 0, log: fetch.output + files.output };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One entry of a tree, with what the comparison looks at. */
export interface TreeEntry {
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  readonly mode: string;
  readonly owner: string;
  readonly content?: string;
  readonly target?: string;
  /** The first path (in sorted order) sharing this entry's inode, for hard links. */
  readonly sameAs?: string;
}

// What changes by itself between two runs: the result file's boot ID and date, and the day count of the shadow
// files' "last change" field.
function normalize(path: string, text: string): string {
  if (path === '/etc/.ignition-result.json') {
    return text
      .replace(/"provisioningBootID": "[^"]*"/g, '"provisioningBootID": "BOOT"')
      .replace(/"provisioningDate": "[^"]*"/g, '"provisioningDate": "DATE"');
  }
  if (/^\/etc\/shadow-?$/.test(path)) {
    return text.replace(/^([^:\n]*:[^:\n]*:)\d*:/gm, '$1DAYS:');
  }
  if (path === '/etc/systemd/system-preset/20-ignition.preset') {
    // Ignition writes these lines in Go's map order, which changes from run to run.
    return `${text.split('\n').filter(Boolean).sort().join('\n')}\n`;
  }
  return text;
}

/** Lists a tree entry by entry: type, mode, owner, content (normalized), link target, hard-link identity. */
export async function snapshot(root: string): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  const inodes = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const host = join(root, rel);
    const info = await lstat(host);
    const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
    const owner = `${info.uid}:${info.gid}`;
    const key = rel === '' ? '/' : rel;
    if (info.isDirectory()) {
      out[key] = { type: 'directory', mode, owner };
      for (const name of (await readdir(host)).sort()) await walk(`${rel}/${name}`);
    } else if (info.isSymbolicLink()) {
      out[key] = { type: 'symlink', mode: '', owner, target: await readlink(host) };
    } else if (info.isFile()) {
      const id = `${info.dev}:${info.ino}`;
      const first = inodes.get(id);
      if (first === undefined) inodes.set(id, key);
      const content = normalize(key, await readFile(host, 'utf8'));
      out[key] = { type: 'file', mode, owner, content, ...(first !== undefined ? { sameAs: first } : {}) };
    } else {
      out[key] = { type: 'other', mode, owner };
    }
  };
  await walk('');
  return out;
}
