import { zonedTime } from './zoned-time.js';

/**
 * Nebraska's `inOfficeHoursNow`: Monday to Friday, 9:00 to 16:59 in the group's time zone. A group without a time
 * zone, or with one that does not exist, is never in office hours, as in Nebraska.
 */
export function isInOfficeHours(timeZone: string | null, now: Date): boolean {
  const local = zonedTime(now, timeZone ?? '');
  if (!local) return false;
  if (local.weekday === 0 || local.weekday === 6) return false;
  return local.minutes >= 9 * 60 && local.minutes < 17 * 60;
}
