import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Options for `httpRequest`. */
export interface HttpRequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Milliseconds without any byte moving before the request is abandoned. */
  readonly idleTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends one request and resolves with the response head, its body still to be read (as a stream): downloads
 * stream straight into the partition without holding the payload in memory. Rejects on a transport failure (no
 * HTTP answer).
 */
export function openHttp(url: string, options: HttpRequestOptions = {}): Promise<IncomingMessage> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new Error(`Unsupported URL scheme in ${url}`));
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        // No keep-alive: an idle pooled socket would hold a one-shot `ballast agent run --once` open for seconds.
        agent: false,
        method: options.method ?? 'GET',
        headers: {
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (response) => {
        response.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
          response.destroy(new Error(`No data from ${target.host} for ${options.idleTimeoutMs ?? 60_000} ms`)),
        );
        resolve(response);
      },
    );
    req.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
      req.destroy(new Error(`No answer from ${target.host} for ${options.idleTimeoutMs ?? 60_000} ms`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A whole response: status and body bytes (at most `limit` of them). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** Sends a request and reads the whole (small) answer; rejects on transport failures and bodies over `limit`. */
export async function fetchHttp(
  url: string,
  options: HttpRequestOptions & { readonly limit?: number } = {},
): Promise<HttpAnswer> {
  const response = await openHttp(url, options);
  const limit = options.limit ?? 1024 * 1024;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) {
      response.destroy();
      throw new Error(`Answer from ${url} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return { status: response.statusCode ?? 0, body: Buffer.concat(chunks) };
}
