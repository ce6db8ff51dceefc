/** Stable codes of provisioning failures; tests assert them. */
export type ProvisionErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'DISK_FAILED'
  | 'ENTRY_CONFLICT'
  | 'FETCH_FAILED'
  | 'FETCH_HASH_MISMATCH'
  | 'FETCH_HTTP_STATUS'
  | 'FETCH_TIMEOUT'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_TRUNCATED'
  | 'FETCH_UNSUPPORTED'
  | 'DECOMPRESS_FAILED'
  | 'IO_ERROR'
  | 'NODE_EXISTS'
  | 'NO_SUCH_GROUP'
  | 'NO_SUCH_USER'
  | 'NOT_SUPPORTED'
  | 'SYMLINK_LOOP'
  | 'TOOL_FAILED';

/**
 * A provisioning step failed. `where` names the config entry (`storage.files.3 /etc/foo`) when there is one, so the
 * message reads `storage.files.3 /etc/foo: A file exists there already and overwrite is false`.
 */
export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  constructor(
    readonly code: ProvisionErrorCode,
    readonly reason: string,
    readonly where?: string,
  ) {
    super(where === undefined ? reason : `${where}: ${reason}`);
  }

  /** The same failure, placed at a config entry (kept when it already names one). */
  at(where: string): ProvisionError {
    return this.where === undefined ? new ProvisionError(this.code, this.reason, where) : this;
  }
}

/** Wraps a Node.js system error (ENOENT, EACCES...) as an IO_ERROR that says which operation on which path failed. */
export function ioError(operation: string, path: string, cause: unknown): ProvisionError {
  const error = cause as NodeJS.ErrnoException;
  const detail = error.code ?? error.message ?? String(cause);
  return new ProvisionError('IO_ERROR', `cannot ${operation} ${path}: ${detail}`);
}
