import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An etcd server started for a test file. */
export interface EtcdServer {
  /** Client URLs, e.g. `['http://127.0.0.1:41234']`. */
  readonly endpoints: readonly string[];
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel but never answered. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/** Options of `startEtcd`. */
export interface StartEtcdOptions {
  /** Extra command-line flags, e.g. TLS flags; `--listen-client-urls` and `--advertise-client-urls` may be replaced. */
  readonly flags?: readonly string[];
  /** The scheme of the client URLs: `https` when the flags configure TLS. */
  readonly scheme?: 'http' | 'https';
  /** Health check used to wait for the server: by default a plain HTTP GET of /health. */
  readonly ready?: (endpoint: string) => Promise<boolean>;
}

const ETCD = '/usr/bin/etcd';
const SETUP_HINT = 'etcd (Debian package etcd-server) is missing: run scripts/setup';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function httpHealthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

interface Member {
  readonly name: string;
  readonly client: string;
  readonly peer: string;
}

/** Spawns one member; resolves once it is healthy (which, in a cluster, needs a leader). */
async function spawnMember(
  member: Member,
  context: { root: string; cluster: string; options: StartEtcdOptions },
): Promise<EtcdServer & { kill(): Promise<void> }> {
  const { root, cluster, options } = context;
  const data = join(root, member.name);
  const args = [
    '--name',
    member.name,
    '--data-dir',
    data,
    '--listen-client-urls',
    member.client,
    '--advertise-client-urls',
    member.client,
    '--listen-peer-urls',
    member.peer,
    '--initial-advertise-peer-urls',
    member.peer,
    '--initial-cluster',
    cluster,
    '--initial-cluster-state',
    'new',
    '--logger',
    'zap',
    '--log-level',
    'error',
    ...(options.flags ?? []),
  ];
  const child = spawn(ETCD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGKILL');
  };
  // A test run that dies without calling stop() must not leave a server behind.
  process.once('exit', stopNow);
  const ready = options.ready ?? httpHealthy;
  const deadline = Date.now() + 30_000;
  while (!(await ready(member.client))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      process.removeListener('exit', stopNow);
      stopNow();
      const why = child.exitCode !== null ? `exited with status ${child.exitCode}` : 'did not become healthy in 30 s';
      throw new Error(`etcd ${why}: ${args.join(' ')}\n${stderr}`);
    }
    await sleep(50);
  }
  return {
    endpoints: [member.client],
    pause: () => {
      child.kill('SIGSTOP');
    },
    resume: () => {
      child.kill('SIGCONT');
    },
    async stop() {
      if (stopped) return;
      process.removeListener('exit', stopNow);
      stopped = true;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await Promise.race([exited(child), sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    },
    // Tearing a whole cluster down: no member needs to hand over leadership to the others that are going too.
    async kill() {
      if (stopped) return;
      process.removeListener('exit', stopNow);
      stopped = true;
      child.kill('SIGKILL');
      await Promise.race([exited(child), sleep(5000)]);
    },
  };
}

/** A cluster of etcd members started for a test file. */
export interface EtcdCluster {
  /** Every member's client URL, in member order. */
  readonly endpoints: readonly string[];
  readonly members: readonly EtcdServer[];
  /** Stops every member that still runs and deletes the data. */
  stop(): Promise<void>;
}

async function startClusterOnce(size: number, options: StartEtcdOptions): Promise<EtcdCluster> {
  const root = mkdtempSync(join(tmpdir(), 'ballast-etcd-'));
  const scheme = options.scheme ?? 'http';
  const members: Member[] = [];
  for (let i = 0; i < size; i++) {
    members.push({
      name: `member-${i}`,
      client: `${scheme}://127.0.0.1:${await freePort()}`,
      peer: `http://127.0.0.1:${await freePort()}`,
    });
  }
  const cluster = members.map((m) => `${m.name}=${m.peer}`).join(',');
  // Members of a new cluster wait for each other, so they start together.
  const started = await Promise.allSettled(members.map((m) => spawnMember(m, { root, cluster, options })));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stop = async () => {
    await Promise.all(servers.map((s) => s.kill()));
    rmSync(root, { recursive: true, force: true });
  };
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { endpoints: members.map((m) => m.client), members: servers, stop };
}

/**
 * Starts a throw-away etcd cluster of `size` members (Debian's etcd-server) in a temporary directory, each on free
 * loopback ports for clients and peers, and resolves once every member reports itself healthy.
 */
export async function startEtcdCluster(size: number, options: StartEtcdOptions = {}): Promise<EtcdCluster> {
  if (!existsSync(ETCD)) throw new Error(SETUP_HINT);
  for (let attempt = 0; ; attempt++) {
    try {
      return await startClusterOnce(size, options);
    } catch (error) {
      // Another process may have taken a port between our probe and etcd's bind.
      if (attempt >= 2 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/**
 * Starts a throw-away single-member etcd (Debian's etcd-server) in a temporary directory, on free loopback ports
 * for clients and peers, and resolves once it reports itself healthy.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  const cluster = await startEtcdCluster(1, options);
  const member = cluster.members[0]!;
  return { ...member, stop: () => cluster.stop() };
}
