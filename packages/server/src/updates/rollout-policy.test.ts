import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VersionOutcome } from '../store/index.js';
import { testGroup } from './group.test-helper.js';
import { Refusal } from './refusal.js';
import { checkCanaryGate, checkFailureHalt, checkSchedule } from './rollout-policy.js';

const outcome = (fields: Partial<VersionOutcome>): VersionOutcome => ({
  activeInstances: 0,
  granted: 0,
  completed: 0,
  failed: 0,
  completedWithoutFailure: 0,
  ...fields,
});

const group = testGroup;

const MONDAY_NOON = new Date('2024-03-04T12:00:00Z');

describe('checkSchedule', () => {
  it('allows a group with no schedule', () => {
    expect(checkSchedule(group(), MONDAY_NOON)).toEqual({ allow: true });
  });

  it('refuses disabled updates first, naming why the server paused them', () => {
    const decision = checkSchedule(
      group({ policyUpdatesEnabled: false, pausedReason: 'Failure halt', policyOfficeHours: true }),
      MONDAY_NOON,
    );
    expect(decision).toMatchObject({ allow: false, reason: Refusal.UpdatesDisabled });
    expect(!decision.allow && decision.detail).toContain('Failure halt');
  });

  it('refuses outside office hours, then outside maintenance windows', () => {
    const sunday = new Date('2024-03-10T12:00:00Z');
    const both = group({ policyOfficeHours: true, policyTimezone: 'UTC', maintenanceWindows: ['Mon 11:00-13:00'] });
    expect(checkSchedule(both, sunday)).toMatchObject({ allow: false, reason: Refusal.OfficeHours });
    expect(checkSchedule(both, MONDAY_NOON)).toEqual({ allow: true });
    expect(checkSchedule(both, new Date('2024-03-04T14:00:00Z'))).toMatchObject({
      allow: false,
      reason: Refusal.MaintenanceWindow,
    });
  });
});

describe('checkCanaryGate', () => {
  const gate = (share: number, fields: Partial<VersionOutcome>) =>
    checkCanaryGate({ share, outcome: outcome(fields), version: '2.0.0', canaryGroupId: 'beta' });

  it('opens once the share of active canaries completed without failure', () => {
    expect(gate(0.5, { activeInstances: 4, completedWithoutFailure: 1 })).toMatchObject({
      allow: false,
      reason: Refusal.CanaryGate,
      detail: 'Canary group beta completed 2.0.0 on 1 of 4 instances; 50% needed',
    });
    expect(gate(0.5, { activeInstances: 4, completedWithoutFailure: 2 })).toEqual({ allow: true });
    expect(gate(1, { activeInstances: 3, completedWithoutFailure: 3 })).toEqual({ allow: true });
  });

  it('stays closed while the canary group has no active instance', () => {
    expect(gate(0.01, { activeInstances: 0, completedWithoutFailure: 5 })).toMatchObject({ allow: false });
  });
});

describe('checkFailureHalt', () => {
  const halt = (threshold: number, fields: Partial<VersionOutcome>) =>
    checkFailureHalt({ threshold, outcome: outcome(fields), version: '2.0.0' });

  it('halts when failures reach the threshold, and says how many', () => {
    expect(halt(0.5, { granted: 4, failed: 1 })).toEqual({ halt: false });
    expect(halt(0.5, { granted: 4, failed: 2 })).toEqual({
      halt: true,
      reason: 'Failure halt: 2 of 4 updates to 2.0.0 failed (50%, threshold 50%)',
    });
    expect(halt(1, { granted: 3, failed: 3 })).toMatchObject({ halt: true });
    expect(halt(0.1, { granted: 0, failed: 0 })).toEqual({ halt: false });
  });

  it('halts exactly when failed/granted reaches the threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (granted, failedRaw, threshold) => {
          const failed = Math.min(failedRaw, granted);
          const decision = halt(threshold, { granted, failed });
          expect(decision.halt).toBe(failed > 0 && failed / granted >= threshold);
        },
      ),
      { numRuns: 300 },
    );
  });
});
