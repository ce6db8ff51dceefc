import type { Store } from '../store/index.js';
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
  const groupInstances = registry.gauge('ballast_group_instances', 'Instances of a group seen in the last day', [
    'app_id',
    'group_id',
    'group',
  ]);
  const rollout = registry.gauge(
    'ballast_rollout_instances',
    "Instances of a group by rollout state for the group's current channel version: granted, in_progress, complete, failed, timed_out",
    ['app_id', 'group_id', 'group', 'version', 'state'],
  );
  const paused = registry.gauge(
    'ballast_group_updates_enabled',
    "Whether a group's updates are enabled (1) or paused (0)",
    ['app_id', 'group_id', 'group'],
  );

  registry.collect(() => {
    const usage = process.memoryUsage();
    memory.set({}, usage.rss);
    heap.set({}, usage.heapUsed);
  });

  registry.collect(async () => {
    const store = options.store();
    databaseUp.reset();
    groupInstances.reset();
    rollout.reset();
    paused.reset();
    if (!store) return;
    try {
      await store.ping();
      databaseUp.set({ dialect: store.dialect }, 1);
    } catch (error) {
      databaseUp.set({ dialect: store.dialect }, 0);
      throw error;
    }
    for (let page = 1; ; page++) {
      const apps = await store.listApplications({ page, perPage: 100 });
      for (const app of apps.items) {
        for (const group of app.groups) {
          const labels = { app_id: app.id, group_id: group.id, group: group.name };
          paused.set(labels, group.policyUpdatesEnabled ? 1 : 0);
          const stats = await store.getGroupUpdateStats(group.id);
          groupInstances.set(labels, stats.totalInstances);
          if (stats.currentVersion === null) continue;
          const versioned = { ...labels, version: stats.currentVersion };
          rollout.set({ ...versioned, state: 'granted' }, stats.updatesToCurrentVersionGranted);
          rollout.set({ ...versioned, state: 'in_progress' }, stats.updatesInProgress);
          rollout.set({ ...versioned, state: 'complete' }, stats.updatesToCurrentVersionSucceeded);
          rollout.set({ ...versioned, state: 'failed' }, stats.updatesToCurrentVersionFailed);
          rollout.set({ ...versioned, state: 'timed_out' }, stats.updatesTimedOut);
        }
      }
      if (page * 100 >= apps.total) break;
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
