// The OpenAPI 3.0 description of the server, served at /api/openapi.json. Paths and JSON shapes follow Nebraska's
// backend/api/spec.yaml (with the snake_case keys its server really writes); Ballast's additions are marked with
// `x-ballast: true`. A test checks every route of the server against this document, and the REST tests check
// answers against its schemas, so it cannot drift from the code.

import { dashboardOpenApiPaths } from './http/dashboard-assets.js';
import { provisioningOpenApiPaths } from './provisioning/provisioning-openapi.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const nullableStr: Schema = { type: 'string', nullable: true };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: 'string', format: 'date-time', nullable: true };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullableRef = (name: string): Schema => ({ allOf: [ref(name)], nullable: true });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

/** An object whose every listed property is always present (nullable where it may be null), and nothing else. */
function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
    additionalProperties: false,
  };
}

/** A request body object: only `required` keys must be there; others are optional. */
function input(properties: Record<string, Schema>, required: readonly string[] = []): Schema {
  return { type: 'object', ...(required.length > 0 && { required: [...required] }), properties };
}

const page = (key: string, item: string): Schema => object({ totalCount: int, count: int, [key]: arrayOf(ref(item)) });

/** A group's update policy, as it is stored and as it is changed. */
const groupPolicy = {
  policy_updates_enabled: bool,
  policy_safe_mode: bool,
  policy_office_hours: bool,
  policy_timezone: nullableStr,
  policy_period_interval: str,
  policy_max_updates_per_period: int,
  policy_update_timeout: str,
};

const role: Schema = { type: 'string', enum: ['admin', 'viewer'] };
/** An API token as listed; its secret is shown only when it is created. */
const apiTokenFields = {
  id: str,
  name: str,
  role,
  created_ts: time,
  last_used_ts: nullableTime,
};

