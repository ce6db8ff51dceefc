// Policies speak of weekdays and wall-clock hours in a group's time zone. Intl knows the zones (and their daylight
// saving rules) as well as Go's time.LoadLocation does, so the rules need no time zone library.

/** A moment as a wall clock in some time zone shows it. */
export interface ZonedTime {
  /** 0 for Sunday through 6 for Saturday, as Go's `time.Weekday`. */
  readonly weekday: number;
  /** Minutes since local midnight, 0..1439. */
  readonly minutes: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      format = null;
    }
    // Zones come from a handful of groups, so the cache stays small.
    formatters.set(timeZone, format);
  }
  return format;
}

/** The weekday and time of day of `now` in `timeZone` (an IANA name); undefined when the zone is unknown. */
export function zonedTime(now: Date, timeZone: string): ZonedTime | undefined {
  if (timeZone === '') return undefined;
  const format = formatter(timeZone);
  if (!format) return undefined;
  let weekday: number | undefined;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(now)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value];
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday === undefined) return undefined;
  return { weekday, minutes: (hour % 24) * 60 + minute };
}
