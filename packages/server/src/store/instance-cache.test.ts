import { describe, expect, it } from 'vitest';
import { type ChangeCounter, InstanceCache } from './instance-cache.js';
import type { Instance } from './model.js';

function instance(id: string, version = '1.0.0'): Instance {
  return {
    id,
    ip: '10.0.0.1',
    alias: '',
    oem: '',
    oemVersion: '',
    alephVersion: '',
    createdAt: new Date(0),
    lastSeenAt: new Date(0),
    application: {
      appId: 'app',
      groupId: 'g',
      version,
      status: null,
      createdAt: new Date(0),
      lastCheckForUpdates: new Date(0),
      lastUpdateGrantedAt: null,
      lastUpdateVersion: null,
      updateInProgress: false,
    },
  };
}

function counter(): ChangeCounter & { write(): void } {
  let count = 0;
  return {
    current: () => count,
    write: () => {
      count += 1;
    },
  };
}

describe('InstanceCache', () => {
  it('gives back what was read until anything else writes, then nothing', () => {
    const changes = counter();
    const cache = new InstanceCache(changes, 10);
    const readAt = cache.current();
    const a = instance('a');
    cache.remember(a, readAt);
    expect(cache.get('a', 'app')).toBe(a);
    expect(cache.get('a', 'other app')).toBeUndefined();
    expect(cache.get('b', 'app')).toBeUndefined();
    changes.write();
    expect(cache.get('a', 'app')).toBeUndefined();
  });

  it('keeps nothing read before a write that happened while the read was under way', () => {
    const changes = counter();
    const cache = new InstanceCache(changes, 10);
    const readAt = cache.current();
    changes.write();
    cache.remember(instance('a'), readAt);
    expect(cache.get('a', 'app')).toBeUndefined();
  });

  it('replaces an instance with what a check-in wrote from it, but not from a state it no longer holds', () => {
    const changes = counter();
    const cache = new InstanceCache(changes, 10);
    const before = instance('a');
    cache.remember(before, cache.current());
    const after = instance('a', '2.0.0');
    cache.replace(before, after);
    expect(cache.get('a', 'app')).toBe(after);
    // A state that never came from the cache (read while it was full, or made up) replaces nothing.
    cache.replace(instance('a'), instance('a', '3.0.0'));
    expect(cache.get('a', 'app')).toBe(after);
    // Nor does one read before another write.
    changes.write();
    const fresh = instance('a', '2.0.0');
    cache.remember(fresh, cache.current());
    cache.replace(before, instance('a', '4.0.0'));
    expect(cache.get('a', 'app')).toBe(fresh);
  });

  it('takes no new instance when full, and keeps updating those it holds', () => {
    const cache = new InstanceCache(counter(), 2);
    const [a, b, c] = [instance('a'), instance('b'), instance('c')];
    for (const each of [a, b, c]) cache.remember(each, cache.current());
    expect([cache.get('a', 'app'), cache.get('b', 'app'), cache.get('c', 'app')]).toEqual([a, b, undefined]);
    const newer = instance('a', '2.0.0');
    cache.replace(a, newer);
    expect(cache.get('a', 'app')).toBe(newer);
  });
});
