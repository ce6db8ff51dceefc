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
import { parseCommandArgs } from './command-common.js';

/** The options every agent command takes, besides its own. */
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

/**
 * A command's options, `nodeOptions` and its own; undefined when `--help` asked for the usage, printed then.
 * An agent command takes no positionals: one is a usage error, even next to `--help`.
 */
export function parseAgentCommand<const O extends ArgOptions>(
  args: readonly string[],
  command: { readonly options: O; readonly usage: string; readonly io: Io },
): (ArgValues<typeof nodeOptions> & ArgValues<O>) | undefined {
  const parsed = parseCommandArgs(args, { ...nodeOptions, ...command.options });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const values = parsed.values as ArgValues<typeof nodeOptions> & ArgValues<O>;
  if (values.help) {
    command.io.stdout.write(command.usage);
    return undefined;
  }
  return values;
}

/** How a command works on the node: the options that name it, where to print, and what the agent does differently. */
export interface NodeWork {
  readonly values: { readonly root?: string | undefined; readonly disk?: string | undefined };
  readonly io: Io;
  readonly extra?: Partial<AgentOptions>;
  /** What SIGUSR1 does meanwhile (by default nothing). */
  readonly onCheck?: (agent: Agent) => void;
}

/** An agent for the node the options name, with the fleet lock when the strategy is etcd-lock. */
interface NodeAgent {
  readonly agent: Agent;
  close(): void;
}

/** Builds the agent: logs go to stderr; the etcd lock is opened from the LOCKSMITHD_* settings of update.conf. */
async function nodeAgent({ values, io, extra = {} }: NodeWork): Promise<NodeAgent> {
  const base: AgentOptions = {
    root: values.root ?? '/',
    ...(values.disk !== undefined ? { disk: values.disk } : {}),
    log: (line) => io.stderr.write(`ballast agent: ${line}\n`),
    ...extra,
  };
  const agent = new Agent(base);
  const config = await agent.config();
  if (config.rebootStrategy !== 'etcd-lock') return { agent, close: () => undefined };
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
function onCheckSignal(listener: () => void = () => undefined): () => void {
  process.on('SIGUSR1', listener);
  return () => {
    process.off('SIGUSR1', listener);
  };
}

/**
 * Runs `body` with the node's agent holding the agent's process lock, as only one agent works on a node at a time,
 * and SIGUSR1 taken; then releases the lock and the signal and closes the agent's connections.
 */
export async function withNodeAgent(work: NodeWork, body: (agent: Agent) => Promise<number>): Promise<number> {
  const { agent, close } = await nodeAgent(work);
  const { onCheck } = work;
  const release = onCheckSignal(onCheck ? () => onCheck(agent) : undefined);
  try {
    const lock = await agent.lockProcess();
    try {
      return await body(agent);
    } finally {
      await lock.release();
    }
  } finally {
    release();
    close();
  }
}
