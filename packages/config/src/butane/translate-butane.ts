import { makeDataUrl } from '../dataurl/index.js';
import {
  type AnyIgnitionConfig,
  IGNITION_SPECS,
  IGNITION_TYPE_NAMES,
  parseSemver,
} from '../ignition/ignition-version.js';
import { parseIgnition } from '../ignition/parse-ignition.js';
import { validateIgnition } from '../ignition/validate-ignition.js';
import type { Report } from '../report.js';
import { decodeGoJson, parseJsonTree } from '../schema/decode-json.js';
import { DecodeCodes, decodeParsedYaml, yamlErrorText } from '../schema/decode-yaml.js';
import { fromInput, type GoInput, isGoValue } from '../schema/go-input.js';
import { isNilSlice } from '../schema/go-value.js';
import { marshalGo } from '../schema/marshal-go.js';
import { field, type GoStruct, str, struct } from '../schema/model.js';
import { type SourceMap, sourceMapOf } from '../schema/source-map.js';
import { parseYaml } from '../schema/yaml-parse.js';
import { invalidGeneratedConfig, invalidSourceConfig, unknownVersionMessage } from './errors.js';
import type { FilesDir } from './files-dir.js';
import { snake } from './ignition-shape.js';
import { type butaneV0_4, type butaneV0_5, supportedVersions } from './spec.js';
import { type DataUrlMaker, type IgnitionValue, translateConfig } from './translate.js';
import type { TranslationSet } from './translation-set.js';
import { butaneReport, type MergedConfigValidator, validateButane } from './validate.js';

/** Options of `translateButane`, named after Butane's flags. */
export interface TranslateButaneOptions {
  /** `-d/--files-dir`: where `local`, `contents_local`, `ssh_authorized_keys_local` and `trees` read from. */
  readonly filesDir?: FilesDir;
  /** `-s/--strict`: any warning fails the translation. */
  readonly strict?: boolean;
  /** `-p/--pretty`: indent the JSON by two spaces. */
  readonly pretty?: boolean;
  /** Checks the generated Ignition config (duplicates first, then the spec's rules); reports use Ignition paths. */
  readonly validateIgnition?: (config: IgnitionValue, version: '3.3.0' | '3.4.0') => Report[];
}

/** What `translateButane` produces: the Ignition config, Butane's exact stdout, and every finding. */
export interface ButaneResult {
  /** The Ignition config as data; undefined when translation failed. */
  readonly config: IgnitionValue | undefined;
  /** Butane's stdout: the JSON and a newline; undefined when Butane would fail. */
  readonly json: string | undefined;
  /** Errors and warnings with Butane's paths and, where the source has them, line and column. */
  readonly reports: readonly Report[];
  /** The last line Butane's CLI prints on failure (e.g. `Error translating config: source config is invalid`). */
  readonly error?: string;
}

const commonFields = struct('commonFields', [field('version', str), field('variant', str)]);

/**
 * Translates a Butane config (variant flatcar 1.0.0 or 1.1.0) into Ignition 3.3.0 / 3.4.0 exactly as Butane does,
 * never throwing on bad input: `json` holds the bytes Butane writes to stdout, `reports` what it writes to stderr.
 */
export function translateButane(source: string, options: TranslateButaneOptions = {}): ButaneResult {
  // Butane first reads only variant and version, with yaml.Unmarshal (which accepts an empty document), then the
  // whole config from the same text: one parse serves both.
  const parsed = parseYaml(source);
  const head = decodeParsedYaml(parsed, { type: commonFields, unusedKeys: false });
  const headErrors = head.reports.filter((r) => r.severity === 'error' && r.code !== DecodeCodes.yamlEmpty);
  if (headErrors.length > 0) {
    return failed(headErrors, `Error unmarshaling yaml: ${yamlErrorText(headErrors) ?? headErrors[0]!.message}`);
  }
  const variant = head.value?.variant ?? '';
  const versionText = head.value?.version ?? '';
  if (variant === '') {
    const r = positioned(butaneReport('NO_VARIANT', ['variant']), head.positions);
    return failed([r], r.message);
  }
  const semver = parseSemver(versionText);
  if (semver === undefined) {
    const r = positioned(butaneReport('INVALID_VERSION', ['version']), head.positions);
    return failed([r], r.message);
  }
  const version = `${semver.major}.${semver.minor}.${semver.patch}${semver.preRelease === '' ? '' : `-${semver.preRelease}`}${semver.metadata === '' ? '' : `+${semver.metadata}`}`;
  if (variant === 'rhcos' && version === '0.1.0') {
    const r = positioned(butaneReport('RHCOS_VARIANT_REMOVED', ['variant']), head.positions);
    return failed([r], r.message);
  }
  const target = supportedVersions.find((s) => s.variant === variant && s.version === version);
  if (target === undefined) {
    const message = unknownVersionMessage(variant, version);
    const supported = supportedVersions.map((s) => `${s.variant} ${s.version}`).join(', ');
    const r = positioned(
      {
        severity: 'error',
        code: 'UNKNOWN_VERSION',
        message: `${message} (supported: ${supported})`,
        path: ['version'],
      },
      head.positions,
    );
    return failed([r], message);
  }

  const decoded = decodeParsedYaml(parsed, { type: target.spec });
  if (decoded.value === undefined) {
    return failed(decoded.reports, yamlErrorText(decoded.reports) ?? decoded.reports[0]?.message ?? 'EOF');
  }
  return translateDecoded(target, decoded.value as unknown as Record<string, unknown>, {
    ...options,
    reports: decoded.reports,
    positions: decoded.positions,
  });
}

