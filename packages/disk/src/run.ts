import { execFile } from 'node:child_process';

/** Options for `run`. */
export interface RunOptions {
  /** Exit codes that count as success; `[0]` by default. */
  readonly okExitCodes?: readonly number[];
  /** How long the program may take before it is killed; 30 s by default. */
  readonly timeoutMs?: number;
  /** The program's environment; this process's own by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/** What an outside program printed and how it ended. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** How a package calls outside programs; tests may pass one that records the calls. */
export type Runner = (tool: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

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
 * Runs an outside program (cgpt, mkfs.ext4, useradd, systemctl, a health-check command...) and returns its output.
 * Every such call in the disk, provision and agent packages goes through here, so a failure always says which
 * program, which arguments and what it printed: stderr, or stdout when stderr is empty.
 */
export const run: Runner = (tool, args, options = {}) => {
  const ok = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        ...(options.env ? { env: options.env } : {}),
      },
      (failure, stdout, stderr) => {
        const code = failure ? (typeof failure.code === 'number' ? failure.code : null) : 0;
        if (code === null && failure && (failure as NodeJS.ErrnoException).code === 'ENOENT') {
          // The same wrapper runs on a developer's machine and on a node, so it names no way to install the program.
          reject(
            new ToolError(tool, args, null, tool.includes('/') ? `${tool} not found` : `${tool} not found in PATH`),
          );
        } else if (code === null || !ok.includes(code)) {
          reject(new ToolError(tool, args, code, stderr || stdout || failure?.message || ''));
        } else {
          resolve({ stdout, stderr, exitCode: code });
        }
      },
    );
  });
};
