export {
  decodeGoJson,
  type GoJsonError as GoDecodeError,
  type GoJsonError as JsonSyntaxError,
  type GoTypeNames,
  type JsonEntry,
  type JsonNode,
  lineColumn,
  parseJsonTree,
} from '../schema/decode-json.js';
export { formatIgnition } from './format-ignition.js';
export { cleanPath } from './go-path.js';
export * from './ignition-errors.js';
export { formatReportLine, type IgnitionValidateOutput, ignitionValidateOutput } from './ignition-validate-output.js';
export * from './ignition-version.js';
export * from './ignition3-0.js';
export * from './ignition3-1.js';
export * from './ignition3-2.js';
export * from './ignition3-3.js';
export * from './ignition3-4.js';
export { mergeIgnition } from './merge-ignition.js';
export { type IgnitionParse, parseIgnition } from './parse-ignition.js';
export { upgradeIgnition } from './upgrade-ignition.js';
export { validateIgnition } from './validate-ignition.js';
