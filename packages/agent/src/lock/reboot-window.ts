import { LockError } from './lock-error.js';

/** Where the time comes from: policies take a Clock so tests can pass a fixed one. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A weekly or daily reboot window as locksmith reads `LOCKSMITHD_REBOOT_WINDOW_START` (`Thu 04:00`, `04:00`) and
 * `LOCKSMITHD_REBOOT_WINDOW_LENGTH` (a Go duration such as `1h30m`).
 */
export interface RebootWindow {
  /** The settings as written, for messages. */
  readonly start: string;
  readonly length: string;
  /** 0 for Sunday to 6 for Saturday; undefined for a daily window. */
  readonly dayOfWeek: number | undefined;
  readonly hour: number;
  readonly minute: number;
  /** The window's length in milliseconds (fractional below a millisecond, as Go keeps nanoseconds). */
  readonly lengthMs: number;
  /** The clock the window is read on: the machine's local time as locksmithd uses, or UTC. */
  readonly timeZone: 'local' | 'utc';
}

/** One occurrence of a window. */
export interface WindowPeriod {
  readonly start: Date;
  readonly end: Date;
}

const NS = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 MICRO SIGN
  μs: 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
} as const satisfies Record<string, bigint>;

const LIMIT = 1n << 63n;

/**
 * Parses a duration as Go's time.ParseDuration (`1h`, `1h30m`, `90m`, `1.5h`, `300ms`, `-1h`), returning
 * nanoseconds; throws with Go's reason for anything Go refuses.
 */
