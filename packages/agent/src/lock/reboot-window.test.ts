import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import {
  type Clock,
  goFields,
  isInWindow,
  msUntilWindow,
  nextWindowStart,
  parseGoDuration,
  parseRebootWindow,
  type RebootWindow,
  rebootWindowFromSettings,
  scanTimeOfDay,
  weekdayOf,
} from './reboot-window.js';

let goBinary: string;

/** Runs the Go reference on every input at once; undefined where Go returned an error. */
async function go(mode: string, inputs: readonly string[]): Promise<(string | undefined)[]> {
  const stdin = inputs.map((input) => `${Buffer.from(input, 'utf8').toString('base64')}\n`).join('');
  const lines = (await runGoReference(goBinary, [mode], stdin)).toString('utf8').replace(/\n$/, '').split('\n');
  return lines.map((line) => (line === 'ERR' ? undefined : Buffer.from(line, 'base64').toString('utf8')));
}

beforeAll(async () => {
  goBinary = await buildGoReference(fileURLToPath(new URL('./testdata/go-reference.go', import.meta.url)));
}, 120_000);

const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const MIN = 60_000;
const HOUR = 60 * MIN;

// The cases of locksmith's pkg/timeutil/periodic_test.go. Its times carry a zone Go does not know ("PDT"), which
// Go reads as a zone at offset 0, so they are UTC times here.
describe('reboot window parsing (locksmith TestPeriodicParse)', () => {
  const cases: [string, string, boolean][] = [
    ['14:00', '1h', true],
    ['25:00', '1h', false],
    ['23:61', '1h', false],
    ['14', '1h', false],
    ['foo 14:00', '1h', false],
    ['sat 14:00', '1j', false],
    ['sat 14:00', '-1h', false],
    ['sat 14:00 1234', '1h', false],
    ['sat', '1h', false],
  ];
  for (const [start, length, ok] of cases) {
    it(`${ok ? 'accepts' : 'rejects'} "${start}" + "${length}"`, () => {
      if (ok) expect(() => parseRebootWindow(start, length)).not.toThrow();
      else expect(() => parseRebootWindow(start, length)).toThrow(expect.objectContaining({ code: 'WINDOW_INVALID' }));
    });
  }

  it('reads the day, time and length', () => {
    expect(parseRebootWindow('Thu 04:00', '1h', { timeZone: 'utc' })).toEqual({
      start: 'Thu 04:00',
      length: '1h',
      dayOfWeek: 4,
      hour: 4,
      minute: 0,
      lengthMs: HOUR,
      timeZone: 'utc',
    });
    expect(parseRebootWindow('04:00', '1h30m')).toMatchObject({ dayOfWeek: undefined, lengthMs: 90 * MIN });
    expect(parseRebootWindow('  SUN\t9:05 ', '0')).toMatchObject({ dayOfWeek: 0, hour: 9, minute: 5, lengthMs: 0 });
  });

  it('says why a window is invalid', () => {
    expect(() => parseRebootWindow('Thursday 04:00', '1h')).toThrow(
      'Reboot window "Thursday 04:00" + "1h": unable to parse start: invalid day of week "Thursday"',
    );
    expect(() => parseRebootWindow('04:00', '1 h')).toThrow(/unable to parse duration: time: unknown unit " h"/);
    expect(() => parseRebootWindow('04:00', '-1h')).toThrow(/duration cannot be negative/);
  });

  it('takes the LOCKSMITHD_ settings, or the older names, both or neither', () => {
    expect(rebootWindowFromSettings({})).toBeUndefined();
    expect(
      rebootWindowFromSettings({ LOCKSMITHD_REBOOT_WINDOW_START: 'Thu 04:00', LOCKSMITHD_REBOOT_WINDOW_LENGTH: '1h' }),
    ).toMatchObject({ dayOfWeek: 4, hour: 4 });
    expect(rebootWindowFromSettings({ REBOOT_WINDOW_START: '05:00', REBOOT_WINDOW_LENGTH: '2h' })).toMatchObject({
      hour: 5,
      lengthMs: 2 * HOUR,
    });
    expect(
      rebootWindowFromSettings({
        LOCKSMITHD_REBOOT_WINDOW_START: '06:00',
        REBOOT_WINDOW_START: '05:00',
        REBOOT_WINDOW_LENGTH: '2h',
      }),
    ).toMatchObject({ hour: 6, lengthMs: 2 * HOUR });
    expect(() => rebootWindowFromSettings({ LOCKSMITHD_REBOOT_WINDOW_START: '06:00' })).toThrow(
      expect.objectContaining({ code: 'WINDOW_INVALID' }),
    );
  });
});

