import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import { LockError } from './lock-error.js';
import {
  formatSemaphore,
  lockSemaphore,
  newSemaphore,
  parseSemaphore,
  type Semaphore,
  semaphoreKey,
  setSemaphoreMax,
  unlockSemaphore,
} from './semaphore.js';

let goBinary: string;

/** Runs Go's encoding/json (or url.QueryEscape) on every input at once; undefined where Go returned an error. */
async function go(mode: string, inputs: readonly Uint8Array[]): Promise<(string | undefined)[]> {
  const stdin = inputs.map((input) => `${Buffer.from(input).toString('base64')}\n`).join('');
  const lines = (await runGoReference(goBinary, [mode], stdin)).toString('utf8').replace(/\n$/, '').split('\n');
  return lines.map((line) => (line === 'ERR' ? undefined : Buffer.from(line, 'base64').toString('utf8')));
}

beforeAll(async () => {
  goBinary = await buildGoReference(fileURLToPath(new URL('./testdata/go-reference.go', import.meta.url)));
}, 120_000);

/** A semaphore after a series of operations, as the locksmith semaphore tests drive it. */
function lockAll(sem: Semaphore, holders: readonly string[]): Semaphore {
  return holders.reduce((s, h) => {
    const outcome = lockSemaphore(s, h);
    if (!outcome.ok) throw new Error(`lock ${h}: ${outcome.reason}`);
    return outcome.next;
  }, sem);
}

describe('semaphore rules (locksmith lock/semaphore_test.go)', () => {
  it('locks and unlocks a single holder', () => {
    const held = lockAll(newSemaphore(), ['a']);
    expect(held).toEqual({ semaphore: 0, max: 1, holders: ['a'] });
    expect(unlockSemaphore(held, 'a')).toEqual({ semaphore: 1, max: 1, holders: [] });
  });

  it('refuses a second holder while max is 1', () => {
    const held = lockAll(newSemaphore(), ['a']);
    expect(lockSemaphore(held, 'b')).toEqual({ ok: false, reason: 'full' });
  });

  it('reports a holder locking again as already held, even when no slot is left', () => {
    const held = lockAll(newSemaphore(), ['a']);
    expect(lockSemaphore(held, 'a')).toEqual({ ok: false, reason: 'held' });
    expect(lockSemaphore(lockAll(setSemaphoreMax(newSemaphore(), 2), ['a']), 'a')).toEqual({
      ok: false,
      reason: 'held',
    });
  });

  it('refuses to unlock a holder that does not hold the lock', () => {
    expect(unlockSemaphore(newSemaphore(), 'a')).toBeUndefined();
    expect(unlockSemaphore(lockAll(newSemaphore(), ['a']), 'b')).toBeUndefined();
  });

  it('lets two holders in with max 2', () => {
    const held = lockAll(setSemaphoreMax(newSemaphore(), 2), ['a', 'b']);
    expect(held).toEqual({ semaphore: 0, max: 2, holders: ['a', 'b'] });
    expect(unlockSemaphore(held, 'a')).toEqual({ semaphore: 1, max: 2, holders: ['b'] });
  });

  it('keeps holders sorted', () => {
    let sem = lockAll(setSemaphoreMax(newSemaphore(), 3), ['c', 'b']);
    expect(sem.holders).toEqual(['b', 'c']);
    sem = lockAll(sem, ['a']);
    expect(sem.holders).toEqual(['a', 'b', 'c']);
    sem = unlockSemaphore(sem, 'b')!;
    expect(sem.holders).toEqual(['a', 'c']);
    sem = unlockSemaphore(sem, 'c')!;
    expect(sem.holders).toEqual(['a']);
    sem = lockAll(sem, ['b']);
    expect(sem.holders).toEqual(['a', 'b']);
  });

  it('moves the free count with the maximum, below zero too, keeping the holders', () => {
    let sem = lockAll(newSemaphore(), ['a']);
    for (const max of [3, 2, 1, 0, -1, 0, 1, 2, 3]) {
      sem = setSemaphoreMax(sem, max);
      expect(sem.semaphore).toBe(max - 1);
      expect(sem.holders).toEqual(['a']);
    }
  });

  it('orders holders by UTF-8 bytes, as Go compares strings', () => {
    // In UTF-16 units U+1F600 (D83D DE00) sorts before U+FF5E; in UTF-8 bytes (F0.. against EF..) it sorts after.
    const sem = lockAll(setSemaphoreMax(newSemaphore(), 3), ['\u{1F600}', '\uFF5E']);
    expect(sem.holders).toEqual(['\uFF5E', '\u{1F600}']);
    const sem2 = lockAll(setSemaphoreMax(newSemaphore(), 3), ['\uFF5E', '\u{1F600}']);
    expect(sem2.holders).toEqual(['\uFF5E', '\u{1F600}']);
  });
});

describe('semaphore keys (locksmith lock/etcd_test.go)', () => {
  it('names the default and group keys', () => {
    expect(semaphoreKey()).toBe('coreos.com/updateengine/rebootlock/semaphore');
    expect(semaphoreKey('')).toBe('coreos.com/updateengine/rebootlock/semaphore');
    expect(semaphoreKey('database')).toBe('coreos.com/updateengine/rebootlock/groups/database/semaphore');
    expect(semaphoreKey('prod/database')).toBe('coreos.com/updateengine/rebootlock/groups/prod%2Fdatabase/semaphore');
  });

  it('escapes and joins group names as Go url.QueryEscape and path.Join', async () => {
    const groups = fc.sample(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 12 }), {
      numRuns: 200,
      seed: 7,
    });
    groups.push('a b', 'a+b', 'ü', '~-_.', '100%', '.', '..', '...', './..');
    const expected = await go(
      'groupkey',
      groups.map((g) => Buffer.from(g, 'utf8')),
    );
    groups.forEach((group, i) => {
      expect(semaphoreKey(group), group).toBe(expected[i]);
    });
  });
});

