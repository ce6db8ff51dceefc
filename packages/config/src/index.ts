export * from './butane/index.js';
export * from './dataurl/index.js';
export * from './ignition/index.js';
export * from './report.js';
export * from './schema/model.js';
