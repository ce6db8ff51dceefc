import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoReference } from '../../../../test/helpers/go-reference.js';

const shared = fileURLToPath(new URL('./gotypes/gotypes.go', import.meta.url));

/**
 * Builds a reference harness (`json/main.go`, `yaml/main.go`) that imports the shared `../gotypes`. buildGoReference
 * caches a binary by the text of the one file it is given, so it gets a copy of the harness that ends with the
 * digest of gotypes.go, next to a copy of gotypes: a change to either file builds a new binary.
 */
export async function buildHarness(main: string): Promise<string> {
  const sharedText = readFileSync(shared);
  const digest = createHash('sha256').update(sharedText).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'ballast-go-harness', digest);
  const copy = join(root, basename(dirname(main)), 'main.go');
  place(join(root, 'gotypes', 'gotypes.go'), sharedText);
  place(copy, Buffer.concat([readFileSync(main), Buffer.from(`\n// gotypes.go: ${digest}\n`)]));
  return buildGoReference(copy);
}

// Writes through a rename, so that test workers building at the same time never read a half-written file.
function place(file: string, content: Buffer): void {
  if (existsSync(file) && readFileSync(file).equals(content)) return;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}
