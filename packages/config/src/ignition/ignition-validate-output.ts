import type { Report } from '../report.js';
import type { IgnitionParse } from './parse-ignition.js';

/** What `ignition-validate` prints for a config and how it exits. */
export interface IgnitionValidateOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: 0 | 1;
}

// Failures Ignition's Parse returns as an error rather than as report entries.
const NOT_REPORTED = new Set(['CONFIG_EMPTY', 'VERSION_INVALID', 'VERSION_UNSUPPORTED']);

/**
 * One report line as vcontext writes it: `error at $.storage.files.0.path, line 1 col 61: path not absolute`,
 * `warning at $.x, line 1 col 2: Unused key x`, or `error at line 0 col 0: unexpected end of JSON input` for a
 * report with no path.
 */
export function formatReportLine(report: Report): string {
  const position = report.line === undefined ? undefined : `line ${report.line} col ${report.column ?? 0}`;
  const path = report.path.length === 0 ? undefined : ['$', ...report.path].join('.');
  const at = [path, position].filter((p) => p !== undefined).join(', ');
  return `${report.severity}${at === '' ? '' : ` at ${at}`}: ${report.message}`;
}

// The report is trimmed of surrounding space as a whole and then goes out as a Printf format with no arguments,
// so a '%' in it turns into Go's `%!v(MISSING)` notation.
function goPrintfNoArgs(format: string): string {
  return format.replace(/%([+\-# 0]*)(\*|[0-9]*)(\.(\*|[0-9]*))?(.|$)/gsu, (_m, _f, _w, _p, _pw, verb: string) => {
    if (verb === '%') return '%';
    if (verb === '') return '%!(NOVERB)';
    return `%!${verb}(MISSING)`;
  });
}

/**
 * Mirrors Debian's ignition-validate (Ignition 2.14 validate/main.go) on a parse result: every report entry on
 * stdout, one per line; exit 1 when one is an error; otherwise `couldn't parse config: <error>` on stderr and exit
 * 1 when Parse failed without one (empty config, bad or unsupported version); else exit 0.
 */
export function ignitionValidateOutput(result: Pick<IgnitionParse, 'reports' | 'error'>): IgnitionValidateOutput {
  const entries = result.reports.filter((r) => !NOT_REPORTED.has(r.code));
  const stdout =
    entries.length === 0
      ? ''
      : `${goPrintfNoArgs(
          entries
            .map((r) => `${formatReportLine(r)}\n`)
            .join('')
            .trim(),
        )}\n`;
  if (entries.some((r) => r.severity === 'error')) return { stdout, stderr: '', exitCode: 1 };
  if (result.error !== undefined) return { stdout, stderr: `couldn't parse config: ${result.error}\n`, exitCode: 1 };
  return { stdout, stderr: '', exitCode: 0 };
}
