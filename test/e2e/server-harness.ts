// Starts real `ballast server` processes for the end-to-end tests, rebuilt first when a source is newer, so the
// tests always run the code as it is.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildRequest, updateEngineRequest } from '@ballast/omaha';
import { ensureBuilt } from '../helpers/ensure-built.js';

export { ensureBuilt };

const root = new URL('../../', import.meta.url).pathname;
// The tests run what users run: bin/ballast on the built packages.
const ballast = join(root, 'bin/ballast');

/** Runs `ballast server token ARGS` to completion. */
export function runTokenCommand(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  ensureBuilt();
  try {
    const stdout = execFileSync(process.execPath, [ballast, 'server', 'token', ...args], {
      cwd: root,
      stdio: 'pipe',
    }).toString();
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
    return {
      status: failed.status ?? 1,
      stdout: failed.stdout?.toString() ?? '',
      stderr: failed.stderr?.toString() ?? '',
    };
  }
}

/** A running `ballast server` process. */
export interface ServerProcess {
  readonly url: string;
  /** The admin token printed at first start, if any. */
  readonly token: string | undefined;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Sends a signal and waits for the exit; resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Options of {@link startServerProcess}. */
export interface StartOptions {
  /** Resolve once listening, without waiting for the database (for tests of the starting phase). */
  readonly waitFor?: 'ready' | 'listening';
  readonly timeoutMs?: number;
}

/** Runs `ballast server ARGS` (with `--listen 127.0.0.1:0` unless given) and waits until it is ready. */
export async function startServerProcess(args: readonly string[], options: StartOptions = {}): Promise<ServerProcess> {
  ensureBuilt();
  const argv = args.includes('--listen') ? [...args] : ['--listen', '127.0.0.1:0', ...args];
  const child = spawn(process.execPath, [ballast, 'server', ...argv], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const logs = () =>
    err
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const waitFor = options.waitFor ?? 'ready';
  for (;;) {
    const listening = logs().some((line) => typeof line.url === 'string');
    if (waitFor === 'listening' && listening) break;
    if (waitFor === 'ready' && out.includes('Flatcar nodes:')) break;
    if (child.exitCode !== null) throw new Error(`ballast server exited with ${child.exitCode}:\n${out}\n${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ballast server did not start in time:\n${out}\n${err}`);
    }
    await new Promise((done) => setTimeout(done, 25));
  }
  const url = String(logs().find((line) => typeof line.url === 'string')!.url);
  const token = /Admin API token \(shown once, keep it safe\): (\S+)/.exec(out)?.[1];
  return {
    url,
    token,
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the tests
type Json = any;

/** A fetch against a server with an optional bearer token and JSON body. */
export async function call(
  server: { readonly url: string },
  path: string,
  init: {
    method?: string;
    token?: string | undefined;
    json?: unknown;
    body?: string | Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => Json }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | Buffer | undefined = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(body !== undefined && { body: typeof body === 'string' ? body : new Uint8Array(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** The update check update_engine sends from a Flatcar 3815.2.0 amd64 machine on the stable track. */
export function updateCheck(machineId: string): string {
  return buildRequest(
    updateEngineRequest(
      {
        updaterVersion: '0.4.10',
        version: '3815.2.0',
        track: 'stable',
        board: 'amd64-usr',
        machine: 'x86_64',
        bootId: '{b}',
        machineId,
      },
      { kind: 'updatecheck', previousVersion: '' },
    ),
  );
}

/** Flatcar's application id, bare. */
export const FLATCAR_APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

/**
 * Publishes a package for amd64 and points the stable amd64 channel at it; returns the stable amd64 group, changed
 * by `policy` (e.g. `{ policy_max_updates_per_period: 5 }`).
 */
export async function publishToStable(
  server: { readonly url: string },
  token: string | undefined,
  options: { readonly version?: string; readonly policy?: Record<string, unknown> } = {},
): Promise<{ groupId: string; packageId: string }> {
  const version = options.version ?? '9999.0.0';
  const created = await call(server, `/api/apps/${FLATCAR_APP}/packages`, {
    method: 'POST',
    token,
    json: {
      type: 1,
      version,
      arch: 1,
      url: 'https://update.example.com/flatcar/',
      filename: 'flatcar_production_update.gz',
      size: '1000',
      hash: 'c2hhMQ==',
      flatcar_action: { sha256: 'c2hhMjU2' },
    },
  });
  if (created.status !== 200) throw new Error(`Creating a package failed: ${created.status} ${created.text}`);
  const app = (await call(server, `/api/apps/${FLATCAR_APP}`, { token })).json();
  const channel = app.channels.find((c: { name: string; arch: number }) => c.name === 'stable' && c.arch === 1);
  const group = app.groups.find((g: { channel_id: string }) => g.channel_id === channel.id);
  const pointed = await call(server, `/api/apps/${FLATCAR_APP}/channels/${channel.id}`, {
    method: 'PUT',
    token,
    json: { package_id: created.json().id },
  });
  if (pointed.status !== 200) throw new Error(`Pointing the channel failed: ${pointed.text}`);
  if (options.policy) {
    const changed = await call(server, `/api/apps/${FLATCAR_APP}/groups/${group.id}`, {
      method: 'PUT',
      token,
      json: options.policy,
    });
    if (changed.status !== 200) throw new Error(`Changing the group failed: ${changed.text}`);
  }
  return { groupId: group.id, packageId: created.json().id };
}
