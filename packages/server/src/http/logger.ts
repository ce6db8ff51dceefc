/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger: one JSON object per line. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line. */
  child(fields: LogFields): Logger;
  /** Whether lines of this level are written; callers may skip making lines nobody reads. Assume yes if absent. */
  enabled?(level: LogLevel): boolean;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link jsonLogger}. */
export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go; process.stderr by default, so stdout stays free for what a user asked for. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined && { code }), stack: value.stack };
  }
  return value;
}

/** A logger writing one JSON object per line: `{"time":...,"level":...,"msg":...,...fields}`. */
export function jsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const entry: Record<string, unknown> = { time: now().toISOString(), level, msg: message, ...base };
    if (fields) for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => jsonLogger(options, { ...base, ...fields }),
    enabled: (level) => RANK[level] >= min,
  };
}

/** A logger that drops everything; for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  enabled: () => false,
};
