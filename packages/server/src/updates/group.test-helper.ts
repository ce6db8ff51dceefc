import type { Group } from '../store/index.js';

/** A group as the store gives one back with Nebraska's defaults, for tests of the update policies. */
export function testGroup(fields: Partial<Group> = {}): Group {
  return {
    id: 'g',
    appId: 'a',
    name: 'G',
    description: '',
    track: 'stable',
    channelId: null,
    channel: null,
    rolloutInProgress: false,
    policyUpdatesEnabled: true,
    policySafeMode: false,
    policyOfficeHours: false,
    policyTimezone: null,
    policyPeriodInterval: '1 minutes',
    policyMaxUpdatesPerPeriod: 999999,
    policyUpdateTimeout: '60 minutes',
    maintenanceWindows: [],
    failureHaltThreshold: null,
    canaryGroupId: null,
    canarySuccessShare: null,
    pausedReason: null,
    pausedAt: null,
    resumedAt: null,
    createdAt: new Date(0),
    ...fields,
  };
}
