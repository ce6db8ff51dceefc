import { type ConfigPath, formatPath } from '../report.js';

/** Where one piece of the output came from: a path in the Butane source and the path it produced in Ignition. */
export interface Translation {
  readonly from: ConfigPath;
  readonly to: ConfigPath;
}

/**
 * The source of every output path, keyed by the output path as Butane keys it (`$.storage.files.0.path`), so reports
 * about the generated Ignition config can point back into the YAML. A later entry for the same output path wins.
 * Paths are kept as given (callers never change a path after adding it).
 */
export class TranslationSet {
  // Most translations succeed without a report to map back, so the keyed map is built only when first asked for.
  private readonly map = new Map<string, Translation>();
  private pending: Translation[] = [];
  /** How many translations were added so far (Butane notes whether a custom translator recorded any). */
  additions = 0;

  /** Every translation, keyed by its formatted output path. */
  get entries(): ReadonlyMap<string, Translation> {
    const pending = this.pending;
    if (pending.length > 0) {
      this.pending = [];
      for (const t of pending) this.map.set(formatPath(t.to), t);
    }
    return this.map;
  }

  add(from: ConfigPath, to: ConfigPath): void {
    this.additions++;
    this.pending.push({ from, to });
  }

  /** Maps every path of `value` (itself included) to one source, as Butane's `AddFromCommonSource` does. */
  addFromCommonSource(from: ConfigPath, toPrefix: ConfigPath, paths: readonly ConfigPath[]): void {
    for (const p of paths) this.add(from, [...toPrefix, ...p]);
    this.add(from, toPrefix);
  }

  get(to: ConfigPath): Translation | undefined {
    return this.entries.get(formatPath(to));
  }

  /** Forgets every translation (the count of additions stays). */
  clear(): void {
    this.pending = [];
    this.map.clear();
  }

  merge(other: TranslationSet): void {
    for (const t of other.entries.values()) this.add(t.from, t.to);
  }
}