describe('semaphore JSON, byte for byte as locksmith (Go encoding/json)', () => {
  it('writes the initial value as locksmith creates it', async () => {
    const [go1] = await go('marshal', [Buffer.from('{"semaphore":1,"max":1}')]);
    expect(formatSemaphore(newSemaphore())).toBe(go1);
    expect(formatSemaphore(newSemaphore())).toBe('{"semaphore":1,"max":1,"holders":null}');
  });

  it('writes any semaphore as json.Marshal does', async () => {
    const holder = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
      fc.string({ unit: 'binary', maxLength: 10 }),
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '"', '\\', '\n', '\u2028', '\u2029', '\x7f', '\x01', 'a'),
        maxLength: 6,
      }),
    );
    const sems = fc.sample(
      fc.record({
        semaphore: fc.integer({ min: -1000, max: 1000 }),
        max: fc.integer({ min: -1000, max: 1000 }),
        holders: fc.option(fc.array(holder, { maxLength: 5 }), { nil: null }),
      }),
      { numRuns: 300, seed: 11 },
    );
    // The reference reads the semaphore from JSON.stringify's text, which escapes lone surrogates; Go reads them
    // as U+FFFD, the character a UTF-8 writer would have made of them too.
    const expected = await go(
      'marshal',
      sems.map((s) => Buffer.from(JSON.stringify(s), 'utf8')),
    );
    sems.forEach((sem, i) => {
      expect(formatSemaphore(sem)).toBe(expected[i]);
    });
  });

  const documents = (): Uint8Array[] => {
    const encoder = new TextEncoder();
    const hand = [
      '{"semaphore":1,"max":1,"holders":null}',
      '{"semaphore":0,"max":1,"holders":["69d27b356a94476da859461d3a3bc6fd"]}',
      '{\n\t"semaphore": 1,\n\t"max": 1,\n\t"holders": []\n}',
      '{"semaphore": 1}',
      '{"semaphore": 89, "index": 4567}',
      'null',
      '{}',
      '[]',
      '"x"',
      '',
      '  ',
      'asdf',
      '{"semaphore:',
      '{"SEMAPHORE":2,"Max":3,"HOLDERS":["a"]}',
      '{"holderſ":["a"],"ſemaphore":1}',
      '{"max":1,"MAX":2,"max":3}',
      '{"max":1,"MAX":2}',
      '{"semaphore":1.0}',
      '{"semaphore":1e2}',
      '{"semaphore":-0}',
      '{"semaphore":01}',
      '{"semaphore":"1"}',
      '{"semaphore":true}',
      '{"semaphore":null,"max":null,"holders":null}',
      '{"holders":["a",null,"b"]}',
      '{"holders":[1]}',
      '{"holders":"a"}',
      '{"holders":{}}',
      '{"holders":["\\ud800","\\ud83d\\ude00","\\ude00\\ud83d","\\u00e9\\/\\b\\f"]}',
      '{"holders":["\\x"]}',
      '{"holders":["a\tb"]}',
      '{"semaphore":1} x',
      '{"semaphore":1,}',
      '{"a":[1,{"b":null}],"semaphore":3}',
    ].map((s) => encoder.encode(s));
    const bytes = [
      [
        0x7b, 0x22, 0x68, 0x6f, 0x6c, 0x64, 0x65, 0x72, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0xf0, 0x9f, 0x98, 0x22,
        0x5d, 0x7d,
      ],
      [
        0x7b, 0x22, 0x68, 0x6f, 0x6c, 0x64, 0x65, 0x72, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xed, 0xa0, 0x80, 0xc0, 0xaf,
        0x22, 0x5d, 0x7d,
      ],
    ].map((b) => Uint8Array.from(b));
    const semaphoreLike = fc.record(
      {
        semaphore: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.double(), fc.string()),
        max: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.boolean()),
        holders: fc.oneof(
          fc.constant(null),
          fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constant(null), fc.integer())),
          fc.string(),
        ),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const generated = fc.sample(
      fc.oneof(
        semaphoreLike.map((v) => encoder.encode(JSON.stringify(v))),
        fc.json().map((s) => encoder.encode(s)),
        fc.uint8Array({ maxLength: 24 }),
        semaphoreLike.chain((v) => {
          const text = encoder.encode(JSON.stringify(v));
          return fc
            .tuple(fc.nat(text.length), fc.integer({ min: 0, max: 255 }))
            .map(([at, byte]) => Uint8Array.from([...text.slice(0, at), byte, ...text.slice(at + 1)]));
        }),
      ),
      { numRuns: 300, seed: 5 },
    );
    return [...hand, ...bytes, ...generated];
  };

  it('reads values as json.Unmarshal does, and rejects what it rejects', async () => {
    const inputs = documents();
    const expected = await go('unmarshal', inputs);
    inputs.forEach((input, i) => {
      const want = expected[i];
      const text = Buffer.from(input).toString('utf8');
      if (want === undefined) {
        expect(() => parseSemaphore(input), text).toThrow(LockError);
      } else {
        expect(formatSemaphore(parseSemaphore(input)), text).toBe(want);
      }
    });
  });

  it('names the key and shows the value it cannot read', () => {
    try {
      parseSemaphore('not json', 'etcd key k');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LockError);
      expect((error as LockError).code).toBe('LOCK_VALUE_INVALID');
      expect((error as LockError).message).toMatch(/^etcd key k holds no valid semaphore .*: not json$/);
    }
  });
});
