import { describe, expect, it } from 'vitest';
import { initialState } from '../state/agent-state.js';
import { formatStatus } from './format-status.js';

describe('formatStatus', () => {
  it('prints update_engine_client -status’s five lines for a node that never checked', () => {
    // GetStatus in update_engine_client.cc: "%" PRIi64, "%f", then the strings; kVersionZero is "0.0.0".
    expect(formatStatus(initialState())).toBe(
      'LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n',
    );
  });

  it('prints a download in progress and an update waiting for its reboot', () => {
    const downloading = {
      ...initialState(),
      lastCheckedTime: 1700000000,
      progress: 0.25,
      status: 'UPDATE_STATUS_DOWNLOADING' as const,
      newVersion: '3815.2.1',
      newSize: 485101297,
    };
    expect(formatStatus(downloading)).toBe(
      'LAST_CHECKED_TIME=1700000000\nPROGRESS=0.250000\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\n' +
        'NEW_VERSION=3815.2.1\nNEW_SIZE=485101297\n',
    );
    const waiting = { ...downloading, progress: 0, status: 'UPDATE_STATUS_UPDATED_NEED_REBOOT' as const };
    expect(formatStatus(waiting)).toContain('CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n');
  });
});
