export { type RunOptions, type RunResult, run, ToolError } from '@ballast/disk';
export {
  Agent,
  type AgentOptions,
  type BootOutcome,
  type CheckReport,
  type RebootReport,
  type RollbackReport,
  type RunOnceReport,
} from './agent.js';
export { AgentError, type AgentErrorCode } from './agent-error.js';
export { type Clock, type Random, realSleep, type Sleep, seededRandom, systemClock } from './clock.js';
export {
  AGENT_CONF,
  type AgentConfig,
  DEFAULT_APP_ID,
  type HealthConfig,
  OEM_RELEASE_FILES,
  PRODUCTION_SERVER,
  type RebootStrategy,
  readAgentConfig,
  UPDATE_CONF_FILES,
} from './config/agent-config.js';
export { parseKeyValue } from './config/key-value.js';
export { faultPointsPassed } from './fault-point.js';
export {
  type AwaitHealthOptions,
  awaitHealth,
  type HealthProbe,
  type HealthVerdict,
  healthProbes,
} from './health/health-checks.js';
export * from './lock/index.js';
export { requestParams, UPDATER_VERSION } from './omaha/omaha-client.js';
export {
  type DownloadOptions,
  type DownloadResult,
  discardPayload,
  downloadPayload,
  type PayloadOffer,
  readBackDigest,
} from './payload/download-payload.js';
export { PartitionTarget } from './payload/partition-target.js';
export {
  fetchSignature,
  readPublicKey,
  signatureUrl,
  signPayloadDigest,
  verifyPayloadSignature,
} from './payload/payload-signature.js';
export { commandReboot, type RebootAction } from './reboot/reboot-action.js';
export type { RebootLock } from './reboot/reboot-lock.js';
export {
  CHECK_SCHEDULE,
  type CheckOutcome,
  firstCheck,
  followingCheck,
  fuzzInterval,
  type IntervalAndFuzz,
  nextInterval,
  type ScheduledCheck,
} from './schedule/check-schedule.js';
export { bootedPartUuid, diskOfPartition, type SlotPair, slotPair } from './slots/booted-slot.js';
export { partitionBytes } from './slots/slot-table.js';
export {
  type AgentState,
  type InstallProgress,
  initialState,
  type PendingBoot,
  UPDATE_STATUSES,
  type UpdateStatusName,
  VERSION_ZERO,
} from './state/agent-state.js';
export { acquireProcessLock, lockHolder, type ProcessLock } from './state/process-lock.js';
export { readState, STATE_DIR, writeState } from './state/state-file.js';
export { formatStatus } from './status/format-status.js';
