import { type DiskReport, error } from './disk-error.js';
import type { GptPartition, GptTable } from './gpt.js';

/** Partition type of Flatcar's /usr slots (USR-A, USR-B); GRUB's gptprio only looks at this type. */
export const USR_PARTITION_TYPE = '5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6';

// The gptprio fields as cgpt and GRUB define them; every other attribute bit is left as it is.
const PRIORITY_SHIFT = 48n;
const TRIES_SHIFT = 52n;
const SUCCESSFUL_SHIFT = 56n;
const NIBBLE = 0xfn;

/** Highest priority the 4-bit field holds. */
export const MAX_PRIORITY = 15;
/** Highest tries count the 4-bit field holds. */
export const MAX_TRIES = 15;

/** The A/B fields of one partition's attributes. */
export interface SlotState {
  /** 0 to 15; 0 never boots. */
  readonly priority: number;
  /** 0 to 15; boots left before the slot must be marked successful. */
  readonly tries: number;
  readonly successful: boolean;
}

/** A change to some of a slot's fields, as `cgpt add -P -T -S` makes it. */
export interface SlotChange {
  readonly priority?: number;
  readonly tries?: number;
  readonly successful?: boolean;
}

/** A table-changing rule's answer: the new table, or undefined with the errors that prevented it. */
export interface RuleResult {
  readonly table: GptTable | undefined;
  readonly reports: readonly DiskReport[];
}

/** Reads priority (bits 48-51), tries (52-55) and successful (56) from a partition's attributes. */
export function slotState(attributes: bigint): SlotState {
  return {
    priority: Number((attributes >> PRIORITY_SHIFT) & NIBBLE),
    tries: Number((attributes >> TRIES_SHIFT) & NIBBLE),
    successful: ((attributes >> SUCCESSFUL_SHIFT) & 1n) === 1n,
  };
}

/**
 * Returns `attributes` with the given fields replaced and every other bit kept, as cgpt does. Values must already
 * be in range (see `checkSlotChange`); out-of-range ones throw a RangeError.
 */
export function withSlotState(attributes: bigint, change: SlotChange): bigint {
  let next = attributes;
  const put = (shift: bigint, mask: bigint, value: number) => {
    next = (next & ~(mask << shift)) | (BigInt(value) << shift);
  };
  if (change.priority !== undefined) {
    if (!inRange(change.priority, MAX_PRIORITY)) throw new RangeError(`priority ${change.priority} not in 0-15`);
    put(PRIORITY_SHIFT, NIBBLE, change.priority);
  }
  if (change.tries !== undefined) {
    if (!inRange(change.tries, MAX_TRIES)) throw new RangeError(`tries ${change.tries} not in 0-15`);
    put(TRIES_SHIFT, NIBBLE, change.tries);
  }
  if (change.successful !== undefined) put(SUCCESSFUL_SHIFT, 1n, change.successful ? 1 : 0);
  return next;
}

/** Reports values a slot's fields cannot hold (priority and tries 0-15). */
export function checkSlotChange(change: SlotChange): DiskReport[] {
  const reports: DiskReport[] = [];
  if (change.priority !== undefined && !inRange(change.priority, MAX_PRIORITY)) {
    reports.push(error('VALUE_OUT_OF_RANGE', 'priority', `Priority ${change.priority} is not between 0 and 15`));
  }
  if (change.tries !== undefined && !inRange(change.tries, MAX_TRIES)) {
    reports.push(error('VALUE_OUT_OF_RANGE', 'tries', `Tries ${change.tries} is not between 0 and 15`));
  }
  return reports;
}

/** The A/B slots of a table: its partitions of the USR type (or `type`), in entry order. */
export function usrSlots(table: GptTable, type: string = USR_PARTITION_TYPE): GptPartition[] {
  return table.partitions.filter((p) => p.type === type.toUpperCase());
}

/** Sets some of one slot's fields, keeping all other attribute bits (`cgpt add -i N -P -T -S`). */
export function setSlot(
  table: GptTable,
  request: SlotChange & { readonly partition: number; readonly type?: string },
): RuleResult {
  const found = findSlot(table, request.partition, request.type);
  const reports = [...found.reports, ...checkSlotChange(request)];
  if (reports.length > 0) return { table: undefined, reports };
  const change: SlotChange = {
    ...(request.priority !== undefined ? { priority: request.priority } : {}),
    ...(request.tries !== undefined ? { tries: request.tries } : {}),
    ...(request.successful !== undefined ? { successful: request.successful } : {}),
  };
  return {
    table: mapAttributes(table, (p) =>
      p.number === request.partition ? withSlotState(p.attributes, change) : p.attributes,
    ),
    reports,
  };
}

/** The slot a boot picks, with its fields before and after the boot. */
export interface BootChoice {
  readonly number: number;
  readonly guid: string;
  readonly label: string;
  readonly priority: number;
  readonly successful: boolean;
  readonly triesBefore: number;
  readonly triesAfter: number;
}

/** What one boot does: the slot chosen (if any) and the table to write back (changed when tries dropped). */
export interface BootDecision {
  readonly choice: BootChoice | undefined;
  readonly table: GptTable;
  /** True when the table must be written back because tries was decremented. */
  readonly changed: boolean;
  readonly reports: readonly DiskReport[];
}

/**
 * Chooses the slot to boot exactly as GRUB's `gptprio.next`: among slots with tries > 0 or successful, the highest
 * priority wins, priority 0 never does, and on a tie the first in entry order wins. Booting a slot with tries > 0
 * decrements tries (the caller writes the table back); a successful slot with tries 0 boots without a write.
 */