export function parseGoDuration(text: string): bigint {
  const invalid = (why = 'invalid duration') => new Error(`time: ${why} ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    let i = 0;
    let whole = 0n;
    while (isDigit(s[i])) {
      // Go's leadingInt gives up past 2^63.
      if (whole > LIMIT / 10n) throw invalid();
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > LIMIT) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        // Go's leadingFraction drops digits that would not fit rather than failing.
        if (!overflow) {
          const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
          if (fraction > (LIMIT - 1n) / 10n || next > LIMIT) overflow = true;
          else {
            fraction = next;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw invalid('missing unit in duration');
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = (NS as Record<string, bigint>)[unitName];
    if (unit === undefined) throw invalid(`unknown unit ${JSON.stringify(unitName)} in duration`);
    if (whole > LIMIT / unit) throw invalid();
    let v = whole * unit;
    if (fraction > 0n) {
      // Go adds the fraction through float64 arithmetic; doing the same keeps every rounding identical.
      v += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (v > LIMIT) throw invalid();
    }
    total += v;
    if (total > LIMIT) throw invalid();
  }
  if (negative) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}

const WEEKDAYS = new Map([
  ['sun', 0],
  ['mon', 1],
  ['tue', 2],
  ['wed', 3],
  ['thu', 4],
  ['fri', 5],
  ['sat', 6],
]);

// Go's strings.Fields splits on unicode.IsSpace, which differs from JavaScript's \s (U+0085 yes, U+FEFF no).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Splits text into fields as Go's strings.Fields. */
export function goFields(text: string): string[] {
  return text.split(GO_SPACE).filter((f) => f !== '');
}

/** The day of week a window start names (`Thu`, `thu`, `THU`), as locksmith looks it up after strings.ToLower. */
export function weekdayOf(field: string): number | undefined {
  // Go's strings.ToLower maps İ to a plain i, where JavaScript adds a combining dot.
  return WEEKDAYS.get(field.replace(/\u0130/g, 'i').toLowerCase());
}

// Sscanf skips fmt's spaces before each number, but fails at a newline.
const SCANF_TIME =
  /^[\t\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([+-]?\d+):[\t\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([+-]?\d+)/u;

/**
 * Reads a time of day as locksmith does with fmt.Sscanf(field, "%d:%d"): each number an optional sign and
 * decimal digits; whatever follows the minutes is ignored, as Sscanf ignores it. Range checks are the caller's.
 */
export function scanTimeOfDay(field: string): [number, number] | undefined {
  const match = SCANF_TIME.exec(field);
  if (!match) return undefined;
  const hour = BigInt(match[1]!);
  const minute = BigInt(match[2]!);
  const fits = (n: bigint) => n >= -(1n << 63n) && n < 1n << 63n;
  if (!fits(hour) || !fits(minute)) return undefined;
  return [Number(hour), Number(minute)];
}

/** Parses a reboot window as locksmith's timeutil.ParsePeriodic; `WINDOW_INVALID` with its reason otherwise. */
export function parseRebootWindow(
  start: string,
  length: string,
  options: { timeZone?: 'local' | 'utc' } = {},
): RebootWindow {
  const fail = (why: string) => new LockError('WINDOW_INVALID', `Reboot window "${start}" + "${length}": ${why}`);
  const fields = goFields(start);
  let dayOfWeek: number | undefined;
  if (fields.length === 2) {
    const day = weekdayOf(fields[0]!);
    if (day === undefined) throw fail(`unable to parse start: invalid day of week "${fields[0]}"`);
    dayOfWeek = day;
    fields.shift();
  } else if (fields.length !== 1) {
    throw fail('unable to parse start: wrong number of fields');
  }
  const field = fields[0]!;
  const time = scanTimeOfDay(field);
  if (time === undefined) throw fail(`unable to parse start: invalid time of day "${field}"`);
  const [hour, minute] = time;
  if (hour < 0 || hour > 23) throw fail(`unable to parse start: invalid time of day "${field}": hour must be 0 to 23`);
  if (minute < 0 || minute > 59) {
    throw fail(`unable to parse start: invalid time of day "${field}": minute must be 0 to 59`);
  }
  let ns: bigint;
  try {
    ns = parseGoDuration(length);
  } catch (error) {
    throw fail(`unable to parse duration: ${(error as Error).message}`);
  }
  if (ns < 0n) throw fail('duration cannot be negative');
  return { start, length, dayOfWeek, hour, minute, lengthMs: Number(ns) / 1e6, timeZone: options.timeZone ?? 'local' };
}

/**
 * The reboot window from locksmithd's environment or update.conf settings (`LOCKSMITHD_REBOOT_WINDOW_START` and
 * `_LENGTH`, or the older `REBOOT_WINDOW_START` and `_LENGTH`); undefined when none is set. Both or neither.
 */
export function rebootWindowFromSettings(
  settings: Readonly<Record<string, string | undefined>>,
  options: { timeZone?: 'local' | 'utc' } = {},
): RebootWindow | undefined {
  const start = settings.LOCKSMITHD_REBOOT_WINDOW_START || settings.REBOOT_WINDOW_START || '';
  const length = settings.LOCKSMITHD_REBOOT_WINDOW_LENGTH || settings.REBOOT_WINDOW_LENGTH || '';
  if ((start === '') !== (length === '')) {
    throw new LockError(
      'WINDOW_INVALID',
      'Either both or neither of LOCKSMITHD_REBOOT_WINDOW_START and LOCKSMITHD_REBOOT_WINDOW_LENGTH must be set',
    );
  }
  return start === '' ? undefined : parseRebootWindow(start, length, options);
}

/** The window's start on the day `dayDiff` days from `ref`'s day, in the window's time zone. */
function startOn(window: RebootWindow, ref: Date, dayDiff: number): Date {
  if (window.timeZone === 'utc') {
    return new Date(
      Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth(), ref.getUTCDate() + dayDiff, window.hour, window.minute),
    );
  }
  return new Date(ref.getFullYear(), ref.getMonth(), ref.getDate() + dayDiff, window.hour, window.minute);
}

const weekday = (window: RebootWindow, ref: Date) => (window.timeZone === 'utc' ? ref.getUTCDay() : ref.getDay());

function period(window: RebootWindow, start: Date): WindowPeriod {
  return { start, end: new Date(start.getTime() + window.lengthMs) };
}

/** The latest occurrence of the window that starts at or before `ref` (it may have ended). */
export function previousWindow(window: RebootWindow, ref: Date): WindowPeriod {
  const today = weekday(window, ref);
  if (window.dayOfWeek === undefined) {
    const start = startOn(window, ref, 0);
    return period(window, ref.getTime() >= start.getTime() ? start : startOn(window, ref, -1));
  }
  const thisWeek = startOn(window, ref, window.dayOfWeek - today);
  if (ref.getTime() >= thisWeek.getTime()) return period(window, thisWeek);
  return period(window, startOn(window, ref, -(today + 7 - window.dayOfWeek)));
}

/** The first occurrence of the window that starts after `ref`. */
export function nextWindow(window: RebootWindow, ref: Date): WindowPeriod {
  const today = weekday(window, ref);
  if (window.dayOfWeek === undefined) {
    const start = startOn(window, ref, 0);
    return period(window, ref.getTime() < start.getTime() ? start : startOn(window, ref, 1));
  }
  const thisWeek = startOn(window, ref, window.dayOfWeek - today);
  if (ref.getTime() < thisWeek.getTime()) return period(window, thisWeek);
  return period(window, startOn(window, ref, 7 - today + window.dayOfWeek));
}

/**
 * Milliseconds from now to the window's start, as locksmith's DurationToStart: zero or negative inside a window
 * (how far into it), positive outside (how long to wait). A window includes both its start and its end.
 */
export function msUntilWindow(window: RebootWindow, clock: Clock): number {
  const now = clock.now();
  const previous = previousWindow(window, now);
  if (previous.end.getTime() >= now.getTime()) return previous.start.getTime() - now.getTime();
  return nextWindow(window, now).start.getTime() - now.getTime();
}

/** Whether a reboot may happen now. */
export function isInWindow(window: RebootWindow, clock: Clock): boolean {
  return msUntilWindow(window, clock) <= 0;
}

/** The start of the next window after now, as locksmithd logs it ("Next window begins at"). */
export function nextWindowStart(window: RebootWindow, clock: Clock): Date {
  return nextWindow(window, clock.now()).start;
}
