import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { LockError } from './lock-error.js';

/** TLS material for an etcd cluster that uses HTTPS, as PEM text or bytes (the contents, not file names). */
export interface EtcdTls {
  /** The CA that signed the servers' certificates; the system's CAs when absent. */
  readonly ca?: string | Uint8Array;
  /** A client certificate and its key, for clusters that require client authentication. */
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
}

/** How to reach etcd. */
export interface EtcdClientOptions {
  /** Client URLs (`http://10.0.0.1:2379`), tried in order; a failed endpoint hands over to the next. */
  readonly endpoints: readonly string[];
  /** Deadline of one request to one endpoint, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  readonly tls?: EtcdTls;
  /** etcd user and password, for clusters with authentication enabled. */
  readonly username?: string;
  readonly password?: string;
}

/** One key as etcd stores it. Revisions are etcd's int64 counters, exact below 2^53. */
export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

/** The outcome of a put guarded by a compare: the key as it is now when the compare failed. */
export interface CasResult {
  readonly succeeded: boolean;
  /** The revision of the store after the transaction. */
  readonly revision: number;
  /** When the compare failed: the key's current value, or undefined when it does not exist. */
  readonly current?: KeyValue | undefined;
}

/** One request to one endpoint. */
interface Call {
  readonly endpoint: string;
  readonly path: string;
  readonly body: unknown;
  readonly token?: string | undefined;
}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** A request that reached no etcd: the endpoint is down, unreachable or too slow. */
class Unreachable extends Error {}

const b64 = (value: string | Uint8Array) =>
  (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)).toString('base64');

function int64(value: unknown, what: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`${what} is not an integer: ${value}`);
  return n;
}

function keyValue(raw: unknown): KeyValue {
  const kv = raw as Record<string, unknown>;
  return {
    key: Buffer.from(typeof kv.key === 'string' ? kv.key : '', 'base64'),
    value: Buffer.from(typeof kv.value === 'string' ? kv.value : '', 'base64'),
    createRevision: int64(kv.create_revision, 'create_revision'),
    modRevision: int64(kv.mod_revision, 'mod_revision'),
    version: int64(kv.version, 'version'),
  };
}

/** Renders etcd's error body (`{"error": ..., "code": ...}`) or the first line of anything else. */
function etcdMessage(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
    const text = body.message ?? body.error;
    if (typeof text === 'string' && text !== '') return text;
  } catch {
    // Not JSON: show it as it is.
  }
  return answer.body.trim().split('\n')[0]?.slice(0, 300) || `HTTP ${answer.status}`;
}

// The JSON gateway moved from /v3alpha (etcd 3.2) through /v3beta (3.3, still served by 3.4) to /v3 (3.4 on).
const PREFIXES = ['/v3', '/v3beta'] as const;

/**
 * A small etcd v3 client over etcd's gRPC gateway (HTTP and JSON, keys and values in base64), enough for a
 * compare-and-swap lock: range, guarded put, put. No dependency beyond node:http.
 */
export class EtcdClient {
  readonly endpoints: readonly string[];
  readonly #timeoutMs: number;
  readonly #options: EtcdClientOptions;
  readonly #httpAgent = new HttpAgent({ keepAlive: true });
  readonly #httpsAgent: HttpsAgent;
  /** The endpoint that answered last: later requests start there. */
  #preferred = 0;
  readonly #prefix = new Map<string, string>();
  #token: string | undefined;

