export * from './ignition-errors.js';
export * from './ignition-version.js';
export * from './ignition3-0.js';
export * from './ignition3-1.js';
export * from './ignition3-2.js';
export * from './ignition3-3.js';
export * from './ignition3-4.js';
export { type IgnitionParse, parseIgnition } from './parse-ignition.js';
export { validateIgnition } from './validate-ignition.js';
