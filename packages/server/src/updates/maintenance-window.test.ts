import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInMaintenanceWindow, parseMaintenanceWindow } from './maintenance-window.js';

const DAY = 24 * 60;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
// Sunday 3 March 2024, 00:00 UTC: minute 0 of a week.
const SUNDAY = Date.UTC(2024, 2, 3);
const at = (minuteOfWeek: number) => new Date(SUNDAY + minuteOfWeek * 60_000);
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('parseMaintenanceWindow', () => {
  it.each([
    ['Sat 02:00-06:00', { start: 6 * DAY + 120, length: 240 }],
    ['Sun 00:00-24:00', { start: 0, length: DAY }],
    ['Mon 22:00-02:00', { start: DAY + 22 * 60, length: 240 }],
    ['Wed 02:00-02:00', { start: 3 * DAY + 120, length: DAY }],
    [' Fri  09:30-09:45 ', { start: 5 * DAY + 570, length: 15 }],
  ])('reads %s', (text, window) => {
    expect(parseMaintenanceWindow(text)).toEqual(window);
  });

  it.each(['sat 02:00-06:00', 'Saturday 02:00-06:00', 'Sat 2:00-6:00', 'Sat 24:00-02:00', 'Sat 02:00-24:30', 'Sat'])(
    'refuses %s',
    (text) => {
      expect(parseMaintenanceWindow(text)).toBeUndefined();
    },
  );
});

describe('isInMaintenanceWindow', () => {
  it('puts no restriction without windows', () => {
    expect(isInMaintenanceWindow([], { now: at(0), timeZone: null })).toBe(true);
  });

  it('opens at the start, closes at the end, in UTC without a time zone', () => {
    const windows = ['Sat 02:00-06:00'];
    const open = (minute: number) => isInMaintenanceWindow(windows, { now: at(minute), timeZone: null });
    expect(open(6 * DAY + 119)).toBe(false);
    expect(open(6 * DAY + 120)).toBe(true);
    expect(open(6 * DAY + 359)).toBe(true);
    expect(open(6 * DAY + 360)).toBe(false);
  });

  it('runs past midnight and past the end of the week', () => {
    const windows = ['Sat 23:00-01:00'];
    expect(isInMaintenanceWindow(windows, { now: at(6 * DAY + 23 * 60 + 30), timeZone: 'UTC' })).toBe(true);
    // Sunday 00:30 is the next week's minute 30.
    expect(isInMaintenanceWindow(windows, { now: at(30), timeZone: 'UTC' })).toBe(true);
    expect(isInMaintenanceWindow(windows, { now: at(60), timeZone: 'UTC' })).toBe(false);
  });

  it("follows the group's time zone through daylight saving time", () => {
    const windows = ['Sun 02:00-04:00'];
    // Berlin is UTC+1 in winter: Sunday 3 March 02:30 local is 01:30 UTC.
    expect(isInMaintenanceWindow(windows, { now: new Date('2024-03-03T01:30:00Z'), timeZone: 'Europe/Berlin' })).toBe(
      true,
    );
    // And UTC+2 in summer: Sunday 7 April 02:30 local is 00:30 UTC; 02:30 UTC is 04:30 local.
    expect(isInMaintenanceWindow(windows, { now: new Date('2024-04-07T00:30:00Z'), timeZone: 'Europe/Berlin' })).toBe(
      true,
    );
    expect(isInMaintenanceWindow(windows, { now: new Date('2024-04-07T02:30:00Z'), timeZone: 'Europe/Berlin' })).toBe(
      false,
    );
  });

  it('opens none in an unknown time zone and skips windows that do not parse', () => {
    expect(isInMaintenanceWindow(['Sun 00:00-24:00'], { now: at(10), timeZone: 'Mars/Olympus' })).toBe(false);
    expect(isInMaintenanceWindow(['Sunday'], { now: at(10), timeZone: 'UTC' })).toBe(false);
    expect(isInMaintenanceWindow(['Sunday', 'Sun 00:00-01:00'], { now: at(10), timeZone: 'UTC' })).toBe(true);
  });

  it('is open exactly during the minutes a window covers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: DAY - 1 }),
        fc.integer({ min: 1, max: DAY }),
        fc.integer({ min: 0, max: 7 * DAY - 1 }),
        (day, from, length, minute) => {
          const end = (from + length) % DAY;
          const text = `${DAYS[day]} ${hhmm(from)}-${end === 0 && length > 0 && from + length === DAY ? '24:00' : hhmm(end)}`;
          const window = parseMaintenanceWindow(text);
          expect(window).toBeDefined();
          const start = day * DAY + from;
          const inside = (minute - start + 7 * DAY) % (7 * DAY) < window!.length;
          expect(isInMaintenanceWindow([text], { now: at(minute), timeZone: 'UTC' })).toBe(inside);
          expect(window!.length).toBe(end === from ? DAY : length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
