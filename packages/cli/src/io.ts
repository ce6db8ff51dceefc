import { readFileSync } from 'node:fs';

/** Where a command writes; tests pass buffers, `main` passes the process streams. */
export interface Io {
  readonly stdout: { write(chunk: string | Uint8Array): unknown };
  readonly stderr: { write(chunk: string | Uint8Array): unknown };
  /** Reads all of standard input. */
  readonly readStdin: () => Buffer;
}

export const processIo: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => readFileSync(0),
};
