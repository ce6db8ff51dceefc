import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { registerApiRoutes } from './api/api-routes.js';
import { type AuthMode, authorize, createApiToken } from './auth/authenticate.js';
import { readBody } from './http/body.js';
import { registerDashboardRoutes } from './http/dashboard-assets.js';
import { HttpError, isDatabaseUnavailable, RETRY_AFTER_SECONDS, toErrorResponse } from './http/http-error.js';
import { jsonLogger, type Logger } from './http/logger.js';
import { sendJson, sendText } from './http/respond.js';
import { type Match, MatchedRequest, type RequestContext, Router } from './http/router.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/metrics-registry.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import { openApiDocument } from './openapi.js';
import { servePayload, storePayload } from './payloads/payload-files.js';
import { registerProvisioningRoutes } from './provisioning/index.js';
import { type Clock, openPostgresStore, openSqliteStore, type Store, systemClock } from './store/index.js';
import {
  createAppLookup,
  handleOmahaRequest,
  type RetentionJob,
  startRetention,
  type UpdateLogEntry,
} from './updates/index.js';

/** Largest Omaha request body: update_engine's are under 2 KiB; Nebraska refuses more than this too. */
export const OMAHA_BODY_LIMIT = 64 * 1024;

const OVERSIZED_BODY = Buffer.alloc(OMAHA_BODY_LIMIT + 1, 0x20);

/** Where the server keeps its SQLite database when `--db` is not given. */
export const DEFAULT_DB = 'sqlite:./ballast-data/ballast.db';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** `HOST:PORT` (`[::1]:8080` for IPv6); port 0 picks a free one. Default `127.0.0.1:8080`. */
  readonly listen?: string;
  /** `sqlite:PATH`, a bare path, `sqlite::memory:`, or `postgres://...`; default {@link DEFAULT_DB}. */
  readonly db?: string;
  /** An open store to use instead of `db` (the server closes it on shutdown). */
  readonly store?: Store;
  /** `token` (default): the REST API needs a bearer token; `none`: anyone may do anything. */
  readonly auth?: AuthMode;
  /** Directory of payloads to serve under `/flatcar/` and accept uploads into. */
  readonly payloadsDir?: string;
  /** Serve Omaha only at `/v1/update/<suffix>` (Nebraska's `-api-endpoint-suffix`), a secret shared with nodes. */
  readonly omahaSuffix?: string;
  /** Take the client address from `X-Forwarded-For` (behind a reverse proxy only: clients can forge it). */
  readonly trustProxy?: boolean;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** How long shutdown waits for requests in flight before cutting connections; 10 s by default. */
  readonly shutdownTimeoutMs?: number;
  /** Connections to PostgreSQL per process; 10 by default. */
  readonly maxDbConnections?: number;
  /** Delete instances not seen for this long, with their history (hourly); off when undefined. */
  readonly retentionMs?: number;
  /** See {@link RouteDependencies.groupCacheMs}. */
  readonly groupCacheMs?: number;
  /** Instance rows kept in memory for update checks on SQLite (see `SqliteStoreOptions.instanceCacheRows`). */
  readonly instanceCacheRows?: number;
}

/** What {@link startServer} reports once the database is open. */
export interface ServerReady {
  /** An admin token made because the database had none (first start with `--auth token`); shown once. */
  readonly initialAdminToken?: string;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Resolves once the database is open and every route answers (`/health` says 200 from then on). */
  readonly ready: Promise<ServerReady>;
  readonly metrics: ServerMetrics;
  /** The store, once open. */
  store(): Store | undefined;
  /** Stops accepting connections, lets requests in flight finish, closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Splits `HOST:PORT`, `[v6]:PORT` or `:PORT`. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`--listen wants HOST:PORT (e.g. 127.0.0.1:8080), got "${listen}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** What `--db` names. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** Reads `--db`: `postgres://` or `postgresql://` URLs, `sqlite:PATH`, or a bare SQLite path. */
export function parseDatabase(db: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(db)) return { kind: 'postgres', url: db };
  const path = db.startsWith('sqlite:') ? db.slice('sqlite:'.length) : db;
  if (path === '') throw new Error('--db sqlite: needs a path, e.g. sqlite:./ballast-data/ballast.db');
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

/** A database URL with its password hidden, for logs. */
export function redactDatabase(db: string): string {
  return db.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first && isIP(first) !== 0) return first;
  }
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      done();
    });
  });
}

