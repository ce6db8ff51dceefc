export { type CasResult, EtcdClient, type EtcdClientOptions, type EtcdTls, type KeyValue } from './etcd-client.js';
export {
  type AcquireResult,
  EtcdRebootLock,
  type EtcdRebootLockOptions,
  type LockStatus,
  type OpenEtcdRebootLockOptions,
  openEtcdRebootLock,
  type RebootLock,
  type ReleaseResult,
} from './etcd-lock.js';
export { LockError, type LockErrorCode } from './lock-error.js';
export {
  isInWindow,
  msUntilWindow,
  nextWindow,
  nextWindowStart,
  parseGoDuration,
  parseRebootWindow,
  previousWindow,
  type RebootWindow,
  rebootWindowFromSettings,
  type WindowPeriod,
} from './reboot-window.js';
export {
  formatSemaphore,
  type LockOutcome,
  lockSemaphore,
  newSemaphore,
  parseSemaphore,
  SEMAPHORE_KEY,
  type Semaphore,
  semaphoreKey,
  setSemaphoreMax,
  unlockSemaphore,
} from './semaphore.js';
