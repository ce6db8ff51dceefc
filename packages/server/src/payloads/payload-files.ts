import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/http-error.js';

/** Largest payload an upload may be, unless the server is told otherwise: Flatcar's update payloads are ~500 MB. */
export const DEFAULT_UPLOAD_LIMIT = 4 * 1024 ** 3;

/** Size and digests of a payload file, in the encodings Omaha and Nebraska use. */
export interface PayloadDigest {
  readonly size: number;
  /** Base64 SHA-1: Omaha `package@hash`, Nebraska's package `hash`. */
  readonly sha1Base64: string;
  /** Hex SHA-256: Omaha `package@hash_sha256`. */
  readonly sha256Hex: string;
  /** Base64 SHA-256: the postinstall action's `sha256`, which update_engine checks. */
  readonly sha256Base64: string;
}

// A path segment we are willing to serve or write: no hidden files (no `.` or `..` either), no separators.
const SEGMENT = /^[A-Za-z0-9_+=@,-][A-Za-z0-9._+=@,-]*$/;

/**
 * Turns a URL path below the payload root (still percent-encoded, as it came in) into a file path inside `root`,
 * or throws a 400 (`BAD_PAYLOAD_PATH`). Every segment must be a plain name: no `..`, no hidden files, no encoded
 * slashes or NUL bytes, so nothing outside the root can be named.
 */
export function payloadPath(root: string, urlPath: string): string {
  const parts = urlPath.split('/').filter((part) => part !== '');
  if (parts.length === 0) throw badPath(urlPath);
  const decoded = parts.map((part) => {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      throw badPath(urlPath);
    }
    if (!SEGMENT.test(name)) throw badPath(urlPath);
    return name;
  });
  const base = resolve(root);
  const full = resolve(base, ...decoded);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) throw badPath(urlPath);
  return full;
}

function badPath(urlPath: string): HttpError {
  return new HttpError(400, 'BAD_PAYLOAD_PATH', `Not a payload file name: ${urlPath}`);
}

function notFound(urlPath: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `No payload ${urlPath}`);
}

/** Resolves symbolic links and checks the file still lies inside the root (a link could point anywhere). */
async function insideRoot(root: string, file: string, urlPath: string): Promise<string> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  } catch {
    throw notFound(urlPath);
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw notFound(urlPath);
  return real;
}

/** A byte range to send, inclusive at both ends. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads a `Range` header for a file of `size` bytes: undefined means "send the whole file" (no header, another
 * unit, several ranges, or syntax we ignore as RFC 9110 allows); 'unsatisfiable' means 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/**
 * Serves a file below `root` for GET and HEAD with HTTP ranges, so update_engine and curl can resume a download:
 * `Accept-Ranges`, `206` with `Content-Range`, `416` past the end, `If-Range` against the ETag or date, and
 * `304` for a matching `If-None-Match`.
 */
export async function servePayload(
  req: IncomingMessage,
  res: ServerResponse,
  options: { readonly root: string; readonly urlPath: string },
): Promise<void> {
  const file = await insideRoot(options.root, payloadPath(options.root, options.urlPath), options.urlPath);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw notFound(options.urlPath);
  const size = info.size;
  const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const lastModified = info.mtime.toUTCString();
  const headers: Record<string, string | number> = {
    'accept-ranges': 'bytes',
    etag,
    'last-modified': lastModified,
    'content-type': 'application/octet-stream',
  };
  if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const rangeAllowed = ifRange === undefined || ifRange === etag || ifRange === lastModified;
  const range = rangeAllowed ? parseRange(req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 });
    res.end();
    return;
  }
  const status = range ? 206 : 200;
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  headers['content-length'] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  await pipeline(createReadStream(file, { start, end }), res);
}

/** Computes a payload's size and digests while its bytes stream through. */
class Digester extends Transform {
  private readonly sha1 = createHash('sha1');
  private readonly sha256 = createHash('sha256');
  size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void) {
    this.size += chunk.length;
    if (this.size > this.limit) {
      done(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Upload is larger than ${this.limit} bytes`));
      return;
    }
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    done(null, chunk);
  }

  digest(): PayloadDigest {
    const sha256 = this.sha256.digest();
    return {
      size: this.size,
      sha1Base64: this.sha1.digest('base64'),
      sha256Hex: sha256.toString('hex'),
      sha256Base64: sha256.toString('base64'),
    };
  }
}

/** Size and digests of a file on disk. */
export async function digestFile(file: string): Promise<PayloadDigest> {
  const digester = new Digester(Number.POSITIVE_INFINITY);
  const sink = new Transform({ transform: (_chunk, _encoding, done) => done() });
  await pipeline(createReadStream(file), digester, sink);
  return digester.digest();
}

/** Size and digests of a hosted payload named by its URL path below the root; undefined when there is none. */
export async function digestPayload(root: string, urlPath: string): Promise<PayloadDigest | undefined> {
  let file: string;
  try {
    file = await insideRoot(root, payloadPath(root, urlPath), urlPath);
  } catch {
    return undefined;
  }
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? digestFile(file) : undefined;
}

/**
 * Stores a request body as a payload below `root`, computing its size and digests on the way. The bytes go to a
 * temporary file that is flushed to disk and then renamed into place, so a reader never sees half a payload and
 * an interrupted upload leaves nothing behind.
 */
export async function storePayload(
  req: IncomingMessage,
  options: { readonly root: string; readonly urlPath: string; readonly limit?: number },
): Promise<PayloadDigest & { readonly path: string }> {
  const limit = options.limit ?? DEFAULT_UPLOAD_LIMIT;
  const target = payloadPath(options.root, options.urlPath);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Upload is larger than ${limit} bytes`);
  }
  await mkdir(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.upload-${randomBytes(8).toString('hex')}`);
  const digester = new Digester(limit);
  try {
    await pipeline(req, digester, createWriteStream(temporary, { flags: 'wx' }));
    const handle = await open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    req.resume();
    throw error;
  }
  return { ...digester.digest(), path: relative(resolve(options.root), target).split(sep).join('/') };
}
