import type { Group } from '../store/index.js';
import { GROUP_DEFAULTS } from '../store/kysely-store.js';

/** A group as the store gives one back with Nebraska's defaults, for tests of the update policies. */
export function testGroup(fields: Partial<Group> = {}): Group {
  return {
    ...GROUP_DEFAULTS,
    id: 'g',
    appId: 'a',
    name: 'G',
    track: 'stable',
    channelId: null,
    channel: null,
    rolloutInProgress: false,
    pausedReason: null,
    pausedAt: null,
    resumedAt: null,
    createdAt: new Date(0),
    ...fields,
  };
}
