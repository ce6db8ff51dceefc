#!/usr/bin/env node
// Benchmarks Butane translation: the library in-process on a realistic corpus and on small configs, and the CLI's wall
// time per small config next to a bare Node start in the same run. The last line is JSON with the figures and ratios.
//
//   npm run build && node bench/config.mjs [--seconds 3]
//
// `npm run build` bundles the CLI (scripts/bundle-cli.mjs); bin/ballast runs the bundle only while it is newer than
// every compiled package, so build right before measuring. The JSON says which the measured runs used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { translateButane } from '../packages/config/dist/index.js';
import { corpus, smallConfig } from './corpus.mjs';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, runs: { type: 'string', default: '15' } },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const root = new URL('..', import.meta.url).pathname;

/**
 * Calls `work` repeatedly for about `seconds` and returns calls per second of wall time and per second of this
 * process's CPU time. On a machine busy with other work the first drops with the share of a core the process gets;
 * the second is what one core of its own would do.
 */
function throughput(work, seconds) {
  for (let i = 0; i < 50; i++) work(i); // warm up the JIT
  const end = performance.now() + seconds * 1000;
  let calls = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() < end) work(calls++);
  const cpu = process.cpuUsage(cpuStart);
  return { wall: calls / ((performance.now() - start) / 1000), cpu: calls / ((cpu.user + cpu.system) / 1e6) };
}

function translateOrDie(source) {
  const result = translateButane(source);
  if (result.json === undefined) {
    throw new Error(`benchmark config does not translate: ${JSON.stringify(result.reports.slice(0, 3))}`);
  }
  return result.json;
}

/** Median wall time in milliseconds of running a command `runs` times. */
function wallTime(command, args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const configs = corpus();
const smallSource = smallConfig();
const files = configs.reduce((n, c) => n + (c.match(/^ {4}- path: /gm)?.length ?? 0), 0);
configs.forEach(translateOrDie);

const corpusRates = throughput((i) => translateOrDie(configs[i % configs.length]), seconds);
const smallRates = throughput(() => translateOrDie(smallSource), seconds);

const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-'));
try {
  const file = join(dir, 'small.bu');
  writeFileSync(file, smallSource);
  const cache = join(root, 'packages/cli/dist/bundle/ballast.cjs.butane.cache');
  rmSync(cache, { force: true });
  // The first run from the bundle saves its code cache, as any first run after a build does.
  wallTime(process.execPath, [join(root, 'bin/ballast'), 'butane', file], 1);
  const cli = existsSync(cache) ? 'bundle' : 'modules';
  const nodeMs = wallTime(process.execPath, ['-e', '0'], runs);
  const cliMs = wallTime(process.execPath, [join(root, 'bin/ballast'), 'butane', file], runs);

  console.log(`corpus: ${configs.length} configs, ${files} files`);
  console.log(
    `library, corpus:        ${corpusRates.wall.toFixed(1)} configs/s (${corpusRates.cpu.toFixed(1)} per CPU second)`,
  );
  console.log(
    `library, small config:  ${smallRates.wall.toFixed(0)} configs/s (${smallRates.cpu.toFixed(0)} per CPU second; goal > 2000)`,
  );
  console.log(
    `cli, small config:      ${cliMs.toFixed(1)} ms from the ${cli}; node -e 0: ${nodeMs.toFixed(1)} ms (goal < 1.5x)`,
  );
  console.log(
    JSON.stringify({
      bench: 'config',
      corpusConfigsPerSecond: Math.round(corpusRates.wall * 10) / 10,
      smallConfigsPerSecond: Math.round(smallRates.wall),
      corpusConfigsPerCpuSecond: Math.round(corpusRates.cpu * 10) / 10,
      smallConfigsPerCpuSecond: Math.round(smallRates.cpu),
      cliMs: Math.round(cliMs * 10) / 10,
      nodeStartMs: Math.round(nodeMs * 10) / 10,
      cliToNodeRatio: Math.round((cliMs / nodeMs) * 100) / 100,
      cli,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
