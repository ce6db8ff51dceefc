import { createHash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { gunzip, parseDataUrl } from '@ballast/config';
import { ProvisionError } from './provision-error.js';

/** One HTTP header of a resource, as the config gives it; a header without a value is not sent. */
export interface HttpHeader {
  readonly name: string;
  readonly value?: string | undefined;
}

/** What to fetch: a config resource (`contents`, `append` entries, `ignition.config.merge` entries...). */
export interface ResourceRequest {
  readonly source: string;
  readonly compression?: string | undefined;
  /** `sha512-<hex>` or `sha256-<hex>`, checked on the decompressed bytes before anything is written. */
  readonly hash?: string | undefined;
  readonly headers?: readonly HttpHeader[];
}

/** The config's proxy settings (`ignition.proxy`). */
export interface ProxySettings {
  readonly httpProxy?: string | undefined;
  readonly httpsProxy?: string | undefined;
  readonly noProxy?: readonly string[];
}

/** How resources are fetched: the config's timeouts, proxies and CAs, and our own limits. */
export interface FetchSettings {
  /** `ignition.timeouts.httpResponseHeaders` in milliseconds; Ignition's default is 10 s. */
  readonly responseHeadersTimeoutMs?: number;
  /** `ignition.timeouts.httpTotal` in milliseconds over all attempts; 0 (the default) waits forever, as Ignition. */
  readonly totalTimeoutMs?: number;
  readonly proxy?: ProxySettings;
  /** Extra PEM certificate authorities (`ignition.security.tls.certificateAuthorities`), added to the system's. */
  readonly certificateAuthorities?: readonly string[];
  /** Largest resource accepted, in bytes (before decompression); 1 GiB by default. */
  readonly maxBytes?: number;
  /** Attempts before giving up on 5xx answers and network errors; unlimited by default, as Ignition. */
  readonly maxAttempts?: number;
  /** Waits between attempts; tests pass one that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** Fetches one resource's bytes, verified and decompressed. `apply` takes another one in tests. */
export type ResourceFetcher = (request: ResourceRequest, settings: FetchSettings) => Promise<Uint8Array>;

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const USER_AGENT = 'Ignition/2.14.0 (ballast-provision)';

/**
 * Fetches a resource as Ignition's resource.Fetcher does: `data:` URLs through the config package's decoder,
 * `http(s)` with the config's headers, timeouts, proxies and CAs, retrying 5xx answers and network errors with a
 * back-off from 100 ms doubling up to 5 s; then gzip decompression and the hash check. An empty source is an empty
 * resource. Other schemes (tftp, s3, gs, arn) answer FETCH_UNSUPPORTED.
 */
export const fetchResource: ResourceFetcher = async (request, settings) => {
  const raw = await fetchRaw(request, settings);
  const bytes = decompress(raw, request);
  verifyHash(bytes, request);
  return bytes;
};

async function fetchRaw(request: ResourceRequest, settings: FetchSettings): Promise<Uint8Array> {
  const source = request.source;
  if (source === '') return new Uint8Array();
  const scheme = source.slice(0, Math.max(0, source.indexOf(':'))).toLowerCase();
  switch (scheme) {
    case 'data': {
      const parsed = parseDataUrl(source);
      if (!parsed.ok) throw new ProvisionError('FETCH_FAILED', `invalid data URL: ${parsed.error}`);
      return parsed.value.data;
    }
    case 'http':
    case 'https':
      return fetchHttp(new URL(source), request.headers ?? [], settings);
    default:
      throw new ProvisionError(
        'FETCH_UNSUPPORTED',
        `fetching ${scheme === '' ? 'this source' : `${scheme}:`} resources is not supported yet: ${source}`,
      );
  }
}

function decompress(raw: Uint8Array, request: ResourceRequest): Uint8Array {
  if (request.compression === undefined || request.compression === '') return raw;
  if (request.compression !== 'gzip') {
    throw new ProvisionError('DECOMPRESS_FAILED', `unsupported compression "${request.compression}"`);
  }
  const out = gunzip(raw);
  if (!out.ok) throw new ProvisionError('DECOMPRESS_FAILED', `cannot decompress ${describe(request)}: ${out.error}`);
  return out.bytes;
}

/** Checks `sha512-<hex>` / `sha256-<hex>` against the bytes; throws FETCH_HASH_MISMATCH when they differ. */
export function verifyHash(bytes: Uint8Array, request: ResourceRequest): void {
  if (request.hash === undefined || request.hash === '') return;
  const dash = request.hash.indexOf('-');
  const algorithm = request.hash.slice(0, dash);
  const expected = request.hash.slice(dash + 1).toLowerCase();
  if (dash < 0 || (algorithm !== 'sha512' && algorithm !== 'sha256')) {
    throw new ProvisionError('FETCH_HASH_MISMATCH', `unrecognized hash function in "${request.hash}"`);
  }
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== expected) {
    throw new ProvisionError(
      'FETCH_HASH_MISMATCH',
      `hash verification failed for ${describe(request)}: calculated ${algorithm}-${actual}, expected ${request.hash}`,
    );
  }
}

function describe(request: ResourceRequest): string {
  return request.source.startsWith('data:') ? 'data URL' : request.source;
}

interface Attempt {
  readonly status: number;
  readonly body?: Uint8Array;
}

class RetryableError extends Error {}

async function fetchHttp(url: URL, headers: readonly HttpHeader[], settings: FetchSettings): Promise<Uint8Array> {
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const total = settings.totalTimeoutMs ?? 0;
  const deadline = total > 0 ? Date.now() + total : Number.POSITIVE_INFINITY;
  const maxAttempts = settings.maxAttempts ?? Number.POSITIVE_INFINITY;
  let backoff = 100;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    if (Date.now() >= deadline) break;
    try {
      const answer = await requestOnce(url, headers, settings, deadline);
      if (answer.status >= 200 && answer.status < 300 && answer.body !== undefined) return answer.body;
      throw new ProvisionError('FETCH_HTTP_STATUS', `GET ${url.href} answered HTTP ${answer.status}`);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      lastError = error.message;
      settings.log?.(`GET ${url.href}: ${lastError}; attempt #${attempt}`);
    }
    if (attempt >= maxAttempts) {
      throw new ProvisionError('FETCH_FAILED', `GET ${url.href} failed after ${attempt} attempts: ${lastError}`);
    }
    const wait = Math.min(backoff, Math.max(0, deadline - Date.now()));
    await sleep(wait);
    backoff = Math.min(backoff * 2, 5000);
  }
  throw new ProvisionError(
    'FETCH_TIMEOUT',
    `GET ${url.href}: no answer within ${settings.totalTimeoutMs} ms${lastError ? ` (${lastError})` : ''}`,
  );
}

