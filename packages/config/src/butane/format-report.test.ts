import { describe, expect, it } from 'vitest';
import { formatReport, formatReportRaw, formatReports } from './format-report.js';

const report = {
  severity: 'error' as const,
  code: 'X',
  message: 'mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt',
  path: ['boot_device', 'layout'],
  line: 4,
  column: 11,
};

describe('formatReportRaw (vcontext Entry.String)', () => {
  it('prints path and position', () => {
    expect(formatReportRaw(report)).toBe(
      'error at $.boot_device.layout, line 4 col 11: mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt',
    );
  });
  it('prints what it has', () => {
    expect(formatReportRaw({ severity: 'warning', code: 'X', message: 'm', path: ['a', 0] })).toBe(
      'warning at $.a.0: m',
    );
    expect(formatReportRaw({ severity: 'error', code: 'X', message: 'm', path: [], line: 1, column: 2 })).toBe(
      'error at line 1 col 2: m',
    );
    expect(formatReportRaw({ severity: 'error', code: 'X', message: 'm', path: [] })).toBe('error: m');
  });
});

describe('formatReport (internal/report formatErrorEntry)', () => {
  const source =
    'variant: fcos\nversion: 1.6.0\nboot_device:\n  layout: s390x-virt\n  mirror:\n    devices:\n      - /dev/sda\n';
  it("draws Butane's documented example", () => {
    expect(formatReport(report, source, { filename: '../testing.bu' })).toBe(
      [
        'error[$.boot_device.layout]:',
        '  --> ../testing.bu:4:11',
        '   |',
        ' 2 | version: 1.6.0',
        ' 3 | boot_device:',
        ' 4 |   layout: s390x-virt',
        '   |           ^^^^^^^^^^ mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt',
        ' 5 |   mirror:',
        ' 6 |     devices:',
        '   |',
        '',
      ].join('\n'),
    );
  });
  it('falls back to the raw form without a position, and separates reports by a blank line', () => {
    const plain = { severity: 'warning' as const, code: 'X', message: 'm', path: ['a'] };
    expect(formatReports([plain, plain], source)).toBe('warning at $.a: m\n\nwarning at $.a: m\n');
  });
  it('colours like --color=always', () => {
    expect(formatReport(report, source, { color: true })).toContain('\x1b[1;31merror\x1b[0m[$.boot_device.layout]:');
  });
});
