import { formatPath, type Report } from '../report.js';

/** Butane's plain form of a report (`--raw-errors`): `error at $.storage.files.0.path, line 5 col 13: message`. */
export function formatReportRaw(report: Report): string {
  const hasPath = report.path.length > 0;
  const marker = report.line !== undefined ? `line ${report.line} col ${report.column ?? 0}` : undefined;
  let at = '';
  if (marker !== undefined && hasPath) at = ` at ${formatPath(report.path)}, ${marker}`;
  else if (marker !== undefined) at = ` at ${marker}`;
  else if (hasPath) at = ` at ${formatPath(report.path)}`;
  return `${report.severity}${at}: ${report.message}`;
}

/** How `formatReport` draws: the file name in the `-->` line, and ANSI colours as Butane's `--color=always`. */
export interface FormatReportOptions {
  readonly filename?: string;
  readonly color?: boolean;
}

const red = '\x1b[1;31m';
const yellow = '\x1b[1;33m';
const blue = '\x1b[1;34m';
const reset = '\x1b[0m';

/**
 * A report as Butane prints it by default: the path, `--> file:line:col`, two lines of context either side, and a
 * caret line under the offending token with the message. Falls back to the raw form when there is no position.
 */
export function formatReport(report: Report, source: string, options: FormatReportOptions = {}): string {
  const lines = source.split('\n');
  const line = report.line;
  const col = report.column;
  const color = (text: string, code: string) => (options.color === true ? code + text + reset : text);
  if (line === undefined || col === undefined) return `${formatReportRaw(report)}\n`;
  const encoder = new TextEncoder();
  // Go indexes the line by bytes, so the column check and the caret offset count UTF-8 bytes too.
  if (line < 1 || line > lines.length || col < 1 || col > encoder.encode(lines[line - 1]!).length) {
    return `${formatReportRaw(report)}\n`;
  }
  const kind = color(report.severity, report.severity === 'error' ? red : yellow);
  const path = report.path.length > 0 ? `[${formatPath(report.path)}]` : '';
  let out = `${kind}${path}:\n`;
  out += `  ${color('-->', blue)} ${options.filename ?? '<stdin>'}:${line}:${col}\n`;
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const gutter = String(last).length;
  const blank = ' '.repeat(gutter);
  out += ` ${blank} |\n`;
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1]!;
    out += ` ${color(String(n).padStart(gutter), blue)} | ${text}\n`;
    if (n === line) out += ` ${blank} | ${underline(text, col, (s) => color(s, blue))} ${report.message}\n`;
  }
  out += ` ${blank} |\n`;
  return out;
}

/** Several reports in Butane's default form, separated by blank lines as Butane prints them. */
export function formatReports(reports: readonly Report[], source: string, options: FormatReportOptions = {}): string {
  return reports.map((r) => formatReport(r, source, options)).join('\n');
}

function underline(line: string, col: number, paint: (s: string) => string): string {
  const bytes = new TextEncoder().encode(line);
  const start = col - 1;
  const rest = new TextDecoder().decode(bytes.subarray(start));
  // The caret run ends at the next Unicode white space, as Go's unicode.IsSpace finds it.
  const ws = rest.search(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/);
  const length = ws === -1 ? new TextEncoder().encode(rest).length : new TextEncoder().encode(rest.slice(0, ws)).length;
  return ' '.repeat(start) + paint('^'.repeat(length));
}