/** The typed form of a flatcar Butane config, for building configs in TypeScript (version 1.0.0). */
export type ButaneFlatcar1_0 = GoInput<typeof butaneV0_4>;
/** The typed form of a flatcar Butane config, for building configs in TypeScript (version 1.1.0). */
export type ButaneFlatcar1_1 = GoInput<typeof butaneV0_5>;

/**
 * Translates a config built in TypeScript (no YAML, so reports carry paths but no line and column); `variant` and
 * `version` in the input choose the spec as in YAML.
 */
export function translateButaneValue(
  input: ButaneFlatcar1_0 | ButaneFlatcar1_1,
  options: TranslateButaneOptions = {},
): ButaneResult {
  const target = supportedVersions.find((s) => s.variant === input.variant && s.version === input.version);
  if (target === undefined) {
    const message = unknownVersionMessage(String(input.variant ?? ''), String(input.version ?? ''));
    return failed([{ severity: 'error', code: 'UNKNOWN_VERSION', message, path: ['version'] }], message);
  }
  const value = fromInput(input as GoInput<typeof butaneV0_5>, target.spec as typeof butaneV0_5);
  return translateDecoded(target, value as unknown as Record<string, unknown>, {
    ...options,
    reports: [],
    positions: sourceMapOf(undefined),
  });
}

function translateDecoded(
  target: (typeof supportedVersions)[number],
  value: Record<string, unknown>,
  options: TranslateButaneOptions & { reports: readonly Report[]; positions: SourceMap },
): ButaneResult {
  const decoded = { positions: options.positions };
  const reports: Report[] = [...options.reports];
  const place = (rs: readonly Report[]) => rs.map((r) => positioned(r, decoded.positions));

  const sourceReports = validateButane(target.spec, value, {
    validateMergedConfig: mergedConfigValidator(target.ignitionVersion),
  });
  reports.push(...place(sourceReports));
  if (hasError(reports)) return failed(reports, invalidSourceConfig, 'Error translating config: ');

  const translated = translateConfig(target.spec, value, {
    ignitionVersion: target.ignitionVersion,
    makeDataUrl: butaneDataUrl,
    filesDir: options.filesDir,
  });
  reports.push(...place(translated.reports));
  const config = translated.config;
  if (config === undefined || hasError(reports))
    return failed(reports, invalidSourceConfig, 'Error translating config: ');

  reports.push(...place(mapToSource(clevisFilter(config), translated.translations)));
  if (hasError(reports)) return failed(reports, invalidSourceConfig, 'Error translating config: ');

  const generated = (options.validateIgnition ?? defaultValidateIgnition)(config, target.ignitionVersion);
  reports.push(...place(mapToSource(generated, translated.translations)));
  if (hasError(reports)) return failed(reports, invalidGeneratedConfig, 'Error translating config: ');
  if (options.strict === true && reports.length > 0) {
    return { config, json: undefined, reports, error: 'Config produced warnings and --strict was specified' };
  }
  const json = `${marshalGo(config, IGNITION_SPECS[target.ignitionVersion], { pretty: options.pretty === true })}\n`;
  return { config, json, reports };
}

/** Butane's `MakeDataURL` as its translators call it: no compression value comes back when the user set one. */
const butaneDataUrl: DataUrlMaker = (contents, o) => {
  const made = makeDataUrl(contents, o);
  // Butane records no translation (and changes nothing) when the user compressed the contents.
  return {
    url: made.url,
    compression: o.compression !== undefined && o.compression !== '' ? undefined : made.compression,
  };
};

/**
 * Butane's `ToIgn3_xUnvalidated`: decodes the YAML and translates it without checking either side, returning the
 * translation set as well; reports keep Butane's paths and carry no position. For tests and tools that need to see
 * what Butane's translators produce before validation.
 */
