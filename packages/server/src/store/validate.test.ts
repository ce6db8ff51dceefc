import { describe, expect, it } from 'vitest';
import { isMaintenanceWindow, isTimeZone } from './validate.js';

describe('group field checks', () => {
  it('accepts weekly maintenance windows, also past midnight', () => {
    for (const window of ['Sat 02:00-06:00', 'Sun 22:00-02:00', 'Mon 00:00-24:00', 'Fri  09:30-10:15']) {
      expect(isMaintenanceWindow(window), window).toBe(true);
    }
    for (const window of ['Saturday 02:00-06:00', 'Sat 2:00-6:00', 'Sat 25:00-26:00', 'Sat 02:00-24:30', 'Sat']) {
      expect(isMaintenanceWindow(window), window).toBe(false);
    }
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