export function chooseBootSlot(table: GptTable, options: { readonly type?: string } = {}): BootDecision {
  let best: GptPartition | undefined;
  let bestPriority = 0;
  for (const slot of usrSlots(table, options.type)) {
    const state = slotState(slot.attributes);
    if ((state.tries > 0 || state.successful) && state.priority > bestPriority) {
      best = slot;
      bestPriority = state.priority;
    }
  }
  if (!best) {
    return {
      choice: undefined,
      table,
      changed: false,
      reports: [
        error('NO_BOOTABLE_SLOT', 'table', 'No USR slot has priority > 0 and either tries > 0 or successful set'),
      ],
    };
  }
  const state = slotState(best.attributes);
  const triesAfter = state.tries > 0 ? state.tries - 1 : 0;
  const chosen = best;
  const next =
    state.tries > 0
      ? mapAttributes(table, (p) =>
          p.number === chosen.number ? withSlotState(p.attributes, { tries: triesAfter }) : p.attributes,
        )
      : table;
  return {
    choice: {
      number: best.number,
      guid: best.guid,
      label: best.label,
      priority: state.priority,
      successful: state.successful,
      triesBefore: state.tries,
      triesAfter,
    },
    table: next,
    changed: state.tries > 0,
    reports: [],
  };
}

/** Options for `prioritize`, named after `cgpt prioritize`'s flags. */
export interface PrioritizeOptions {
  /** `-i`: the slot to rank highest. */
  readonly partition?: number;
  /** `-P`: the highest priority to hand out (1-15); by default the number of ranks, at most 15. */
  readonly maxPriority?: number;
  /** `-f`: move the slots sharing the partition's priority up with it. */
  readonly friends?: boolean;
  readonly type?: string;
}

/**
 * Re-ranks the slots as `cgpt prioritize` does: slots are grouped by priority, the chosen one (or its group, with
 * `friends`) goes to the top, groups keep their order and get consecutive priorities from `maxPriority` down, never
 * below 1, and slots at priority 0 stay at 0.
 */
export function prioritize(table: GptTable, options: PrioritizeOptions = {}): RuleResult {
  const reports: DiskReport[] = [];
  if (options.partition !== undefined) reports.push(...findSlot(table, options.partition, options.type).reports);
  if (
    options.maxPriority !== undefined &&
    (!Number.isInteger(options.maxPriority) || options.maxPriority < 1 || options.maxPriority > MAX_PRIORITY)
  ) {
    reports.push(
      error('VALUE_OUT_OF_RANGE', 'priority', `Highest priority ${options.maxPriority} is not between 1 and 15`),
    );
  }
  if (reports.length > 0) return { table: undefined, reports };
  const slots = usrSlots(table, options.type);
  if (slots.length === 0) return { table, reports };

  // Rank key: the current priority, or above every real priority for the slot being promoted.
  const TOP = 99;
  const promoted = options.partition;
  const promotedPriority =
    promoted !== undefined ? slotState(slots.find((s) => s.number === promoted)!.attributes).priority : undefined;
  const key = (slot: GptPartition): number => {
    const priority = slotState(slot.attributes).priority;
    if (slot.number === promoted) return TOP;
    if (options.friends && priority === promotedPriority) return TOP;
    return priority;
  };
  const keys = [...new Set(slots.map(key))].sort((a, b) => b - a);
  // Nothing is ever lowered to 0, so a group already at 0 is left out of the ranking.
  if (keys.at(-1) === 0) keys.pop();
  let next = options.maxPriority ?? Math.min(keys.length, MAX_PRIORITY);
  const assigned = new Map<number, number>();
  for (const k of keys) {
    assigned.set(k, next);
    if (next > 1) next--;
  }
  const bySlot = new Map(slots.map((s) => [s.number, assigned.get(key(s))]));
  return {
    table: mapAttributes(table, (p) => {
      const priority = bySlot.get(p.number);
      return priority === undefined ? p.attributes : withSlotState(p.attributes, { priority });
    }),
    reports,
  };
}

/**
 * Makes a freshly written slot the one to try on the next boot, as Flatcar's postinstall does: successful 0,
 * tries 1, then `prioritize` with it on top. If that boot fails, GRUB falls back to the old slot.
 */
export function prepareUpdate(table: GptTable, partition: number): RuleResult {
  const set = setSlot(table, { partition, successful: false, tries: 1 });
  return set.table ? prioritize(set.table, { partition }) : set;
}

/**
 * Marks the running slot good, as Flatcar's setgoodroot does after a boot: successful 1, tries 0, then
 * `prioritize` with it on top.
 */
export function markSuccessful(table: GptTable, partition: number): RuleResult {
  const set = setSlot(table, { partition, successful: true, tries: 0 });
  return set.table ? prioritize(set.table, { partition }) : set;
}

function findSlot(table: GptTable, partition: number, type = USR_PARTITION_TYPE): { reports: DiskReport[] } {
  const where = `partition ${partition}`;
  const found = table.partitions.find((p) => p.number === partition);
  if (!found) {
    return { reports: [error('PARTITION_NOT_FOUND', where, `Partition ${partition} does not exist`)] };
  }
  if (found.type !== type.toUpperCase()) {
    return {
      reports: [
        error(
          'NOT_A_USR_SLOT',
          where,
          `Partition ${partition} ('${found.label}', type ${found.type}) is not a USR slot (type ${type.toUpperCase()})`,
        ),
      ],
    };
  }
  return { reports: [] };
}

function mapAttributes(table: GptTable, attributes: (p: GptPartition) => bigint): GptTable {
  return { ...table, partitions: table.partitions.map((p) => ({ ...p, attributes: attributes(p) })) };
}

function inRange(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}