const schemas: Record<string, Schema> = {
  error: object(
    {
      error: {
        type: 'string',
        description: 'Stable UPPER_SNAKE code, e.g. NOT_FOUND, INVALID_INPUT, DATABASE_UNAVAILABLE',
      },
      message: str,
      fields: arrayOf(object({ path: str, message: str })),
    },
    ['fields'],
  ),
  flatcarAction: object({
    id: str,
    event: str,
    chromeos_version: str,
    sha256: { type: 'string', description: 'Base64 SHA-256 of the payload, as update_engine checks it' },
    needs_admin: bool,
    is_delta: bool,
    disable_payload_backoff: bool,
    metadata_signature_rsa: str,
    metadata_size: str,
    deadline: str,
    created_ts: time,
  }),
  extraFile: object({
    id: int,
    package_id: str,
    name: str,
    size: nullableStr,
    hash: nullableStr,
    hash256: nullableStr,
    created_ts: time,
  }),
  package: object({
    id: str,
    type: { type: 'integer', description: '1 Flatcar, 2 Docker, 3 Rocket, 4 other' },
    version: str,
    url: str,
    filename: nullableStr,
    description: nullableStr,
    size: nullableStr,
    hash: { type: 'string', nullable: true, description: 'Base64 SHA-1 of the payload' },
    hash_sha256: { type: 'string', nullable: true, description: 'Hex SHA-256 of the payload', 'x-ballast': true },
    created_ts: time,
    channels_blacklist: arrayOf(str),
    application_id: str,
    flatcar_action: nullableRef('flatcarAction'),
    arch: { type: 'integer', description: '0 all, 1 amd64, 2 aarch64, 3 x86' },
    extra_files: arrayOf(ref('extraFile')),
  }),
  channel: object({
    id: str,
    name: str,
    color: str,
    created_ts: time,
    application_id: str,
    package_id: nullableStr,
    package: nullableRef('package'),
    arch: int,
    allow_downgrade: { ...bool, 'x-ballast': true },
  }),
  group: object(
    {
      id: str,
      name: str,
      description: str,
      created_ts: time,
      rollout_in_progress: bool,
      application_id: str,
      channel_id: nullableStr,
      ...groupPolicy,
      channel: ref('channel'),
      track: str,
      maintenance_windows: { ...arrayOf(str), 'x-ballast': true },
      failure_halt_threshold: { type: 'number', nullable: true, 'x-ballast': true },
      canary_group_id: { ...nullableStr, 'x-ballast': true },
      canary_success_share: { type: 'number', nullable: true, 'x-ballast': true },
      paused_reason: { ...nullableStr, 'x-ballast': true },
      paused_ts: { ...nullableTime, 'x-ballast': true },
    },
    ['channel'],
  ),
  application: object({
    id: str,
    product_id: nullableStr,
    name: str,
    description: str,
    created_ts: time,
    groups: arrayOf(ref('group')),
    channels: arrayOf(ref('channel')),
    instances: object({ count: int }),
  }),
  instanceApplication: object({
    instance_id: str,
    application_id: str,
    group_id: nullableStr,
    version: str,
    created_ts: time,
    status: {
      type: 'integer',
      nullable: true,
      description: '1 undefined ... 8 on hold; null until a status is recorded',
    },
    last_check_for_updates: time,
    last_update_granted_ts: nullableTime,
    last_update_version: nullableStr,
    update_in_progress: bool,
  }),
  instance: object(
    {
      id: str,
      ip: str,
      oem: str,
      oem_version: { ...str, 'x-ballast': true },
      aleph_version: str,
      created_ts: time,
      application: ref('instanceApplication'),
      alias: str,
    },
    ['oem', 'oem_version', 'aleph_version', 'alias'],
  ),
  instancePage: object({ total: int, instances: arrayOf(ref('instance')) }),
  instanceCount: object({ count: int }),
  instanceStatusHistory: object({ status: int, version: str, created_ts: time, error_code: nullableStr }),
  instancesStats: object({
    total: int,
    undefined: int,
    update_granted: int,
    error: int,
    complete: int,
    installed: int,
    downloaded: int,
    downloading: int,
    onhold: int,
  }),
  versionBreakdownEntry: object({ version: str, instances: int, percentage: num }),
  versionTimeline: {
    type: 'object',
    description: 'Time (RFC 3339) to instance count per version',
    additionalProperties: { type: 'object', additionalProperties: int },
  },
  statusTimeline: {
    type: 'object',
    description: 'Time (RFC 3339) to status to count per version',
    additionalProperties: { type: 'object', additionalProperties: { type: 'object', additionalProperties: int } },
  },
  activity: object({
    id: str,
    app_id: str,
    group_id: nullableStr,
    created_ts: time,
    class: int,
    severity: int,
    version: str,
    application_name: str,
    group_name: nullableStr,
    channel_name: nullableStr,
    instance_id: nullableStr,
  }),
  apiToken: object({
    ...apiTokenFields,
  }),
  createdApiToken: object({
    ...apiTokenFields,
    token: { type: 'string', description: 'The secret; shown once, never stored' },
  }),
  storedPayload: object({
    path: str,
    url: str,
    filename: str,
    size: str,
    hash: { type: 'string', description: 'Base64 SHA-1' },
    hash_sha256: { type: 'string', description: 'Hex SHA-256' },
    sha256: { type: 'string', description: 'Base64 SHA-256, for flatcar_action.sha256' },
  }),
  appConfig: input({ name: str, description: str, product_id: nullableStr }, ['name']),
  groupConfig: input(
    {
      name: { type: 'string', maxLength: 50 },
      description: { type: 'string', maxLength: 250 },
      channel_id: nullableStr,
      ...groupPolicy,
      track: { type: 'string', maxLength: 256 },
      maintenance_windows: arrayOf(str),
      failure_halt_threshold: { type: 'number', nullable: true },
      canary_group_id: nullableStr,
      canary_success_share: { type: 'number', nullable: true },
    },
    ['name'],
  ),
  channelConfig: input(
    { name: { type: 'string', maxLength: 50 }, color: str, arch: int, package_id: nullableStr, allow_downgrade: bool },
    ['name'],
  ),
  packageConfig: input(
    {
      type: int,
      version: str,
      arch: int,
      url: str,
      filename: nullableStr,
      description: nullableStr,
      size: nullableStr,
      hash: nullableStr,
      hash_sha256: nullableStr,
      channels_blacklist: { ...arrayOf(str), nullable: true },
      flatcar_action: { ...input({ id: str, sha256: str }, ['sha256']), nullable: true },
      extra_files: {
        ...arrayOf(input({ id: int, name: str, size: nullableStr, hash: nullableStr, hash256: nullableStr }, ['name'])),
        nullable: true,
      },
    },
    ['version', 'url'],
  ),
  updateInstanceConfig: input({ alias: str }, ['alias']),
  apiTokenConfig: input({ name: str, role }, ['name', 'role']),
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('error') } },
});
const json = (description: string, schema: Schema) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: string) => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
const pathParam = (name: string, description = '') => ({
  in: 'path',
  name,
  required: true,
  schema: str,
  ...(description && { description }),
});
const queryParam = (name: string, schema: Schema, description = '') => ({
  in: 'query',
  name,
  required: false,
  schema,
  ...(description && { description }),
});

