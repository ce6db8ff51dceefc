// Small SVG charts, no chart library: a stacked bar per time for the timelines and one split bar for the version
// breakdown. Each series has a colour and a texture (plain, stripes, dots, cross-hatch), the legend and the
// tooltips say every number in words, and a table with the same numbers sits behind a disclosure.
import type { VersionBreakdownJson } from './api-types.js';
import { type Child, h, s, scrollTable } from './dom.js';
import { percent, utcTime } from './labels.js';
import { stackedBars, type Timeline } from './timeline-series.js';

const COLOURS = ['#2f6fb3', '#d9822b', '#3c9a5f', '#b8405e', '#7a5cb8', '#8c6d1f', '#2a9d9d', '#6b6b6b'];
const TEXTURES = ['plain', 'stripes', 'dots', 'cross'] as const;

let chartCount = 0;

/** Series `index`'s texture: the eight colours first plain, then each again with the next texture, and so on. */
function textureOf(index: number): (typeof TEXTURES)[number] {
  return TEXTURES[(index + Math.floor(index / COLOURS.length)) % TEXTURES.length]!;
}

/** Colour and texture of series `index`, and the `<defs>` a chart needs to draw it. */
function fills(count: number): { defs: SVGElement; fill: (index: number) => string; swatch: (index: number) => Child } {
  chartCount += 1;
  const prefix = `chart${chartCount}`;
  const patterns: SVGElement[] = [];
  const fill = (index: number) => {
    const texture = textureOf(index);
    return texture === 'plain' ? COLOURS[index % COLOURS.length]! : `url(#${prefix}-${index})`;
  };
  for (let index = 0; index < count; index += 1) {
    const colour = COLOURS[index % COLOURS.length]!;
    const texture = textureOf(index);
    if (texture === 'plain') continue;
    const marks =
      texture === 'stripes'
        ? [s('path', { d: 'M0 6 L6 0', stroke: '#fff', 'stroke-width': 1.5 })]
        : texture === 'dots'
          ? [s('circle', { cx: 3, cy: 3, r: 1.3, fill: '#fff' })]
          : [s('path', { d: 'M0 0 L6 6 M6 0 L0 6', stroke: '#fff', 'stroke-width': 1 })];
    patterns.push(
      s(
        'pattern',
        { id: `${prefix}-${index}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse' },
        s('rect', { width: 6, height: 6, fill: colour }),
        marks,
      ),
    );
  }
  const swatch = (index: number) =>
    s(
      'svg',
      { class: 'swatch', width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' },
      s('rect', { width: 14, height: 14, fill: fill(index), stroke: '#333', 'stroke-width': 0.5 }),
    );
  return { defs: s('defs', {}, patterns), fill, swatch };
}

function timeLabel(time: Date, spanMs: number): string {
  const iso = time.toISOString();
  return spanMs <= 2 * 86_400_000 ? iso.slice(11, 16) : iso.slice(5, 10);
}

/** A stacked bar chart of a timeline, with its legend and a table of the same numbers. */
export function timelineChart(
  timeline: Timeline,
  options: { title: string; unit: string; legend: 'last' | 'total' },
): HTMLElement {
  const width = 600;
  const height = 160;
  const left = 36;
  const bottom = 22;
  const bars = stackedBars(timeline, { width: width - left, height });
  // The legend and the defs must know the same series, so both come from here.
  const look = fills(timeline.series.length);
  const first = timeline.times[0];
  const last = timeline.times.at(-1);
  const span = first && last ? last.getTime() - first.getTime() : 0;
  const tickEvery = Math.max(1, Math.ceil(timeline.times.length / 6));
  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${width} ${height + bottom}`,
      role: 'img',
      'aria-label': `${options.title}: ${timeline.series.map((series) => `${series.key} up to ${Math.max(0, ...series.values)}`).join(', ') || 'no data'}`,
    },
    look.defs,
    s('line', { x1: left, y1: height, x2: width, y2: height, stroke: '#555' }),
    s('text', { x: left - 4, y: 10, 'text-anchor': 'end', class: 'axis' }, String(bars.max)),
    s('text', { x: left - 4, y: height, 'text-anchor': 'end', class: 'axis' }, '0'),
    s(
      'g',
      { transform: `translate(${left} 0)` },
      bars.segments.map((segment) =>
        s(
          'rect',
          {
            x: segment.x.toFixed(2),
            y: segment.y.toFixed(2),
            width: segment.width.toFixed(2),
            height: segment.height.toFixed(2),
            fill: look.fill(segment.series),
          },
          s(
            'title',
            {},
            `${timeline.series[segment.series]?.key}: ${segment.value} ${options.unit} at ${utcTime(timeline.times[segment.time]!)}`,
          ),
        ),
      ),
      timeline.times.map((time, index) =>
        index % tickEvery === 0
          ? s(
              'text',
              {
                x: ((index + 0.5) * (width - left)) / timeline.times.length,
                y: height + 16,
                'text-anchor': 'middle',
                class: 'axis',
              },
              timeLabel(time, span),
            )
          : null,
      ),
    ),
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    timeline.series.map((series, index) =>
      h(
        'li',
        {},
        look.swatch(index),
        options.legend === 'last'
          ? ` ${series.key} (now ${series.values.at(-1) ?? 0})`
          : ` ${series.key} (${series.values.reduce((sum, value) => sum + value, 0)} in all)`,
      ),
    ),
  );
  const table = h(
    'details',
    {},
    h('summary', {}, `${options.title} as a table`),
    scrollTable(
      {},
      {
        columns: ['Time (UTC)', ...timeline.series.map((x) => x.key)],
        rows: timeline.times.map((time, t) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, utcTime(time)),
            timeline.series.map((x) => h('td', {}, x.values[t] ?? 0)),
          ),
        ),
      },
    ),
  );
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, options.title), svg, legend, table);
}

/** One bar split by version share, and a table of versions, instance counts and shares. */
export function versionBreakdownChart(entries: readonly VersionBreakdownJson[]): HTMLElement {
  const look = fills(entries.length);
  let x = 0;
  const bar = s(
    'svg',
    {
      class: 'breakdown-bar',
      viewBox: '0 0 100 8',
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `Versions: ${entries.map((entry) => `${entry.version} on ${entry.instances} (${percent(entry.percentage / 100)})`).join(', ')}`,
    },
    look.defs,
    entries.map((entry, index) => {
      const rect = s(
        'rect',
        { x: x.toFixed(3), y: 0, width: entry.percentage.toFixed(3), height: 8, fill: look.fill(index) },
        s('title', {}, `${entry.version}: ${entry.instances} instances (${percent(entry.percentage / 100)})`),
      );
      x += entry.percentage;
      return rect;
    }),
  );
  const table = h(
    'table',
    { class: 'breakdown' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Version'),
        h('th', { scope: 'col' }, 'Instances'),
        h('th', { scope: 'col' }, 'Share'),
      ),
    ),
    h(
      'tbody',
      {},
      entries.map((entry, index) =>
        h(
          'tr',
          { 'data-version': entry.version },
          h('th', { scope: 'row' }, look.swatch(index), ` ${entry.version}`),
          h('td', { class: 'num' }, entry.instances),
          h('td', { class: 'num' }, percent(entry.percentage / 100)),
        ),
      ),
    ),
  );
  return h('div', { class: 'breakdown-chart' }, bar, table);
}
