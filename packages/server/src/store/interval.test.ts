import { describe, expect, it } from 'vitest';
import { parseInterval } from './interval.js';

describe('parseInterval', () => {
  it("reads the interval strings Nebraska's groups carry", () => {
    expect(parseInterval('1 minutes')).toBe(60_000);
    expect(parseInterval('60 minutes')).toBe(3_600_000);
    expect(parseInterval('15 minutes')).toBe(900_000);
    expect(parseInterval('1 hours')).toBe(3_600_000);
    expect(parseInterval('1 hour 30 mins')).toBe(5_400_000);
    expect(parseInterval('2 days')).toBe(172_800_000);
    expect(parseInterval('1d')).toBe(86_400_000);
    expect(parseInterval('01:30:00')).toBe(5_400_000);
  });

  it('refuses what is not an interval', () => {
    for (const text of ['', 'soon', '5', 'minutes', '5 parsecs', '1 hour and 5 minutes']) {
      expect(parseInterval(text), text).toBe(undefined);
    }
  });
});
