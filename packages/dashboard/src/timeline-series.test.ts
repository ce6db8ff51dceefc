import { statusTimelineJson, versionTimelineJson } from '@ballast/server';
import { describe, expect, it } from 'vitest';
import type { StatusTimelineJson, VersionTimelineJson } from './api-types.js';
import { compareVersionsDescending, stackedBars, statusTimeline, versionTimeline } from './timeline-series.js';

// The JSON comes from the server's own writers, so the series are checked against what the API really answers.
const t0 = new Date('2026-03-02T10:00:00Z');
const t1 = new Date('2026-03-02T11:00:00Z');
const t2 = new Date('2026-03-02T12:00:00Z');

describe('timeline series', () => {
  it('orders versions newest first, comparing numbers as numbers', () => {
    expect(['4081.9.0', '4081.10.0', '3374.2.0', '4081.10.0-beta'].sort(compareVersionsDescending)).toEqual([
      '4081.10.0-beta',
      '4081.10.0',
      '4081.9.0',
      '3374.2.0',
    ]);
  });

  it('reads the version timeline oldest time first, versions newest first, missing counts as 0', () => {
    const json = versionTimelineJson([
      { time: t2, versions: { '2.0.0': 3, '1.0.0': 1 } },
      { time: t0, versions: { '1.0.0': 4 } },
      { time: t1, versions: { '1.0.0': 2, '2.0.0': 2, '0.9.0': 0 } },
    ]) as VersionTimelineJson;
    expect(versionTimeline(json)).toEqual({
      times: [t0, t1, t2],
      series: [
        { key: '2.0.0', values: [0, 2, 3] },
        { key: '1.0.0', values: [4, 2, 1] },
      ],
    });
  });

  it('adds up the status timeline over versions, in status order, leaving out statuses that never changed', () => {
    const json = statusTimelineJson([
      { time: t0, statuses: { 3: { '2.0.0': 1 }, 2: { '2.0.0': 2, '1.0.0': 1 }, 8: { '2.0.0': 0 } } },
      { time: t1, statuses: { 4: { '2.0.0': 2 } } },
    ]) as StatusTimelineJson;
    expect(statusTimeline(json)).toEqual({
      times: [t0, t1],
      series: [
        { key: 'Update granted', values: [3, 0] },
        { key: 'Error', values: [1, 0] },
        { key: 'Complete', values: [0, 2] },
      ],
    });
  });

  it('stacks bars bottom up, scaled to the largest stack', () => {
    const bars = stackedBars(
      {
        times: [t0, t1],
        series: [
          { key: 'a', values: [1, 0] },
          { key: 'b', values: [3, 2] },
        ],
      },
      { width: 100, height: 40 },
    );
    expect(bars.max).toBe(4);
    expect(bars.segments).toEqual([
      { series: 0, time: 0, x: 5, y: 30, width: 40, height: 10, value: 1 },
      { series: 1, time: 0, x: 5, y: 0, width: 40, height: 30, value: 3 },
      { series: 1, time: 1, x: 55, y: 20, width: 40, height: 20, value: 2 },
    ]);
    expect(stackedBars({ times: [], series: [] }, { width: 100, height: 40 })).toEqual({ segments: [], max: 1 });
  });
});
