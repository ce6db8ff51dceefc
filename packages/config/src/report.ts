/** How bad a report is: an error makes the config unusable, a warning does not (unless `strict`). */
export type Severity = 'error' | 'warning';

/** A stable identifier of a rule, e.g. `PATH_NOT_ABSOLUTE`; tests and tools match on it, never on the message. */
export type ReportCode = string;

/** A path into a config: object keys and array indexes, e.g. `['storage', 'files', 0, 'path']`. */
export type ConfigPath = readonly (string | number)[];

/** One finding about a config: what is wrong, where in the config, and where in the source text. */
export interface Report {
  readonly severity: Severity;
  readonly code: ReportCode;
  /** Lower-case sentence without a trailing period, as Butane and Ignition word theirs. */
  readonly message: string;
  readonly path: ConfigPath;
  /** 1-based line in the source, when there is a source. */
  readonly line?: number;
  /** 1-based column in the source, when there is a source. */
  readonly column?: number;
}

/** A result together with everything found on the way; `value` is undefined when an error made it impossible. */
export interface Translation<T> {
  readonly value: T | undefined;
  readonly reports: readonly Report[];
}

/** True when any report is an error, or, when `strict`, any report at all. */
export function isFatal(reports: readonly Report[], strict = false): boolean {
  return reports.some((r) => r.severity === 'error' || strict);
}

/** Formats a path in Butane's notation: `$.storage.files.0.path`. */
export function formatPath(path: ConfigPath): string {
  return ['$', ...path].join('.');
}
