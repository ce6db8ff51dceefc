import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics-registry.js';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and cumulative histograms in Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('x_requests_total', 'Requests', ['route']);
    requests.inc({ route: '/a' });
    requests.inc({ route: '/a' }, 2);
    requests.inc({ route: 'we"ird\\\n' });
    const up = registry.gauge('x_up', 'Up');
    registry.collect(() => up.set({}, 1));
    const latency = registry.histogram('x_seconds', 'Latency', ['route'], [0.1, 1]);
    latency.observe({ route: '/a' }, 0.05);
    latency.observe({ route: '/a' }, 0.5);
    latency.observe({ route: '/a' }, 5);
    const { text, errors } = await registry.render();
    expect(errors).toEqual([]);
    expect(text).toBe(
      [
        '# HELP x_requests_total Requests',
        '# TYPE x_requests_total counter',
        'x_requests_total{route="/a"} 3',
        'x_requests_total{route="we\\"ird\\\\\\n"} 1',
        '# HELP x_up Up',
        '# TYPE x_up gauge',
        'x_up 1',
        '# HELP x_seconds Latency',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{route="/a",le="0.1"} 1',
        'x_seconds_bucket{route="/a",le="1"} 2',
        'x_seconds_bucket{route="/a",le="+Inf"} 3',
        'x_seconds_sum{route="/a"} 5.55',
        'x_seconds_count{route="/a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('reports a failing collector and still renders', async () => {
    const registry = new MetricsRegistry();
    registry.counter('y_total', 'Y').inc();
    registry.collect(() => {
      throw new Error('down');
    });
    const { text, errors } = await registry.render();
    expect(errors).toHaveLength(1);
    expect(text).toContain('y_total 1');
  });

  it('refuses bad and duplicate names', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter('bad-name', 'x')).toThrow();
    registry.gauge('g', 'x');
    expect(() => registry.gauge('g', 'x')).toThrow(/twice/);
  });
});
