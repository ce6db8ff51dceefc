import { describe, expect, it } from 'vitest';
import type { ActivityJson, GroupJson } from './api-types.js';
import { activityText, ago, bytes, pauseState, percent, policySummary, statusName, utcTime } from './labels.js';
import { pageInfo } from './views/group-view.js';
import { rolloutText } from './views/overview-view.js';

const group: GroupJson = {
  id: 'g',
  name: 'Stable',
  description: '',
  created_ts: '2026-01-01T00:00:00Z',
  rollout_in_progress: false,
  application_id: 'a',
  channel_id: null,
  track: 'stable',
  policy_updates_enabled: true,
  policy_safe_mode: false,
  policy_office_hours: false,
  policy_timezone: null,
  policy_period_interval: '1 hours',
  policy_max_updates_per_period: 999999,
  policy_update_timeout: '60 minutes',
};

describe('labels', () => {
  it("names Nebraska's instance statuses; none recorded yet reads as Undefined", () => {
    expect([null, 1, 2, 3, 4, 5, 6, 7, 8, 42].map(statusName)).toEqual([
      'Undefined',
      'Undefined',
      'Update granted',
      'Error',
      'Complete',
      'Installed',
      'Downloaded',
      'Downloading',
      'On hold',
      'Status 42',
    ]);
  });

  it('sums up a rollout policy in words', () => {
    expect(policySummary(group)).toBe('no rate limit, timeout 60 minutes');
    expect(
      policySummary({
        ...group,
        policy_max_updates_per_period: 5,
        policy_period_interval: '15 minutes',
        policy_safe_mode: true,
        policy_office_hours: true,
        policy_timezone: 'Europe/Berlin',
        maintenance_windows: ['Sat 02:00-06:00'],
        failure_halt_threshold: 0.25,
        canary_group_id: 'beta',
        canary_success_share: 0.9,
      }),
    ).toBe(
      '5 per 15 minutes, timeout 60 minutes, safe mode, office hours (Europe/Berlin), windows Sat 02:00-06:00, ' +
        'halt at 25% failed, canary gate 90%',
    );
  });

  it('says why a group is paused', () => {
    expect(pauseState(group)).toEqual({ paused: false, text: 'Updates enabled' });
    expect(pauseState({ ...group, policy_updates_enabled: false })).toEqual({
      paused: true,
      text: 'Paused: updates disabled',
    });
    const reason = 'Failure halt: 2 of 4 updates to 3374.2.0 failed (50%, threshold 50%)';
    expect(pauseState({ ...group, policy_updates_enabled: false, paused_reason: reason }).text).toBe(
      `Paused: ${reason}`,
    );
  });

  it('says a rollout in words', () => {
    expect(rolloutText(undefined)).toBe('No version to roll out');
    expect(
      rolloutText({
        groupId: 'g',
        version: '1.2.3',
        granted: 4,
        inProgress: 1,
        complete: 2,
        failed: 1,
        timedOut: 0,
        paused: false,
      }),
    ).toBe('1.2.3: 4 granted, 1 in progress, 2 complete, 1 failed, 0 timed out');
  });

  it('writes activity entries as sentences', () => {
    const entry: ActivityJson = {
      id: '1',
      app_id: 'a',
      group_id: 'g',
      created_ts: '2026-01-01T00:00:00Z',
      class: 5,
      severity: 4,
      version: '1.2.3',
      application_name: 'Flatcar',
      group_name: 'Stable',
      channel_name: null,
      instance_id: 'm1',
    };
    expect(activityText(entry)).toBe('Instance m1 failed to update to 1.2.3 in group Stable');
    expect(activityText({ ...entry, class: 6, channel_name: 'stable' })).toBe('Channel stable now points at 1.2.3');
    expect(activityText({ ...entry, class: 100 })).toBe('Group Stable paused (1.2.3)');
    expect(activityText({ ...entry, class: 999 })).toBe('Activity 999 in Flatcar / Stable');
  });

  it('formats shares, times, ages and sizes', () => {
    expect([0, 0.05, 0.4, 1 / 3, 1].map(percent)).toEqual(['0%', '5%', '40%', '33%', '100%']);
    expect(percent(0.0125)).toBe('1.3%');
    expect(utcTime('2026-03-02T10:05:09.5Z')).toBe('2026-03-02 10:05 UTC');
    const now = new Date('2026-03-02T12:00:00Z');
    expect(
      ['2026-03-02T11:59:30Z', '2026-03-02T11:15:00Z', '2026-03-01T12:00:00Z', '2026-02-20T12:00:00Z'].map((time) =>
        ago(time, now),
      ),
    ).toEqual(['just now', '45 min ago', '24 h ago', '10 d ago']);
    expect([null, '512', '465881871', 3 * 1024 ** 4].map(bytes)).toEqual(['', '512 B', '444.3 MiB', '3072.0 GiB']);
  });

  it('counts pages of a list', () => {
    expect(pageInfo(0, { page: 1, perPage: 10 })).toEqual({
      pages: 1,
      first: 0,
      last: 0,
    });
    expect(pageInfo(25, { page: 2, perPage: 10 })).toEqual({
      pages: 3,
      first: 11,
      last: 20,
    });
    expect(pageInfo(25, { page: 3, perPage: 10 })).toEqual({ pages: 3, first: 21, last: 25 });
  });
});
