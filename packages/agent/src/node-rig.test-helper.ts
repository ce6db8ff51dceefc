// A node for the agent's tests: a root directory with Flatcar's files, a Flatcar-layout disk image whose USR slots
// hold small test "images", a boot loader that boots it as GRUB's gptprio does, and an update server on 127.0.0.1
// that answers with @ballast/omaha's buildResponse and serves payloads with ranges. Real files, real HTTP, real
// GPT; nothing of the agent is replaced.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  chooseBootSlot,
  createImage,
  flatcarLayout,
  type GptTable,
  minimumSize,
  openDisk,
  readGpt,
  USR_A_GUID,
  usrSlots,
  writeGpt,
} from '@ballast/disk';
import {
  buildResponse,
  FLATCAR_APP_ID,
  type OmahaAppResponse,
  type OmahaEventRequest,
  type OmahaRequest,
  parseRequest,
} from '@ballast/omaha';
import { signPayloadDigest } from './payload/payload-signature.js';

/** A test OS image: a header naming its version, then filler bytes. */
export interface TestImage {
  readonly version: string;
  readonly bytes: Buffer;
  /** Base64 SHA-256, as Omaha carries it. */
  readonly sha256: string;
}

const MAGIC = 'BALLAST-TEST-USR ';

/** Makes a test image of `size` bytes for `version`; deterministic for a given seed string. */
export function testImage(version: string, size = 96 * 1024): TestImage {
  const bytes = Buffer.alloc(size);
  const header = Buffer.from(`${MAGIC}${version}\n`);
  header.copy(bytes);
  let block = createHash('sha256').update(version).digest();
  for (let at = header.length; at < size; at += block.length) {
    block.copy(bytes, at, 0, Math.min(block.length, size - at));
    block = createHash('sha256').update(block).digest();
  }
  return { version, bytes, sha256: createHash('sha256').update(bytes).digest('base64') };
}

/** One request the update server received, parsed. */
export interface ReceivedRequest {
  readonly request: OmahaRequest;
  readonly events: readonly OmahaEventRequest[];
  readonly updateCheck: boolean;
  readonly ping: boolean;
}

/** What the update server offers and how it misbehaves. */
export interface ServerBehaviour {
  /** The image offered; none means "noupdate". */
  offer?: TestImage | undefined;
  /** Bytes served for the payload instead of the offer's (a corrupted or truncated file). */
  payloadBytes?: Buffer;
  /** Size announced in the answer instead of the payload's. */
  announcedSize?: number;
  /** Hash announced instead of the payload's. */
  announcedHash?: string;
  /** Signature served instead of the right one; null serves none (404). */
  signature?: string | null;
  /** Answer update checks with this HTTP status. */
  checkStatus?: number;
  /** PollInterval to put into answers. */
  pollInterval?: number;
  /** Close the connection after this many payload bytes (once per request), as a flaky network does. */
  dropAfter?: number;
  /** Ignore Range headers. */
  ignoreRanges?: boolean;
}

/** An update server for tests, recording what it was sent. */
export interface TestServer {
  readonly url: string;
  /** Where it answers Omaha requests: update.conf's SERVER for a node it serves. */
  readonly updateUrl: string;
  readonly behaviour: ServerBehaviour;
  readonly requests: ReceivedRequest[];
  /** Every payload GET: its Range header and the bytes sent. */
  readonly downloads: { range: string | undefined; bytes: number }[];
  close(): Promise<void>;
}

const UPDATE_PATH = '/v1/update/';

