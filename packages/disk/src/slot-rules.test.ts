import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GptPartition, GptTable } from './gpt.js';
import { flatcarLayout, PARTITION_TYPES } from './layout.js';
import {
  chooseBootSlot,
  markSuccessful,
  prepareUpdate,
  prioritize,
  type SlotState,
  setSlot,
  slotState,
  USR_PARTITION_TYPE,
  withSlotState,
} from './slot-rules.js';

// Attribute bits outside the gptprio fields that cgpt leaves alone: required (0), legacy BIOS bootable (2),
// read-only (60), no-automount (63) and the reserved bits between.
const OTHER_BITS = (1n << 0n) | (1n << 2n) | (1n << 47n) | (1n << 57n) | (1n << 60n) | (1n << 63n);

function slot(number: number, state: SlotState, type: string = USR_PARTITION_TYPE): GptPartition {
  return {
    number,
    type,
    guid: `00000000-0000-4000-8000-${number.toString().padStart(12, '0')}`,
    firstLba: 2048 * number,
    lastLba: 2048 * number + 2047,
    attributes: withSlotState(OTHER_BITS, state),
    label: `P${number}`,
  };
}

function tableOf(partitions: GptPartition[]): GptTable {
  return {
    sectorSize: 512,
    diskGuid: '00000000-0000-0000-0000-000000000001',
    firstUsableLba: 34,
    lastUsableLba: 1_000_000,
    backupLba: 1_000_034,
    primaryEntriesLba: 2,
    backupEntriesLba: 1_000_002,
    entryCount: 128,
    entrySize: 128,
    partitions,
  };
}

const state = (priority: number, tries: number, successful: boolean): SlotState => ({ priority, tries, successful });
const stateOf = (t: GptTable, number: number) => slotState(t.partitions.find((p) => p.number === number)!.attributes);

// The rule as GRUB's gptprio.next states it, written independently of the implementation under test.
function expectedChoice(slots: readonly { number: number; state: SlotState }[]): number | undefined {
  const bootable = slots.filter((s) => s.state.priority > 0 && (s.state.tries > 0 || s.state.successful));
  const top = Math.max(0, ...bootable.map((s) => s.state.priority));
  return bootable.find((s) => s.state.priority === top)?.number;
}

const allStates: SlotState[] = [];
for (let priority = 0; priority <= 15; priority++)
  for (let tries = 0; tries <= 15; tries++)
    for (const successful of [false, true]) allStates.push(state(priority, tries, successful));

describe('attribute bits', () => {
  it('puts priority in bits 48-51, tries in 52-55 and successful in 56, as cgpt does', () => {
    // `cgpt add -P 2 -T 3 -S 1` shows as raw attribute 0x132 (bits 48-63) in `cgpt show -A`.
    expect(withSlotState(0n, state(2, 3, true))).toBe(0x132n << 48n);
    expect(slotState(0x0132n << 48n)).toEqual(state(2, 3, true));
  });

  it('keeps every other bit when setting any field', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(...allStates), (bits, s) => {
        const next = withSlotState(bits, s);
        const mask = (0x1ffn << 48n) ^ (2n ** 64n - 1n);
        expect(next & mask).toBe(bits & mask);
        expect(slotState(next)).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses values the 4-bit fields cannot hold', () => {
    expect(() => withSlotState(0n, { priority: 16 })).toThrow(RangeError);
    expect(() => withSlotState(0n, { tries: -1 })).toThrow(RangeError);
  });
});

