import { ActionExitCode } from './codes/action-exit-codes.js';
import { readXml, type XmlElement, type XmlLimits } from './xml/xml-reader.js';

/** What update_engine makes of the answer to its update check, field by field as its OmahaResponse holds it. */
export type UpdateCheckVerdict =
  | { readonly kind: 'noupdate'; readonly pollInterval: number }
  | ({ readonly kind: 'update' } & OfferedUpdate)
  | {
      readonly kind: 'error';
      /** The ActionExitCode update_engine ends the check with: 30, 31, 34 or 2000 + HTTP status. */
      readonly code: number;
      readonly reason: string;
    };

/** An update update_engine accepted. */
export interface OfferedUpdate {
  /** Server-dictated check interval in seconds; 0 when absent or not an integer. */
  readonly pollInterval: number;
  /** The first manifest's version. */
  readonly displayVersion: string;
  /** Every `codebase` (of every app, as update_engine's XPath collects them) + "/" when missing + package name. */
  readonly payloadUrls: readonly string[];
  /** The first package's size, read with `sscanf("%" PRIi64)`: leading spaces, sign, 0x and 0 prefixes count. */
  readonly size: number;
  /** The postinstall action's sha256: what the download is verified against. */
  readonly hash: string;
  readonly needsAdmin: boolean;
  readonly prompt: boolean;
  /** MaxFailureCountPerUrl, or 10 when absent or not an unsigned integer. */
  readonly maxFailureCountPerUrl: number;
  readonly isDeltaPayload: boolean;
  readonly disablePayloadBackoff: boolean;
}

/** Options of readUpdateCheck. */
export interface ReadUpdateCheckOptions {
  /** HTTP status of the answer; anything but 2xx ends the check with 2000 + status (999 when out of range). */
  readonly httpStatus?: number;
  readonly limits?: Partial<XmlLimits>;
}

const DEFAULT_MAX_FAILURE_COUNT_PER_URL = 10;

/**
 * Reads an update-check answer exactly as Flatcar's update_engine does (`OmahaRequestAction::TransferComplete` and
 * `ParseResponse`), quirks included: XPath over all apps at once, the first updatecheck, manifest and package only,
 * status "ok" or "noupdate" or failure, the hash taken from the postinstall action, booleans true only for "true".
 * The agent uses it to behave as update_engine; the server's tests use it to prove real nodes accept its answers.
 * One difference: the XML itself is read with our strict reader, so a document libxml2 would accept with a DTD in
 * it fails here with 31 (OmahaRequestXMLParseError).
 */
