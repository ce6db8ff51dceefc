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

/** A kind of thing provisioning keeps, as machine profiles and groups are. */
interface Kept {
  /** `profile`: the paths say `profiles` and `{profileId}`, the summaries `machine profile`. */
  readonly kind: string;
  readonly schema: Schema;
  /** The body that creates or replaces one. */
  readonly input: Schema;
  /** What the delete summary adds about which may go, e.g. `no group uses`. */
  readonly deleteSummary?: string;
}

/** `/api/provisioning/KINDs` (list, create) and `/api/provisioning/KINDs/{KINDId}` (get, create or replace, delete). */
function keptRoutes({ kind, schema, input, deleteSummary }: Kept): Record<string, Record<string, unknown>> {
  const many = `${kind}s`;
  const title = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
  const parameters = [pathParam(`${kind}Id`)];
  return {
    [`/api/provisioning/${many}`]: {
      get: op(`List machine ${many}`, {
        responses: {
          '200': json(`${title}s`, { type: 'object', properties: { [many]: { type: 'array', items: schema } } }),
          ...readErrors,
        },
      }),
      post: op(`Create a machine ${kind} (admin)`, {
        requestBody: body(input),
        responses: { '201': json('Created', schema), ...writeErrors },
      }),
    },
    [`/api/provisioning/${many}/{${kind}Id}`]: {
      get: op(`Get a machine ${kind}`, { parameters, responses: { '200': json(title, schema), ...readErrors } }),
      put: op(`Create or replace a machine ${kind} (admin)`, {
        parameters,
        requestBody: body(input),
        responses: { '200': json('Replaced', schema), '201': json('Created', schema), ...writeErrors },
      }),
      delete: op(`Delete a machine ${kind}${deleteSummary === undefined ? '' : ` ${deleteSummary}`} (admin)`, {
        parameters,
        responses: { '204': { description: 'Deleted' }, ...writeErrors },
      }),
    },
  };
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
  ...keptRoutes({ kind: 'profile', schema: profile, input: profileInput, deleteSummary: 'no group uses' }),
  ...keptRoutes({ kind: 'group', schema: group, input: groupInput }),
};
