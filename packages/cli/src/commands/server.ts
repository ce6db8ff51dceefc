import {
  type AuthMode,
  DEFAULT_DB,
  DEFAULT_INSTANCE_CACHE_ROWS,
  jsonLogger,
  type LogLevel,
  parseInterval,
  redactDatabase,
  startServer,
} from '@ballast/server';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommandArgs } from './command-common.js';

const usage = `Usage: ballast server [options]
       ballast server token <create|list|delete> [options]

Runs the update server: the Omaha endpoint for Flatcar nodes (SERVER=http://HOST:PORT/v1/update/ in
/etc/flatcar/update.conf) and a Nebraska-compatible REST API. On first start it prints an admin API token.
Logs are JSON lines on stderr. SIGTERM or Ctrl-C stops it after the requests in flight.

Options:
      --listen HOST:PORT     address to listen on (default 127.0.0.1:8080; port 0 picks a free port)
      --db DB                sqlite:PATH or postgres://USER@HOST:PORT/DB (default ${DEFAULT_DB})
      --auth MODE            token: the REST API needs an API token (default); none: no authentication (demos only)
      --payloads DIR         serve update payloads from DIR under /flatcar/ and accept uploads into it
      --omaha-suffix SECRET  serve Omaha only at /v1/update/SECRET (Nebraska's -api-endpoint-suffix)
      --retention DURATION   delete instances not seen for DURATION (e.g. 30d, "90 days"), with their history
      --instance-cache ROWS  on SQLite, instances kept in memory for update checks, about 350 bytes each
                             (default ${DEFAULT_INSTANCE_CACHE_ROWS}; 0 reads every check's instance from the file)
      --trust-proxy          take client addresses from X-Forwarded-For (only behind a reverse proxy)
      --log-level LEVEL      debug, info (default), warn or error
      --shutdown-timeout S   seconds to let requests finish on shutdown (default 10)
  -h, --help                 show usage and exit

Run \`ballast server token --help\` for API tokens.
`;

/** The parsed options of `ballast server`. */
export interface ServerCommandOptions {
  readonly listen: string;
  readonly db: string;
  readonly auth: AuthMode;
  readonly payloads?: string;
  readonly omahaSuffix?: string;
  readonly trustProxy: boolean;
  readonly retentionMs?: number;
  readonly instanceCacheRows?: number;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
}

/** Reads `ballast server`'s arguments; undefined means "--help was asked". */
export function parseServerArgs(args: readonly string[]): ServerCommandOptions | undefined {
  const { values, positionals } = parseCommandArgs(args, {
    listen: { type: 'string' },
    db: { type: 'string' },
    auth: { type: 'string' },
    payloads: { type: 'string' },
    'omaha-suffix': { type: 'string' },
    'trust-proxy': { type: 'boolean' },
    retention: { type: 'string' },
    'instance-cache': { type: 'string' },
    'log-level': { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return undefined;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const auth = values.auth ?? 'token';
  if (auth !== 'token' && auth !== 'none') throw new UsageError(`--auth must be "token" or "none", not "${auth}"`);
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new UsageError(`--log-level must be debug, info, warn or error, not "${logLevel}"`);
  }
  const timeout = Number(values['shutdown-timeout'] ?? '10');
  if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError('--shutdown-timeout wants a number of seconds');
  const listen = values.listen ?? '127.0.0.1:8080';
  if (!/^(\[[^\]]+\]|[^:[\]]*):\d{1,5}$/.test(listen)) {
    throw new UsageError(`--listen wants HOST:PORT (e.g. 127.0.0.1:8080), got "${listen}"`);
  }
  const suffix = values['omaha-suffix'];
  if (suffix !== undefined && !/^[A-Za-z0-9._~-]+$/.test(suffix)) {
    throw new UsageError('--omaha-suffix may only hold letters, digits and . _ ~ -');
  }
  const retention = values.retention;
  const retentionMs = retention === undefined ? undefined : parseInterval(retention);
  if (retention !== undefined && (retentionMs === undefined || retentionMs <= 0)) {
    throw new UsageError(`--retention wants a duration such as 30d or "90 days", got "${retention}"`);
  }
  const instanceCache = values['instance-cache'];
  if (instanceCache !== undefined && !/^\d+$/.test(instanceCache)) {
    throw new UsageError(`--instance-cache wants a number of instances (0 or more), got "${instanceCache}"`);
  }
  return {
    listen,
    ...(retentionMs !== undefined && { retentionMs }),
    ...(instanceCache !== undefined && { instanceCacheRows: Number(instanceCache) }),
    db: values.db ?? DEFAULT_DB,
    auth,
    ...(values.payloads !== undefined && { payloads: values.payloads }),
    ...(suffix !== undefined && { omahaSuffix: suffix }),
    trustProxy: values['trust-proxy'] === true,
    logLevel: logLevel as LogLevel,
    shutdownTimeoutMs: timeout * 1000,
  };
}

/** Runs the server until `stop` aborts; returns the exit status. */
export async function serve(options: ServerCommandOptions, io: Io, stop: AbortSignal): Promise<number> {
  const logger = jsonLogger({ level: options.logLevel, write: (line) => io.stderr.write(line) });
  const server = await startServer({
    listen: options.listen,
    db: options.db,
    auth: options.auth,
    ...(options.payloads !== undefined && { payloadsDir: options.payloads }),
    ...(options.omahaSuffix !== undefined && { omahaSuffix: options.omahaSuffix }),
    trustProxy: options.trustProxy,
    ...(options.retentionMs !== undefined && { retentionMs: options.retentionMs }),
    ...(options.instanceCacheRows !== undefined && { instanceCacheRows: options.instanceCacheRows }),
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    logger,
  });
  const stopped = new Promise<void>((done) => {
    if (stop.aborted) done();
    else stop.addEventListener('abort', () => done(), { once: true });
  });
  io.stdout.write(`Ballast update server on ${server.url} (database ${redactDatabase(options.db)})\n`);
  const outcome = await Promise.race([
    server.ready.then((ready) => ({ ready })),
    stopped.then(() => 'stopped' as const),
  ]).catch((error: unknown) => ({ error }));
  if (typeof outcome === 'object' && 'error' in outcome) {
    await server.close();
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    io.stderr.write(`ballast server: cannot open the database ${redactDatabase(options.db)}: ${message}\n`);
    return 1;
  }
  if (typeof outcome === 'object') {
    if (outcome.ready.initialAdminToken !== undefined) {
      io.stdout.write(
        `Admin API token (shown once, keep it safe): ${outcome.ready.initialAdminToken}\n` +
          `  curl -H 'Authorization: Bearer ${outcome.ready.initialAdminToken}' ${server.url}/api/apps\n`,
      );
    }
    // Written last, so a script that waits for this line has the token by then.
    io.stdout.write(
      `Flatcar nodes: SERVER=${server.url}/v1/update/${options.omahaSuffix ?? ''} in /etc/flatcar/update.conf\n`,
    );
    await stopped;
  }
  await server.close();
  return 0;
}

/** `ballast server`: runs the update server until SIGTERM or SIGINT; `ballast server token ...` manages tokens. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  if (args[0] === 'token') return (await import('./server-token.js')).run(args.slice(1), io);
  const options = parseServerArgs(args);
  if (!options) {
    io.stdout.write(usage);
    return 0;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await serve(options, io, stop.signal);
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  }
}
