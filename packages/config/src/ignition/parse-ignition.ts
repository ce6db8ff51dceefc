import type { ConfigPath, Report } from '../report.js';
import { decodeGoJson, type JsonNode, lineColumn, parseJsonTree } from '../schema/decode-json.js';
import { field, type GoStruct, type GoType, str, struct } from '../schema/model.js';
import { IGNITION_MESSAGES } from './ignition-errors.js';
import {
  type AnyIgnitionConfig,
  IGNITION_SPECS,
  IGNITION_TYPE_NAMES,
  type IgnitionVersion,
  parseSemver,
  supportedVersionOf,
} from './ignition-version.js';
import { validateIgnition } from './validate-ignition.js';

/** What parseIgnition found: the config when it is usable, its spec version when known, and every report. */
export interface IgnitionParse {
  /** The decoded config, undefined when an error makes it unusable (as Ignition returns no config then). */
  readonly config: AnyIgnitionConfig | undefined;
  readonly version: IgnitionVersion | undefined;
  readonly reports: readonly Report[];
  /**
   * The error Ignition's Parse returns besides its report, e.g. `config is not valid` or `unsupported config
   * version`; ignition-validate prints it as `couldn't parse config: ...` when no report is fatal.
   */
  readonly error: string | undefined;
}

// util.GetConfigVersion decodes into this stub first; its errors name it.
const VersionStub = struct('versionStub', [field('Ignition', struct('', [field('Version', str)]))]);

/**
 * Parses and validates an Ignition config of any spec 3.0.0–3.4.0 the way Ignition's config.Parse does: version
 * detection from `ignition.version`, the version's JSON decoding, its validation rules, duplicate entries and
 * unused keys, each report with its JSON path and line:column (columns count bytes, as Ignition's do).
 */
export function parseIgnition(source: string): IgnitionParse {
  const bytes = new TextEncoder().encode(source);
  const fail = (reports: Report[], error: string): IgnitionParse => ({
    config: undefined,
    version: undefined,
    reports,
    error,
  });
  if (bytes.length === 0) {
    return fail([report('CONFIG_EMPTY', IGNITION_MESSAGES.CONFIG_EMPTY, [])], IGNITION_MESSAGES.CONFIG_EMPTY);
  }
  const parsed = parseJsonTree(bytes);
  if ('error' in parsed) {
    return fail(
      [positioned(report('JSON_SYNTAX', parsed.error.message, []), bytes, parsed.error.offset)],
      IGNITION_MESSAGES.CONFIG_INVALID,
    );
  }
  const tree = parsed.tree;
  const stub = decodeGoJson(tree, VersionStub, { pkg: 'util' });
  if (stub.error !== undefined) {
    return fail(
      [positioned(report('JSON_TYPE', stub.error.message, []), bytes, stub.error.offset)],
      IGNITION_MESSAGES.CONFIG_INVALID,
    );
  }
  const versionText = String((stub.value.Ignition as Record<string, unknown>).Version);
  const semver = parseSemver(versionText);
  const versionPath = ['ignition', 'version'];
  if (semver === undefined) {
    return fail(
      [correlate(report('VERSION_INVALID', IGNITION_MESSAGES.VERSION_INVALID, versionPath), tree, bytes)],
      IGNITION_MESSAGES.VERSION_INVALID,
    );
  }
  const version = supportedVersionOf(semver);
  if (version === undefined) {
    return fail(
      [correlate(report('VERSION_UNSUPPORTED', IGNITION_MESSAGES.VERSION_UNSUPPORTED, versionPath), tree, bytes)],
      IGNITION_MESSAGES.VERSION_UNSUPPORTED,
    );
  }
  const spec = IGNITION_SPECS[version];
  const decoded = decodeGoJson(tree, spec, IGNITION_TYPE_NAMES);
  if (decoded.error !== undefined) {
    return {
      config: undefined,
      version,
      reports: [positioned(report('JSON_TYPE', decoded.error.message, []), bytes, decoded.error.offset)],
      error: IGNITION_MESSAGES.CONFIG_INVALID,
    };
  }
  const config = decoded.value as AnyIgnitionConfig;
  const reports = [...validateIgnition(config, version), ...unusedKeys(config, spec, tree)].map((r) =>
    correlate(r, tree, bytes),
  );
  const fatal = reports.some((r) => r.severity === 'error');
  return {
    config: fatal ? undefined : config,
    version,
    reports,
    error: fatal ? IGNITION_MESSAGES.CONFIG_INVALID : undefined,
  };
}

