import { defined, type ElementReader, type ParseOptions, readDocument } from './document-reader.js';
import type {
  OmahaAction,
  OmahaAppResponse,
  OmahaManifest,
  OmahaPackage,
  OmahaResponse,
  OmahaStatusAnswer,
  OmahaUpdateCheckResponse,
} from './model.js';
import type { OmahaResult } from './omaha-error.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/**
 * Parses a server's `<response>` into the typed model, strictly: numbers and booleans must be well-formed (as Go's
 * encoding/xml requires), `url` needs its `codebase`, and `<daystart>`, `<ping>` and `<updatecheck>` appear at most
 * once. For what update_engine itself makes of a response, with all its leniency, see `readUpdateCheck`.
 */
export function parseResponse(input: string | Uint8Array, options: ParseOptions = {}): OmahaResult<OmahaResponse> {
  return readDocument(input, { ...options, root: 'response', build: responseFrom });
}

function responseFrom(r: ElementReader): OmahaResponse {
  const dayStart = r.single('daystart');
  return defined<OmahaResponse>({
    protocol: r.string('protocol'),
    server: r.string('server'),
    dayStart: dayStart && defined({ elapsedSeconds: dayStart.string('elapsed_seconds') }),
    apps: r.children('app').map(appFrom),
  });
}

function appFrom(r: ElementReader): OmahaAppResponse {
  const ping = r.single('ping');
  const updateCheck = r.single('updatecheck');
  return defined<OmahaAppResponse>({
    appId: r.string('appid'),
    status: r.string('status'),
    ping: ping && statusFrom(ping),
    updateCheck: updateCheck && updateCheckFrom(updateCheck),
    events: r.children('event').map(statusFrom),
  });
}

function statusFrom(r: ElementReader): OmahaStatusAnswer {
  return defined<OmahaStatusAnswer>({ status: r.string('status') });
}

function updateCheckFrom(r: ElementReader): OmahaUpdateCheckResponse {
  return defined<OmahaUpdateCheckResponse>({
    status: r.string('status'),
    pollInterval: r.integer('PollInterval', INT32_MIN, INT32_MAX),
    urls: r.nested('urls', 'url').map((url) => url.required('codebase')),
    manifests: r.children('manifest').map(manifestFrom),
  });
}

function manifestFrom(r: ElementReader): OmahaManifest {
  return defined<OmahaManifest>({
    version: r.string('version'),
    isFloor: r.boolean('is_floor'),
    floorReason: r.string('floor_reason'),
    isTarget: r.boolean('is_target'),
    packages: r.nested('packages', 'package').map(packageFrom),
    actions: r.nested('actions', 'action').map(actionFrom),
  });
}

function packageFrom(r: ElementReader): OmahaPackage {
  return defined<OmahaPackage>({
    name: r.string('name'),
    hash: r.string('hash'),
    hashSha256: r.string('hash_sha256'),
    size: r.integer('size', 0, Number.MAX_SAFE_INTEGER),
    required: r.boolean('required'),
  });
}

function actionFrom(r: ElementReader): OmahaAction {
  return defined<OmahaAction>({
    event: r.string('event'),
    displayVersion: r.string('DisplayVersion'),
    sha256: r.string('sha256'),
    needsAdmin: r.boolean('needsadmin'),
    isDeltaPayload: r.boolean('IsDeltaPayload'),
    disablePayloadBackoff: r.boolean('DisablePayloadBackoff'),
    maxFailureCountPerUrl: r.integer('MaxFailureCountPerUrl', 0, UINT32_MAX),
    metadataSignatureRsa: r.string('MetadataSignatureRsa'),
    metadataSize: r.string('MetadataSize'),
    deadline: r.string('deadline'),
    moreInfo: r.string('MoreInfo'),
    prompt: r.boolean('Prompt'),
  });
}