describe('boot selection (GRUB gptprio.next)', () => {
  it('decides every priority/tries/successful combination of a single slot', () => {
    for (const s of allStates) {
      const decision = chooseBootSlot(tableOf([slot(3, s)]));
      const bootable = s.priority > 0 && (s.tries > 0 || s.successful);
      expect(decision.choice?.number, JSON.stringify(s)).toBe(bootable ? 3 : undefined);
      if (!bootable) {
        expect(decision.reports.map((r) => r.code)).toEqual(['NO_BOOTABLE_SLOT']);
        expect(decision.changed).toBe(false);
        continue;
      }
      expect(decision.changed).toBe(s.tries > 0);
      expect(decision.choice).toMatchObject({ triesBefore: s.tries, triesAfter: Math.max(0, s.tries - 1) });
      const after = decision.table.partitions[0]!.attributes;
      expect(slotState(after)).toEqual({ ...s, tries: Math.max(0, s.tries - 1) });
      expect(after & OTHER_BITS).toBe(OTHER_BITS);
    }
  });

  it('decides every combination of two slots over the boundary values', () => {
    const values = allStates.filter((s) => [0, 1, 2, 15].includes(s.priority) && [0, 1, 15].includes(s.tries));
    for (const a of values) {
      for (const b of values) {
        const decision = chooseBootSlot(tableOf([slot(3, a), slot(4, b)]));
        const want = expectedChoice([
          { number: 3, state: a },
          { number: 4, state: b },
        ]);
        expect(decision.choice?.number, `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(want);
        // Only the chosen slot changes, and only its tries.
        for (const [n, s] of [
          [3, a],
          [4, b],
        ] as const) {
          const expected = n === want && s.tries > 0 ? { ...s, tries: s.tries - 1 } : s;
          expect(stateOf(decision.table, n)).toEqual(expected);
        }
      }
    }
  });

  it('breaks a tie by entry order, the first entry wins', () => {
    const tie = tableOf([slot(3, state(2, 0, true)), slot(4, state(2, 5, false))]);
    expect(chooseBootSlot(tie).choice?.number).toBe(3);
    const reversed = tableOf([slot(3, state(2, 5, false)), slot(4, state(2, 0, true))]);
    expect(chooseBootSlot(reversed).choice?.number).toBe(3);
  });

  it('looks only at USR partitions, however their other partitions are marked', () => {
    const fc_ = fc.record({
      number: fc.integer({ min: 1, max: 128 }),
      state: fc.constantFrom(...allStates),
      usr: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(fc_, { selector: (x) => x.number, maxLength: 6 }), (entries) => {
        const sorted = [...entries].sort((x, y) => x.number - y.number);
        const partitions = sorted.map((e) =>
          slot(e.number, e.state, e.usr ? USR_PARTITION_TYPE : PARTITION_TYPES.data),
        );
        const want = expectedChoice(sorted.filter((e) => e.usr));
        expect(chooseBootSlot(tableOf(partitions)).choice?.number).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('setting a slot (cgpt add -i N -P -T -S)', () => {
  const t = tableOf([
    slot(3, state(1, 0, true)),
    slot(4, state(0, 0, false)),
    slot(6, state(0, 0, false), PARTITION_TYPES.data),
  ]);

  it('changes only the fields given and keeps every other bit', () => {
    const { table, reports } = setSlot(t, { partition: 4, tries: 2 });
    expect(reports).toEqual([]);
    expect(stateOf(table!, 4)).toEqual(state(0, 2, false));
    expect(table!.partitions[1]!.attributes & OTHER_BITS).toBe(OTHER_BITS);
    expect(table!.partitions[0]).toEqual(t.partitions[0]);
  });

  it('refuses a partition that is not a USR slot, one that does not exist and values out of range', () => {
    expect(setSlot(t, { partition: 6, priority: 1 }).reports.map((r) => r.code)).toEqual(['NOT_A_USR_SLOT']);
    expect(setSlot(t, { partition: 5, priority: 1 }).reports.map((r) => r.code)).toEqual(['PARTITION_NOT_FOUND']);
    expect(setSlot(t, { partition: 3, priority: 16, tries: 99 }).reports.map((r) => r.code)).toEqual([
      'VALUE_OUT_OF_RANGE',
      'VALUE_OUT_OF_RANGE',
    ]);
    expect(setSlot(t, { partition: 3, tries: 1.5 }).table).toBeUndefined();
  });
});

describe('prioritize (cgpt prioritize)', () => {
  const priorities = (t: GptTable) => t.partitions.map((p) => slotState(p.attributes).priority);
  const ranked = (...ps: number[]) => tableOf(ps.map((p, i) => slot(i + 1, state(p, 0, false))));

  it('compacts priorities to 1..n keeping their order and leaving 0 alone', () => {
    expect(priorities(prioritize(ranked(5, 9, 0, 5, 2)).table!)).toEqual([2, 3, 0, 2, 1]);
  });

  it('puts the chosen slot on top, alone or with its friends', () => {
    expect(priorities(prioritize(ranked(5, 9, 0, 5, 2), { partition: 4 }).table!)).toEqual([2, 3, 0, 4, 1]);
    expect(priorities(prioritize(ranked(5, 9, 0, 5, 2), { partition: 4, friends: true }).table!)).toEqual([
      3, 2, 0, 3, 1,
    ]);
    expect(priorities(prioritize(ranked(5, 9, 0, 5, 2), { partition: 3 }).table!)).toEqual([2, 3, 4, 2, 1]);
  });

  it('starts from the highest priority asked for and never goes below 1', () => {
    expect(priorities(prioritize(ranked(1, 2, 3, 4), { maxPriority: 2 }).table!)).toEqual([1, 1, 1, 2]);
    expect(priorities(prioritize(ranked(1, 2), { maxPriority: 15 }).table!)).toEqual([14, 15]);
  });

  it('refuses a partition that is not a slot and a highest priority out of range', () => {
    const t = tableOf([slot(3, state(1, 0, true)), slot(6, state(0, 0, false), PARTITION_TYPES.data)]);
    expect(prioritize(t, { partition: 6 }).reports.map((r) => r.code)).toEqual(['NOT_A_USR_SLOT']);
    expect(prioritize(t, { maxPriority: 16 }).reports.map((r) => r.code)).toEqual(['VALUE_OUT_OF_RANGE']);
    expect(prioritize(t, { maxPriority: 0 }).reports.map((r) => r.code)).toEqual(['VALUE_OUT_OF_RANGE']);
  });
});

describe('an update through its whole life', () => {
  const fresh = flatcarLayout({ size: 8 * 1024 ** 3, random: () => new Uint8Array(16) }).table!;

  it('starts on USR-A, as Flatcar images do', () => {
    expect(stateOf(fresh, 3)).toEqual(state(1, 0, true));
    expect(stateOf(fresh, 4)).toEqual(state(0, 0, false));
    expect(chooseBootSlot(fresh)).toMatchObject({ changed: false, choice: { number: 3, label: 'USR-A' } });
  });

  it('tries the new slot once, keeps it when marked successful', () => {
    const staged = prepareUpdate(fresh, 4).table!;
    expect(stateOf(staged, 4)).toEqual(state(2, 1, false));
    expect(stateOf(staged, 3)).toEqual(state(1, 0, true));
    const first = chooseBootSlot(staged);
    expect(first).toMatchObject({ changed: true, choice: { number: 4, triesBefore: 1, triesAfter: 0 } });
    const good = markSuccessful(first.table, 4).table!;
    expect(stateOf(good, 4)).toEqual(state(2, 0, true));
    expect(chooseBootSlot(good)).toMatchObject({ changed: false, choice: { number: 4 } });
  });

  it('falls back to the old slot when the new one never gets marked', () => {
    const first = chooseBootSlot(prepareUpdate(fresh, 4).table!);
    const second = chooseBootSlot(first.table);
    expect(second).toMatchObject({ changed: false, choice: { number: 3, label: 'USR-A' } });
  });
});