export function readUpdateCheck(body: string | Uint8Array, options: ReadUpdateCheckOptions = {}): UpdateCheckVerdict {
  const status = options.httpStatus ?? 200;
  if (status < 200 || status > 299) {
    const code = status < 0 || status >= 1000 ? 999 : status;
    return invalid(ActionExitCode.OmahaRequestHTTPResponseBase + code, `HTTP status ${status}`);
  }
  const empty = typeof body === 'string' ? body.length === 0 : body.byteLength === 0;
  if (empty) return invalid(ActionExitCode.OmahaRequestEmptyResponseError, 'Empty response');
  const read = readXml(body, options.limits);
  if (!read.ok) return invalid(ActionExitCode.OmahaRequestXMLParseError, read.error.message);
  const root = read.value.root;

  const checks = select(root, ['response', 'app', 'updatecheck']);
  const check = checks[0];
  if (!check) return invalid(ActionExitCode.OmahaResponseInvalid, 'No /response/app/updatecheck');
  const pollInterval = chromiumInt(prop(check, 'PollInterval'), -0x80000000, 0x7fffffff) ?? 0;
  const checkStatus = check.attributes.get('status');
  if (checkStatus === undefined) return invalid(ActionExitCode.OmahaResponseInvalid, 'Omaha Response missing status');
  if (checkStatus === 'noupdate') return { kind: 'noupdate', pollInterval };
  if (checkStatus !== 'ok') {
    return invalid(ActionExitCode.OmahaResponseInvalid, `Unknown Omaha response status: ${checkStatus}`);
  }

  const manifest = select(root, ['response', 'app', 'updatecheck', 'manifest'])[0];
  if (!manifest) return invalid(ActionExitCode.OmahaResponseInvalid, 'No manifest');
  const displayVersion = prop(manifest, 'version');

  const urls = select(root, ['response', 'app', 'updatecheck', 'urls', 'url']);
  if (urls.length === 0) return invalid(ActionExitCode.OmahaResponseInvalid, 'No url');
  const codebases: string[] = [];
  for (const url of urls) {
    const codebase = prop(url, 'codebase');
    if (codebase === '') return invalid(ActionExitCode.OmahaResponseInvalid, 'Omaha Response URL has empty codebase');
    codebases.push(codebase);
  }

  const pkg = select(root, ['response', 'app', 'updatecheck', 'manifest', 'packages', 'package'])[0];
  if (!pkg) return invalid(ActionExitCode.OmahaResponseInvalid, 'No package');
  const name = prop(pkg, 'name');
  if (name === '') return invalid(ActionExitCode.OmahaResponseInvalid, 'Omaha Response has empty package name');
  const payloadUrls = codebases.map((base) => (base.endsWith('/') ? base : `${base}/`) + name);
  const size = scanInteger(prop(pkg, 'size'));
  if (size <= 0) return invalid(ActionExitCode.OmahaResponseInvalid, `Invalid payload size: ${size}`);

  const actions = select(root, ['response', 'app', 'updatecheck', 'manifest', 'actions', 'action']);
  if (actions.length === 0) return invalid(ActionExitCode.OmahaResponseInvalid, 'No action');
  const postinstall = actions.find((action) => prop(action, 'event') === 'postinstall');
  if (!postinstall)
    return invalid(ActionExitCode.OmahaResponseInvalid, 'Omaha Response has no postinstall event action');
  const hash = prop(postinstall, 'sha256');
  if (hash === '') return invalid(ActionExitCode.OmahaResponseInvalid, 'Omaha Response has empty sha256 value');

  return {
    kind: 'update',
    pollInterval,
    displayVersion,
    payloadUrls,
    size,
    hash,
    needsAdmin: prop(postinstall, 'needsadmin') === 'true',
    prompt: prop(postinstall, 'Prompt') === 'true',
    maxFailureCountPerUrl:
      chromiumInt(prop(postinstall, 'MaxFailureCountPerUrl'), 0, 0xffffffff) ?? DEFAULT_MAX_FAILURE_COUNT_PER_URL,
    isDeltaPayload: prop(postinstall, 'IsDeltaPayload') === 'true',
    disablePayloadBackoff: prop(postinstall, 'DisablePayloadBackoff') === 'true',
  };
}

function invalid(code: number, reason: string): UpdateCheckVerdict {
  return { kind: 'error', code, reason };
}

/** update_engine's XmlGetProperty: an absent attribute reads as "". */
function prop(element: XmlElement, name: string): string {
  return element.attributes.get(name) ?? '';
}

/** The nodes of an absolute XPath of plain steps (`/a/b/c`), in document order. */
function select(root: XmlElement, steps: readonly string[]): XmlElement[] {
  if (root.name !== steps[0]) return [];
  let nodes: XmlElement[] = [root];
  for (let i = 1; i < steps.length; i++) {
    const next: XmlElement[] = [];
    for (const node of nodes) for (const child of node.children) if (child.name === steps[i]) next.push(child);
    nodes = next;
  }
  return nodes;
}

/** Chromium's StringToInt/StringToUint: the whole string, an optional sign, digits, in range; otherwise undefined. */
function chromiumInt(text: string, min: number, max: number): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** glibc `sscanf(text, "%li")`: leading space, a sign, then hex after 0x, octal after 0, or decimal; 0 if none. */
export function scanInteger(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (!match) return 0;
  const digits = match[2]!;
  let value: bigint;
  if (/^0[xX]/.test(digits)) value = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  if (match[1] === '-') value = -value;
  // strtol saturates at the 64-bit limits instead of wrapping.
  const limit = 0x7fffffffffffffffn;
  if (value > limit) value = limit;
  if (value < -limit - 1n) value = -limit - 1n;
  return Number(value);
}
