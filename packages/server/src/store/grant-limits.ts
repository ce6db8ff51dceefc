import type { Group, GroupUpdateStats } from './model.js';
import type { GrantDecision } from './store.js';

/** Nebraska's `maxParallelUpdates`: a per-period limit this high means "no limit" unless safe mode is on. */
export const UNLIMITED_UPDATES = 900_000;

/** The numbers {@link checkGrantLimits} reads: all about instances granted an update recently or still updating. */
export type GrantLimitStats = Pick<
  GroupUpdateStats,
  'updatesToCurrentVersionAttempted' | 'updatesGrantedInLastPeriod' | 'updatesInProgress' | 'updatesTimedOut'
>;

/** Whether {@link checkGrantLimits} looks at any number for this group (else its stats need not be counted). */
export function countsGrants(group: Group): boolean {
  return group.policyUpdatesEnabled && (group.policySafeMode || group.policyMaxUpdatesPerPeriod < UNLIMITED_UPDATES);
}

/**
 * Nebraska's counting limits (`enforceRolloutPolicy` in backend/pkg/api/updates.go) on numbers read under the
 * group's lock: updates enabled, safe mode (one update until the first attempt of a new version finished), max
 * updates per period, max concurrent updates, and in safe mode timed-out updates, which pause the group. Time
 * windows (office hours, maintenance windows) and canary gates are the policy engine's, checked before.
 */
export function checkGrantLimits(context: { readonly group: Group; readonly stats: GrantLimitStats }): GrantDecision {
  const { group, stats } = context;
  if (!group.policyUpdatesEnabled) return { grant: false, reason: 'UPDATES_DISABLED' };
  if (!countsGrants(group)) return { grant: true };

  let maxUpdates = group.policyMaxUpdatesPerPeriod;
  if (group.policySafeMode && stats.updatesToCurrentVersionAttempted === 0) maxUpdates = 1;

  if (stats.updatesGrantedInLastPeriod >= maxUpdates) {
    return { grant: false, reason: 'MAX_UPDATES_PER_PERIOD', hold: true };
  }
  if (stats.updatesInProgress >= maxUpdates) {
    return { grant: false, reason: 'MAX_CONCURRENT_UPDATES', hold: true };
  }
  if (group.policySafeMode && stats.updatesTimedOut >= maxUpdates) {
    return { grant: false, reason: 'MAX_TIMED_OUT_UPDATES', hold: true, pause: 'Updates timed out in safe mode' };
  }
  return { grant: true };
}
