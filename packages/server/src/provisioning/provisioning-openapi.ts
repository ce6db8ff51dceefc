// The OpenAPI paths of machine provisioning, merged into the server's document (openapi.ts) so a test can hold the
// routes and the document together.

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const time: Schema = { type: 'string', format: 'date-time' };
const strings: Schema = { type: 'array', items: str };
const error: Schema = { $ref: '#/components/schemas/error' };

const boot: Schema = {
  type: 'object',
  nullable: true,
  required: ['kernel'],
  properties: {
    kernel: { type: 'string', description: 'Kernel URL, e.g. .../flatcar_production_pxe.vmlinuz' },
    initrd: { ...strings, description: 'Initramfs URLs, e.g. .../flatcar_production_pxe_image.cpio.gz' },
    args: { ...strings, description: 'Kernel arguments, one word each' },
  },
};

const profile: Schema = {
  type: 'object',
  required: ['id', 'name', 'config_format', 'config', 'boot', 'created_ts', 'updated_ts'],
  properties: {
    id: str,
    name: str,
    config_format: { type: 'string', enum: ['butane', 'ignition'] },
    config: { type: 'string', description: 'Butane YAML or Ignition JSON with {{.variable}} actions' },
    boot,
    created_ts: time,
    updated_ts: time,
  },
};

const profileInput: Schema = {
  type: 'object',
  required: ['config'],
  properties: {
    id: { type: 'string', description: 'Required on POST; on PUT the path has it' },
    name: str,
    config_format: { type: 'string', enum: ['butane', 'ignition'], default: 'butane' },
    config: str,
    boot,
  },
};

const labels: Schema = { type: 'object', additionalProperties: str };

const group: Schema = {
  type: 'object',
  required: ['id', 'name', 'profile', 'selector', 'metadata', 'created_ts', 'updated_ts'],
  properties: {
    id: str,
    name: str,
    profile: { type: 'string', description: 'Profile id' },
    selector: { ...labels, description: 'Labels a machine must have (mac, uuid, hostname, serial or any other)' },
    metadata: { type: 'object', description: 'Template variables' },
    created_ts: time,
    updated_ts: time,
  },
};

const groupInput: Schema = {
  type: 'object',
  required: ['profile'],
  properties: { id: str, name: str, profile: str, selector: labels, metadata: { type: 'object' } },
};

const report: Schema = {
  type: 'object',
  required: ['severity', 'code', 'message', 'path'],
  properties: {
    severity: { type: 'string', enum: ['error', 'warning'] },
    code: str,
    message: str,
    path: { type: 'string', description: 'e.g. $.storage.files.0.path' },
    line: { type: 'integer', description: 'In the rendered config' },
    column: { type: 'integer' },
    template_line: { type: 'integer', description: "In the profile's template" },
    template_column: { type: 'integer' },
  },
};

const json = (description: string, schema: Schema) => ({ description, content: { 'application/json': { schema } } });
const errorResponse = (description: string) => json(description, error);
const text = (description: string, type: string) => ({ description, content: { [type]: { schema: str } } });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
const pathParam = (name: string) => ({ in: 'path', name, required: true, schema: str });
const labelParams = ['mac', 'uuid', 'hostname', 'serial'].map((name) => ({
  in: 'query',
  name,
  required: false,
  schema: str,
}));

const readErrors = {
  '401': errorResponse('No or unknown API token'),
  '404': errorResponse('Not found'),
  '503': errorResponse('Database unavailable; retry after Retry-After seconds'),
};
const writeErrors = {
  ...readErrors,
  '400': errorResponse('Invalid fields, each named'),
  '403': errorResponse('The token is a viewer token'),
  '409': errorResponse('Duplicate id or selector, or a profile still in use'),
};
const machineErrors = {
  '400': errorResponse('An unreadable label, e.g. a malformed MAC address'),
  '404': errorResponse('No group matches the machine (or its profile has no boot settings)'),
  '503': errorResponse('Database unavailable'),
};

