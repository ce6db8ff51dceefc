import type { ConfigPath, Report } from '../report.js';
import { decodeGoJson, jsonSourceMap, lineColumn, parseJsonTree } from '../schema/decode-json.js';
import { field, str, struct } from '../schema/model.js';
import type { SourceMap } from '../schema/source-map.js';
import { unusedKeyReports } from '../schema/unused-keys.js';
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
  const positions = jsonSourceMap(tree, bytes);
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
      [correlate(report('VERSION_INVALID', IGNITION_MESSAGES.VERSION_INVALID, versionPath), positions)],
      IGNITION_MESSAGES.VERSION_INVALID,
    );
  }
  const version = supportedVersionOf(semver);
  if (version === undefined) {
    return fail(
      [correlate(report('VERSION_UNSUPPORTED', IGNITION_MESSAGES.VERSION_UNSUPPORTED, versionPath), positions)],
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
  const reports = [
    ...validateIgnition(config, version).map((r) => correlate(r, positions)),
    // Unused keys come placed at the key itself.
    ...unusedKeyReports(spec, config, positions),
  ];
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

/** vcontext's Correlate: the position of the deepest node of the path that exists in the source. */
function correlate(r: Report, positions: SourceMap): Report {
  const at = positions.position(r.path);
  return at ? { ...r, line: at.line, column: at.column } : r;
}