/** Starts the test update server; `privateKeyPem` signs every payload it serves. */
export async function startTestServer(privateKeyPem: string): Promise<TestServer> {
  const behaviour: ServerBehaviour = {};
  const requests: ReceivedRequest[] = [];
  const downloads: { range: string | undefined; bytes: number }[] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === UPDATE_PATH) return omaha(Buffer.concat(chunks), res);
    if (req.method === 'GET' && path.startsWith('/payloads/')) return payload(path, req, res);
    res.statusCode = 404;
    res.end();
  };
  const omaha = (body: Buffer, res: ServerResponse) => {
    const parsed = parseRequest(body);
    if (!parsed.ok) {
      res.statusCode = 400;
      res.end(parsed.error.message);
      return;
    }
    const app = parsed.value.apps[0]!;
    requests.push({
      request: parsed.value,
      events: app.events,
      updateCheck: app.updateCheck !== undefined,
      ping: app.ping !== undefined,
    });
    if (app.updateCheck && behaviour.checkStatus !== undefined) {
      res.statusCode = behaviour.checkStatus;
      res.end();
      return;
    }
    const answer: OmahaAppResponse = {
      appId: app.appId,
      status: 'ok',
      ...(app.ping ? { ping: { status: 'ok' } } : {}),
      events: app.events.map(() => ({ status: 'ok' })),
      ...(app.updateCheck ? { updateCheck: updateCheck() } : {}),
    };
    res.setHeader('content-type', 'text/xml');
    res.end(
      buildResponse({ protocol: '3.0', server: 'ballast-test', dayStart: { elapsedSeconds: '0' }, apps: [answer] }),
    );
  };
  const updateCheck = () => {
    const offer = behaviour.offer;
    const poll = behaviour.pollInterval !== undefined ? { pollInterval: behaviour.pollInterval } : {};
    if (!offer) return { status: 'noupdate', urls: [], manifests: [], ...poll };
    return {
      status: 'ok',
      ...poll,
      urls: [`${url}/payloads/`],
      manifests: [
        {
          version: offer.version,
          packages: [
            {
              name: `usr-${offer.version}.raw`,
              hash: createHash('sha1').update(offer.bytes).digest('base64'),
              size: behaviour.announcedSize ?? offer.bytes.length,
              required: true,
            },
          ],
          actions: [{ event: 'postinstall', sha256: behaviour.announcedHash ?? offer.sha256, needsAdmin: false }],
        },
      ],
    };
  };
  const payload = (path: string, req: IncomingMessage, res: ServerResponse) => {
    const offer = behaviour.offer;
    if (!offer || !path.startsWith(`/payloads/usr-${offer.version}.raw`)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const bytes = behaviour.payloadBytes ?? offer.bytes;
    if (path.endsWith('.sig')) {
      const signature =
        behaviour.signature === undefined
          ? signPayloadDigest(createHash('sha256').update(offer.bytes).digest(), privateKeyPem)
          : behaviour.signature;
      if (signature === null) {
        res.statusCode = 404;
        res.end();
      } else {
        res.end(`${signature}\n`);
      }
      return;
    }
    const range = req.headers.range;
    let start = 0;
    const match = behaviour.ignoreRanges ? null : /^bytes=(\d+)-$/.exec(range ?? '');
    if (match) {
      start = Number(match[1]);
      if (start >= bytes.length) {
        res.statusCode = 416;
        res.setHeader('content-range', `bytes */${bytes.length}`);
        res.end();
        downloads.push({ range, bytes: 0 });
        return;
      }
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${bytes.length - 1}/${bytes.length}`);
    }
    const body = bytes.subarray(start);
    res.setHeader('content-length', String(body.length));
    const drop = behaviour.dropAfter;
    if (drop !== undefined && drop < body.length) {
      downloads.push({ range, bytes: drop });
      res.write(body.subarray(0, drop), () => res.destroy());
      return;
    }
    downloads.push({ range, bytes: body.length });
    res.end(body);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    updateUrl: `${url}${UPDATE_PATH}`,
    behaviour,
    requests,
    downloads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A test node: its root, its disk image, and what the boot loader and kernel do to them. */
export interface NodeRig {
  readonly dir: string;
  readonly root: string;
  readonly disk: string;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
  /** Writes a Flatcar-format config file below the root. */
  writeFile(path: string, text: string): Promise<void>;
  /** Sets a key in /etc/flatcar/update.conf (rewriting the file with all keys set so far). */
  updateConf(values: Record<string, string>): Promise<void>;
  /** Sets a key in /etc/ballast/agent.conf. */
  agentConf(values: Record<string, string>): Promise<void>;
  /** What GRUB and the kernel do: choose a slot, decrement its tries, mount its /usr (version from its header). */
  boot(): Promise<BootResult>;
  /** The slot fields of both USR slots. */
  slots(): Promise<{ number: number; priority: number; tries: number; successful: boolean }[]>;
  /** Reads the first `length` bytes of a USR slot. */
  readSlot(partition: number, length: number): Promise<Buffer>;
  /** Lets later boots recognise `image` as a complete OS. */
  know(image: TestImage): void;
  cleanup(): Promise<void>;
}

/** A boot: the slot chosen and the version found in it, or why it did not come up. */
export type BootResult =
  | { readonly ok: true; readonly partition: number; readonly version: string }
  | { readonly ok: false; readonly partition: number | undefined; readonly reason: string };

/** Options for `createNodeRig`. */
export interface NodeRigOptions {
  readonly version?: string;
  readonly server?: string;
  /** The image USR-A holds at the start. */
  readonly image?: TestImage;
  /** Images a boot accepts: a slot whose bytes match none of them does not boot. */
  readonly known?: TestImage[];
}

/** A node rig (as `createNodeRig` makes it) whose update.conf points at a test server of its own. */
export async function createServedRig(options: NodeRigOptions = {}): Promise<{ rig: NodeRig; server: TestServer }> {
  const rig = await createNodeRig(options);
  const server = await startTestServer(rig.privateKeyPem);
  await rig.updateConf({ SERVER: server.updateUrl });
  return { rig, server };
}

/** Creates a node whose USR-A holds `version`, booted from it. */
export async function createNodeRig(options: NodeRigOptions = {}): Promise<NodeRig> {
  const dir = await mkdtemp(join(tmpdir(), 'ballast-agent-'));
  const root = join(dir, 'root');
  const disk = join(dir, 'disk.img');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const image = options.image ?? testImage(options.version ?? '1.0.0');
  const known = new Map<string, TestImage>([[image.version, image]]);
  for (const extra of options.known ?? []) known.set(extra.version, extra);

  const write = async (path: string, text: string) => {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  };
  const updateConfValues: Record<string, string> = {
    SERVER: options.server ?? 'http://127.0.0.1:9/v1/update/',
    GROUP: 'stable',
  };
  const agentConfValues: Record<string, string> = {};
  const keyValues = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
  await write('/etc/flatcar/update.conf', keyValues(updateConfValues));
  await write('/etc/machine-id', `${randomBytes(16).toString('hex')}\n`);
  await write('/etc/ballast/payload-key.pem', publicKeyPem);

  const device = await createImage(disk, minimumSize());
  const layout = flatcarLayout({ size: device.size, random: (n) => randomBytes(n) });
  await writeGpt(device, layout.table!, { protectiveMbr: true });
  const usrA = layout.table!.partitions.find((p) => p.guid === USR_A_GUID)!;
  await device.write(usrA.firstLba * 512, image.bytes);
  await device.sync();
  await device.close();

  const withTable = async <T>(body: (table: GptTable, dev: Awaited<ReturnType<typeof openDisk>>) => Promise<T>) => {
    const dev = await openDisk(disk, { writable: true });
    try {
      return await body((await readGpt(dev)).table, dev);
    } finally {
      await dev.close();
    }
  };
  const readSlot = (partition: number, length: number) =>
    withTable(async (table, dev) => {
      const p = table.partitions.find((q) => q.number === partition)!;
      return Buffer.from(await dev.read(p.firstLba * table.sectorSize, length));
    });

  const boot = async (): Promise<BootResult> => {
    const chosen = await withTable(async (table, dev) => {
      const decision = chooseBootSlot(table);
      if (decision.changed) await writeGpt(dev, decision.table);
      return decision.choice;
    });
    await write('/proc/sys/kernel/random/boot_id', `${randomBytes(16).toString('hex')}\n`);
    if (!chosen) return { ok: false, partition: undefined, reason: 'no bootable slot' };
    const head = await readSlot(chosen.number, 128);
    const text = head.toString('latin1');
    const version = text.startsWith(MAGIC) ? text.slice(MAGIC.length, text.indexOf('\n')) : undefined;
    const expected = version !== undefined ? known.get(version) : undefined;
    const full = expected ? await readSlot(chosen.number, expected.bytes.length) : undefined;
    if (!expected || !full?.equals(expected.bytes)) {
      return { ok: false, partition: chosen.number, reason: `partition ${chosen.number} holds no complete image` };
    }
    await write('/proc/cmdline', `BOOT_IMAGE=/flatcar/vmlinuz mount.usr=PARTUUID=${chosen.guid.toLowerCase()} ro\n`);
    await write(
      '/usr/share/flatcar/release',
      `FLATCAR_RELEASE_VERSION=${version}\nFLATCAR_RELEASE_BOARD=amd64-usr\nFLATCAR_RELEASE_APPID=${FLATCAR_APP_ID}\n`,
    );
    return { ok: true, partition: chosen.number, version: version! };
  };

  const rig: NodeRig = {
    dir,
    root,
    disk,
    publicKeyPem,
    privateKeyPem,
    writeFile: write,
    updateConf: async (values) => {
      Object.assign(updateConfValues, values);
      await write('/etc/flatcar/update.conf', keyValues(updateConfValues));
    },
    agentConf: async (values) => {
      Object.assign(agentConfValues, values);
      await write('/etc/ballast/agent.conf', keyValues(agentConfValues));
    },
    boot,
    slots: () =>
      withTable(async (table) =>
        usrSlots(table).map((p) => {
          const a = p.attributes;
          return {
            number: p.number,
            priority: Number((a >> 48n) & 0xfn),
            tries: Number((a >> 52n) & 0xfn),
            successful: ((a >> 56n) & 1n) === 1n,
          };
        }),
      ),
    readSlot,
    know: (i) => {
      known.set(i.version, i);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  const first = await boot();
  if (!first.ok) throw new Error(`The test node does not boot: ${first.reason}`);
  return rig;
}
