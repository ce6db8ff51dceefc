import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../clock.js';
import { CHECK_SCHEDULE, firstCheck, followingCheck, fuzzInterval, nextInterval } from './check-schedule.js';

const { initialInterval, periodicInterval, maxBackoffInterval, regularFuzz } = CHECK_SCHEDULE;
const ok = { pollInterval: 0, serverFailed: false };
const failed = { pollInterval: 0, serverFailed: true };

// The range update_engine's tests allow for a fuzzed interval (FuzzRange in update_check_scheduler_unittest.cc).
function fuzzRange(interval: number, fuzz: number): [number, number] {
  return [interval - Math.floor(fuzz / 2), interval + fuzz - Math.floor(fuzz / 2)];
}

describe('the update check schedule', () => {
  it('has update_engine’s constants: 7 minutes first, then 45, 4 hours at most, ±5 minutes', () => {
    expect(CHECK_SCHEDULE).toEqual({
      initialInterval: 420,
      periodicInterval: 2700,
      maxBackoffInterval: 14400,
      regularFuzz: 600,
    });
  });

  // The cases of ComputeNextIntervalAndFuzz*Test.
  it('checks every 45 minutes ±5 normally', () => {
    expect(nextInterval(0, ok)).toEqual({ interval: periodicInterval, fuzz: regularFuzz });
  });

  it('doubles the last interval when the server fails, fuzzed by the whole interval, up to 4 hours', () => {
    const last = periodicInterval + 50;
    expect(nextInterval(last, failed)).toEqual({ interval: 2 * last, fuzz: 2 * last });
    expect(nextInterval(maxBackoffInterval / 2 + 1, failed)).toEqual({
      interval: maxBackoffInterval,
      fuzz: maxBackoffInterval,
    });
    // A failure of the first check (7 minutes) backs off to no less than the periodic interval.
    expect(nextInterval(initialInterval, failed)).toEqual({ interval: periodicInterval, fuzz: regularFuzz });
  });

  it('honours the server’s poll interval, capped at 4 hours and no shorter than 45 minutes', () => {
    const poll = periodicInterval + 50;
    expect(nextInterval(0, { pollInterval: poll, serverFailed: false })).toEqual({ interval: poll, fuzz: poll });
    expect(nextInterval(0, { pollInterval: maxBackoffInterval + 1, serverFailed: false })).toEqual({
      interval: maxBackoffInterval,
      fuzz: maxBackoffInterval,
    });
    expect(nextInterval(0, { pollInterval: periodicInterval - 1, serverFailed: false })).toEqual({
      interval: periodicInterval,
      fuzz: regularFuzz,
    });
  });

  it('prefers the poll interval over back-off', () => {
    const poll = periodicInterval + 100;
    expect(nextInterval(periodicInterval + 50, { pollInterval: poll, serverFailed: true })).toEqual({
      interval: poll,
      fuzz: poll,
    });
  });

  it('backs off 45 min → 90 → 180 → 240 → 240 while the server keeps failing', () => {
    const intervals: number[] = [];
    let last = initialInterval;
    for (let i = 0; i < 5; i++) {
      last = nextInterval(last, failed).interval;
      intervals.push(last / 60);
    }
    expect(intervals).toEqual([45, 90, 180, 240, 240]);
    // And back to normal after one success.
    expect(nextInterval(last, ok).interval).toBe(periodicInterval);
  });

  it('fuzzes within update_engine’s range, both ends reachable, never below 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 20000 }),
        fc.integer({ min: 0, max: 20000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (value, range, r) => {
          const [min, max] = fuzzRange(value, range);
          const got = fuzzInterval(value, range, () => r);
          expect(got).toBeGreaterThanOrEqual(Math.max(0, min));
          expect(got).toBeLessThanOrEqual(Math.max(0, max));
        },
      ),
      { numRuns: 300 },
    );
    expect(fuzzInterval(100, 10, () => 0)).toBe(95);
    expect(fuzzInterval(100, 10, () => 0.9999999)).toBe(105);
    // ScheduleCheckNegativeIntervalTest: a negative interval schedules at once.
    expect(fuzzInterval(-50, 20, () => 0.5)).toBe(0);
  });

  it('places the first check 2 to 12 minutes after start, and later ones 40 to 50 minutes apart', () => {
    const random = seededRandom(7);
    const [firstMin, firstMax] = fuzzRange(initialInterval, regularFuzz);
    const [min, max] = fuzzRange(periodicInterval, regularFuzz);
    for (let i = 0; i < 200; i++) {
      const first = firstCheck(random);
      expect(first.interval).toBe(initialInterval);
      expect(first.delay).toBeGreaterThanOrEqual(firstMin);
      expect(first.delay).toBeLessThanOrEqual(firstMax);
      const next = followingCheck(first.interval, ok, random);
      expect(next.delay).toBeGreaterThanOrEqual(min);
      expect(next.delay).toBeLessThanOrEqual(max);
    }
  });
});
