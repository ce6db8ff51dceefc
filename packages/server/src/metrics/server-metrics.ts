import type { Store } from '../store/index.js';
import { collectRolloutCounters } from '../updates/index.js';
import { type Counter, type Gauge, type Histogram, MetricsRegistry } from './metrics-registry.js';

/** Latency buckets in seconds: the Omaha endpoint answers in about a millisecond, the API in tens. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The server's metrics: HTTP traffic, the database, and each group's rollout. */
export interface ServerMetrics {
  readonly registry: MetricsRegistry;
  readonly httpRequests: Counter;
  readonly httpDuration: Histogram;
  readonly databaseUp: Gauge;
  /** Records one answered request. */
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
}

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** The store whose groups' rollouts are reported at each scrape; none for a server still starting. */
  readonly store: () => Store | undefined;
}

/**
 * Creates the registry with HTTP, process and rollout metrics. Rollout gauges are read from the database at
 * scrape time, so every replica on one PostgreSQL reports the same fleet-wide numbers.
 */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new MetricsRegistry();
  const httpRequests = registry.counter('ballast_http_requests_total', 'HTTP requests answered, by route and status', [
    'method',
    'route',
    'status',
  ]);
  const httpDuration = registry.histogram(
    'ballast_http_request_duration_seconds',
    'Time to answer an HTTP request, by route',
    ['method', 'route'],
    LATENCY_BUCKETS,
  );
  const databaseUp = registry.gauge(
    'ballast_database_up',
    'Whether the database answered at the last scrape (1) or not (0)',
    ['dialect'],
  );
  const memory = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes');
  const started = registry.gauge(
    'process_start_time_seconds',
    'Start time of the process since the Unix epoch, in seconds',
  );
  started.set({}, Math.round(Date.now() / 1000 - process.uptime()));
  const rollout = registry.gauge(
    'ballast_rollout_instances',
    "Instances by rollout state for the group's current channel version: granted, in_progress, complete, failed, timed_out",
    ['app_id', 'group_id', 'group', 'track', 'version', 'state'],
  );
  const enabled = registry.gauge(
    'ballast_group_updates_enabled',
    "Whether a group's updates are enabled (1) or paused by an operator, safe mode or a failure halt (0)",
    ['app_id', 'group_id', 'group', 'track'],
  );

  registry.collect(() => {
    const usage = process.memoryUsage();
    memory.set({}, usage.rss);
    heap.set({}, usage.heapUsed);
  });

  registry.collect(async () => {
    const store = options.store();
    databaseUp.reset();
    rollout.reset();
    enabled.reset();
    if (!store) return;
    try {
      await store.ping();
      databaseUp.set({ dialect: store.dialect }, 1);
    } catch (error) {
      databaseUp.set({ dialect: store.dialect }, 0);
      throw error;
    }
    for (const counters of await collectRolloutCounters(store)) {
      const labels = {
        app_id: counters.appId,
        group_id: counters.groupId,
        group: counters.groupName,
        track: counters.track,
      };
      enabled.set(labels, counters.paused ? 0 : 1);
      if (counters.version === null) continue;
      const versioned = { ...labels, version: counters.version };
      rollout.set({ ...versioned, state: 'granted' }, counters.granted);
      rollout.set({ ...versioned, state: 'in_progress' }, counters.inProgress);
      rollout.set({ ...versioned, state: 'complete' }, counters.complete);
      rollout.set({ ...versioned, state: 'failed' }, counters.failed);
      rollout.set({ ...versioned, state: 'timed_out' }, counters.timedOut);
    }
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    databaseUp,
    observeRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
  };
}
