#!/usr/bin/env node
// Summarises a V8 CPU profile (node --cpu-prof, or bench/omaha.mjs --profile DIR): the functions with the most time
// of their own (self) and the most time including what they call (total), as shares of the sampled time, so a
// benchmark run shows where a request's CPU goes without opening DevTools.
//
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 30] [--filter packages/]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, filter: { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--filter TEXT]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const TOP = Number(values.top);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Time per sample: the gap to the next one (timeDeltas[i] is the gap before sample i).
const selfMicros = new Map();
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
});

const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/');
  const where = file === '' ? '' : ` ${file.replace(/^.*\/packages\//, 'packages/')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
};

const self = new Map();
const total = new Map();
let sampled = 0;
for (const [id, micros] of selfMicros) {
  sampled += micros;
  const node = nodes.get(id);
  self.set(label(node), (self.get(label(node)) ?? 0) + micros);
  // Count each function once per stack, however often it recurses.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const name = label(nodes.get(at));
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + micros);
  }
}

const print = (title, table) => {
  process.stdout.write(`\n${title}\n`);
  const rows = [...table]
    .filter(([name]) => values.filter === undefined || name.includes(values.filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP);
  for (const [name, micros] of rows) {
    process.stdout.write(`${((100 * micros) / sampled).toFixed(1).padStart(6)}%  ${name}\n`);
  }
};
process.stdout.write(`${(sampled / 1e6).toFixed(2)} s sampled\n`);
print('self time', self);
print('total time (including callees)', total);
