#!/usr/bin/env node
// Benchmarks the Omaha endpoint: update checks from many distinct registered instances against `ballast server` on
// SQLite and on PostgreSQL, next to a bare node:http server answering a fixed 1 KiB XML in the same run, all on
// loopback with autocannon. Each server runs in its own process, so its peak RSS (VmHWM) is its own. Prints a
// table to stderr and, as the last line of stdout, JSON with requests/s, p50, p99, peak RSS and the ratio to the
// bare server (`ratioToBare` by rate, `cpuRatioToBare` by CPU time per check); p99 is also measured at half of each server's peak rate. Not part of the test suite.
//
// The bare server keeps running through the whole run: every other server's peak is measured in three slices, each
// right after a slice of the bare server's (`bareAlongside`), and its ratios are taken against those, so that both
// sides of a ratio come from the same minutes of a shared machine, whose speed drifts from one minute to the next.
//
// Half load is measured twice. `halfLoad`: update checks arrive at random (a Poisson process, as independent nodes
// checking in do) at half the peak rate over the same connections, each timed from the moment it was due, so time
// spent waiting for a free connection counts. `halfLoadAutocannon`: autocannon's `overallRate`, which lets each
// connection send its share of a second back to back at the start of every second and then wait, i.e. bursts at
// full speed, with its latency correction that assumes a request was due every millisecond; it is kept for
// comparison with earlier runs. The JSON also gives each server's CPU time per update check at peak
// (`cpuUsPerRequest`, from /proc), which other load on the machine does not change as much as the rate.
//
// `floor` (needs `sqlite` in the same run, whose database it reads) is the least work an update server can do per
// check, with none of Ballast's: a node:http server that reads the body, parses it with @ballast/omaha, reads the
// instance's row from the same SQLite database (better-sqlite3, one prepared statement) and answers noupdate. Its
// ratio to the bare server shows what parsing and one database read cost on the machine at hand, and so how much of
// the gap between Ballast and the bare server is Ballast's own.
//
// Instances check in in a fixed random order (the same in every round and run), as a fleet's nodes do, rather than
// in the order of their ids, whose rows sit next to each other in the database.
//
// With --writes, each check of an instance reports another version than its previous one (3815.2.0 and 3815.2.1 in
// turn, both answered noupdate), so that every check writes the instance, as every check of a real fleet does: its
// nodes check every 45 minutes, past the 5 minutes within which an unchanged check-in is not written again.
//
// `memory` and `compute` (not run by default) are stand-ins: the bare server doing about as much per request as
// Ballast does per check, either reading random memory or computing in registers (see STAND_INS). Their half load is
// the SQLite server's half-load rate when it ran, so they are about as busy as it was (`halfLoad.busy`, the share of
// a core), and their half-load p99 tells whether slow spells there come from the server or from the machine.
//
//   npm run build && node bench/omaha.mjs [--instances 100000] [--seconds 20] [--connections 32]
//                                         [--targets bare,sqlite,floor,postgres,memory,compute] [--postgres URL]
//                                         [--writes] [--profile DIR]
//
// --profile DIR writes a V8 CPU profile of each Ballast server from the end of registration to its stop into
// DIR/<target>.cpuprofile, for Chrome's DevTools or `node bench/profile-summary.mjs DIR/sqlite.cpuprofile`.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    targets: { type: 'string', default: 'bare,sqlite,floor,postgres' },
    postgres: { type: 'string' },
    writes: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const INSTANCES = Number(values.instances);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
/** Slices of each server's peak measurement (see {@link peakLoad}). */
const PEAK_SLICES = 3;
const TARGETS = values.targets.split(',');
const root = new URL('..', import.meta.url).pathname;
const VERSION = '3815.2.0';
const FLATCAR = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

if (!existsSync(join(root, 'packages/server/dist/server.js'))) {
  process.stderr.write('bench/omaha.mjs: the server is not built; run `npm run build` first\n');
  process.exit(1);
}

const log = (line) => process.stderr.write(`${line}\n`);

/**
 * The order in which the instances check in, the same in every round and every run: a fixed shuffle. A fleet's
 * nodes check in at random, not in the order of their ids, which would walk the database's pages in order.
 */
