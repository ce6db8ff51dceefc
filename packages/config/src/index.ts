export * from './report.js';
export * from './schema/model.js';
