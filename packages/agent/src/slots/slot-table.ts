import {
  type BlockDevice,
  type GptPartition,
  type GptTable,
  markSuccessful,
  prepareUpdate,
  prioritize,
  type RuleResult,
  readGpt,
  setSlot,
  slotState,
  writeGpt,
} from '@ballast/disk';
import { AgentError } from '../agent-error.js';
import { faultPoint } from '../fault-point.js';

/** Reads the table of the disk. */
export async function readTable(device: BlockDevice): Promise<GptTable> {
  return (await readGpt(device)).table;
}

// Every sector write of a table update passes a fault point, so the fault-injection tests can kill the agent
// between any two of them.
function faulted(device: BlockDevice): BlockDevice {
  return {
    get size() {
      return device.size;
    },
    sectorSize: device.sectorSize,
    read: (offset, length) => device.read(offset, length),
    write: async (offset, data) => {
      faultPoint('gpt-write');
      await device.write(offset, data);
    },
    sync: async () => {
      await device.sync();
      faultPoint('gpt-synced');
    },
    close: () => device.close(),
  };
}

async function apply(device: BlockDevice, rule: (table: GptTable) => RuleResult, what: string): Promise<GptTable> {
  const current = await readTable(device);
  const result = rule(current);
  if (!result.table) {
    throw new AgentError('SLOT_UPDATE_FAILED', `${what}: ${result.reports.map((r) => r.message).join('; ')}`, 5);
  }
  await writeGpt(faulted(device), result.table);
  return result.table;
}

/** The slot fields of a partition. */
export function slotOf(table: GptTable, partition: number) {
  const found = table.partitions.find((p) => p.number === partition);
  if (!found) throw new AgentError('SLOT_UPDATE_FAILED', `Partition ${partition} is gone from the table`, 5);
  return slotState(found.attributes);
}

/**
 * Makes a slot unbootable (priority 0, tries 0, successful 0) before anything is written into it, so no boot can
 * pick a half-written slot whatever happens next. Skips the write when the slot already is.
 */
export async function disableSlot(device: BlockDevice, partition: number): Promise<GptTable> {
  const table = await readTable(device);
  const state = slotOf(table, partition);
  if (state.priority === 0 && state.tries === 0 && !state.successful) return table;
  return apply(device, (t) => setSlot(t, { partition, priority: 0, tries: 0, successful: false }), 'Disabling');
}

/** What flatcar-postinst does to the freshly written slot: tries 1, successful 0, highest priority. */
export function makeSlotNext(device: BlockDevice, partition: number): Promise<GptTable> {
  return apply(device, (t) => prepareUpdate(t, partition), `Preparing partition ${partition} for the next boot`);
}

/** What flatcar-setgoodroot does to the booted slot: successful 1, tries 0, highest priority. */
export function makeSlotGood(device: BlockDevice, partition: number): Promise<GptTable> {
  return apply(device, (t) => markSuccessful(t, partition), `Marking partition ${partition} good`);
}

/** Puts another slot on top, as `cgpt prioritize` does for a manual rollback. */
export function makeSlotFirst(device: BlockDevice, partition: number): Promise<GptTable> {
  return apply(device, (t) => prioritize(t, { partition }), `Prioritising partition ${partition}`);
}

/** The byte range of a partition on its disk. */
export function partitionBytes(table: GptTable, partition: GptPartition): { offset: number; length: number } {
  return {
    offset: partition.firstLba * table.sectorSize,
    length: (partition.lastLba - partition.firstLba + 1) * table.sectorSize,
  };
}
