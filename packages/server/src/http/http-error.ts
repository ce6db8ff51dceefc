import { ConflictError, type InvalidField, InvalidInputError, NotFoundError } from '../errors.js';

/** An error that already knows its HTTP answer: status, a stable UPPER_SNAKE code and a message for the client. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Allow` for 405 or `Retry-After` for 503. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly fields?: readonly InvalidField[];
}

/** What one error turns into on the wire. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
  /** True for answers that mean the server, not the client, is at fault (logged as errors). */
  readonly serverFault: boolean;
}

// PostgreSQL and socket errors that mean "the database is not there right now", as opposed to a bad query:
// connection refused or reset, the server shutting down (57P01..57P03), too many connections (53300).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|connect ECONNREFUSED|the database system is (starting up|shutting down)/i;

/** Whether an error means the database cannot be reached (answer 503 and let the client retry) rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  return UNAVAILABLE_MESSAGES.test(error.message);
}

/** Seconds a client is asked to wait before retrying while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/** The one place where errors become HTTP answers: domain errors to 404/409/400, database outages to 503. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error: error.code, message: error.message },
      serverFault: error.status >= 500,
    };
  }
  if (error instanceof NotFoundError) {
    return { status: 404, headers: {}, body: { error: error.code, message: error.message }, serverFault: false };
  }
  if (error instanceof ConflictError) {
    return { status: 409, headers: {}, body: { error: error.code, message: error.message }, serverFault: false };
  }
  if (error instanceof InvalidInputError) {
    return {
      status: 400,
      headers: {},
      body: { error: error.code, message: error.message, fields: error.fields },
      serverFault: false,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      body: { error: 'DATABASE_UNAVAILABLE', message: 'The database cannot be reached; retry later' },
      serverFault: true,
    };
  }
  return {
    status: 500,
    headers: {},
    body: { error: 'INTERNAL', message: 'Internal server error' },
    serverFault: true,
  };
}
