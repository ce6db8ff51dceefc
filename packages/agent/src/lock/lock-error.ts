/** Stable codes of `LockError`, asserted by tests and shown to operators. */
export type LockErrorCode =
  | 'ETCD_UNAVAILABLE'
  | 'ETCD_REQUEST_FAILED'
  | 'ETCD_BAD_RESPONSE'
  | 'ETCD_AUTH_FAILED'
  | 'ETCD_CONFIG_INVALID'
  | 'LOCK_VALUE_INVALID'
  | 'LOCK_CONFLICT'
  | 'LOCK_NOT_HELD'
  | 'LOCK_MAX_INVALID'
  | 'LOCK_HOLDER_INVALID'
  | 'WINDOW_INVALID';

/** A failure of the reboot lock or of etcd, with a stable `code` and a message that says where and why. */
export class LockError extends Error {
  override readonly name = 'LockError';
  constructor(
    readonly code: LockErrorCode,
    message: string,
  ) {
    super(message);
  }
}
