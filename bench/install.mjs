#!/usr/bin/env node
// Installs a payload as the node agent does (download from a local HTTP server, SHA-256 and size checked while
// streaming, Ed25519 signature, write into the inactive USR partition of a disk image, fsync, read back and check)
// and times it next to the plain tools on the same file in the same run: `curl | sha256sum` (the download and the
// hash) and `dd ... conv=fsync` (the write). Prints MB/s, the ratio of the agent's time to the two tools' together,
// and the agent's peak RSS; the last line is JSON. Needs the packages built (`npm run build`).
//
//   node bench/install.mjs [--size 1G] [--dir DIR] [--keep]
//
// Not part of the test suite. The page cache is left alone (dropping it would disturb the machine), so every
// contender reads a file that was just written; they are compared with each other, not with the disk's speed.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('../', import.meta.url).pathname;
const MiB = 1024 * 1024;

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(text);
  if (!match) throw new Error(`--size: not a size: ${text}`);
  return Math.floor(Number(match[1]) * { '': 1, K: 1024, M: MiB, G: 1024 * MiB }[match[2].toUpperCase()]);
}

// --- worker: the agent's install, in a process of its own so its peak RSS is its own ---------------------------
async function worker([url, image, offsetText, lengthText, size, hash, publicKeyPem]) {
  const agent = await import(join(root, 'packages/agent/dist/index.js'));
  const disk = await import(join(root, 'packages/disk/dist/index.js'));
  const device = await disk.openDisk(image, { writable: true });
  const target = new agent.PartitionTarget(device, Number(offsetText), Number(lengthText), 'USR-B');
  const key = agent.readPublicKey(publicKeyPem, 'bench key');
  const started = performance.now();
  const { digest } = await agent.downloadPayload({
    target,
    offer: { urls: [url], size: Number(size), hash },
    written: 0,
    checkpointBytes: 64 * MiB,
    checkpoint: async () => {},
  });
  const downloaded = performance.now();
  const signature = await agent.fetchSignature([url]);
  if (!agent.verifyPayloadSignature(digest, signature, key)) throw new Error('signature does not verify');
  const back = await agent.readBackDigest(target, Number(size));
  if (!back.equals(digest)) throw new Error('read-back mismatch');
  const done = performance.now();
  await device.close();
  process.stdout.write(
    `${JSON.stringify({
      seconds: (done - started) / 1000,
      downloadSeconds: (downloaded - started) / 1000,
      readBackSeconds: (done - downloaded) / 1000,
      maxRssKiB: process.resourceUsage().maxRSS,
    })}\n`,
  );
}

// --- the payload server: plain files with ranges, in a process of its own ----------------------------------------
async function server([dir]) {
  const http = createServer(async (req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname.replace(/^\/+/, ''));
    let size;
    try {
      size = (await stat(path)).size;
    } catch {
      res.statusCode = 404;
      res.end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (match) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${size - 1}/${size}`);
    }
    res.setHeader('content-length', String(size - start));
    createReadStream(path, { start, highWaterMark: 4 * MiB }).pipe(res);
  });
  http.listen(0, '127.0.0.1', () => process.stdout.write(`${http.address().port}\n`));
}

function child(args, options = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [new URL(import.meta.url).pathname, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (options.onLine && out.includes('\n')) options.onLine(out.split('\n')[0], proc);
    });
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
}

function timed(command) {
  const started = performance.now();
  execFileSync('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - started) / 1000;
}

async function main() {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '1G' }, dir: { type: 'string' }, keep: { type: 'boolean' } },
  });
  const size = parseSize(values.size);
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), 'ballast-bench-install-'));
  const disk = await import(join(root, 'packages/disk/dist/index.js'));
  try {
    // The payload: random bytes, hashed and signed as a release would be.
    const payload = join(dir, 'usr.raw');
    const hash = createHash('sha256');
    const file = await open(payload, 'w');
    for (let written = 0; written < size; written += 4 * MiB) {
      const chunk = randomBytes(Math.min(4 * MiB, size - written));
      hash.update(chunk);
      await file.write(chunk);
    }
    await file.close();
    const digest = hash.digest();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    await writeFile(`${payload}.sig`, sign(null, digest, privateKey).toString('base64'));

    // A sparse Flatcar-layout image whose USR slots hold the payload (Flatcar's are 1 GiB; scaled up if needed).
    const image = join(dir, 'disk.img');
    const imageSize = Math.max(9 * 1024 * MiB, 2 * size + 6 * 1024 * MiB);
    const device = await disk.createImage(image, imageSize);
    const layout = disk.flatcarLayout({ size: imageSize, random: (n) => randomBytes(n) });
    await disk.writeGpt(device, layout.table, { protectiveMbr: true });
    await device.close();
    const usrB = layout.table.partitions.find((p) => p.label === 'USR-B');
    const offset = usrB.firstLba * 512;
    const length = (usrB.lastLba - usrB.firstLba + 1) * 512;
    if (size > length) throw new Error(`--size ${size} is larger than USR-B (${length} bytes)`);

    let serverProcess;
    const port = await new Promise((resolve, reject) => {
      child(['--server', dir], {
        onLine: (line, proc) => {
          serverProcess = proc;
          resolve(Number(line));
        },
      }).catch(reject);
    });
    const url = `http://127.0.0.1:${port}/usr.raw`;
    try {
      const curl = timed(`curl -sf ${url} | sha256sum > /dev/null`);
      const dd = timed(
        `dd if=${payload} of=${image} bs=4M seek=${offset} oflag=seek_bytes conv=notrunc,fsync status=none`,
      );
      const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const ours = JSON.parse(
        await child([
          '--worker',
          url,
          image,
          String(offset),
          String(length),
          String(size),
          digest.toString('base64'),
          publicKeyPem,
        ]),
      );
      const mbps = (seconds) => Math.round((size / MiB / seconds) * 10) / 10;
      const result = {
        bench: 'install',
        sizeBytes: size,
        agent: {
          seconds: ours.seconds,
          mbPerSecond: mbps(ours.seconds),
          downloadSeconds: ours.downloadSeconds,
          readBackSeconds: ours.readBackSeconds,
          peakRssMb: Math.round(ours.maxRssKiB / 1024),
        },
        curlSha256sum: { seconds: curl, mbPerSecond: mbps(curl) },
        dd: { seconds: dd, mbPerSecond: mbps(dd) },
        ratio: Math.round((ours.seconds / (curl + dd)) * 100) / 100,
      };
      process.stdout.write(
        `payload ${(size / MiB).toFixed(0)} MiB\n` +
          `agent install (download+verify+write+read back): ${ours.seconds.toFixed(2)} s, ${result.agent.mbPerSecond} MB/s, peak RSS ${result.agent.peakRssMb} MB\n` +
          `curl | sha256sum: ${curl.toFixed(2)} s, ${result.curlSha256sum.mbPerSecond} MB/s\n` +
          `dd conv=fsync:    ${dd.toFixed(2)} s, ${result.dd.mbPerSecond} MB/s\n` +
          `ratio agent / (curl|sha256sum + dd): ${result.ratio}\n` +
          `${JSON.stringify(result)}\n`,
      );
    } finally {
      serverProcess?.kill();
    }
  } finally {
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--worker') await worker(rest);
else if (mode === '--server') await server(rest);
else await main();
