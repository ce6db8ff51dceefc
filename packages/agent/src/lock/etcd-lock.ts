import { EtcdClient, type EtcdClientOptions, type KeyValue } from './etcd-client.js';
import { LockError } from './lock-error.js';
import {
  formatSemaphore,
  lockSemaphore,
  newSemaphore,
  parseSemaphore,
  type Semaphore,
  semaphoreKey,
  setSemaphoreMax,
  unlockSemaphore,
} from './semaphore.js';

/** The semaphore as read from etcd, with the key and the revision it was read at. */
export interface LockStatus {
  readonly key: string;
  readonly semaphore: Semaphore;
  /** The key's mod revision: the value every compare-and-swap is guarded by. */
  readonly modRevision: number;
}

/** The outcome of `acquire`: held (just now, or already before), or refused because no slot is free. */
export type AcquireResult =
  | { readonly acquired: true; readonly alreadyHeld: boolean; readonly status: LockStatus }
  | { readonly acquired: false; readonly status: LockStatus };

/** The outcome of `release`: `released` is false when the holder did not hold the lock. */
export interface ReleaseResult {
  readonly released: boolean;
  readonly status: LockStatus;
}

/** A fleet-wide reboot semaphore that any machine id can take a slot of. */
export interface SemaphoreLock {
  /** Takes a slot for `holder` (the machine id); refused, not thrown, while no slot is free. */
  acquire(holder: string): Promise<AcquireResult>;
  /** Gives back `holder`'s slot; a holder that holds none is no error (`released: false`). */
  release(holder: string): Promise<ReleaseResult>;
  /** Reads the semaphore, creating it as locksmith does when it does not exist yet. */
  status(): Promise<LockStatus>;
}

/** A semaphore lock bound to one machine id. */
export interface HolderLock {
  readonly holder: string;
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** Options of `EtcdRebootLock`. */
export interface EtcdRebootLockOptions {
  /** locksmith's group (`LOCKSMITHD_GROUP`); the default group when empty or absent. */
  readonly group?: string;
  /** How many compare-and-swap conflicts to retry before giving up (default 50). */
  readonly maxAttempts?: number;
  /** Waits between retries; tests pass a faster one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after a compare-and-swap lost to another writer, before the retry. */
  readonly onConflict?: (attempt: number) => void;
  /** Called between reading the semaphore and writing it back, to let tests change the key in between. */
  readonly beforeWrite?: () => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function checkHolder(holder: string): void {
  if (holder === '') throw new LockError('LOCK_HOLDER_INVALID', 'The lock holder id (machine id) is empty');
}

/** A change to the semaphore: `next` to write it, `undefined` to leave it as it is. */
interface Change<T> {
  readonly next: Semaphore | undefined;
  readonly result: (status: LockStatus) => T;
}

/**
 * locksmith's reboot semaphore in etcd: the JSON value at `coreos.com/updateengine/rebootlock/semaphore` (or a
 * group's key), changed only by compare-and-swap on the key's mod revision and retried when another node won.
 */
export class EtcdRebootLock implements SemaphoreLock {
  readonly key: string;
  readonly #client: EtcdClient;
  readonly #options: EtcdRebootLockOptions;

  constructor(client: EtcdClient, options: EtcdRebootLockOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.key = semaphoreKey(options.group ?? '');
  }

  /** Closes the etcd client's idle connections. */
  close(): void {
    this.#client.close();
  }

  async status(): Promise<LockStatus> {
    return this.#read();
  }

  async acquire(holder: string): Promise<AcquireResult> {
    checkHolder(holder);
    return this.#update((sem): Change<AcquireResult> => {
      const outcome = lockSemaphore(sem, holder);
      if (outcome.ok)
        return { next: outcome.next, result: (status) => ({ acquired: true, alreadyHeld: false, status }) };
      if (outcome.reason === 'held') {
        return { next: undefined, result: (status) => ({ acquired: true, alreadyHeld: true, status }) };
      }
      return { next: undefined, result: (status) => ({ acquired: false, status }) };
    });
  }

