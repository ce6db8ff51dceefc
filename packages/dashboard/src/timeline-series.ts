// The timelines as the API writes them (maps from time to counts) turned into series a chart can draw, and the
// geometry of a stacked bar chart of them: pure, so the numbers are tested without a browser.
import type { StatusTimelineJson, VersionTimelineJson } from './api-types.js';
import { statusName } from './labels.js';

/** One line of a chart: a name and one value per time. */
export interface Series {
  readonly key: string;
  readonly values: readonly number[];
}

/** Times (oldest first) and the series over them. */
export interface Timeline {
  readonly times: readonly Date[];
  readonly series: readonly Series[];
}

/** Orders versions newest first: numeric parts compared as numbers (`4081.10.0` after `4081.9.0`). */
export function compareVersionsDescending(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = numeric ? Number(x) - Number(y) : x < y ? -1 : 1;
    return -order;
  }
  return 0;
}

function sortedTimes(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => new Date(a).getTime() - new Date(b).getTime());
}

/** Instance counts per version over time, versions newest first. */
export function versionTimeline(json: VersionTimelineJson): Timeline {
  const keys = sortedTimes(Object.keys(json));
  const versions = new Set<string>();
  for (const key of keys) for (const version of Object.keys(json[key] ?? {})) versions.add(version);
  const ordered = [...versions].sort(compareVersionsDescending);
  return {
    times: keys.map((key) => new Date(key)),
    series: ordered
      .map((version) => ({ key: version, values: keys.map((key) => json[key]?.[version] ?? 0) }))
      .filter((series) => series.values.some((value) => value > 0)),
  };
}

/** Instance counts per status over time (all versions together), statuses in Nebraska's order. */
export function statusTimeline(json: StatusTimelineJson): Timeline {
  const keys = sortedTimes(Object.keys(json));
  const statuses = new Set<number>();
  for (const key of keys) for (const status of Object.keys(json[key] ?? {})) statuses.add(Number(status));
  const ordered = [...statuses].sort((a, b) => a - b);
  const total = (key: string, status: number) =>
    Object.values(json[key]?.[String(status)] ?? {}).reduce((sum, count) => sum + count, 0);
  return {
    times: keys.map((key) => new Date(key)),
    series: ordered
      .map((status) => ({ key: statusName(status), values: keys.map((key) => total(key, status)) }))
      .filter((series) => series.values.some((value) => value > 0)),
  };
}

/** Whether a timeline has anything to draw. */
export function isEmptyTimeline(timeline: Timeline): boolean {
  return timeline.series.every((series) => series.values.every((value) => value === 0));
}

/** One bar segment of a stacked bar chart, in chart coordinates (y grows down). */
export interface BarSegment {
  readonly series: number;
  readonly time: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly value: number;
}

/** The geometry of a stacked bar chart. */
export interface StackedBars {
  readonly segments: readonly BarSegment[];
  /** The value the top of the plot stands for (the largest stack, at least 1). */
  readonly max: number;
}

/** Lays out one stacked bar per time in a `width` × `height` plot; a zero value gets no segment. */
export function stackedBars(timeline: Timeline, size: { width: number; height: number }): StackedBars {
  const count = timeline.times.length;
  let max = 1;
  for (let t = 0; t < count; t += 1) {
    max = Math.max(
      max,
      timeline.series.reduce((sum, series) => sum + (series.values[t] ?? 0), 0),
    );
  }
  const slot = count === 0 ? 0 : size.width / count;
  const width = Math.max(1, slot * 0.8);
  const segments: BarSegment[] = [];
  for (let t = 0; t < count; t += 1) {
    let top = size.height;
    timeline.series.forEach((series, s) => {
      const value = series.values[t] ?? 0;
      if (value <= 0) return;
      const height = (value / max) * size.height;
      top -= height;
      segments.push({ series: s, time: t, x: t * slot + (slot - width) / 2, y: top, width, height, value });
    });
  }
  return { segments, max };
}
