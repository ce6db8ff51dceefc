export { buildRequest, XML_HEADER } from './build-request.js';
export { buildResponse } from './build-response.js';
export {
  ACTION_EXIT_CODE_FLAG_MASK,
  ActionExitCode,
  ActionExitCodeFlag,
  type ActionExitCodeFlagName,
  type ActionExitCodeName,
  actionExitCodeName,
  type DecodedErrorCode,
  decodeErrorCode,
  encodeErrorCode,
} from './codes/action-exit-codes.js';
export {
  EventResult,
  type EventResultName,
  EventType,
  type EventTypeName,
  eventResultName,
  eventTypeName,
} from './codes/event-codes.js';
export { AppStatus, NebraskaAppStatus, UpdateStatus } from './codes/statuses.js';
export type { ParseOptions } from './document-reader.js';
export type * from './model.js';
export type { OmahaError, OmahaErrorCode, OmahaResult } from './omaha-error.js';
export { parseRequest } from './parse-request.js';
export { parseResponse } from './parse-response.js';
export {
  type OfferedUpdate,
  type ReadUpdateCheckOptions,
  readUpdateCheck,
  type UpdateCheckVerdict,
} from './read-update-check.js';
export {
  FLATCAR_APP_ID,
  UpdateEngineEvent,
  type UpdateEngineParams,
  type UpdateEngineRequestKind,
  updateEngineErrorEvent,
  updateEngineRequest,
} from './update-engine-request.js';
export { escapeGo, escapeUpdateEngine } from './xml/xml-escape.js';
export { DEFAULT_XML_LIMITS, readXml, type XmlDocument, type XmlElement, type XmlLimits } from './xml/xml-reader.js';