  async release(holder: string): Promise<ReleaseResult> {
    checkHolder(holder);
    return this.#update((sem): Change<ReleaseResult> => {
      const next = unlockSemaphore(sem, holder);
      return { next, result: (status) => ({ released: next !== undefined, status }) };
    });
  }

  /**
   * The lock as one machine sees it, in the shape of the agent's `RebootLock`: `acquire()` is true once this
   * machine holds a slot (also when it already did), `release()` gives it back and is no error when none is held.
   */
  forHolder(holder: string): HolderLock {
    checkHolder(holder);
    return {
      holder,
      acquire: async () => (await this.acquire(holder)).acquired,
      release: async () => {
        await this.release(holder);
      },
    };
  }

  /** Releases `holder`'s slot by hand (`locksmithctl unlock`); `LOCK_NOT_HELD` when it holds none. */
  async unlock(holder: string): Promise<LockStatus> {
    const result = await this.release(holder);
    if (!result.released) {
      throw new LockError('LOCK_NOT_HELD', `${holder} does not hold the reboot lock at ${this.key}`);
    }
    return result.status;
  }

  /** Sets how many machines may hold the lock at once; returns the previous maximum with the new status. */
  async setMax(max: number): Promise<{ previousMax: number; status: LockStatus }> {
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new LockError('LOCK_MAX_INVALID', `The maximum number of holders must be a whole number ≥ 0, not ${max}`);
    }
    return this.#update((sem) => ({
      next: sem.max === max ? undefined : setSemaphoreMax(sem, max),
      result: (status) => ({ previousMax: sem.max, status }),
    }));
  }

  #decode(kv: KeyValue): LockStatus {
    return {
      key: this.key,
      semaphore: parseSemaphore(kv.value, `etcd key ${this.key}`),
      modRevision: kv.modRevision,
    };
  }

  /** Reads the semaphore; creates locksmith's initial value when the key is missing (as locksmith's Init). */
  async #read(): Promise<LockStatus> {
    const kv = await this.#client.get(this.key);
    if (kv !== undefined) return this.#decode(kv);
    return this.#create();
  }

  async #create(): Promise<LockStatus> {
    const initial = newSemaphore();
    const cas = await this.#client.putIfModRevision(this.key, formatSemaphore(initial), 0);
    if (cas.succeeded) return { key: this.key, semaphore: initial, modRevision: cas.revision };
    // Another node created it first: use theirs.
    if (cas.current !== undefined) return this.#decode(cas.current);
    return this.#read();
  }

  async #update<T>(change: (sem: Semaphore) => Change<T>): Promise<T> {
    const maxAttempts = this.#options.maxAttempts ?? 50;
    const sleep = this.#options.sleep ?? defaultSleep;
    let status = await this.#read();
    for (let attempt = 1; ; attempt++) {
      const { next, result } = change(status.semaphore);
      if (next === undefined) return result(status);
      await this.#options.beforeWrite?.();
      const cas = await this.#client.putIfModRevision(this.key, formatSemaphore(next), status.modRevision);
      if (cas.succeeded) return result({ key: this.key, semaphore: next, modRevision: cas.revision });
      this.#options.onConflict?.(attempt);
      if (attempt >= maxAttempts) {
        throw new LockError(
          'LOCK_CONFLICT',
          `Gave up changing ${this.key} after ${attempt} compare-and-swap conflicts: other writers keep changing it`,
        );
      }
      // Jittered, growing pause so that nodes that collided do not collide again in step.
      await sleep(Math.min(1000, 10 * attempt) * (0.5 + Math.random()));
      status = cas.current === undefined ? await this.#create() : this.#decode(cas.current);
    }
  }
}

/** Options of `openEtcdRebootLock`: how to reach etcd, and the lock's own options. */
export interface OpenEtcdRebootLockOptions extends EtcdClientOptions, EtcdRebootLockOptions {}

/** Connects to etcd and returns the reboot lock; `close()` it when done. */
export function openEtcdRebootLock(options: OpenEtcdRebootLockOptions): EtcdRebootLock {
  return new EtcdRebootLock(new EtcdClient(options), options);
}
