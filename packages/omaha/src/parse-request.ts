import { defined, type ElementReader, type ParseOptions, readDocument } from './document-reader.js';
import type {
  OmahaAppRequest,
  OmahaEventRequest,
  OmahaOs,
  OmahaPingRequest,
  OmahaRequest,
  OmahaUpdateCheckRequest,
} from './model.js';
import type { OmahaResult } from './omaha-error.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/**
 * Parses the `<request>` a client posts: update_engine's documents, go-omaha's and any other well-formed Omaha v3
 * request. Attributes may come in any order; unknown attributes and elements are ignored; a request that is not
 * `protocol="3.0"`, misses a required attribute, carries a malformed number or boolean, or repeats `<os>`, `<ping>`
 * or `<updatecheck>` is refused with the code and path of the first problem.
 */
export function parseRequest(input: string | Uint8Array, options: ParseOptions = {}): OmahaResult<OmahaRequest> {
  return readDocument(input, { ...options, root: 'request', build: requestFrom });
}

function requestFrom(r: ElementReader): OmahaRequest {
  const protocol = r.required('protocol');
  if (protocol !== '3.0') {
    r.fail(
      'OMAHA_UNSUPPORTED_PROTOCOL',
      `Omaha protocol ${protocol} is not supported; only 3.0 is`,
      `${r.path}/@protocol`,
    );
  }
  const os = r.single('os');
  return defined<OmahaRequest>({
    protocol,
    version: r.string('version'),
    updaterVersion: r.string('updaterversion'),
    installSource: r.string('installsource'),
    isMachine: r.integer('ismachine', INT32_MIN, INT32_MAX),
    requestId: r.string('requestid'),
    sessionId: r.string('sessionid'),
    userId: r.string('userid'),
    testSource: r.string('testsource'),
    os: os && osFrom(os),
    apps: r.children('app').map(appFrom),
  });
}

function osFrom(r: ElementReader): OmahaOs {
  return defined<OmahaOs>({
    platform: r.string('platform'),
    version: r.string('version'),
    sp: r.string('sp'),
    arch: r.string('arch'),
  });
}

function appFrom(r: ElementReader): OmahaAppRequest {
  const ping = r.single('ping');
  const updateCheck = r.single('updatecheck');
  return defined<OmahaAppRequest>({
    appId: r.required('appid'),
    version: r.string('version'),
    track: r.string('track'),
    bootId: r.string('bootid'),
    oem: r.string('oem'),
    oemVersion: r.string('oemversion'),
    alephVersion: r.string('alephversion'),
    machineId: r.string('machineid'),
    machineAlias: r.string('machinealias'),
    lang: r.string('lang'),
    board: r.string('board'),
    hardwareClass: r.string('hardware_class'),
    deltaOkay: r.boolean('delta_okay'),
    fromTrack: r.string('from_track'),
    nextVersion: r.string('nextversion'),
    client: r.string('client'),
    installAge: r.string('installage'),
    multiManifestOk: r.boolean('multi_manifest_ok'),
    ping: ping && pingFrom(ping),
    updateCheck: updateCheck && updateCheckFrom(updateCheck),
    events: r.children('event').map(eventFrom),
  });
}

function pingFrom(r: ElementReader): OmahaPingRequest {
  return defined<OmahaPingRequest>({
    active: r.integer('active', INT32_MIN, INT32_MAX),
    lastActiveDays: r.integer('a', INT32_MIN, INT32_MAX),
    lastRollCallDays: r.integer('r', INT32_MIN, INT32_MAX),
  });
}

function updateCheckFrom(r: ElementReader): OmahaUpdateCheckRequest {
  return defined<OmahaUpdateCheckRequest>({ targetVersionPrefix: r.string('targetversionprefix') });
}

function eventFrom(r: ElementReader): OmahaEventRequest {
  return defined<OmahaEventRequest>({
    type: r.requiredInteger('eventtype', INT32_MIN, INT32_MAX),
    result: r.requiredInteger('eventresult', INT32_MIN, INT32_MAX),
    // update_engine prints the code as a signed int, other clients may print the same bits unsigned.
    errorCode: r.integer('errorcode', INT32_MIN, UINT32_MAX),
    previousVersion: r.string('previousversion'),
    nextVersion: r.string('nextversion'),
  });
}
