import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Builds a small C program against the system libxml2 (Debian packages gcc and libxml2-dev), cached by content,
 * so tests can compare our escaping with the library update_engine uses.
 */
export async function buildLibxml2Reference(sourceFile: string): Promise<string> {
  if (!existsSync('/usr/include/libxml2/libxml/entities.h') || !existsSync('/usr/bin/gcc')) {
    throw new Error('gcc and libxml2 headers are missing (Debian packages gcc, libxml2-dev): run scripts/setup');
  }
  const source = readFileSync(sourceFile);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'ballast-c-reference');
  const binary = join(dir, `ref-${digest}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const output = `${binary}.${process.pid}.tmp`;
  await exec('/usr/bin/gcc', ['-O1', '-I/usr/include/libxml2', '-o', output, sourceFile, '-lxml2']);
  await exec('mv', ['-f', output, binary]);
  return binary;
}

/** Runs a reference program with `input` on stdin and returns its stdout. */
export function runReference(binary: string, input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, [], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} failed: ${stderr.toString()}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}
