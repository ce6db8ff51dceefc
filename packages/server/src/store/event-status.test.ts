import { describe, expect, it } from 'vitest';
import { statusForEvent } from './event-status.js';
import { InstanceStatus } from './model.js';

describe('statusForEvent', () => {
  it("maps update_engine's events as Nebraska's triggerEventConsequences does", () => {
    expect(statusForEvent(3, 2)).toBe(InstanceStatus.Complete);
    expect(statusForEvent(13, 1)).toBe(InstanceStatus.Downloading);
    expect(statusForEvent(14, 1)).toBe(InstanceStatus.Downloaded);
    expect(statusForEvent(800, 1)).toBe(InstanceStatus.Installed);
    for (const type of [3, 13, 14, 800]) expect(statusForEvent(type, 0)).toBe(InstanceStatus.Error);
    // Update complete with plain success, a deferred update, unknown events: no status change.
    expect(statusForEvent(3, 1)).toBe(null);
    expect(statusForEvent(3, 9)).toBe(null);
    expect(statusForEvent(1, 1)).toBe(null);
  });
});
