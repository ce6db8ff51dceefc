import { describe, expect, it } from 'vitest';
import { INSTANCE_COLUMN_INDEX, INSTANCE_COLUMNS } from './hot-path.js';
import { InstanceRowCache } from './instance-cache.js';

const APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
const OTHER_APP = '8b3a5c2e-4f1d-4e6a-9c7b-2d5e8f1a3b4c';

/** A row of `instanceId` and `appId`, its alias standing for every other value. */
function row(instanceId: string, appId: string, alias = ''): unknown[] {
  const values: unknown[] = INSTANCE_COLUMNS.map(() => null);
  values[INSTANCE_COLUMN_INDEX.id] = instanceId;
  values[INSTANCE_COLUMN_INDEX.ia_application_id] = appId;
  values[INSTANCE_COLUMN_INDEX.alias] = alias;
  return values;
}

describe('InstanceRowCache', () => {
  it('gives back the values it was given, as a new array every time', () => {
    const cache = new InstanceRowCache(10);
    const values = row('node-1', APP, 'alias with "quotes" and \u0000');
    values[INSTANCE_COLUMN_INDEX.created_ts] = 1709294400000;
    cache.set(values);
    const first = cache.get('node-1', APP);
    expect(first).toEqual(values);
    first!.push('changed by a reader');
    expect(cache.get('node-1', APP)).toEqual(values);
    expect(cache.get('node-1', OTHER_APP)).toBeUndefined();
    expect(cache.get('node-2', APP)).toBeUndefined();
  });

  it('keeps at most its capacity, letting the row kept longest go first', () => {
    const cache = new InstanceRowCache(2);
    cache.set(row('a', APP));
    cache.set(row('b', APP));
    cache.set(row('a', APP, 'a again'));
    cache.set(row('c', APP));
    expect(cache.size).toBe(2);
    expect(cache.get('a', APP)).toBeUndefined();
    expect(cache.get('b', APP)).toEqual(row('b', APP));
    expect(cache.get('c', APP)).toEqual(row('c', APP));
    // A row of an application with none kept yet makes room among the others'.
    cache.set(row('a', OTHER_APP));
    expect(cache.size).toBe(2);
    expect(cache.get('b', APP)).toBeUndefined();
    expect(cache.get('a', OTHER_APP)).toEqual(row('a', OTHER_APP));
  });

  it('keeps nothing with a capacity of 0', () => {
    const cache = new InstanceRowCache(0);
    cache.set(row('a', APP));
    expect(cache.size).toBe(0);
    expect(cache.get('a', APP)).toBeUndefined();
  });

  it("forgets an instance's row of one application, or of all", () => {
    const cache = new InstanceRowCache(10);
    for (const id of ['a', 'b']) {
      cache.set(row(id, APP));
      cache.set(row(id, OTHER_APP));
    }
    cache.forget('a', OTHER_APP);
    expect(cache.get('a', OTHER_APP)).toBeUndefined();
    expect(cache.get('a', APP)).toEqual(row('a', APP));
    cache.forget('b', null);
    expect(cache.get('b', APP)).toBeUndefined();
    expect(cache.get('b', OTHER_APP)).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.forget('nobody', null);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a', APP)).toBeUndefined();
  });
});
