import { parseArgs } from 'node:util';
import {
  Agent,
  AgentError,
  type AgentOptions,
  type HolderLock,
  LockError,
  lockOptionsFrom,
  lockSettingsFrom,
  openEtcdRebootLock,
  ToolError,
} from '@ballast/agent';
import { DiskError } from '@ballast/disk';
import type { Io } from '../io.js';
import { type ArgOptions, type ArgValues, UsageError } from '../usage-error.js';

/** The options every agent command takes. */
export const nodeOptions = {
  root: { type: 'string' },
  disk: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Their help text. */
export const nodeHelp = `      --root DIR    the node's root: update.conf, the release, machine-id, proc/cmdline and the agent's state
                    are read below it (default /)
      --disk PATH   the disk image or device with the USR slots (default: the disk of the booted /usr)
  -h, --help        show usage and exit`;

/** Parses a command's arguments (no positionals), turning what parseArgs throws into a usage error. */
export function parseAgentArgs<const O extends ArgOptions>(args: readonly string[], options: O): ArgValues<O> {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > 0) throw new Error(`unexpected argument '${parsed.positionals[0]}'`);
    return parsed.values as unknown as ArgValues<O>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An agent for the node the options name, with the fleet lock when the strategy is etcd-lock. */
export interface NodeAgent {
  readonly agent: Agent;
  close(): void;
}

/** Builds the agent: logs go to stderr; the etcd lock is opened from the LOCKSMITHD_* settings of update.conf. */
export async function nodeAgent(
  values: { readonly root?: string | undefined; readonly disk?: string | undefined },
  io: Io,
  extra: Partial<AgentOptions> = {},
): Promise<NodeAgent> {
  const base: AgentOptions = {
    root: values.root ?? '/',
    ...(values.disk !== undefined ? { disk: values.disk } : {}),
    log: (line) => io.stderr.write(`ballast agent: ${line}\n`),
    ...extra,
  };
  const config = await new Agent(base).config();
  if (config.rebootStrategy !== 'etcd-lock') return { agent: new Agent(base), close: () => undefined };
  const etcd = openEtcdRebootLock(await lockOptionsFrom(lockSettingsFrom(config.settings)));
  const lock: HolderLock = etcd.forHolder(config.machineId);
  return { agent: new Agent({ ...base, lock }), close: () => etcd.close() };
}

/** Runs a command's body; the agent's, the disk's and the lock's errors print as `ballast agent VERB: ...`, exit 1. */
export async function guarded(verb: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (
      error instanceof AgentError ||
      error instanceof DiskError ||
      error instanceof LockError ||
      error instanceof ToolError
    ) {
      const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
      io.stderr.write(`ballast agent ${verb}: ${error.message}${code}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * Takes SIGUSR1 (what `check-now` sends the process holding the agent's pid file) before that file is written:
 * without a listener, Node.js answers SIGUSR1 by opening its debugger. Returns the function that lets it go.
 */
export function onCheckSignal(listener: () => void = () => undefined): () => void {
  process.on('SIGUSR1', listener);
  return () => {
    process.off('SIGUSR1', listener);
  };
}
