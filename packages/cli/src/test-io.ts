import type { Io } from './io.js';

/** An Io that records what a command printed, for tests. */
export function captureIo(stdin = ''): Io & { out(): string; err(): string } {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
  return {
    stdout: { write: (chunk) => out.push(text(chunk)) },
    stderr: { write: (chunk) => err.push(text(chunk)) },
    readStdin: () => Buffer.from(stdin),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
