import type { Group, Store } from '../store/index.js';

/** Where one group's rollout of its current version stands: the numbers `/metrics` exposes per group. */
export interface RolloutCounters {
  readonly appId: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly track: string;
  /** The version of the group's channel package; null when the group has none (all counts are then 0). */
  readonly version: string | null;
  /** Distinct instances granted the version. */
  readonly granted: number;
  /** Updates granted and not finished, within the group's update timeout. */
  readonly inProgress: number;
  /** Distinct instances that completed the version. */
  readonly complete: number;
  /** Distinct instances that reported an error on their way to the version (rollbacks among them). */
  readonly failed: number;
  /** Updates granted and not finished, past the group's update timeout. */
  readonly timedOut: number;
  /** Whether the group's updates are disabled (by an operator, safe mode or a failure halt). */
  readonly paused: boolean;
}

/** The rollout counters of one group. */
export async function getRolloutCounters(store: Store, groupId: string): Promise<RolloutCounters> {
  return countersOf(store, await store.getGroup(groupId));
}

async function countersOf(store: Store, group: Group): Promise<RolloutCounters> {
  const version = group.channel?.package?.version ?? null;
  const base = {
    appId: group.appId,
    groupId: group.id,
    groupName: group.name,
    track: group.track,
    version,
    paused: !group.policyUpdatesEnabled,
  };
  if (version === null) return { ...base, granted: 0, inProgress: 0, complete: 0, failed: 0, timedOut: 0 };
  const [stats, outcome] = await Promise.all([
    store.getGroupUpdateStats(group.id),
    store.getVersionOutcome({ groupId: group.id, version }),
  ]);
  return {
    ...base,
    granted: outcome.granted,
    inProgress: stats.updatesInProgress,
    complete: outcome.completed,
    failed: outcome.failed,
    timedOut: stats.updatesTimedOut,
  };
}

const PAGE = 100;

/** The rollout counters of every group of every application. */
export async function collectRolloutCounters(store: Store): Promise<RolloutCounters[]> {
  const counters: RolloutCounters[] = [];
  for (let appPage = 1; ; appPage++) {
    const apps = await store.listApplications({ page: appPage, perPage: PAGE });
    for (const app of apps.items) {
      for (let groupPage = 1; ; groupPage++) {
        const groups = await store.listGroups(app.id, { page: groupPage, perPage: PAGE });
        for (const group of groups.items) counters.push(await countersOf(store, group));
        if (groups.items.length < PAGE || groupPage * PAGE >= groups.total) break;
      }
    }
    if (apps.items.length < PAGE || appPage * PAGE >= apps.total) break;
  }
  return counters;
}

const METRICS: readonly { key: keyof RolloutCounters; name: string; help: string }[] = [
  { key: 'granted', name: 'ballast_rollout_granted', help: "Instances granted the group's current version" },
  { key: 'inProgress', name: 'ballast_rollout_in_progress', help: 'Updates granted and not finished in time yet' },
  { key: 'complete', name: 'ballast_rollout_complete', help: "Instances that completed the group's current version" },
  { key: 'failed', name: 'ballast_rollout_failed', help: "Instances that failed to update to the group's version" },
  { key: 'timedOut', name: 'ballast_rollout_timed_out', help: 'Updates granted and not finished within the timeout' },
  { key: 'paused', name: 'ballast_group_paused', help: "1 when the group's updates are disabled" },
];

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * The counters in Prometheus' text exposition format (0.0.4): gauges labelled by application, group, group name,
 * track and version, for the HTTP layer to serve on `/metrics` next to its own.
 */
export function formatRolloutMetrics(counters: readonly RolloutCounters[]): string {
  let out = '';
  for (const metric of METRICS) {
    out += `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} gauge\n`;
    for (const group of counters) {
      const labels =
        `app="${label(group.appId)}",group="${label(group.groupId)}",group_name="${label(group.groupName)}",` +
        `track="${label(group.track)}",version="${label(group.version ?? '')}"`;
      const value = group[metric.key];
      out += `${metric.name}{${labels}} ${typeof value === 'boolean' ? (value ? 1 : 0) : value}\n`;
    }
  }
  return out;
}