function op(summary: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { summary, 'x-ballast': true, ...extra };
}

/** OpenAPI path items of `/ignition`, `/ipxe`, `/boot.ipxe` and `/api/provisioning/...`. */
export const provisioningOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/boot.ipxe': {
    get: op('iPXE script that chains to /ipxe with what iPXE knows of the machine', {
      security: [],
      responses: { '200': text('iPXE script', 'text/plain') },
    }),
  },
  '/ipxe': {
    get: op("The matched machine's iPXE boot script (kernel, initrd, ignition.config.url back to /ignition)", {
      security: [],
      parameters: labelParams,
      responses: { '200': text('iPXE script', 'text/plain'), ...machineErrors },
    }),
  },
  '/ignition': {
    get: op("The matched machine's Ignition config: its profile's template rendered with its group's metadata", {
      security: [],
      parameters: labelParams,
      responses: {
        '200': text('Ignition config', 'application/vnd.coreos.ignition+json'),
        ...machineErrors,
        '422': json('The template or the rendered config is invalid', {
          type: 'object',
          properties: { error: str, message: str, group: str, profile: str, reports: { type: 'array', items: report } },
        }),
      },
    }),
  },
  '/api/provisioning/render': {
    get: op('What a machine with these labels would get: group, profile, config and every report', {
      parameters: labelParams,
      responses: {
        '200': json('Rendered', {
          type: 'object',
          properties: {
            group: str,
            profile: str,
            ties: strings,
            labels,
            ok: { type: 'boolean' },
            ignition: { type: 'object', nullable: true },
            rendered: str,
            reports: { type: 'array', items: report },
          },
        }),
        '400': errorResponse('An unreadable label'),
        ...readErrors,
      },
    }),
  },
  '/api/provisioning/profiles': {
    get: op('List machine profiles', {
      responses: {
        '200': json('Profiles', { type: 'object', properties: { profiles: { type: 'array', items: profile } } }),
        ...readErrors,
      },
    }),
    post: op('Create a machine profile (admin)', {
      requestBody: body(profileInput),
      responses: { '201': json('Created', profile), ...writeErrors },
    }),
  },
  '/api/provisioning/profiles/{profileId}': {
    get: op('Get a machine profile', {
      parameters: [pathParam('profileId')],
      responses: { '200': json('Profile', profile), ...readErrors },
    }),
    put: op('Create or replace a machine profile (admin)', {
      parameters: [pathParam('profileId')],
      requestBody: body(profileInput),
      responses: { '200': json('Replaced', profile), '201': json('Created', profile), ...writeErrors },
    }),
    delete: op('Delete a machine profile no group uses (admin)', {
      parameters: [pathParam('profileId')],
      responses: { '204': { description: 'Deleted' }, ...writeErrors },
    }),
  },
  '/api/provisioning/groups': {
    get: op('List machine groups', {
      responses: {
        '200': json('Groups', { type: 'object', properties: { groups: { type: 'array', items: group } } }),
        ...readErrors,
      },
    }),
    post: op('Create a machine group (admin)', {
      requestBody: body(groupInput),
      responses: { '201': json('Created', group), ...writeErrors },
    }),
  },
  '/api/provisioning/groups/{groupId}': {
    get: op('Get a machine group', {
      parameters: [pathParam('groupId')],
      responses: { '200': json('Group', group), ...readErrors },
    }),
    put: op('Create or replace a machine group (admin)', {
      parameters: [pathParam('groupId')],
      requestBody: body(groupInput),
      responses: { '200': json('Replaced', group), '201': json('Created', group), ...writeErrors },
    }),
    delete: op('Delete a machine group (admin)', {
      parameters: [pathParam('groupId')],
      responses: { '204': { description: 'Deleted' }, ...writeErrors },
    }),
  },
};
