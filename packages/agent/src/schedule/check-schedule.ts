import type { Random } from '../clock.js';

/** update_engine's scheduler constants (`update_check_scheduler.cc`), in seconds. */
export const CHECK_SCHEDULE = {
  /** The first check after start: 7 minutes, fuzzed by the regular fuzz. */
  initialInterval: 7 * 60,
  /** Every check after that: 45 minutes. */
  periodicInterval: 45 * 60,
  /** Back-off and poll intervals never exceed 4 hours (before fuzz). */
  maxBackoffInterval: 4 * 60 * 60,
  /** ±5 minutes around the periodic and initial intervals. */
  regularFuzz: 10 * 60,
} as const;

/** What the last update check told the scheduler. */
export interface CheckOutcome {
  /** The answer's PollInterval in seconds (0 when absent): update_engine obeys it over everything else. */
  readonly pollInterval: number;
  /**
   * The server failed: update_engine backs off on HTTP 500 and 503; the agent also on any other 5xx and on a
   * transfer that got no HTTP answer at all (refused, reset, timed out), where update_engine would keep hammering.
   */
  readonly serverFailed: boolean;
}

/** An interval before fuzz and the fuzz range around it, both in seconds. */
export interface IntervalAndFuzz {
  readonly interval: number;
  readonly fuzz: number;
}

/**
 * The next check's interval and fuzz, as update_engine's `ComputeNextIntervalAndFuzz`: the server's poll interval
 * when it sent one, else twice the last interval after a server failure, capped at 4 hours; such intervals are
 * fuzzed by ±interval/2. Anything below 45 minutes becomes 45 minutes ±5.
 */
export function nextInterval(lastInterval: number, outcome: CheckOutcome): IntervalAndFuzz {
  let interval = 0;
  if (outcome.pollInterval > 0) interval = outcome.pollInterval;
  else if (outcome.serverFailed) interval = 2 * lastInterval;
  if (interval > CHECK_SCHEDULE.maxBackoffInterval) interval = CHECK_SCHEDULE.maxBackoffInterval;
  if (interval < CHECK_SCHEDULE.periodicInterval) {
    return { interval: CHECK_SCHEDULE.periodicInterval, fuzz: CHECK_SCHEDULE.regularFuzz };
  }
  return { interval, fuzz: interval };
}

/**
 * update_engine's `FuzzInt`: a uniformly random integer from `value - range/2` to `value + range - range/2`
 * (integer halves, both ends included), never below 0 (as `ScheduleCheck` clamps it).
 */
export function fuzzInterval(value: number, range: number, random: Random): number {
  const half = Math.floor(range / 2);
  const min = value - half;
  const max = value + range - half;
  const picked = min + Math.floor(random() * (max - min + 1));
  return Math.max(0, Math.min(picked, max));
}

/** A scheduled check: when, and the unfuzzed interval the next back-off doubles. */
export interface ScheduledCheck {
  /** Seconds from now. */
  readonly delay: number;
  readonly interval: number;
}

/** The first check after the agent starts: 7 minutes ± 5. */
export function firstCheck(random: Random): ScheduledCheck {
  const { initialInterval, regularFuzz } = CHECK_SCHEDULE;
  return { delay: fuzzInterval(initialInterval, regularFuzz, random), interval: initialInterval };
}

/** The check after one that ended with `outcome`, when the last scheduled interval was `lastInterval`. */
export function followingCheck(lastInterval: number, outcome: CheckOutcome, random: Random): ScheduledCheck {
  const { interval, fuzz } = nextInterval(lastInterval, outcome);
  return { delay: fuzzInterval(interval, fuzz, random), interval };
}
