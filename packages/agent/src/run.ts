import { execFile } from 'node:child_process';

/** Options for `run`. */
export interface RunOptions {
  /** Exit codes that count as success; `[0]` by default. */
  readonly okExitCodes?: readonly number[];
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** What an outside program printed and how it ended. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** An outside program failed: which one, with which arguments, its exit code and what it printed on stderr. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
  }
}

/**
 * Runs an outside program (systemctl, a health-check command, the reboot command). Every such call in the agent
 * goes through here, so a failure always says which program, which arguments and what it printed.
 */
export function run(tool: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const ok = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 4 * 1024 * 1024,
        ...(options.env ? { env: options.env } : {}),
      },
      (failure, stdout, stderr) => {
        const code = failure ? (typeof failure.code === 'number' ? failure.code : null) : 0;
        if (code === null && failure && (failure as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new ToolError(tool, args, null, `${tool} not found`));
        } else if (code === null || !ok.includes(code)) {
          reject(new ToolError(tool, args, code, stderr || failure?.message || ''));
        } else {
          resolve({ stdout, stderr, exitCode: code });
        }
      },
    );
  });
}
