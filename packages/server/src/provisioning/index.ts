export {
  type ConfigTemplate,
  DEFAULT_TEMPLATE_LIMITS,
  LineIndex,
  parseConfigTemplate,
  type RenderedTemplate,
  renderConfigTemplate,
  type TemplateCode,
  type TemplateLimits,
} from './config-template.js';
export { IPXE_CHAIN_SCRIPT, ipxeScript, labelsQuery } from './ipxe-script.js';
export {
  IDENTITY_LABELS,
  LABEL_LIMITS,
  type MachineLabels,
  machineLabels,
  normalizeMac,
  normalizeSelector,
} from './machine-labels.js';
export {
  type ConfigReportJson,
  type MachineGroupJson,
  type MachineProfileJson,
  ProvisioningApiError,
  ProvisioningClient,
  type ProvisioningClientOptions,
  type RenderJson,
} from './provisioning-client.js';
export {
  MAX_METADATA_BYTES,
  MAX_TEMPLATE_LENGTH,
  machineGroupInput,
  machineProfileInput,
} from './provisioning-input.js';
export { configReportJson, machineGroupJson, machineProfileJson } from './provisioning-json.js';
export { provisioningOpenApiPaths } from './provisioning-openapi.js';
export { type ProvisioningRouteOptions, registerProvisioningRoutes } from './provisioning-routes.js';
export {
  type MachineConfig,
  type MachineConfigReport,
  machineVariables,
  renderMachineConfig,
} from './render-machine-config.js';
export { type GroupMatch, selectMachineGroup, selectorMatches } from './select-machine-group.js';
export { type FilledSlot, fillSlot, yamlDoubleQuotedBody } from './slot-value.js';
export { jsonSlots, MARK, type Slot, yamlSlots } from './template-slots.js';
