import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipGo } from '@ballast/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchResource, proxyFor } from './fetch-resource.js';
import { ProvisionError } from './provision-error.js';

let server: Server;
let base: string;
let flakyCount = 0;
let lastHeaders: IncomingHttpHeaders = {};
let lastUrl = '';
const noSleep = { sleep: async () => undefined };

beforeAll(async () => {
  server = createServer((request, response) => {
    lastHeaders = request.headers;
    lastUrl = request.url ?? '';
    switch (request.url) {
      case '/flaky':
        if (++flakyCount < 3) {
          response.writeHead(503);
          response.end();
        } else response.end('finally');
        return;
      case '/missing':
        response.writeHead(404);
        response.end('no');
        return;
      case '/always-500':
        response.writeHead(500);
        response.end();
        return;
      case '/silent':
        return; // never answers
      case '/gzip':
        response.end(Buffer.from(gzipGo(new TextEncoder().encode('unzipped'))));
        return;
      default:
        response.end(`path ${request.url}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function failure(promise: Promise<unknown>): Promise<ProvisionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProvisionError) return error;
    throw error;
  }
  throw new Error('expected a ProvisionError');
}

describe('fetchResource', () => {
  it('decodes data URLs and treats an empty source as empty contents', async () => {
    expect(text(await fetchResource({ source: 'data:,a%20b' }, {}))).toBe('a b');
    expect(text(await fetchResource({ source: 'data:;base64,aGk=' }, {}))).toBe('hi');
    expect((await fetchResource({ source: '' }, {})).length).toBe(0);
    expect((await failure(fetchResource({ source: 'data:;base64,!!' }, {}))).code).toBe('FETCH_FAILED');
  });

  it('sends the config headers and drops the ones without a value', async () => {
    await fetchResource(
      { source: `${base}/h`, headers: [{ name: 'X-Token', value: 'secret' }, { name: 'X-Empty' }] },
      {},
    );
    expect(lastHeaders['x-token']).toBe('secret');
    expect(lastHeaders['x-empty']).toBeUndefined();
    expect(lastHeaders['accept-encoding']).toBe('identity');
  });

  it('retries 5xx answers with back-off 100 ms, 200 ms, ... up to 5 s', async () => {
    flakyCount = 0;
    const waits: number[] = [];
    const bytes = await fetchResource({ source: `${base}/flaky` }, { sleep: async (ms) => void waits.push(ms) });
    expect(text(bytes)).toBe('finally');
    expect(waits).toEqual([100, 200]);
    const many: number[] = [];
    const error = await failure(
      fetchResource({ source: `${base}/always-500` }, { maxAttempts: 8, sleep: async (ms) => void many.push(ms) }),
    );
    expect(error.code).toBe('FETCH_FAILED');
    expect(many).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
  });

  it('fails at once on other status codes', async () => {
    const error = await failure(fetchResource({ source: `${base}/missing` }, noSleep));
    expect(error.code).toBe('FETCH_HTTP_STATUS');
    expect(error.message).toContain('HTTP 404');
  });

  it('gives up when no response headers come in time, within the total timeout', async () => {
    const error = await failure(
      fetchResource({ source: `${base}/silent` }, { responseHeadersTimeoutMs: 50, totalTimeoutMs: 300, ...noSleep }),
    );
    expect(error.code).toBe('FETCH_TIMEOUT');
  });

  it('decompresses gzip and checks the hash of the decompressed bytes', async () => {
    const hash = `sha256-${createHash('sha256').update('unzipped').digest('hex')}`;
    expect(text(await fetchResource({ source: `${base}/gzip`, compression: 'gzip', hash }, {}))).toBe('unzipped');
    const error = await failure(fetchResource({ source: `${base}/gzip`, compression: 'gzip', hash: 'sha256-00' }, {}));
    expect(error.code).toBe('FETCH_HASH_MISMATCH');
  });

  it('answers FETCH_UNSUPPORTED for tftp, s3 and gs sources', async () => {
    for (const source of ['tftp://host/x', 's3://bucket/x', 'gs://bucket/x']) {
      expect((await failure(fetchResource({ source }, {}))).code).toBe('FETCH_UNSUPPORTED');
    }
  });

  it('goes through the HTTP proxy of the config, with the absolute URL as the request target', async () => {
    const bytes = await fetchResource(
      { source: 'http://config.example.test/node.ign' },
      { proxy: { httpProxy: base, noProxy: [] } },
    );
    expect(text(bytes)).toBe('path http://config.example.test/node.ign');
    expect(lastUrl).toBe('http://config.example.test/node.ign');
  });
});

describe('proxyFor follows Go httpproxy rules', () => {
  const proxy = {
    httpProxy: 'http://proxy:3128',
    httpsProxy: 'proxy:3129',
    noProxy: ['.internal', '10.0.0.0/8', 'exact.test'],
  };
  it.each([
    ['http://example.com/', 'http://proxy:3128/'],
    ['https://example.com/', 'http://proxy:3129/'],
    ['http://127.0.0.1/', undefined],
    ['http://localhost/', undefined],
    ['http://a.internal/', undefined],
    ['http://10.1.2.3/', undefined],
    ['http://exact.test/', undefined],
    ['http://sub.exact.test/', undefined],
    ['http://notexact.test/', 'http://proxy:3128/'],
  ])('%s -> %s', (url, expected) => {
    expect(proxyFor(new URL(url), proxy)?.href).toBe(expected);
  });
  it('turns every proxy off with *', () => {
    expect(proxyFor(new URL('http://example.com/'), { ...proxy, noProxy: ['*'] })).toBeUndefined();
  });
});