describe('time to the window (locksmith TestToStart)', () => {
  const S = 1000;
  const cases: [string, string, string, number][] = [
    ['00:15', '10s', '2015-05-21T00:00:00Z', 15 * MIN],
    ['00:00', '1h', '2015-05-21T00:00:00Z', 0],
    ['00:00', '1h', '2015-05-21T00:00:01Z', -S],
    ['02:33', '10h', '2015-05-21T12:33:00Z', -10 * HOUR],
    ['02:33', '10h', '2015-05-21T12:33:01Z', 13 * HOUR + 59 * MIN + 59 * S],
    ['23:05', '11h', '2015-05-21T09:33:01Z', -(10 * HOUR + 28 * MIN + S)],
    ['Thu 00:15', '10s', '2015-05-21T00:00:00Z', 15 * MIN],
    ['Thu 00:00', '1h', '2015-05-21T00:00:00Z', 0],
    ['Sun 00:00', '1h', '2015-05-17T00:00:01Z', -S],
    ['Sun 02:33', '10h', '2015-05-17T12:33:00Z', -10 * HOUR],
    ['Sat 23:05', '11h', '2015-05-17T09:33:01Z', -(10 * HOUR + 28 * MIN + S)],
    ['Mon 9:00', '1h', '2015-05-30T23:00:00Z', 34 * HOUR],
  ];
  for (const [start, length, now, expected] of cases) {
    it(`${start} + ${length} at ${now}: ${expected / 1000} s`, () => {
      const window = parseRebootWindow(start, length, { timeZone: 'utc' });
      expect(msUntilWindow(window, at(now))).toBe(expected);
      expect(isInWindow(window, at(now))).toBe(expected <= 0);
    });
  }
});