const ORDER = (() => {
  const order = Uint32Array.from({ length: INSTANCES }, (_, i) => i);
  let seed = 0x9e3779b9;
  const random = () => {
    // xorshift32: repeatable without a dependency.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
})();

/** update_engine's update check, as it sends it, for instance number `i`. */
// With --writes, whether each instance's checks so far are odd in number: odd ones report VERSION, even ones NEXT_VERSION.
const reported = new Uint8Array(INSTANCES);
const NEXT_VERSION = '3815.2.1';

function updateCheck(i) {
  const id = `bench-${i.toString(16).padStart(8, '0')}`;
  let version = VERSION;
  if (values.writes) {
    reported[i] ^= 1;
    if (reported[i] === 0) version = NEXT_VERSION;
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">\n' +
    `    <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>\n` +
    `    <app appid="{${FLATCAR}}" version="${version}" track="stable" bootid="{${id}-boot}" oem="qemu" oemversion="0.1" alephversion="${VERSION}" machineid="${id}" machinealias="" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >\n` +
    '        <ping active="1"></ping>\n' +
    '        <updatecheck></updatecheck>\n' +
    '        <event eventtype="3" eventresult="2" previousversion=""></event>\n' +
    '    </app>\n' +
    '</request>\n'
  );
}

// A realistic "noupdate" answer padded to exactly 1 KiB: what the bare server sends.
const BARE_BODY = (() => {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="nebraska"><daystart elapsed_seconds="0"></daystart><app appid="{${FLATCAR}}" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"><urls></urls></updatecheck><event status="ok"></event></app></response>`;
  return head + ' '.repeat(1024 - Buffer.byteLength(head));
})();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a node process running `script` (ESM), waits until it prints READY <url>. */
async function startProcess(script) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  return { child, url };
}

/** CPU seconds (user and system) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are the 12th and 13th fields after the command name, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The bare server; with `work`, a stand-in: the bare server doing that much more per request, with nothing of an
 * update server's (see STAND_INS).
 */
function bareScript(port, work = { setup: '', run: '' }) {
  return `
    import { createServer } from 'node:http';
    const body = Buffer.from(${JSON.stringify(BARE_BODY)});
    ${work.setup}
    createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        ${work.run}
        res.writeHead(200, { 'content-type': 'text/xml', 'content-length': body.length });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => console.log('READY http://127.0.0.1:${port}'));`;
}

/**
 * Stand-ins that cost about as much CPU per request as an update check in Ballast (on the machine they were sized on;
 * their `cpuUsPerRequest` says what they cost on yours), to tell the machine's behaviour from the server's: `memory`
 * reads 2,800 random places of a 256 MiB array per request, `compute` runs 9,000 steps of arithmetic in registers.
 */
const STAND_INS = {
  memory: {
    setup: `const memory = new Float64Array(32 * 2 ** 20).fill(1); let seed = 1, sum = 0;`,
    run: `for (let i = 0; i < 2800; i++) { seed = (seed * 1103515245 + 12345) >>> 0; sum += memory[seed % memory.length]; }
        if (sum < 0) console.log(sum);`,
  },
  compute: {
    setup: `let x = 1;`,
    run: `for (let i = 0; i < 9000; i++) x = (x * 1103515245 + 12345) | 0;
        if (x === 0.5) console.log(x);`,
  },
};

// With a profile path, the server starts its CPU profiler on SIGUSR2 and writes the profile when it stops.
function ballastScript(port, db, profile) {
  const profiler = profile
    ? `
    const { Session } = await import('node:inspector/promises');
    const { writeFileSync } = await import('node:fs');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    process.on('SIGUSR2', () => session.post('Profiler.start'));
    const stopProfiler = async () =>
      writeFileSync(${JSON.stringify(profile)}, JSON.stringify((await session.post('Profiler.stop')).profile));`
    : 'const stopProfiler = async () => {};';
  return `
    import { startServer, jsonLogger } from ${JSON.stringify(join(root, 'packages/server/dist/index.js'))};
    ${profiler}
    const server = await startServer({ listen: '127.0.0.1:${port}', db: ${JSON.stringify(db)}, auth: 'none',
      logger: jsonLogger({ level: 'error' }) });
    await server.ready;
    console.log('READY ' + server.url);
    process.once('SIGTERM', () => stopProfiler().then(() => server.close()));`;
}

