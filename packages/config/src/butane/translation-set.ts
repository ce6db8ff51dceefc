import { type ConfigPath, formatPath } from '../report.js';

/** Where one piece of the output came from: a path in the Butane source and the path it produced in Ignition. */
export interface Translation {
  readonly from: ConfigPath;
  readonly to: ConfigPath;
}

/**
 * The source of every output path, keyed by the output path as Butane keys it (`$.storage.files.0.path`), so reports
 * about the generated Ignition config can point back into the YAML. A later entry for the same output path wins.
 */
export class TranslationSet {
  readonly entries = new Map<string, Translation>();
  /** How many translations were added so far (Butane notes whether a custom translator recorded any). */
  additions = 0;

  add(from: ConfigPath, to: ConfigPath): void {
    this.additions++;
    this.entries.set(formatPath(to), { from: [...from], to: [...to] });
  }

  /** Maps every path of `value` (itself included) to one source, as Butane's `AddFromCommonSource` does. */
  addFromCommonSource(from: ConfigPath, toPrefix: ConfigPath, paths: readonly ConfigPath[]): void {
    for (const p of paths) this.add(from, [...toPrefix, ...p]);
    this.add(from, toPrefix);
  }

  get(to: ConfigPath): Translation | undefined {
    return this.entries.get(formatPath(to));
  }

  merge(other: TranslationSet): void {
    for (const t of other.entries.values()) this.add(t.from, t.to);
  }
}
