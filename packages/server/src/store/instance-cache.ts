import type { Instance } from './model.js';

/**
 * Tells whether the database may have changed other than by the hot path's check-in writes: a number that moves on
 * every other write of this process and when another process committed.
 */
export interface ChangeCounter {
  current(): number;
}

/**
 * Instances as the database holds them, so that an update check can decide without reading its instance's rows.
 * Every entry remembers the change count at which its state was read (or derived from a read by a check-in write):
 * any other write, by this process or another, makes every entry stale at once, and the next check reads again. A
 * check-in write replaces the entry of its own instance with what it wrote, so a fleet checking in keeps its
 * entries. A full cache takes no new entries rather than churning: a fleet larger than the limit reads the rest.
 */
export class InstanceCache {
  private readonly entries = new Map<string, Instance>();
  /** The change count at which each cached instance's state was read. */
  private readonly readAt = new WeakMap<Instance, number>();

  constructor(
    private readonly changes: ChangeCounter,
    private readonly limit: number,
  ) {}

  /** The change count now: take it before a read, and give it to {@link remember} with what the read found. */
  current(): number {
    return this.changes.current();
  }

  /** The instance as last read, unless anything may have written since. */
  get(instanceId: string, appId: string): Instance | undefined {
    const instance = this.entries.get(key(instanceId, appId));
    return instance !== undefined && this.readAt.get(instance) === this.changes.current() ? instance : undefined;
  }

  /** Keeps an instance read at change count `readAt`; nothing happens when something wrote since. */
  remember(instance: Instance, readAt: number): void {
    if (readAt !== this.changes.current()) return;
    const entry = key(instance.id, instance.application.appId);
    if (this.entries.size >= this.limit && !this.entries.has(entry)) return;
    this.readAt.set(instance, readAt);
    this.entries.set(entry, instance);
  }

  /**
   * Replaces `before` (as {@link get} or a read gave it) with `after`, the state a check-in wrote from it; only when
   * `before` is the cache's own, current state, so that a check-in derived from an older read keeps nothing.
   */
  replace(before: Instance, after: Instance): void {
    const readAt = this.readAt.get(before);
    if (readAt !== undefined) this.remember(after, readAt);
  }
}

function key(instanceId: string, appId: string): string {
  return `${instanceId}\u0000${appId}`;
}