/** The floor: parse, one read of the instance's row, answer (see the top of this file). */
function floorScript(port, dbPath) {
  const modules = (path) => JSON.stringify(join(root, path));
  return `
    import { createServer } from 'node:http';
    import Database from ${modules('node_modules/better-sqlite3/lib/index.js')};
    import { buildResponse, parseRequest } from ${modules('packages/omaha/dist/index.js')};
    const db = new Database(${JSON.stringify(dbPath)});
    db.pragma('journal_mode = WAL');
    db.pragma('cache_size = -65536');
    const findInstance = db.prepare('select ia.version, ia.status, ia.group_id from instance i ' +
      'join instance_application ia on ia.instance_id = i.id where i.id = ? and ia.application_id = ?').raw(true);
    const answer = (app) => ({ appId: app.appId, status: 'ok', ping: { status: 'ok' }, events: [],
      updateCheck: { status: 'noupdate', urls: [], manifests: [] } });
    createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const request = parseRequest(Buffer.concat(chunks));
        if (!request.ok) {
          res.writeHead(400).end();
          return;
        }
        for (const app of request.value.apps) findInstance.all(app.machineId ?? '', '${FLATCAR}');
        const body = buildResponse({ protocol: '3.0', server: 'nebraska', dayStart: { elapsedSeconds: '0' },
          apps: request.value.apps.map(answer) });
        res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => console.log('READY http://127.0.0.1:${port}'));`;
}

async function json(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Points the stable amd64 channel at the version the instances run, so checks answer noupdate (a fleet at rest). */
async function publishCurrent(url) {
  const pkg = await json(`${url}/api/apps/${FLATCAR}/packages`, 'POST', {
    type: 1,
    version: VERSION,
    arch: 1,
    url: 'https://update.example.com/flatcar/',
    filename: 'flatcar_production_update.gz',
    size: '465881871',
    hash: 'r3nufcxgMTZaxYEqL+x2zIoeClk=',
    flatcar_action: { sha256: 'LIkAKVZY2EJFiwTmltiJZLFLA5xT/FodbjVgqkyF/y8=' },
  });
  const app = await (await fetch(`${url}/api/apps/${FLATCAR}`)).json();
  const channel = app.channels.find((c) => c.name === 'stable' && c.arch === 1);
  await json(`${url}/api/apps/${FLATCAR}/channels/${channel.id}`, 'PUT', { package_id: pkg.id });
}

/** Runs autocannon with update checks from every instance in turn, in {@link ORDER}. */
function load(url, options) {
  let next = options.start ?? 0;
  return autocannon({
    url: `${url}/v1/update/`,
    connections: CONNECTIONS,
    ...options.limits,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        setupRequest: (request) => {
          request.body = updateCheck(ORDER[next++ % INSTANCES]);
          return request;
        },
      },
    ],
  });
}

/**
 * Sends update checks as a Poisson process at `rate` per second for `seconds` over up to CONNECTIONS keep-alive
 * connections, and times each from when it was due to when its answer ended: a check that finds every connection
 * busy waits, and the wait counts. Answers are read by their Content-Length (both servers send one).
 */