function report(code: string, message: string, path: ConfigPath): Report {
  return { severity: 'error', code, message, path };
}

function positioned(r: Report, bytes: Uint8Array, offset: number): Report {
  const { line, column } = lineColumn(bytes, offset);
  return { ...r, line, column };
}

// Unused-key reports point at the key itself (vcontext's tree.Key step): how many path steps lead to its object.
const keySteps = new WeakMap<Report, number>();

/** vcontext's ValidateUnusedKeys: warns on each object key no field of the Go struct has (exact match). */
function unusedKeys(config: unknown, root: GoStruct, tree: JsonNode): Report[] {
  const out: Report[] = [];
  const walk = (value: unknown, type: GoType, path: (string | number)[], node: JsonNode | undefined): void => {
    switch (type.kind) {
      case 'pointer':
        if (value !== undefined) walk(value, type.elem, path, node);
        return;
      case 'slice':
        for (const [i, item] of (value as unknown[]).entries()) {
          walk(item, type.elem, [...path, i], node?.kind === 'array' ? node.items[i] : undefined);
        }
        return;
      case 'struct': {
        if (node === undefined) {
          for (const f of type.fields)
            walk((value as Record<string, unknown>)[f.key], f.type, [...path, f.key], undefined);
          return;
        }
        if (node.kind !== 'object') {
          out.push({
            severity: 'warning',
            code: 'SOURCE_TREE_MISMATCH',
            message: `context tree does not match content tree at ${['$', ...path].join('.')}. Line and column reporting may be inconsistent. Unused keys may not be reported.`,
            path,
          });
          return;
        }
        const children = objectChildren(node);
        for (const f of type.fields) {
          walk((value as Record<string, unknown>)[f.key], f.type, [...path, f.key], children.get(f.key));
        }
        const known = new Set(type.fields.map((f) => f.key));
        for (const key of children.keys()) {
          if (known.has(key)) continue;
          const r: Report = {
            severity: 'warning',
            code: 'UNUSED_KEY',
            message: `Unused key ${key}`,
            path: [...path, key],
          };
          keySteps.set(r, path.length);
          out.push(r);
        }
        return;
      }
      default:
        return;
    }
  };
  walk(config, root, [], tree);
  return out;
}

// Object members by key; a repeated key keeps its last value, as the reference's map does.
function objectChildren(node: JsonNode & { kind: 'object' }): Map<string, JsonNode> {
  const children = new Map<string, JsonNode>();
  for (const e of node.entries) {
    children.delete(e.key);
    children.set(e.key, e.value);
  }
  return children;
}

function lastKeyStart(node: JsonNode & { kind: 'object' }, key: string): number | undefined {
  let start: number | undefined;
  for (const e of node.entries) if (e.key === key) start = e.keyStart;
  return start;
}

// Where go-json's Node starts: at a scalar's first byte, but just past an object's or array's opening bracket.
function markerOf(node: JsonNode): number {
  return node.kind === 'object' || node.kind === 'array' ? node.start + 1 : node.start;
}

/** vcontext's Correlate: the position of the deepest node of the path that exists in the source. */
function correlate(r: Report, tree: JsonNode, bytes: Uint8Array): Report {
  const keyAt = keySteps.get(r);
  let node: JsonNode = tree;
  let offset = markerOf(tree);
  for (const [i, step] of r.path.entries()) {
    if (i === keyAt && node.kind === 'object') {
      offset = lastKeyStart(node, String(step)) ?? offset;
      break;
    }
    let next: JsonNode | undefined;
    if (typeof step === 'number' && node.kind === 'array') next = node.items[step];
    else if (typeof step === 'string' && node.kind === 'object') next = objectChildren(node).get(step);
    if (next === undefined) break;
    node = next;
    offset = markerOf(next);
  }
  return positioned(r, bytes, offset);
}