const appParam = pathParam('appId', 'Application id (bare, in braces, or URL-encoded) or product id');
const groupParams = [appParam, pathParam('groupId')];
const pageParams = [
  queryParam('page', { type: 'integer', minimum: 0 }),
  queryParam('perpage', { type: 'integer', minimum: 1 }),
];
const durationParam = queryParam('duration', { type: 'string', enum: ['1h', '1d', '7d', '30d'] }, 'Default 1d');
/** A group's statistics over the last `duration`. */
const overTime = [...groupParams, durationParam];

const readErrors = {
  '400': errorResponse('Bad parameters'),
  '401': errorResponse('No or unknown API token'),
  '404': errorResponse('Not found'),
  '503': errorResponse('Database unavailable; retry after Retry-After seconds'),
};
const writeErrors = {
  ...readErrors,
  '403': errorResponse('The token is a viewer token'),
  '409': errorResponse('Conflicts with what is stored'),
  '413': errorResponse('Body too large'),
};
const deleted = { '204': { description: 'Deleted' }, ...writeErrors };

/** 200 with a JSON body, or one of the errors a read can meet. */
const reads = (description: string, schema: Schema) => ({ '200': json(description, schema), ...readErrors });
/** 200 with a JSON body, or one of the errors a write can meet. */
const writes = (description: string, schema: Schema) => ({ '200': json(description, schema), ...writeErrors });
const xmlContent = { 'text/xml': { schema: str } };
/** An answer holding an Omaha XML document. */
const xml = (description: string) => ({ description, content: xmlContent });
const xmlBody = { required: true, content: xmlContent };
const binary = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };

function op(summary: string, extra: Record<string, unknown>, ballast = false): Record<string, unknown> {
  return { summary, ...(ballast && { 'x-ballast': true }), ...extra };
}

/** A route with only a GET, answering `schema` as JSON. */
function readOnly(summary: string, read: { parameters: readonly unknown[]; ok: string; schema: Schema }) {
  return { get: op(summary, { parameters: read.parameters, responses: reads(read.ok, read.schema) }) };
}

/** A kind of thing the REST API keeps, with a collection route (list, create) and an item route (get, change, delete). */
interface Kept {
  /** One of them in a summary, with its article: 'a group'. */
  readonly one: string;
  /** The key of a page of them, also in 'List groups'. */
  readonly many: string;
  /** The schema of one, also in the answer 'The group'. */
  readonly schema: string;
  /** The schema of the request body that creates or changes one. */
  readonly config: string;
}

const application: Kept = { one: 'an application', many: 'applications', schema: 'application', config: 'appConfig' };
const group: Kept = { one: 'a group', many: 'groups', schema: 'group', config: 'groupConfig' };
const channel: Kept = { one: 'a channel', many: 'channels', schema: 'channel', config: 'channelConfig' };
const pkg: Kept = { one: 'a package', many: 'packages', schema: 'package', config: 'packageConfig' };

/** GET (a page of them) and POST (create one) on the collection of `kept`. */
function collection(
  kept: Kept,
  routes: { readonly list: readonly unknown[]; readonly create: readonly unknown[]; readonly createSummary?: string },
) {
  return {
    get: op(`List ${kept.many}`, { parameters: routes.list, responses: reads('A page', page(kept.many, kept.schema)) }),
    post: op(routes.createSummary ?? `Create ${kept.one}`, {
      parameters: routes.create,
      requestBody: body(kept.config),
      responses: writes('Created', ref(kept.schema)),
    }),
  };
}

/** GET, PUT (only the keys sent) and DELETE of one of `kept`, named by the path `parameters`. */
function item(kept: Kept, routes: { readonly parameters: readonly unknown[]; readonly changeSummary?: string }) {
  const { parameters } = routes;
  return {
    get: op(`Get ${kept.one}`, { parameters, responses: reads(`The ${kept.schema}`, ref(kept.schema)) }),
    put: op(routes.changeSummary ?? `Change ${kept.one} (only the keys sent)`, {
      parameters,
      requestBody: body(kept.config),
      responses: writes('Changed', ref(kept.schema)),
    }),
    delete: op(`Delete ${kept.one}`, { parameters, responses: deleted }),
  };
}

