export { type CasResult, EtcdClient, type EtcdClientOptions, type EtcdTls, type KeyValue } from './etcd-client.js';
export {
  type AcquireResult,
  EtcdRebootLock,
  type EtcdRebootLockOptions,
  type HolderLock,
  type LockStatus,
  type OpenEtcdRebootLockOptions,
  openEtcdRebootLock,
  type ReleaseResult,
  type SemaphoreLock,
} from './etcd-lock.js';
export { LockError, type LockErrorCode } from './lock-error.js';
export {
  DEFAULT_ETCD_ENDPOINTS,
  type LockSettings,
  lockOptionsFrom,
  lockSettingsFrom,
  splitEndpoints,
} from './lock-settings.js';
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
