import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * The Go files a program is built from: the file itself and, recursively, the .go files of every package it imports
 * by a relative path (`"../gotypes"`), which GOPATH mode resolves next to it. Sorted, so the cache key is stable.
 */
function goSources(sourceFile: string, seen = new Set<string>()): string[] {
  if (seen.has(sourceFile)) return [];
  seen.add(sourceFile);
  const text = readFileSync(sourceFile, 'utf8');
  for (const [, relative] of text.matchAll(/"(\.\.?\/[^"]+)"/g)) {
    const dir = resolve(dirname(sourceFile), relative!);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.go') && !name.endsWith('_test.go'))) {
      goSources(join(dir, file), seen);
    }
  }
  return [...seen].sort();
}

/**
 * Builds a small Go program that calls the reference implementation (Go's compress/gzip, gopkg.in/yaml.v3, ...)
 * so a differential test can compare our output with the real thing. Programs build in GOPATH mode against the
 * Go sources that Debian's golang-*-dev packages install under /usr/share/gocode, and are cached by the content
 * of the program and of the packages it imports by relative path.
 */
export async function buildGoReference(sourceFile: string): Promise<string> {
  const go = '/usr/bin/go';
  if (!existsSync(go)) {
    throw new Error('The Go toolchain (Debian package golang-go) is missing: run scripts/setup');
  }
  const hash = createHash('sha256');
  for (const file of goSources(resolve(sourceFile))) hash.update(file).update('\0').update(readFileSync(file));
  const digest = hash.digest('hex').slice(0, 16);
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
