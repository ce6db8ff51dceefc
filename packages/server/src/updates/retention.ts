import type { Store } from '../store/index.js';

/** Options of {@link startRetention}. */
export interface RetentionOptions {
  readonly store: Store;
  /** Instances not seen for this long are deleted with their history, events and activity. */
  readonly notSeenForMs: number;
  /** How often to prune; hourly by default. */
  readonly intervalMs?: number;
  /** Told how many instances each run deleted. */
  readonly onPruned?: (count: number) => void;
  /** Told when a run failed; the next run tries again. */
  readonly onError?: (error: unknown) => void;
}

/** A running retention job. */
export interface RetentionJob {
  /** Prunes once now, outside the schedule; resolves to the number of instances deleted. */
  runNow(): Promise<number>;
  stop(): void;
}

const HOUR = 3_600_000;

/**
 * Deletes the instances not seen for `notSeenForMs` (by the store's clock), with their status history, events and
 * activity. Nebraska keeps every instance forever; fleets that churn machines (autoscaling, CI runners) asked for
 * this. Resolves to the number of instances deleted.
 */
export async function pruneInactiveInstances(store: Store, notSeenForMs: number): Promise<number> {
  if (!Number.isFinite(notSeenForMs) || notSeenForMs <= 0) {
    throw new RangeError(`Retention must be a positive number of milliseconds, not ${notSeenForMs}`);
  }
  return store.pruneInstances(notSeenForMs);
}

/**
 * Runs {@link pruneInactiveInstances} every `intervalMs` until stopped. The timer does not keep the process alive,
 * and runs never overlap: a run still going when the next is due is not started twice.
 */
export function startRetention(options: RetentionOptions): RetentionJob {
  const interval = options.intervalMs ?? HOUR;
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new RangeError(`Retention interval must be a positive number of milliseconds, not ${interval}`);
  }
  let running: Promise<number> | undefined;
  const run = (): Promise<number> => {
    running ??= pruneInactiveInstances(options.store, options.notSeenForMs)
      .then((count) => {
        options.onPruned?.(count);
        return count;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    run().catch((error: unknown) => options.onError?.(error));
  }, interval);
  timer.unref();
  return {
    runNow: run,
    stop: () => clearInterval(timer),
  };
}