  constructor(options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new LockError('ETCD_CONFIG_INVALID', 'No etcd endpoint given');
    for (const endpoint of options.endpoints) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw new LockError('ETCD_CONFIG_INVALID', `etcd endpoint ${JSON.stringify(endpoint)} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new LockError('ETCD_CONFIG_INVALID', `etcd endpoint ${endpoint} must be http:// or https://`);
      }
    }
    if ((options.tls?.cert === undefined) !== (options.tls?.key === undefined)) {
      throw new LockError('ETCD_CONFIG_INVALID', 'A client certificate needs its key, and a key its certificate');
    }
    this.endpoints = options.endpoints.map((e) => e.replace(/\/+$/, ''));
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#options = options;
    const tls = options.tls;
    this.#httpsAgent = new HttpsAgent({
      keepAlive: true,
      ...(tls?.ca === undefined ? {} : { ca: Buffer.from(tls.ca) }),
      ...(tls?.cert === undefined ? {} : { cert: Buffer.from(tls.cert) }),
      ...(tls?.key === undefined ? {} : { key: Buffer.from(tls.key) }),
    });
  }

  /** Closes idle connections. The client may still be used afterwards; it opens new ones. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  /** Reads one key, optionally as it was at an earlier store revision; undefined when it does not exist. */
  async get(key: string, options: { revision?: number } = {}): Promise<KeyValue | undefined> {
    const body: Record<string, unknown> = { key: b64(key) };
    if (options.revision !== undefined) body.revision = String(options.revision);
    const answer = await this.call('/kv/range', body);
    const kvs = answer.kvs;
    if (!Array.isArray(kvs) || kvs.length === 0) return undefined;
    return keyValue(kvs[0]);
  }

  /** The current revision of the store. */
  async revision(): Promise<number> {
    const answer = await this.call('/kv/range', { key: b64('\0') });
    return int64((answer.header as Record<string, unknown> | undefined)?.revision, 'revision');
  }

  /** Writes a key unconditionally. */
  async put(key: string, value: string | Uint8Array): Promise<void> {
    await this.call('/kv/put', { key: b64(key), value: b64(value) });
  }

  /**
   * Writes `value` only if the key's mod revision is still `modRevision` (0: only if the key does not exist), in
   * one transaction that returns the current value when the compare fails.
   */
  async putIfModRevision(key: string, value: string | Uint8Array, modRevision: number): Promise<CasResult> {
    const k = b64(key);
    const compare =
      modRevision === 0
        ? { key: k, result: 'EQUAL', target: 'CREATE', create_revision: '0' }
        : { key: k, result: 'EQUAL', target: 'MOD', mod_revision: String(modRevision) };
    const answer = await this.call('/kv/txn', {
      compare: [compare],
      success: [{ request_put: { key: k, value: b64(value) } }],
      failure: [{ request_range: { key: k } }],
    });
    const revision = int64((answer.header as Record<string, unknown> | undefined)?.revision, 'revision');
    if (answer.succeeded === true) return { succeeded: true, revision };
    const responses = answer.responses as { response_range?: { kvs?: unknown[] } }[] | undefined;
    const kvs = responses?.[0]?.response_range?.kvs;
    return { succeeded: false, revision, current: kvs && kvs.length > 0 ? keyValue(kvs[0]) : undefined };
  }

  /** Calls a gateway method on the first endpoint that answers, and returns etcd's JSON answer. */
  async call(method: string, body: unknown): Promise<Record<string, unknown>> {
    const failures: string[] = [];
    const count = this.endpoints.length;
    for (let n = 0; n < count; n++) {
      const index = (this.#preferred + n) % count;
      const endpoint = this.endpoints[index]!;
      try {
        const result = await this.#callEndpoint({ endpoint, path: method, body });
        this.#preferred = index;
        return result;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        failures.push(`${endpoint}: ${error.message}`);
      }
    }
    throw new LockError(
      'ETCD_UNAVAILABLE',
      `No etcd endpoint answered ${method}: ${failures.join('; ')}. Is etcd running and are --endpoints right?`,
    );
  }

  async #callEndpoint(call: Call): Promise<Record<string, unknown>> {
    const { endpoint, path: method } = call;
    let prefix = this.#prefix.get(endpoint);
    let answer: HttpAnswer | undefined;
    const candidates = prefix === undefined ? PREFIXES : [prefix];
    for (const candidate of candidates) {
      answer = await this.#authorised({ ...call, path: `${candidate}${method}` });
      // A gateway that does not know the prefix answers a plain-text 404.
      if (answer.status === 404 && !answer.body.trimStart().startsWith('{')) continue;
      prefix = candidate;
      this.#prefix.set(endpoint, candidate);
      break;
    }
    if (answer === undefined || prefix === undefined) {
      throw new LockError(
        'ETCD_REQUEST_FAILED',
        `etcd at ${endpoint} has no v3 JSON gateway (${PREFIXES.join(', ')} answered 404); etcd 3.3 or newer is needed`,
      );
    }
    if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
      // The member is up but cannot serve (no leader, shutting down): another member may.
      throw new Unreachable(`HTTP ${answer.status}: ${etcdMessage(answer)}`);
    }
    if (answer.status !== 200) {
      const code = answer.status === 401 ? 'ETCD_AUTH_FAILED' : 'ETCD_REQUEST_FAILED';
      throw new LockError(
        code,
        `etcd at ${endpoint} refused ${prefix}${method} (HTTP ${answer.status}): ${etcdMessage(answer)}`,
      );
    }
    try {
      const parsed = JSON.parse(answer.body) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Record<string, unknown>;
    } catch (error) {
      throw new LockError(
        'ETCD_BAD_RESPONSE',
        `etcd at ${endpoint} answered ${prefix}${method} with something other than a JSON object (${(error as Error).message}): ${answer.body.slice(0, 200)}`,
      );
    }
  }

  /** Sends a request with the auth token, authenticating first (and once more if the token expired). */
  async #authorised(call: Call): Promise<HttpAnswer> {
    const { endpoint, path } = call;
    const { username, password } = this.#options;
    if (username === undefined) return this.#post(call);
    for (let attempt = 0; ; attempt++) {
      if (this.#token === undefined) {
        const prefix = path.slice(0, path.indexOf('/', 1));
        const auth = await this.#post({
          endpoint,
          path: `${prefix}/auth/authenticate`,
          body: { name: username, password: password ?? '' },
        });
        if (auth.status !== 200) {
          throw new LockError(
            'ETCD_AUTH_FAILED',
            `etcd at ${endpoint} did not authenticate user ${username} (HTTP ${auth.status}): ${etcdMessage(auth)}`,
          );
        }
        const token = (JSON.parse(auth.body) as { token?: unknown }).token;
        if (typeof token !== 'string') {
          throw new LockError('ETCD_AUTH_FAILED', `etcd at ${endpoint} answered authenticate without a token`);
        }
        this.#token = token;
      }
      const answer = await this.#post({ ...call, token: this.#token });
      const expired = answer.status === 401 && /invalid auth token/.test(answer.body);
      if (!expired || attempt > 0) return answer;
      this.#token = undefined;
    }
  }

  #post(call: Call): Promise<HttpAnswer> {
    const { endpoint, path, body, token } = call;
    const url = new URL(`${endpoint}${path}`);
    const payload = JSON.stringify(body);
    const https = url.protocol === 'https:';
    const timeoutMs = this.#timeoutMs;
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: https ? this.#httpsAgent : this.#httpAgent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(token === undefined ? {} : { authorization: token }),
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (error) => {
            clearTimeout(timer);
            reject(new Unreachable(error.message));
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Unreachable(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        if (error instanceof Unreachable) reject(error);
        else if (isTlsRefusal(error))
          reject(new LockError('ETCD_REQUEST_FAILED', `etcd at ${endpoint}: TLS: ${error.message}`));
        else reject(new Unreachable(error.message));
      });
      req.end(payload);
    });
  }
}

// A certificate the client does not trust is a configuration error, not an outage: trying the next endpoint
// would hide it behind "no endpoint answered".
function isTlsRefusal(error: Error): boolean {
  const code = (error as { code?: string }).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/.test(code);
}
