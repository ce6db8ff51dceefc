// Runs the examples in docs/: each ```yaml butane block is translated and compared with the ```json ignition block
// that follows it, so the documentation shows what Ballast really prints.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateButane } from '@ballast/config';
import { describe, expect, it } from 'vitest';

const docs = new URL('../../docs/', import.meta.url).pathname;

interface Example {
  readonly file: string;
  readonly line: number;
  readonly butane: string;
  readonly ignition: string;
}

function examples(file: string): Example[] {
  const text = readFileSync(join(docs, file), 'utf8');
  const blocks = [...text.matchAll(/^```(\S+)(?: (\S+))?\n([\s\S]*?)^```$/gm)];
  const found: Example[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block[2] !== 'butane') continue;
    const next = blocks[i + 1];
    if (next?.[2] !== 'ignition') continue;
    const line = text.slice(0, block.index).split('\n').length;
    found.push({ file, line, butane: block[3]!, ignition: next[3]! });
  }
  return found;
}

const all = readdirSync(docs)
  .filter((f) => f.endsWith('.md'))
  .flatMap(examples);

describe('documentation examples', () => {
  it('has examples to run', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((e) => [`${e.file}:${e.line}`, e] as const))('%s translates as documented', (_, example) => {
    const result = translateButane(example.butane, { pretty: true });
    expect(result.reports).toEqual([]);
    expect(result.json).toBe(example.ignition);
  });
});
