import type { Group, VersionOutcome } from '../store/index.js';
import { isInMaintenanceWindow } from './maintenance-window.js';
import { isInOfficeHours } from './office-hours.js';
import { Refusal } from './refusal.js';

/** A policy's verdict: go ahead, or a refusal with the reason and a sentence for logs and the activity feed. */
export type PolicyDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly reason: Refusal; readonly detail: string };

const ALLOW: PolicyDecision = { allow: true };

/**
 * The policies that depend on the group and the time only, in Nebraska's order: updates enabled, office hours
 * (refused as "updates disabled", as Nebraska does), then Ballast's maintenance windows, which apply on top of office
 * hours when both are set. Counting limits come later, under the group's lock.
 */
export function checkSchedule(group: Group, now: Date): PolicyDecision {
  if (!group.policyUpdatesEnabled) {
    const why = group.pausedReason === null ? 'updates are disabled' : `updates are paused: ${group.pausedReason}`;
    return { allow: false, reason: Refusal.UpdatesDisabled, detail: `Group ${group.id}: ${why}` };
  }
  if (group.policyOfficeHours && !isInOfficeHours(group.policyTimezone, now)) {
    return {
      allow: false,
      reason: Refusal.OfficeHours,
      detail: `Group ${group.id} updates only in office hours (Mon-Fri 09:00-17:00 ${group.policyTimezone ?? 'no time zone'})`,
    };
  }
  if (!isInMaintenanceWindow(group.maintenanceWindows, { now, timeZone: group.policyTimezone })) {
    return {
      allow: false,
      reason: Refusal.MaintenanceWindow,
      detail: `Group ${group.id} updates only in ${group.maintenanceWindows.join(', ')} (${group.policyTimezone ?? 'UTC'})`,
    };
  }
  return ALLOW;
}

/** What a canary gate is decided on. */
export interface CanaryGateInput {
  /** Share (0..1] of the canary group that must have completed the version without failure. */
  readonly share: number;
  /** How the version fared in the canary group. */
  readonly outcome: VersionOutcome;
  readonly version: string;
  readonly canaryGroupId: string;
}

/**
 * A group behind a canary group is offered version V only once `share` of the canary group's active instances
 * completed V and never failed on it. An empty canary group proves nothing, so it keeps the gate closed.
 */
export function checkCanaryGate(input: CanaryGateInput): PolicyDecision {
  const { outcome, share } = input;
  const done = outcome.completedWithoutFailure;
  const total = outcome.activeInstances;
  if (total > 0 && done / total >= share) return ALLOW;
  return {
    allow: false,
    reason: Refusal.CanaryGate,
    detail:
      `Canary group ${input.canaryGroupId} completed ${input.version} on ${done} of ${total} instances; ` +
      `${Math.round(share * 100)}% needed`,
  };
}

/** What a failure halt is decided on. */
export interface FailureHaltInput {
  /** Share (0..1] of failures among the instances granted the version that halts the group. */
  readonly threshold: number;
  /** How the group's current version fared since the group was last resumed. */
  readonly outcome: VersionOutcome;
  readonly version: string;
}

/** A failure halt's verdict, with the sentence that goes into the group's paused reason. */
export type FailureHaltDecision = { readonly halt: false } | { readonly halt: true; readonly reason: string };

/**
 * Halts when the failed updates (error events, rollbacks reported with code 44 among them) reach `threshold` of
 * the instances granted the version. Reaching counts, so a threshold of 1 halts once every granted update failed.
 */
export function checkFailureHalt(input: FailureHaltInput): FailureHaltDecision {
  const { failed, granted } = input.outcome;
  if (granted === 0 || failed === 0) return { halt: false };
  const share = failed / granted;
  if (share < input.threshold) return { halt: false };
  return {
    halt: true,
    reason:
      `Failure halt: ${failed} of ${granted} updates to ${input.version} failed ` +
      `(${formatShare(share)}, threshold ${formatShare(input.threshold)})`,
  };
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