/** The dependencies of the routes; {@link buildRouter} is exported so tests can check routes against OpenAPI. */
export interface RouteDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: ServerMetrics;
  readonly payloadsDir?: string | undefined;
  readonly omahaSuffix?: string | undefined;
  readonly trustProxy?: boolean;
  /**
   * How long the Omaha endpoint may reuse a group it read (1 s by default; 0 reads it on every check). A write
   * through this process's API drops the cache at once; other replicas see it within this time.
   */
  readonly groupCacheMs?: number;
}

/** Every route of a ready server: health, metrics, OpenAPI, Omaha, payloads and the REST API. */
export function buildRouter(deps: RouteDependencies): Router {
  const router = new Router();
  const { store } = deps;
  const apps = createAppLookup(store, { groupTtlMs: deps.groupCacheMs ?? 1000 });

  router.add('GET', '/health', 'public', async (ctx) => {
    try {
      await store.ping();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      ctx.log.warn('Database unavailable', { path: '/health', error: (error as Error).message });
      sendJson(ctx.res, 503, { status: 'database unavailable' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      return;
    }
    sendJson(ctx.res, 200, { status: 'ok', database: store.dialect });
  });
  router.add('GET', '/metrics', 'public', (ctx) => sendMetrics(ctx, deps.metrics));
  router.add('GET', '/api/openapi.json', 'public', (ctx) => sendJson(ctx.res, 200, openApiDocument));

  // Per process, not per request: the handler's log lines go to the server's logger, debug lines only if it wants them.
  const omahaLog = (entry: UpdateLogEntry) => deps.log[entry.level](entry.message, entry.fields);
  const logsDebug = deps.log.enabled?.('debug') ?? true;
  const omaha = async (ctx: RequestContext) => {
    const body = await readBody(ctx.req, OMAHA_BODY_LIMIT).catch((error: unknown) => {
      if (error instanceof HttpError && error.status === 413) return undefined;
      throw error;
    });
    // An oversized body goes on as a stand-in of the same size, so the answer is the handler's own 413 document.
    const answer = await handleOmahaRequest(body ?? OVERSIZED_BODY, {
      store,
      clock: deps.clock,
      remoteAddress: clientAddress(ctx.req, deps.trustProxy ?? false),
      apps,
      log: omahaLog,
      logsDebug,
    });
    sendText(ctx.res, answer.status, answer.body, answer.contentType);
  };
  if (deps.omahaSuffix) {
    const suffix = deps.omahaSuffix.replace(/^\/+|\/+$/g, '');
    router.add('POST', `/v1/update/${suffix}`, 'public', omaha);
  } else {
    router.add('POST', '/v1/update', 'public', omaha);
    router.add('POST', '/v1/update/', 'public', omaha);
  }

  if (deps.payloadsDir) {
    const root = deps.payloadsDir;
    router.add('GET', '/flatcar/*path', 'public', (ctx) =>
      servePayload(ctx.req, ctx.res, { root, urlPath: ctx.params.path! }),
    );
    router.add('PUT', '/api/payloads/*path', 'write', async (ctx) => {
      const stored = await storePayload(ctx.req, { root, urlPath: ctx.params.path! });
      const slash = stored.path.lastIndexOf('/');
      sendJson(ctx.res, 200, {
        path: stored.path,
        url: `/flatcar/${slash < 0 ? '' : `${stored.path.slice(0, slash)}/`}`,
        filename: stored.path.slice(slash + 1),
        size: String(stored.size),
        hash: stored.sha1Base64,
        hash_sha256: stored.sha256Hex,
        sha256: stored.sha256Base64,
      });
    });
  }

  registerApiRoutes(router, { store, payloadsDir: deps.payloadsDir, onChange: () => apps.invalidate() });
  registerProvisioningRoutes(router, { store, trustProxy: deps.trustProxy ?? false });
  registerDashboardRoutes(router);
  return router;
}

async function sendMetrics(ctx: RequestContext, metrics: ServerMetrics): Promise<void> {
  const { text, errors } = await metrics.registry.render();
  for (const error of errors) {
    if (!isDatabaseUnavailable(error)) ctx.log.warn('A metrics collector failed', { error });
  }
  sendText(ctx.res, 200, text, PROMETHEUS_CONTENT_TYPE);
}

/** Routes that answer while the database is still opening (or failing to). */
function startingRouter(metrics: ServerMetrics, status: () => string): Router {
  const router = new Router();
  router.add('GET', '/health', 'public', (ctx) => {
    sendJson(ctx.res, 503, { status: status() }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  });
  router.add('GET', '/metrics', 'public', (ctx) => sendMetrics(ctx, metrics));
  router.add('GET', '/api/openapi.json', 'public', (ctx) => sendJson(ctx.res, 200, openApiDocument));
  return router;
}

async function openStore(options: ServerOptions, context: { clock: Clock; log: Logger }): Promise<Store> {
  const { clock, log } = context;
  if (options.store) return options.store;
  const target = parseDatabase(options.db ?? DEFAULT_DB);
  return target.kind === 'postgres'
    ? openPostgresStore(target.url, {
        clock,
        ...(options.maxDbConnections && { maxConnections: options.maxDbConnections }),
        onConnectionError: (error) =>
          log.warn('Lost a database connection; the next query opens a new one', { error: error.message }),
      })
    : openSqliteStore(target.path, {
        clock,
        ...(options.instanceCacheRows !== undefined && { instanceCacheRows: options.instanceCacheRows }),
      });
}

/**
 * Starts the update server: listens first (so `/health` can say "starting"), then opens the database, retrying
 * while PostgreSQL cannot be reached, and from then on answers every route. Logs are JSON lines.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? jsonLogger();
  const clock = options.clock ?? systemClock;
  const auth = options.auth ?? 'token';
  const { host, port } = parseListen(options.listen ?? '127.0.0.1:8080');
  const payloadsDir = options.payloadsDir === undefined ? undefined : resolve(options.payloadsDir);
  let store: Store | undefined;
  let startError: unknown;
  const metrics = createServerMetrics({ store: () => store });
  let router = startingRouter(metrics, () => (startError ? 'database unavailable' : 'starting'));
  const shutdown = new AbortController();
  let retention: RetentionJob | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    inFlight += 1;
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const method = req.method ?? 'GET';
    let match: Match | { readonly allowed: readonly string[] } | undefined;
    let route = 'unmatched';
    const requestLog = log;
    try {
      match = router.match(method, path);
      if (match && 'route' in match) route = match.route.pattern;
      if (!match) {
        // Until the database is open only the starting routes exist: every other path may be one of the server's
        // (an update check, a machine's Ignition config, the dashboard), so its client is told to come back.
        throw store
          ? new HttpError(404, 'NOT_FOUND', `No route for ${path}`)
          : new HttpError(503, 'STARTING', 'The server is starting; retry shortly', {
              'retry-after': String(RETRY_AFTER_SECONDS),
            });
      }
      if (!('route' in match)) {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, {
          allow: match.allowed.join(', '),
        });
      }
      const context = new MatchedRequest(req, res, match.params, route, requestLog, q < 0 ? '' : target.slice(q + 1));
      if (match.route.access !== 'public') {
        context.principal = await authorize(req, { mode: auth, store: store!, access: match.route.access });
      }
      await match.route.handler(context);
    } catch (error) {
      const answer = toErrorResponse(error);
      if (answer.status === 503 && isDatabaseUnavailable(error)) {
        requestLog.warn('Database unavailable', { method, path, error: (error as Error).message });
      } else if (answer.serverFault) {
        requestLog.error('Request failed', { method, path, error });
      }
      if (!res.headersSent) {
        sendJson(res, answer.status, answer.body, { ...answer.headers });
      } else {
        res.destroy();
      }
    } finally {
      metrics.observeRequest({ method, route, status: res.statusCode, seconds: (performance.now() - started) / 1000 });
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  };

  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res);
  });
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    log.debug('Bad HTTP request', { error: error.message });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  log.info(`Listening on ${url}`, { url, host: address.address, port: address.port });
  if (auth === 'none') {
    log.warn(
      'AUTHENTICATION IS OFF (--auth none): anyone who can reach this port can change groups, channels and packages. Use it for local demos only.',
      { auth },
    );
  }

  const ready = (async (): Promise<ServerReady> => {
    let delay = 250;
    for (;;) {
      try {
        store = await openStore(options, { clock, log });
        break;
      } catch (error) {
        if (shutdown.signal.aborted) throw error;
        if (!isDatabaseUnavailable(error)) {
          log.error('Cannot open the database', { db: redactDatabase(options.db ?? DEFAULT_DB), error });
          throw error;
        }
        startError = error;
        log.warn('Database unavailable; retrying', { error: (error as Error).message, retryInMs: delay });
        await sleep(delay, shutdown.signal);
        if (shutdown.signal.aborted) throw error;
        delay = Math.min(delay * 2, 5000);
      }
    }
    let initialAdminToken: string | undefined;
    if (auth === 'token' && (await store.listApiTokens()).length === 0) {
      initialAdminToken = (await createApiToken(store, { name: 'initial-admin', role: 'admin' })).secret;
    }
    router = buildRouter({
      store,
      clock,
      log,
      metrics,
      payloadsDir,
      omahaSuffix: options.omahaSuffix,
      trustProxy: options.trustProxy ?? false,
      ...(options.groupCacheMs !== undefined && { groupCacheMs: options.groupCacheMs }),
    });
    if (options.retentionMs !== undefined) {
      retention = startRetention({
        store,
        notSeenForMs: options.retentionMs,
        onPruned: (count) => {
          if (count > 0) log.info('Pruned instances not seen within the retention time', { count });
        },
        onError: (error) => log.warn('Pruning old instances failed; retrying at the next run', { error }),
      });
      // Once at start too, so a server restarted more often than hourly still prunes.
      retention.runNow().catch((error: unknown) => log.warn('Pruning old instances failed', { error }));
    }
    log.info('Ready', {
      database: store.dialect,
      auth,
      ...(payloadsDir && { payloads: payloadsDir }),
      omaha: `${url}/v1/update/${options.omahaSuffix ? '<suffix>' : ''}`,
    });
    return initialAdminToken === undefined ? {} : { initialAdminToken };
  })();
  // A failed start is reported through `ready`; without a handler here it would also be an unhandled rejection.
  ready.catch(() => {});

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shutdown.abort();
      retention?.stop();
      log.info('Shutting down: finishing requests in flight');
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((done) => (idle = done));
      const timeout = options.shutdownTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((done) => {
        timer = setTimeout(() => done('timeout'), timeout);
      });
      if ((await Promise.race([drained, timedOut])) === 'timeout') {
        log.warn('Requests still running at the shutdown deadline; closing their connections', { inFlight });
      }
      server.closeAllConnections();
      await closed;
      clearTimeout(timer);
      await ready.catch(() => {});
      if (store) await store.close();
      log.info('Stopped');
    })();
    return closing;
  };

  return { url, host: address.address, port: address.port, ready, metrics, store: () => store, close };
}
