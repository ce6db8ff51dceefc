// A small Prometheus text-format (0.0.4) registry: counters, gauges and histograms with labels, plus collectors
// that fill gauges at scrape time. Enough for the server's own metrics, without a dependency.

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((name, i) => `${name}="${escapeLabel(values[i] ?? '')}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`Bad metric name: ${name}`);
  }

  protected key(labels: Labels): string {
    return this.labelNames.map((name) => labels[name] ?? '').join('\u0000');
  }

  protected values(key: string): string[] {
    return this.labelNames.length === 0 ? [] : key.split('\u0000');
  }

  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  abstract lines(): string[];

  render(): string {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()].join(
      '\n',
    );
  }
}

/** A value that only goes up. */
export class Counter extends Metric {
  readonly type = 'counter';
  private readonly series = new Map<string, number>();

  inc(labels: Labels = {}, by = 1): void {
    const key = this.key(labels);
    this.series.set(key, (this.series.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.series.get(this.key(labels)) ?? 0;
  }

  lines(): string[] {
    return [...this.series].map(
      ([key, value]) => `${this.name}${labelText(this.labelNames, this.values(key))} ${formatNumber(value)}`,
    );
  }
}

/** A value that is set; `reset` drops every series, for gauges refilled at each scrape. */
export class Gauge extends Metric {
  readonly type = 'gauge';
  private readonly series = new Map<string, number>();

  set(labels: Labels, value: number): void {
    this.series.set(this.key(labels), value);
  }

  get(labels: Labels = {}): number | undefined {
    return this.series.get(this.key(labels));
  }

  reset(): void {
    this.series.clear();
  }

  lines(): string[] {
    return [...this.series].map(
      ([key, value]) => `${this.name}${labelText(this.labelNames, this.values(key))} ${formatNumber(value)}`,
    );
  }
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  observe(labels: Labels, value: number): void {
    const key = this.key(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { buckets: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    // Buckets are counted individually and made cumulative when rendered, so an observation costs one increment.
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) entry.buckets[index]! += 1;
    entry.sum += value;
    entry.count += 1;
  }

  lines(): string[] {
    const lines: string[] = [];
    for (const [key, entry] of this.series) {
      const values = this.values(key);
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += entry.buckets[i]!;
        lines.push(
          `${this.name}_bucket${labelText(this.labelNames, values, `le="${formatNumber(bound)}"`)} ${cumulative}`,
        );
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${entry.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${formatNumber(entry.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${entry.count}`);
    }
    return lines;
  }
}

/** Fills metrics just before a scrape; a failing collector is reported by the registry, not thrown. */
export type Collector = () => Promise<void> | void;

/** The set of metrics one server exposes on `/metrics`. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Collector[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, labelNames, buckets));
  }

  /** Adds a function that refreshes gauges before each scrape. */
  collect(collector: Collector): void {
    this.collectors.push(collector);
  }

  private register<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`Metric registered twice: ${metric.name}`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  /** Runs the collectors and renders every metric in Prometheus text format; returns collector errors too. */
  async render(): Promise<{ text: string; errors: unknown[] }> {
    const errors: unknown[] = [];
    for (const collector of this.collectors) {
      try {
        await collector();
      } catch (error) {
        errors.push(error);
      }
    }
    const text = `${[...this.metrics.values()].map((metric) => metric.render()).join('\n')}\n`;
    return { text, errors };
  }
}

/** The Content-Type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