describe('isInWindow and nextWindowStart at the edges', () => {
  const thu = parseRebootWindow('Thu 04:00', '1h', { timeZone: 'utc' });
  // 2015-05-21 was a Thursday.
  it('includes the first and the last instant of a window', () => {
    expect(isInWindow(thu, at('2015-05-21T03:59:59.999Z'))).toBe(false);
    expect(isInWindow(thu, at('2015-05-21T04:00:00Z'))).toBe(true);
    expect(isInWindow(thu, at('2015-05-21T05:00:00Z'))).toBe(true);
    expect(isInWindow(thu, at('2015-05-21T05:00:00.001Z'))).toBe(false);
    expect(isInWindow(thu, at('2015-05-28T04:30:00Z'))).toBe(true);
    expect(isInWindow(thu, at('2015-05-22T04:30:00Z'))).toBe(false);
  });

  it('gives the next start strictly after now, a week on from inside a window', () => {
    expect(nextWindowStart(thu, at('2015-05-21T03:00:00Z')).toISOString()).toBe('2015-05-21T04:00:00.000Z');
    expect(nextWindowStart(thu, at('2015-05-21T04:00:00Z')).toISOString()).toBe('2015-05-28T04:00:00.000Z');
    expect(nextWindowStart(thu, at('2015-05-21T06:00:00Z')).toISOString()).toBe('2015-05-28T04:00:00.000Z');
  });

  it('crosses midnight, the week and the year', () => {
    const late = parseRebootWindow('Sat 23:30', '1h', { timeZone: 'utc' });
    // 2016-01-02 was a Saturday; its window reaches into Sunday.
    expect(isInWindow(late, at('2016-01-03T00:15:00Z'))).toBe(true);
    expect(isInWindow(late, at('2016-01-03T00:31:00Z'))).toBe(false);
    expect(nextWindowStart(late, at('2015-12-31T12:00:00Z')).toISOString()).toBe('2016-01-02T23:30:00.000Z');
    const daily = parseRebootWindow('23:00', '2h', { timeZone: 'utc' });
    expect(isInWindow(daily, at('2016-01-01T00:59:00Z'))).toBe(true);
    expect(msUntilWindow(daily, at('2016-02-29T01:00:01Z'))).toBe(22 * HOUR - 1000);
  });

  it('is always open with a window longer than its period', () => {
    const always = parseRebootWindow('12:00', '25h', { timeZone: 'utc' });
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) =>
        isInWindow(always, { now: () => d }),
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('agrees with every occurrence computed day by day', () => {
    const arbWindow = fc
      .record({
        day: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      })
      .map(({ day, hour, minute, minutes }) => {
        const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
        const start = `${day === undefined ? '' : `${names[day]} `}${hour}:${minute}`;
        return parseRebootWindow(start, `${minutes}m`, { timeZone: 'utc' });
      });
    const arbNow = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
    const occurrences = (w: RebootWindow, now: Date): Date[] => {
      const result: Date[] = [];
      for (let d = -10; d <= 10; d++) {
        const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + d, w.hour, w.minute));
        if (w.dayOfWeek === undefined || day.getUTCDay() === w.dayOfWeek) result.push(day);
      }
      return result;
    };
    fc.assert(
      fc.property(arbWindow, arbNow, (w, now) => {
        const clock = { now: () => now };
        const starts = occurrences(w, now);
        const t = now.getTime();
        const open = starts.some((s) => s.getTime() <= t && t <= s.getTime() + w.lengthMs);
        expect(isInWindow(w, clock)).toBe(open);
        const next = starts.find((s) => s.getTime() > t)!;
        expect(nextWindowStart(w, clock).getTime()).toBe(next.getTime());
        if (!open) expect(msUntilWindow(w, clock)).toBe(next.getTime() - t);
        else {
          // Inside: how far into the most recent occurrence that still covers now.
          const latest = starts.filter((s) => s.getTime() <= t).at(-1)!;
          expect(msUntilWindow(w, clock)).toBe(latest.getTime() - t);
        }
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});

describe('windows on the node’s local clock', () => {
  it('reads the start in the local time zone by default', () => {
    const saved = process.env.TZ;
    // India: UTC+05:30 all year, so the offset alone decides.
    process.env.TZ = 'Asia/Kolkata';
    try {
      const window = parseRebootWindow('Mon 04:00', '1h');
      expect(window.timeZone).toBe('local');
      // 2024-01-01 was a Monday; 04:15 in India is 22:45 UTC the day before.
      expect(isInWindow(window, at('2023-12-31T22:45:00Z'))).toBe(true);
      expect(isInWindow(window, at('2024-01-01T04:15:00Z'))).toBe(false);
      expect(nextWindowStart(window, at('2024-01-01T00:00:00Z')).toISOString()).toBe('2024-01-07T22:30:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('keeps the wall-clock start across a change of the clocks', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      const window = parseRebootWindow('04:00', '30m');
      // Clocks went forward at 02:00 on 2024-03-31: 04:00 was 03:00 UTC on the 30th and 02:00 UTC from the 31st.
      expect(nextWindowStart(window, at('2024-03-30T12:00:00Z')).toISOString()).toBe('2024-03-31T02:00:00.000Z');
      expect(nextWindowStart(window, at('2024-03-31T12:00:00Z')).toISOString()).toBe('2024-04-01T02:00:00.000Z');
      expect(isInWindow(window, at('2024-03-30T03:10:00Z'))).toBe(true);
      expect(isInWindow(window, at('2024-03-31T02:10:00Z'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('Go parsing, compared with Go itself', () => {
  it('parses durations as time.ParseDuration', async () => {
    const token = fc.constantFrom(
      '0',
      '1',
      '9',
      '00',
      '15',
      '.',
      '.5',
      '1.',
      '-',
      '+',
      'h',
      'm',
      's',
      'ms',
      'us',
      'µs',
      'μs',
      'ns',
      'd',
      'H',
      ' ',
      '9223372036854775807',
      '9223372036854775808',
      '2562047',
      '153722867',
      '280',
      '.000000001',
      '12345678901234567890123',
    );
    const inputs = fc.sample(
      fc.array(token, { maxLength: 6 }).map((t) => t.join('')),
      { numRuns: 500, seed: 21 },
    );
    inputs.push('1h', '1h30m', '90m', '1.5h', '300ms', '-1h', '+5s', '0', '-0', '', '1', '2h45m10.5s', '.5h', '5.h');
    const expected = await go('duration', inputs);
    inputs.forEach((input, i) => {
      const want = expected[i];
      if (want === undefined) expect(() => parseGoDuration(input), input).toThrow();
      else expect(parseGoDuration(input).toString(), input).toBe(want);
    });
  });

  it('reads the time of day as fmt.Sscanf("%d:%d")', async () => {
    const inputs = fc.sample(
      fc.string({
        unit: fc.constantFrom('0', '1', '2', '5', '9', ':', '+', '-', 'a', ' ', '٣', '_', '\n', '\r', '\u3000'),
        maxLength: 8,
      }),
      { numRuns: 400, seed: 4 },
    );
    inputs.push('04:00', '4:5', '+23:-0', '04:00:30', '4:5pm', '99999999999999999999:00', '1:99999999999999999999');
    const expected = await go('timeofday', inputs);
    inputs.forEach((input, i) => {
      const got = scanTimeOfDay(input);
      expect(got === undefined ? undefined : got.join(':'), JSON.stringify(input)).toBe(expected[i]);
    });
  });

  it('splits and folds the start as strings.Fields and strings.ToLower', async () => {
    const inputs = fc.sample(
      fc.string({
        unit: fc.constantFrom(
          ...'tThHuUsSnNmMoOfFrRiIaAwWdDeE',
          'İ',
          'ı',
          'ſ',
          'K',
          ' ',
          '\t',
          '\u0085',
          '\u00a0',
          '\u3000',
          '\ufeff',
          '\u200b',
          '1',
        ),
        maxLength: 8,
      }),
      { numRuns: 500, seed: 8 },
    );
    inputs.push('Thu 04:00', 'THU', 'Frİ', 'sun');
    const expected = await go('fields', inputs);
    inputs.forEach((input, i) => {
      const goFieldsOut = expected[i]!.split('\x00').filter((f, _, all) => all.length > 1 || f !== '');
      const ours = goFields(input);
      expect(ours.length, JSON.stringify(input)).toBe(goFieldsOut.length);
      if (ours.length > 0) {
        // Only the lookup matters: the same weekday (or none) from the folded first field.
        const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
        const goDay = names.indexOf(goFieldsOut[0]!);
        expect(weekdayOf(ours[0]!), JSON.stringify(input)).toBe(goDay < 0 ? undefined : goDay);
        expect(ours.slice(1), JSON.stringify(input)).toEqual(goFieldsOut.slice(1));
      }
    });
  });
});