/** Go's httpproxy rules: loopback is never proxied; `*` turns proxies off; names match as domain suffixes. */
export function proxyFor(url: URL, proxy: ProxySettings | undefined): URL | undefined {
  if (proxy === undefined) return undefined;
  const setting = url.protocol === 'https:' ? proxy.httpsProxy : proxy.httpProxy;
  if (setting === undefined || setting === '') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return undefined;
  for (const raw of proxy.noProxy ?? []) {
    const rule = raw.trim().toLowerCase();
    if (rule === '') continue;
    if (rule === '*') return undefined;
    if (rule.includes('/') && isIP(host) === 4 && inCidr(host, rule)) return undefined;
    const name = rule.replace(/:\d+$/, '');
    if (name === host) return undefined;
    const suffix = name.startsWith('.') ? name : `.${name}`;
    if (host.endsWith(suffix)) return undefined;
  }
  return new URL(setting.includes('://') ? setting : `http://${setting}`);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (base === undefined || bits === undefined || isIP(base) !== 4) return false;
  const toInt = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

async function requestOnce(
  url: URL,
  headers: readonly HttpHeader[],
  settings: FetchSettings,
  deadline: number,
): Promise<Attempt> {
  const proxy = proxyFor(url, settings.proxy);
  const requestHeaders: Record<string, string> = { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'identity' };
  for (const header of headers) {
    if (header.value !== undefined && header.value !== '') requestHeaders[header.name] = header.value;
  }
  const ca =
    settings.certificateAuthorities && settings.certificateAuthorities.length > 0
      ? [...tls.rootCertificates, ...settings.certificateAuthorities]
      : undefined;
  const secure = url.protocol === 'https:';
  let options: https.RequestOptions = {
    method: 'GET',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (secure ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers: requestHeaders,
    ...(ca ? { ca } : {}),
  };
  if (proxy !== undefined && !secure) {
    options = { ...options, host: proxy.hostname, port: proxy.port || 80, path: url.href };
    if (proxy.username) requestHeaders['Proxy-Authorization'] = basicAuth(proxy);
  } else if (proxy !== undefined) {
    const socket = await connectTunnel(url, proxy);
    const tlsSocket = tls.connect({ socket, servername: url.hostname, ...(ca ? { ca } : {}) });
    options = { ...options, createConnection: () => tlsSocket };
  }
  const headerTimeout = settings.responseHeadersTimeoutMs ?? 10_000;
  const maxBytes = settings.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<Attempt>((resolve, reject) => {
    const request = (secure ? https : http).request(options);
    const fail = (error: Error) => {
      request.destroy();
      reject(error);
    };
    const headerTimer = setTimeout(
      () => fail(new RetryableError(`no response headers within ${headerTimeout} ms`)),
      Math.min(headerTimeout, Math.max(0, deadline - Date.now())),
    );
    request.on('error', (error) => {
      clearTimeout(headerTimer);
      reject(error instanceof ProvisionError ? error : new RetryableError(error.message));
    });
    request.on('response', (response: IncomingMessage) => {
      clearTimeout(headerTimer);
      const status = response.statusCode ?? 0;
      if (status >= 500) {
        response.resume();
        fail(new RetryableError(`HTTP ${status}`));
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        resolve({ status });
        return;
      }
      const declared = response.headers['content-length'];
      const length = declared === undefined ? undefined : Number(declared);
      if (length !== undefined && length > maxBytes) {
        fail(tooLarge(url, maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      const bodyTimer =
        deadline === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => fail(new RetryableError('body not received in time')), deadline - Date.now());
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) {
          clearTimeout(bodyTimer);
          fail(tooLarge(url, maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      response.on('aborted', () => {
        clearTimeout(bodyTimer);
        fail(truncated(url, received, length));
      });
      response.on('error', () => {
        clearTimeout(bodyTimer);
        fail(truncated(url, received, length));
      });
      response.on('end', () => {
        clearTimeout(bodyTimer);
        if (!response.complete || (length !== undefined && received !== length)) {
          fail(truncated(url, received, length));
          return;
        }
        resolve({ status, body: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    request.end();
  });
}

function tooLarge(url: URL, maxBytes: number): ProvisionError {
  return new ProvisionError('FETCH_TOO_LARGE', `GET ${url.href}: the resource is larger than ${maxBytes} bytes`);
}

function truncated(url: URL, received: number, length: number | undefined): ProvisionError {
  const expected = length === undefined ? '' : ` of ${length}`;
  return new ProvisionError('FETCH_TRUNCATED', `GET ${url.href}: the answer ended after ${received}${expected} bytes`);
}

function basicAuth(proxy: URL): string {
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function connectTunnel(url: URL, proxy: URL): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const target = `${url.hostname}:${url.port || 443}`;
    const headers: Record<string, string> = { Host: target };
    if (proxy.username) headers['Proxy-Authorization'] = basicAuth(proxy);
    const request = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
    });
    request.on('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new RetryableError(`proxy CONNECT answered HTTP ${response.statusCode}`));
      }
    });
    request.on('error', (error) => reject(new RetryableError(error.message)));
    request.end();
  });
}
