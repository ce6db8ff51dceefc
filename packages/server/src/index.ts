export { type ApiOptions, registerApiRoutes } from './api/api-routes.js';
export { AppIds, normalizeAppId } from './api/app-ids.js';
export * from './api/nebraska-json.js';
export {
  API_TOKEN_PREFIX,
  type AuthMode,
  authorize,
  type CreatedApiToken,
  createApiToken,
  generateApiToken,
} from './auth/authenticate.js';
export * from './errors.js';
export { JSON_BODY_LIMIT, readBody, readJsonObject } from './http/body.js';
export { HttpError, isDatabaseUnavailable, toErrorResponse } from './http/http-error.js';
export { jsonLogger, type LogFields, type Logger, type LogLevel, silentLogger } from './http/logger.js';
export {
  type Access,
  type Handler,
  type Method,
  type Principal,
  type RequestContext,
  type Route,
  Router,
} from './http/router.js';
export { Counter, Gauge, Histogram, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './metrics/metrics-registry.js';
export { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
export { openApiDocument } from './openapi.js';
export {
  DEFAULT_UPLOAD_LIMIT,
  digestFile,
  digestPayload,
  type PayloadDigest,
  parseRange,
  payloadPath,
  servePayload,
  storePayload,
} from './payloads/payload-files.js';
export * from './provisioning/index.js';
export {
  buildRouter,
  type DatabaseTarget,
  DEFAULT_DB,
  OMAHA_BODY_LIMIT,
  parseDatabase,
  parseListen,
  type RouteDependencies,
  type RunningServer,
  redactDatabase,
  type ServerOptions,
  type ServerReady,
  startServer,
} from './server.js';
export * from './store/index.js';
