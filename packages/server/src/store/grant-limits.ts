import type { GrantContext, GrantDecision } from './store.js';

/** Nebraska's `maxParallelUpdates`: a per-period limit this high means "no limit" unless safe mode is on. */
export const UNLIMITED_UPDATES = 900_000;

/**
 * Nebraska's counting limits (`enforceRolloutPolicy` in backend/pkg/api/updates.go) on numbers read under the
 * group's lock: updates enabled, safe mode (one update until the first attempt of a new version finished), max
 * updates per period, max concurrent updates, and in safe mode timed-out updates, which pause the group. Time
 * windows (office hours, maintenance windows) and canary gates are the policy engine's, checked before.
 */
export function checkGrantLimits(context: GrantContext): GrantDecision {
  const { group, stats } = context;
  if (!group.policyUpdatesEnabled) return { grant: false, reason: 'UPDATES_DISABLED' };

  let maxUpdates = group.policyMaxUpdatesPerPeriod;
  if (maxUpdates >= UNLIMITED_UPDATES && !group.policySafeMode) return { grant: true };
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
