// Nebraska keeps policy periods and timeouts as PostgreSQL interval strings ("15 minutes", "1 hours", "2 days") and
// lets PostgreSQL do the arithmetic. We keep the same strings for the API's sake but compute in JavaScript, so the
// same rules hold on SQLite and the Clock decides what "now" is.

const UNIT_MS: Readonly<Record<string, number>> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  // PostgreSQL counts a month as 30 days and a year as 365.25 when it turns an interval into seconds.
  month: 30 * 86_400_000,
  year: 365.25 * 86_400_000,
};

const UNIT_ALIASES: Readonly<Record<string, string>> = {
  us: 'microsecond',
  usec: 'microsecond',
  usecs: 'microsecond',
  ms: 'millisecond',
  msec: 'millisecond',
  msecs: 'millisecond',
  s: 'second',
  sec: 'second',
  secs: 'second',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  d: 'day',
  w: 'week',
  mon: 'month',
  mons: 'month',
  y: 'year',
  yr: 'year',
  yrs: 'year',
};

function unitMs(unit: string): number | undefined {
  const lower = unit.toLowerCase();
  const name = UNIT_ALIASES[lower] ?? (lower.endsWith('s') && UNIT_MS[lower.slice(0, -1)] ? lower.slice(0, -1) : lower);
  return UNIT_MS[name];
}

/**
 * Parses a PostgreSQL-style interval ("60 minutes", "1 hour 30 mins", "1d", "01:30:00") into milliseconds; undefined
 * when the text is not one.
 */
export function parseInterval(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(trimmed);
  if (clock) {
    const [, hours, minutes, seconds] = clock;
    return (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0)) * 1000;
  }
  const part = /(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*/y;
  let total = 0;
  let position = 0;
  while (position < trimmed.length) {
    part.lastIndex = position;
    const match = part.exec(trimmed);
    if (!match) return undefined;
    const ms = unitMs(match[2] ?? '');
    if (ms === undefined) return undefined;
    total += Number(match[1]) * ms;
    position = part.lastIndex;
  }
  return total;
}
