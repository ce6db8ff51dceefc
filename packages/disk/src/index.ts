export { type BlockDevice, createImage, MemoryDevice, type OpenDiskOptions, openDisk } from './block-device.js';
export { crc32 } from './crc32.js';
export { DiskError, type DiskErrorCode, type DiskReport } from './disk-error.js';
export {
  decodeEntries,
  decodeHeader,
  encodeEntries,
  encodeHeader,
  encodeProtectiveMbr,
  GPT_ENTRY_COUNT,
  GPT_ENTRY_SIZE,
  type GptCopy,
  type GptHeader,
  type GptPartition,
  type GptTable,
  validateTable,
} from './gpt.js';
export {
  type GptCopyStatus,
  type GptRead,
  type ReadGptOptions,
  readGpt,
  type WriteGptOptions,
  writeGpt,
} from './gpt-io.js';
export { decodeGuid, encodeGuid, isGuid, normalizeGuid, type RandomBytes, randomGuid } from './guid.js';
export {
  FLATCAR_IMAGE_DISK_GUID,
  type FlatcarLayout,
  type FlatcarLayoutOptions,
  flatcarLayout,
  minimumSize,
  PARTITION_TYPES,
  USR_A_GUID,
  USR_B_GUID,
} from './layout.js';
export { type Runner, type RunOptions, type RunResult, run, ToolError } from './run.js';
export {
  type BootChoice,
  type BootDecision,
  checkSlotChange,
  chooseBootSlot,
  MAX_PRIORITY,
  MAX_TRIES,
  markSuccessful,
  type PrioritizeOptions,
  prepareUpdate,
  prioritize,
  type RuleResult,
  type SlotChange,
  type SlotState,
  setSlot,
  slotState,
  USR_PARTITION_TYPE,
  usrSlots,
  withSlotState,
} from './slot-rules.js';
