import type { ConfigPath, Report } from '../report.js';
import type { GoStruct } from '../schema/model.js';
import { type ButaneCode, butaneMessages } from './errors.js';
import { isDecimalModeSlip } from './mode.js';
import { walkStructs } from './walk.js';

/** Checks an inline config under `ignition.config` (Butane validates it as an Ignition config of the output version). */
export type MergedConfigValidator = (path: ConfigPath, raw: string) => Report[];

/** Builds a report of one of Butane's own rules, with its message verbatim. */
export function butaneReport(code: ButaneCode, path: ConfigPath, severity: 'error' | 'warning' = 'error'): Report {
  return { severity, code, message: butaneMessages[code], path };
}

/**
 * Butane's validation of the source config (base v0_4/v0_5 `validate.go`): resource sources, mount-unit
 * requirements, decimal-looking modes, trees without `local`, and units with both `contents` and `contents_local`.
 */
export function validateButane(
  spec: GoStruct,
  config: unknown,
  options: { validateMergedConfig?: MergedConfigValidator } = {},
): Report[] {
  const reports: Report[] = [];
  walkStructs(spec, config, [], (name, value, path) => {
    switch (name) {
      case 'Resource':
        reports.push(...validateResource(value, path, options.validateMergedConfig));
        break;
      case 'Filesystem':
        if (value.with_mount_unit === true) {
          const format = value.format as string | undefined;
          if (format === undefined || format === '')
            reports.push(butaneReport('MOUNT_UNIT_NO_FORMAT', [...path, 'format']));
          else if (format !== 'swap' && (value.path === undefined || value.path === '')) {
            reports.push(butaneReport('MOUNT_UNIT_NO_PATH', [...path, 'path']));
          }
        }
        break;
      case 'Directory':
      case 'File':
        if (typeof value.mode === 'number' && isDecimalModeSlip(value.mode, name === 'Directory')) {
          reports.push(butaneReport('DECIMAL_MODE', [...path, 'mode'], 'warning'));
        }
        break;
      case 'Tree':
        if (value.local === '' || value.local === undefined) reports.push(butaneReport('TREE_NO_LOCAL', path));
        break;
      case 'Unit':
      case 'Dropin':
        if (value.contents_local !== undefined && value.contents !== undefined) {
          reports.push(butaneReport('TOO_MANY_SYSTEMD_SOURCES', [...path, 'contents_local']));
        }
        break;
    }
  });
  return reports;
}

function validateResource(
  value: Record<string, unknown>,
  path: ConfigPath,
  validateMergedConfig: MergedConfigValidator | undefined,
): Report[] {
  let field = '';
  let sources = 0;
  for (const key of ['local', 'inline', 'source']) {
    if (value[key] !== undefined) {
      sources++;
      field = key;
    }
  }
  if (sources > 1) return [butaneReport('TOO_MANY_RESOURCE_SOURCES', [...path, field])];
  // Butane matches on the printed path, so `ignition.config.merge.N` and `ignition.config.replace` both qualify.
  if (field === 'inline' && path[0] === 'ignition' && path[1] === 'config' && validateMergedConfig !== undefined) {
    return validateMergedConfig(path, value.inline as string);
  }
  return [];
}
