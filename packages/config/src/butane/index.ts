export { type ButaneCode, butaneMessages } from './errors.js';
export {
  type FilesDir,
  type FilesDirEntry,
  type FilesDirKind,
  type MemoryNode,
  memoryFilesDir,
} from './files-dir.js';
export { type FormatReportOptions, formatReport, formatReportRaw, formatReports } from './format-report.js';
export { butaneJsonSchema } from './json-schema.js';
export { unitNamePathEscape } from './mount-unit.js';
export { butaneV0_4, butaneV0_5, supportedVersions } from './spec.js';
export {
  type ButaneFlatcar1_0,
  type ButaneFlatcar1_1,
  type ButaneResult,
  type TranslateButaneOptions,
  translateButane,
  translateButaneValue,
} from './translate-butane.js';