const bearer = [{ bearerAuth: [] }];
const open: unknown[] = [];

/** The server's OpenAPI 3.0 document. */
export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Ballast update server',
    version: '0.1.0',
    description:
      "Nebraska-compatible REST API and Omaha endpoint of Ballast's update server. JSON keys are snake_case as Nebraska's server writes them. Every /api route needs a bearer token (viewer tokens may only read) unless the server runs with --auth none.",
  },
  security: bearer,
  paths: {
    '/health': {
      get: op('Readiness: 200 once the database answers, 503 while starting or while the database is away', {
        security: open,
        responses: {
          '200': json('Ready', object({ status: str, database: str })),
          '503': json('Not ready', object({ status: str }, [])),
        },
      }),
    },
    '/metrics': {
      get: op('Prometheus metrics: HTTP traffic, database, per-group rollout state', {
        security: open,
        responses: {
          '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: str } } },
        },
      }),
    },
    '/api/openapi.json': {
      get: op('This document', { security: open, responses: { '200': json('OpenAPI document', { type: 'object' }) } }),
    },
    '/v1/update': {
      post: op(
        'Omaha endpoint for update_engine (also at /v1/update/, or only at /v1/update/{suffix} with --omaha-suffix)',
        {
          security: open,
          requestBody: xmlBody,
          responses: {
            '200': xml('Omaha response'),
            '400': xml('Malformed request (an Omaha error document)'),
            '413': xml('Request over 64 KiB'),
            '503': errorResponse('Database unavailable'),
          },
        },
      ),
    },
    '/v1/update/': {
      post: op('Omaha endpoint, as Flatcar nodes address it (SERVER=http://host:port/v1/update/)', {
        security: open,
        requestBody: xmlBody,
        responses: {
          '200': xml('Omaha response'),
          '400': xml('Malformed request'),
          '413': xml('Request over 64 KiB'),
          '503': errorResponse('Database unavailable'),
        },
      }),
    },
    '/flatcar/{path}': {
      get: op(
        'A hosted payload (with --payloads), with HTTP ranges for resumable downloads',
        {
          security: open,
          parameters: [pathParam('path', 'File path below the payload directory')],
          responses: {
            '200': { description: 'The file', content: binary },
            '206': { description: 'The requested range' },
            '304': { description: 'Not modified (If-None-Match)' },
            '400': errorResponse('Not a payload path (.., hidden files, bad characters)'),
            '404': errorResponse('No such payload'),
            '416': { description: 'Range past the end of the file' },
          },
        },
        true,
      ),
    },
    '/api/payloads/{path}': {
      put: op(
        'Upload a payload (with --payloads); answers its size, SHA-1 and SHA-256',
        {
          parameters: [
            pathParam('path', 'File path below the payload directory, e.g. 4081.2.0/flatcar_production_update.gz'),
          ],
          requestBody: { required: true, content: binary },
          responses: writes('Stored', ref('storedPayload')),
        },
        true,
      ),
    },
    '/api/apps': collection(application, {
      list: pageParams,
      create: [queryParam('clone_from', str, 'Copy the channels (without packages) and groups of this application')],
    }),
    '/api/apps/{appId}': item(application, { parameters: [appParam] }),
    '/api/apps/{appId}/groups': collection(group, { list: [appParam, ...pageParams], create: [appParam] }),
    '/api/apps/{appId}/groups/{groupId}': item(group, { parameters: groupParams }),
    '/api/apps/{appId}/groups/{groupId}/resume': {
      post: op(
        'Resume a group the server paused (failure halt, safe mode)',
        { parameters: groupParams, responses: writes('Resumed', ref('group')) },
        true,
      ),
    },
    '/api/apps/{appId}/groups/{groupId}/version_timeline': readOnly('Instance counts per version over time', {
      parameters: overTime,
      ok: 'Timeline',
      schema: ref('versionTimeline'),
    }),
    '/api/apps/{appId}/groups/{groupId}/status_timeline': readOnly('Status changes per status and version over time', {
      parameters: overTime,
      ok: 'Timeline',
      schema: ref('statusTimeline'),
    }),
    '/api/apps/{appId}/groups/{groupId}/instances_stats': readOnly('Instance counts per status', {
      parameters: overTime,
      ok: 'Counts',
      schema: ref('instancesStats'),
    }),
    '/api/apps/{appId}/groups/{groupId}/version_breakdown': readOnly('Share of instances per version', {
      parameters: groupParams,
      ok: 'Breakdown',
      schema: arrayOf(ref('versionBreakdownEntry')),
    }),
    '/api/apps/{appId}/groups/{groupId}/instances': {
      get: op('List instances of a group', {
        parameters: [
          ...groupParams,
          queryParam('status', { type: 'integer', minimum: 0, maximum: 8 }, '0 any, 1 undefined ... 8 on hold'),
          ...pageParams,
          queryParam('sortFilter', str, '0 alias (default), 1 ip, 2 last check'),
          queryParam('sortOrder', str, '0 ascending, else descending'),
          queryParam('searchFilter', { type: 'string', enum: ['All', 'alias', 'id', 'ip'] }),
          queryParam('searchValue', str),
          durationParam,
          queryParam('version', str),
        ],
        responses: reads('A page', ref('instancePage')),
      }),
    },
    '/api/apps/{appId}/groups/{groupId}/instancescount': readOnly('Count instances of a group', {
      parameters: overTime,
      ok: 'Count',
      schema: ref('instanceCount'),
    }),
    '/api/apps/{appId}/groups/{groupId}/instances/{instanceId}': readOnly('Get an instance', {
      parameters: [...groupParams, pathParam('instanceId')],
      ok: 'The instance',
      schema: ref('instance'),
    }),
    '/api/apps/{appId}/groups/{groupId}/instances/{instanceId}/status_history': {
      get: op('Status history of an instance, newest first', {
        parameters: [
          ...groupParams,
          pathParam('instanceId'),
          queryParam('limit', { type: 'integer', minimum: 0 }, 'Default 20'),
        ],
        responses: reads('History', arrayOf(ref('instanceStatusHistory'))),
      }),
    },
    '/api/apps/{appId}/channels': collection(channel, { list: [appParam, ...pageParams], create: [appParam] }),
    '/api/apps/{appId}/channels/{channelId}': item(channel, {
      parameters: [appParam, pathParam('channelId')],
      changeSummary: 'Change a channel, e.g. point it at a package (only the keys sent)',
    }),
    '/api/apps/{appId}/packages': collection(pkg, {
      list: [appParam, ...pageParams, queryParam('searchVersion', str)],
      create: [appParam],
      createSummary:
        'Create a package; with a hosted file (url under /flatcar/ and filename) its size and hashes are filled in',
    }),
    '/api/apps/{appId}/packages/{packageId}': item(pkg, { parameters: [appParam, pathParam('packageId')] }),
    '/api/instances/{instanceId}': {
      put: op('Set an instance alias', {
        parameters: [
          pathParam('instanceId'),
          queryParam('app_id', str, 'Answer with the instance as seen by this application'),
        ],
        requestBody: body('updateInstanceConfig'),
        responses: writes('Changed', { type: 'object' }),
      }),
    },
    '/api/activity': {
      get: op('The activity feed (default: the last three days)', {
        parameters: [
          queryParam('appIDorProductID', str),
          queryParam('groupID', str),
          queryParam('channelID', str),
          queryParam('instanceID', str),
          queryParam('version', str),
          queryParam('severity', int, '1 success, 2 info, 3 warning, 4 error'),
          queryParam('start', time),
          queryParam('end', time),
          ...pageParams,
        ],
        responses: reads('A page', page('activities', 'activity')),
      }),
    },
    '/api/tokens': {
      get: op(
        'List API tokens (admin)',
        { responses: writes('Tokens', object({ tokens: arrayOf(ref('apiToken')) })) },
        true,
      ),
      post: op(
        'Create an API token (admin); the answer holds the secret, shown once',
        { requestBody: body('apiTokenConfig'), responses: writes('Created', ref('createdApiToken')) },
        true,
      ),
    },
    '/api/tokens/{tokenId}': {
      delete: op('Revoke an API token (admin)', { parameters: [pathParam('tokenId')], responses: deleted }, true),
    },
    ...provisioningOpenApiPaths,
    ...dashboardOpenApiPaths,
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Ballast API token (ballast_...)' },
    },
    schemas,
  },
} as const;