export function translateButaneUnvalidated(
  source: string,
  options: { filesDir?: FilesDir } = {},
): { config: IgnitionValue | undefined; translations: TranslationSet; reports: Report[] } | undefined {
  const parsed = parseYaml(source);
  const head = decodeParsedYaml(parsed, { type: commonFields, unusedKeys: false });
  const target = supportedVersions.find((s) => s.variant === head.value?.variant && s.version === head.value?.version);
  if (target === undefined) return undefined;
  const decoded = decodeParsedYaml(parsed, { type: target.spec });
  if (decoded.value === undefined) return undefined;
  const translated = translateConfig(target.spec, decoded.value as unknown as Record<string, unknown>, {
    ignitionVersion: target.ignitionVersion,
    makeDataUrl: butaneDataUrl,
    filesDir: options.filesDir,
  });
  return translated;
}

function failed(reports: readonly Report[], error: string, prefix = 'Error translating config: '): ButaneResult {
  return { config: undefined, json: undefined, reports, error: `${prefix}${error}` };
}

function hasError(reports: readonly Report[]): boolean {
  return reports.some((r) => r.severity === 'error');
}

/** Adds the line and column of a report's path, as vcontext's `Correlate` finds them (deepest existing node). */
function positioned(report: Report, positions: SourceMap): Report {
  if (report.line !== undefined) return report;
  const at = positions.position(report.path);
  return at === undefined ? report : { ...report, line: at.line, column: at.column };
}

/**
 * Butane's `TranslateReportPaths`: an Ignition path goes back to the YAML path it came from, or, without a
 * translation, to its snake_case spelling.
 */
export function mapToSource(reports: readonly Report[], translations: TranslationSet): Report[] {
  return reports.map((r) => {
    const t = translations.get(r.path);
    const path = t !== undefined ? t.from : r.path.map((p) => (typeof p === 'string' ? snake(p) : p));
    const { line: _line, column: _column, ...rest } = r;
    return { ...rest, path };
  });
}

/** Flatcar's field filter: LUKS volumes cannot use Clevis (`storage.luks.N.clevis` set to anything). */
function clevisFilter(config: IgnitionValue): Report[] {
  const luks = ((config.storage as Record<string, unknown>).luks ?? []) as Record<string, unknown>[];
  const reports: Report[] = [];
  luks.forEach((l, i) => {
    if (!isZero(l.clevis)) reports.push(butaneReport('CLEVIS_NOT_SUPPORTED', ['storage', 'luks', i, 'clevis']));
  });
  return reports;
}

// Go's reflect IsZero over clevis, whose leaves are all pointers: a set `false` counts, an empty `[]` too.
function isZero(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return isNilSlice(value);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(isZero);
  return false;
}

/**
 * Ignition's checks of the generated config in Butane's order: duplicate entries first (`ValidateDups`), then the
 * spec's rules (`validate.Validate`).
 */
function defaultValidateIgnition(config: IgnitionValue, version: '3.3.0' | '3.4.0'): Report[] {
  const spec = IGNITION_SPECS[version];
  // The translation builds complete Go values; the copy is for anything else (validateIgnition reads fields by
  // name and does not tell nil lists from empty ones, so the copy's marks on empty lists make no difference).
  const normalized = isGoValue(config, spec)
    ? config
    : (fromInput as unknown as (input: unknown, type: GoStruct) => unknown)(config, spec);
  const reports = validateIgnition(normalized as AnyIgnitionConfig, version);
  const dups = reports.filter((r) => r.code === 'DUPLICATE_ENTRY');
  return [...dups, ...reports.filter((r) => r.code !== 'DUPLICATE_ENTRY')];
}

/**
 * Butane's `ValidateIgnitionConfig` for `inline` configs under `ignition.config` (base/v0_4 and v0_5 util.go): the
 * JSON is decoded into the output version's types first (a syntax or type error is reported, with `config is not
 * valid` at the inline field); then a valid semver other than the output version only warns and skips the rest;
 * otherwise the config is validated as Ignition does. Reports keep the paths inside that config, as in Butane.
 */
function mergedConfigValidator(version: '3.3.0' | '3.4.0'): MergedConfigValidator {
  return (path, raw) => {
    const invalid = butaneReport('MERGED_CONFIG_INVALID', [...path, 'inline']);
    const parsedTree = parseJsonTree(new TextEncoder().encode(raw));
    if ('error' in parsedTree) {
      return [{ severity: 'error', code: 'JSON_SYNTAX', message: parsedTree.error.message, path: [] }, invalid];
    }
    const decoded = decodeGoJson(parsedTree.tree, IGNITION_SPECS[version], IGNITION_TYPE_NAMES);
    if (decoded.error !== undefined) {
      return [{ severity: 'error', code: 'JSON_TYPE', message: decoded.error.message, path: [] }, invalid];
    }
    const versionText = String((decoded.value.ignition as Record<string, unknown>).version);
    if (parseSemver(versionText) !== undefined && versionText !== version) {
      return [butaneReport('MERGED_CONFIG_UNKNOWN_VERSION', [...path, 'version'], 'warning')];
    }
    return parseIgnition(raw).reports.map(({ line: _l, column: _c, ...rest }) => rest as Report);
  };
}
