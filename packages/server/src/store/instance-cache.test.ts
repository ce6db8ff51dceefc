import { describe, expect, it } from 'vitest';
import { InstanceRowCache } from './instance-cache.js';

const APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
const OTHER_APP = '8b3a5c2e-4f1d-4e6a-9c7b-2d5e8f1a3b4c';

describe('InstanceRowCache', () => {
  it('gives back the values it was given, as a new array every time', () => {
    const cache = new InstanceRowCache(10);
    const values = ['node-1', '10.0.0.1', 'alias with "quotes" and \u0000', 1709294400000, null, 0];
    cache.set('node-1', APP, values);
    const first = cache.get('node-1', APP);
    expect(first).toEqual(values);
    first!.push('changed by a reader');
    expect(cache.get('node-1', APP)).toEqual(values);
    expect(cache.get('node-1', OTHER_APP)).toBeUndefined();
    expect(cache.get('node-2', APP)).toBeUndefined();
  });

  it('keeps at most its capacity, letting the row kept longest go first', () => {
    const cache = new InstanceRowCache(2);
    cache.set('a', APP, ['a']);
    cache.set('b', APP, ['b']);
    cache.set('a', APP, ['a again']);
    cache.set('c', APP, ['c']);
    expect(cache.size).toBe(2);
    expect(cache.get('b', APP)).toBeUndefined();
    expect(cache.get('a', APP)).toEqual(['a again']);
    expect(cache.get('c', APP)).toEqual(['c']);
  });

  it('keeps nothing with a capacity of 0', () => {
    const cache = new InstanceRowCache(0);
    cache.set('a', APP, ['a']);
    expect(cache.size).toBe(0);
    expect(cache.get('a', APP)).toBeUndefined();
  });

  it("forgets an instance's row of one application, or of all", () => {
    const cache = new InstanceRowCache(10);
    for (const id of ['a', 'b']) {
      cache.set(id, APP, [id]);
      cache.set(id, OTHER_APP, [id]);
    }
    cache.forget('a', OTHER_APP);
    expect(cache.get('a', OTHER_APP)).toBeUndefined();
    expect(cache.get('a', APP)).toEqual(['a']);
    cache.forget('b', null);
    expect(cache.get('b', APP)).toBeUndefined();
    expect(cache.get('b', OTHER_APP)).toBeUndefined();
    expect(cache.get('a', APP)).toEqual(['a']);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
