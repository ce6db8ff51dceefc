import { formatPath, parseIgnition, type Report, translateButane } from '@ballast/config';
import type { MachineGroup, MachineProfile } from '../store/index.js';
import { parseConfigTemplate, renderConfigTemplate, type TemplateLimits } from './config-template.js';

/** A report on a machine's config, with where it points in the profile's template when it can be told. */
export interface MachineConfigReport {
  readonly severity: Report['severity'];
  readonly code: string;
  readonly message: string;
  /** Butane's or Ignition's path, e.g. `$.storage.files.0.path`; `$` for the template itself. */
  readonly path: string;
  /** Position in the rendered config (for a template error: in the template). */
  readonly line?: number;
  readonly column?: number;
  /** Position in the profile's template. */
  readonly templateLine?: number;
  readonly templateColumn?: number;
}

/** A machine's Ignition config, or why there is none. */
export type MachineConfig =
  | { readonly ok: true; readonly ignition: string; readonly warnings: readonly MachineConfigReport[] }
  | {
      readonly ok: false;
      /** `template`: the template could not be rendered; `config`: its result is not a valid config. */
      readonly stage: 'template' | 'config';
      readonly reports: readonly MachineConfigReport[];
      /** The rendered text, when rendering got that far (for operators; never sent to machines). */
      readonly rendered?: string;
    };

/**
 * The variables a machine's template sees, as matchbox collects them: the group's metadata, its selector labels
 * (which win), and `request` with the machine's `query` labels and `raw_query`.
 */
export function machineVariables(options: {
  readonly group: MachineGroup;
  readonly labels: Readonly<Record<string, string>>;
  readonly rawQuery: string;
}): Record<string, unknown> {
  return {
    ...options.group.metadata,
    ...options.group.selector,
    request: { query: { ...options.labels }, raw_query: options.rawQuery },
  };
}

function templateReport(report: Report): MachineConfigReport {
  return {
    severity: report.severity,
    code: report.code,
    message: report.message,
    path: '$',
    ...(report.line !== undefined && { line: report.line, templateLine: report.line }),
    ...(report.column !== undefined && { column: report.column, templateColumn: report.column }),
  };
}

/**
 * Renders a profile's template with a machine's variables and makes the Ignition config of it: Butane translated
 * as `butane` would (no files directory), Ignition checked as Ignition would parse it and served as written.
 */
export function renderMachineConfig(
  profile: MachineProfile,
  options: { readonly variables: Readonly<Record<string, unknown>>; readonly limits?: TemplateLimits },
): MachineConfig {
  const parsed = parseConfigTemplate(profile.config);
  if (!parsed.template) return { ok: false, stage: 'template', reports: parsed.reports.map(templateReport) };
  const { rendered, reports } = renderConfigTemplate(parsed.template, {
    data: options.variables,
    format: profile.configFormat === 'butane' ? 'yaml' : 'json',
    ...(options.limits && { limits: options.limits }),
  });
  if (!rendered) return { ok: false, stage: 'template', reports: reports.map(templateReport) };
  const placed = (report: Report): MachineConfigReport => {
    const source =
      report.line === undefined
        ? undefined
        : rendered.sourcePosition({ line: report.line, column: report.column ?? 1 });
    return {
      severity: report.severity,
      code: report.code,
      message: report.message,
      path: formatPath(report.path),
      ...(report.line !== undefined && { line: report.line }),
      ...(report.column !== undefined && { column: report.column }),
      ...(source && { templateLine: source.line, templateColumn: source.column }),
    };
  };
  if (profile.configFormat === 'butane') {
    const result = translateButane(rendered.text);
    const all = result.reports.map(placed);
    if (result.json === undefined) return { ok: false, stage: 'config', reports: all, rendered: rendered.text };
    return { ok: true, ignition: result.json, warnings: all };
  }
  const result = parseIgnition(rendered.text);
  const all = result.reports.map(placed);
  if (result.config === undefined || result.reports.some((r) => r.severity === 'error')) {
    return {
      ok: false,
      stage: 'config',
      reports:
        all.length > 0
          ? all
          : [{ severity: 'error', code: 'CONFIG_INVALID', message: result.error ?? 'config is not valid', path: '$' }],
      rendered: rendered.text,
    };
  }
  return { ok: true, ignition: rendered.text, warnings: all };
}
