import { zonedTime } from './zoned-time.js';

/** A weekly window such as `Sat 02:00-06:00`, in minutes of the week from Sunday 00:00. */
export interface MaintenanceWindow {
  /** Minute of the week the window opens (Sunday 00:00 is 0). */
  readonly start: number;
  /** Length in minutes, 1..1440. */
  readonly length: number;
}

const WEEK = 7 * 24 * 60;
const DAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const WINDOW = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/**
 * Parses `Day HH:MM-HH:MM`. An end at or before the start runs past midnight into the next day (`Sat 22:00-02:00`
 * closes Sunday 02:00; `Sat 02:00-02:00` lasts 24 hours); `24:00` ends at midnight. Undefined when the text is not a
 * window.
 */
export function parseMaintenanceWindow(text: string): MaintenanceWindow | undefined {
  const match = WINDOW.exec(text.trim());
  if (!match) return undefined;
  const [, day, startHour, startMinute, endHour, endMinute] = match;
  if (endHour === '24' && endMinute !== '00') return undefined;
  const from = Number(startHour) * 60 + Number(startMinute);
  const to = Number(endHour) * 60 + Number(endMinute);
  const length = to > from ? to - from : to + 24 * 60 - from;
  return { start: DAYS[day ?? '']! * 24 * 60 + from, length };
}

/**
 * Whether `now` falls into one of the weekly `windows` in `timeZone` (UTC when the group has none). No windows means
 * no restriction; windows that do not parse never open, and an unknown time zone opens none.
 */
export function isInMaintenanceWindow(
  windows: readonly string[],
  at: { readonly now: Date; readonly timeZone: string | null },
): boolean {
  if (windows.length === 0) return true;
  const local = zonedTime(at.now, at.timeZone ?? 'UTC');
  if (!local) return false;
  const minute = local.weekday * 24 * 60 + local.minutes;
  return windows.some((text) => {
    const window = parseMaintenanceWindow(text);
    return window !== undefined && (minute - window.start + WEEK) % WEEK < window.length;
  });
}
