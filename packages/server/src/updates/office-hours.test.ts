import { describe, expect, it } from 'vitest';
import { isInOfficeHours } from './office-hours.js';

// Nebraska's inOfficeHoursNow: Monday to Friday, hours 9 to 16 in the zone; no zone or an unknown one never is.
describe('isInOfficeHours', () => {
  it.each([
    ['2024-03-04T09:00:00Z', 'UTC', true],
    ['2024-03-04T08:59:59Z', 'UTC', false],
    ['2024-03-04T16:59:59Z', 'UTC', true],
    ['2024-03-04T17:00:00Z', 'UTC', false],
    ['2024-03-08T12:00:00Z', 'UTC', true],
    ['2024-03-09T12:00:00Z', 'UTC', false],
    ['2024-03-10T12:00:00Z', 'UTC', false],
    // 14:00 UTC is 09:00 in New York in winter (UTC-5).
    ['2024-03-04T14:00:00Z', 'America/New_York', true],
    ['2024-03-04T13:59:00Z', 'America/New_York', false],
    // After the switch to daylight saving time on 10 March, 9:00 in New York is 13:00 UTC.
    ['2024-03-11T13:00:00Z', 'America/New_York', true],
    // Friday 23:30 UTC is Saturday 08:30 in Tokyo.
    ['2024-03-08T23:30:00Z', 'Asia/Tokyo', false],
    ['2024-03-04T12:00:00Z', null, false],
    ['2024-03-04T12:00:00Z', '', false],
    ['2024-03-04T12:00:00Z', 'Nowhere/Special', false],
  ])('%s in %s: %s', (time, zone, expected) => {
    expect(isInOfficeHours(zone, new Date(time))).toBe(expected);
  });
});
