import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Builds a small Go program that calls the reference implementation (Go's compress/gzip, gopkg.in/yaml.v3, ...)
 * so a differential test can compare our output with the real thing. Programs build in GOPATH mode against the
 * Go sources that Debian's golang-*-dev packages install under /usr/share/gocode, and are cached by content.
 */
export async function buildGoReference(sourceFile: string): Promise<string> {
  const go = '/usr/bin/go';
  if (!existsSync(go)) {
    throw new Error('The Go toolchain (Debian package golang-go) is missing: run scripts/setup');
  }
  const source = readFileSync(sourceFile);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'ballast-go-reference');
  const binary = join(dir, `ref-${digest}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const output = `${binary}.${process.pid}.tmp`;
  try {
    await exec(go, ['build', '-o', output, sourceFile], {
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: '/usr/share/gocode',
        GOCACHE: join(dir, 'cache'),
      },
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `go build ${sourceFile} failed (are the golang-*-dev packages installed? run scripts/setup):\n${stderr}`,
    );
  }
  // Rename is atomic, so parallel test workers never run a half-written binary.
  await exec('mv', ['-f', output, binary]);
  return binary;
}

/** Runs a reference program with `input` on stdin and returns its stdout. */
export async function runGoReference(
  binary: string,
  args: readonly string[],
  input: string | Uint8Array,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      [...args],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${stderr.toString()}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
}
