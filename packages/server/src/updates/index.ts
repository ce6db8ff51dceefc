export { AppLookup, type AppLookupOptions, createAppLookup } from './app-lookup.js';
export {
  type AppDecision,
  handleOmahaRequest,
  OMAHA_CONTENT_TYPE,
  type OmahaHttpAnswer,
  type UpdateContext,
  type UpdateLogEntry,
} from './handle-omaha-request.js';
export { isInMaintenanceWindow, type MaintenanceWindow, parseMaintenanceWindow } from './maintenance-window.js';
export { isInOfficeHours } from './office-hours.js';
export { appStatusFor, CANARY_GATE_CLOSED, OUTSIDE_MAINTENANCE_WINDOW, Refusal } from './refusal.js';
export { COREOS_GROUP_TRACKS, normalizeAppId, requestArch, requestTrack } from './request-arch.js';
export {
  pruneInactiveInstances,
  type RetentionJob,
  type RetentionOptions,
  startRetention,
} from './retention.js';
export {
  collectRolloutCounters,
  formatRolloutMetrics,
  getRolloutCounters,
  type RolloutCounters,
} from './rollout-metrics.js';
export {
  type CanaryGateInput,
  checkCanaryGate,
  checkFailureHalt,
  checkSchedule,
  type FailureHaltDecision,
  type FailureHaltInput,
  type PolicyDecision,
} from './rollout-policy.js';
export { NO_UPDATE, UPDATE_INTERNAL_ERROR, updateCheckFor } from './update-check-answer.js';
export { planUpdateCheck, type UpdatePlan, type UpdatePlanInput } from './update-plan.js';
export { type ZonedTime, zonedTime } from './zoned-time.js';