async function paced(url, { rate, seconds }) {
  const { hostname, port } = new URL(url);
  const idle = [];
  const waiting = [];
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  const send = (connection, due) => {
    const body = updateCheck(ORDER[next++ % INSTANCES]);
    connection.due = due;
    connection.socket.write(
      `POST /v1/update/ HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: text/xml\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
  const open = () =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const connection = { socket, due: 0, buffer: Buffer.alloc(0) };
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(connection));
      socket.once('error', reject);
      socket.on('data', (chunk) => {
        connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
        for (;;) {
          const end = connection.buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = connection.buffer.subarray(0, end).toString('latin1');
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (connection.buffer.length < end + 4 + length) return;
          connection.buffer = connection.buffer.subarray(end + 4 + length);
          latencies.push(performance.now() - connection.due);
          if (!/^HTTP\/1\.1 2/.test(head)) non2xx += 1;
          const due = waiting.shift();
          if (due === undefined) idle.push(connection);
          else send(connection, due);
        }
      });
    });
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, open));
  idle.push(...connections);
  const start = performance.now();
  const end = start + seconds * 1000;
  let due = start;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (due <= now && due < end) {
        const connection = idle.pop();
        if (connection) send(connection, due);
        else waiting.push(due);
        due += -Math.log(1 - Math.random()) * (1000 / rate);
      }
      if (due < end) setTimeout(tick, Math.max(0, Math.min(due - now, 1)));
      else resolve();
    };
    tick();
  });
  // Let the checks still in flight finish (they count), then close.
  const deadline = performance.now() + 10_000;
  while ((waiting.length > 0 || idle.length < connections.length) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  errors += waiting.length + connections.length - idle.length;
  for (const connection of connections) connection.socket.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: Number(at(0.5).toFixed(1)),
    p99Ms: Number(at(0.99).toFixed(1)),
    non2xx,
    errors,
  };
}

function summary(result) {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Runs `seconds` of full-speed load against a server process: its autocannon result and CPU time per check. */
async function peakSlice({ child, url }, seconds) {
  const cpuBefore = cpuSeconds(child.pid);
  const result = await load(url, { limits: { duration: seconds } });
  return { result, cpuSeconds: cpuSeconds(child.pid) - cpuBefore };
}

/**
 * The peak of a server, in PEAK_SLICES slices of full-speed load; with a `reference` server (the bare one), each
 * slice of it follows one of the reference, so that both are measured in the same minutes of a shared machine
 * whose speed drifts. Rates are totals over the slices, p50 the middle slice's, p99 the worst slice's.
 */
async function peakLoad(server, reference) {
  const slices = [];
  const referenceSlices = [];
  for (let i = 0; i < PEAK_SLICES; i++) {
    if (reference) referenceSlices.push(await peakSlice(reference, SECONDS / PEAK_SLICES));
    slices.push(await peakSlice(server, SECONDS / PEAK_SLICES));
  }
  return { peak: combine(slices), alongside: reference && combine(referenceSlices) };
}

function combine(slices) {
  const total = slices.reduce((sum, slice) => sum + slice.result.requests.total, 0);
  const cpu = slices.reduce((sum, slice) => sum + slice.cpuSeconds, 0);
  const p50s = slices.map((slice) => slice.result.latency.p50).sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(total / SECONDS),
    p50Ms: p50s[Math.floor(p50s.length / 2)],
    p99Ms: Math.max(...slices.map((slice) => slice.result.latency.p99)),
    non2xx: slices.reduce((sum, slice) => sum + slice.result.non2xx, 0),
    errors: slices.reduce((sum, slice) => sum + slice.result.errors + slice.result.timeouts, 0),
    cpuUsPerRequest: Math.round((cpu * 1e6) / total),
  };
}

/**
 * Registers (with `register`), warms up and measures a server: its peak (alongside `reference`, the bare server),
 * then at `halfRate` checks/s (half its peak unless given) with random arrivals and with autocannon's rate limit.
 */
async function measure(name, { child, url }, { register = false, reference, halfRate } = {}) {
  if (register) {
    const started = performance.now();
    const result = await load(url, { limits: { amount: INSTANCES } });
    const seconds = (performance.now() - started) / 1000;
    log(`${name}: registered ${INSTANCES} instances in ${seconds.toFixed(1)} s (${result.non2xx} non-2xx)`);
    if (values.profile) child.kill('SIGUSR2');
  }
  // Warm-up: every instance checks in once, as each has after one check interval of a running server, then 3 s.
  await load(url, { limits: { amount: INSTANCES } });
  await load(url, { limits: { duration: 3 } });
  const { peak, alongside } = await peakLoad({ child, url }, reference);
  const { cpuUsPerRequest } = peak;
  const rate = halfRate ?? Math.max(1, Math.round(peak.requestsPerSecond / 2));
  const cpuBefore = cpuSeconds(child.pid);
  const half = await paced(url, { rate, seconds: SECONDS });
  // The share of one core the server was busy with while checks arrived at random.
  const busy = Number(((cpuSeconds(child.pid) - cpuBefore) / SECONDS).toFixed(2));
  const bursts = summary(await load(url, { limits: { duration: SECONDS, overallRate: rate } }));
  const rss = peakRss(child.pid);
  const share = alongside
    ? `  (bare alongside: ${alongside.requestsPerSecond} req/s, ${alongside.cpuUsPerRequest} µs; share ` +
      `${(peak.requestsPerSecond / alongside.requestsPerSecond).toFixed(2)})`
    : '';
  log(
    `${name.padEnd(9)} ${String(peak.requestsPerSecond).padStart(7)} req/s  p50 ${peak.p50Ms} ms  p99 ${peak.p99Ms} ms  ` +
      `${cpuUsPerRequest} µs CPU/check${share}  | at ${rate} req/s (${busy} busy): p99 ${half.p99Ms} ms ` +
      `(autocannon's bursts: ${bursts.p99Ms} ms)  ` +
      `| peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB  | non-2xx ${peak.non2xx + half.non2xx + bursts.non2xx}`,
  );
  return {
    ...peak,
    ...(alongside && {
      bareAlongside: { requestsPerSecond: alongside.requestsPerSecond, cpuUsPerRequest: alongside.cpuUsPerRequest },
    }),
    halfLoad: {
      requestsPerSecond: half.requestsPerSecond,
      busy,
      p50Ms: half.p50Ms,
      p99Ms: half.p99Ms,
      errors: half.errors,
    },
    halfLoadAutocannon: { requestsPerSecond: bursts.requestsPerSecond, p50Ms: bursts.p50Ms, p99Ms: bursts.p99Ms },
    peakRssBytes: rss,
  };
}

/** A throw-away PostgreSQL (initdb + pg_ctl from Debian's package) for the run, unless --postgres is given. */
async function startPostgres() {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => b - a) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: run scripts/setup, or pass --postgres URL');
  const bin = join('/usr/lib/postgresql', versions[0], 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-pg-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid() === 0;
  if (asRoot) {
    const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'))
      .split(':');
    chownSync(dir, Number(uid), Number(gid));
  }
  const run = (program, args) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, program), args, { stdio: 'pipe' });
  const port = await freePort();
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']);
  // Durable settings (fsync on), as a production database would run.
  run('pg_ctl', [
    'start',
    '-w',
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=100`,
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['stop', '-D', join(dir, 'data'), '-m', 'fast']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * How this machine's CPUs idle. In a KVM guest with the haltpoll cpuidle driver, an idle vCPU first polls for
 * `guest_halt_poll_ns` (Linux's default is 200,000) before it halts; at 0 it halts at once, so every request that
 * finds the server idle pays a wake-up through the hypervisor, with caches that other guests used meanwhile. That
 * moves the half-load figures (see docs/server.md, Capacity), so the report says which it was.
 */
function cpuIdle() {
  const read = (path) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : null);
  const haltPollNs = read('/sys/module/haltpoll/parameters/guest_halt_poll_ns');
  return {
    driver: read('/sys/devices/system/cpu/cpuidle/current_driver'),
    guestHaltPollNs: haltPollNs === null ? null : Number(haltPollNs),
  };
}

const results = {};
const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-'));
let pg;
let bare;
try {
  log(
    `Omaha update checks on loopback: ${INSTANCES} instances, ${CONNECTIONS} connections, ${SECONDS} s per phase` +
      (values.writes ? ', every check writes' : '') +
      `; cpuidle ${JSON.stringify(cpuIdle())}`,
  );
  if (TARGETS.includes('bare')) {
    // Kept running: each other server's peak is measured in slices alongside slices of it.
    bare = await startProcess(bareScript(await freePort()));
    results.bare = await measure('bare', bare);
  }
  for (const target of ['sqlite', 'postgres']) {
    if (!TARGETS.includes(target)) continue;
    let db = `sqlite:${join(dir, 'ballast.db')}`;
    if (target === 'postgres') {
      if (values.postgres) db = values.postgres;
      else {
        pg = await startPostgres();
        db = pg.url;
      }
    }
    const profile = values.profile && join(values.profile, `${target}.cpuprofile`);
    const server = await startProcess(ballastScript(await freePort(), db, profile));
    await publishCurrent(server.url);
    results[target] = await measure(target, server, { register: true, reference: bare });
    await stop(server.child);
    if (target === 'sqlite' && TARGETS.includes('floor')) {
      const floor = await startProcess(floorScript(await freePort(), join(dir, 'ballast.db')));
      results.floor = await measure('floor', floor, { reference: bare });
      await stop(floor.child);
    }
  }
  for (const [target, work] of Object.entries(STAND_INS)) {
    if (!TARGETS.includes(target)) continue;
    const standIn = await startProcess(bareScript(await freePort(), work));
    // At the SQLite server's half-load rate when it ran: as busy as it was, for a like-for-like half-load p99.
    const halfRate = results.sqlite?.halfLoad.requestsPerSecond;
    results[target] = await measure(target, standIn, { reference: bare, halfRate });
    await stop(standIn.child);
  }
} finally {
  if (bare) await stop(bare.child);
  pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
for (const target of ['sqlite', 'floor', 'postgres', ...Object.keys(STAND_INS)]) {
  const alongside = results[target]?.bareAlongside;
  if (alongside) {
    results[target].ratioToBare = Number((results[target].requestsPerSecond / alongside.requestsPerSecond).toFixed(3));
    // The same share by CPU time per check, which load elsewhere on a shared machine moves less than the rates.
    results[target].cpuRatioToBare = Number((alongside.cpuUsPerRequest / results[target].cpuUsPerRequest).toFixed(3));
  }
}
const report = {
  instances: INSTANCES,
  writes: values.writes,
  connections: CONNECTIONS,
  seconds: SECONDS,
  cores: (await import('node:os')).cpus().length,
  node: process.version,
  cpuIdle: cpuIdle(),
  ...results,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
