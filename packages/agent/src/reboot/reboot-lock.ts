/**
 * The fleet-wide reboot lock the `etcd-lock` strategy takes before rebooting and gives back once the new boot is
 * healthy: locksmith's semaphore in etcd (`packages/agent/src/lock`), or anything else with the same contract.
 */
export interface RebootLock {
  /** Takes one of the semaphore's slots for this machine; true when held (also when it already was). */
  acquire(): Promise<boolean>;
  /** Gives this machine's slot back; a machine that holds none is not an error. */
  release(): Promise<void>;
}
