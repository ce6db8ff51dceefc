/**
 * Butane's own test cases, ported as data (packages/config/test/fixtures/butane/cases/*.yaml), run through our
 * translation. Each case names the Go test it comes from; inputs are Butane YAML, expected outputs are Ignition JSON
 * (or the config value before validation) and reports in vcontext's raw form.
 *
 * Butane behaviours verified against its source (coreos/butane, newest stored commits) and where:
 * - Order of checks (config/util/util.go TranslateBytes and Translate): YAML decode; unused keys (warnings, positioned);
 *   source validation (vcontext `validate.Validate(cfg, "yaml")`, parents before children, Go field order); the
 *   translation (custom translators, then mount units, then trees); the variant's field filters (flatcar: clevis);
 *   `ValidateDups`; Ignition's `validate.Validate`. Each stage stops on an error; warnings accumulate. Every report
 *   is then positioned by `Correlate` at the deepest YAML node its path reaches.
 * - A report about the generated config goes back through the translation set, or, when a path has no translation,
 *   to its snake_case spelling (config/util TranslateReportPaths).
 * - Resources (base/v0_5/translate.go translateResource): `local` is read first and then `inline`; data URLs come from
 *   MakeDataURL (base/util/url.go); a user-set compression is kept and gets no translation from inline/local.
 * - `ssh_authorized_keys_local` (1.1.0 only): the list maps to `sshAuthorizedKeys`, each non-empty line of each file
 *   (split on \r?\n) to one key; a missing files dir is one error at the list; unreadable files error per index.
 * - `contents_local` (1.1.0 only, units and drop-ins): read when non-empty; empty files give empty contents.
 * - Trees (processTrees/walkTree): os.Stat of the root (so a symlinked root is accepted as a directory), then
 *   filepath.Walk, which lstat's the root and so makes a single link when the root is a symlink; entries in lexical
 *   order; mode 0755 if any execute bit; declared files/links without contents/target are filled in; anything else at
 *   the path is `NODE_EXISTS` at the tree.
 * - Mount units (addMountUnits): rendered by template, merged as a parent config under the user's config, so a user
 *   unit of the same name overrides field by field and the generated units come first.
 * - Files-dir reads (base/util/file.go ReadLocalFile): no files dir is an error; a path that leaves the directory
 *   (after Join and Abs) is an error; otherwise os.ReadFile's error text.
 * - The flatcar variant (config/flatcar/v1_0, v1_1 translate.go) forbids only `storage.luks.clevis`.
 * - Translation sets (translate/translate.go, newest): a primitive always gets a translation, a nil pointer or slice
 *   none, a non-nil slice one (after its items), a struct one when non-zero or, for custom-translated types, when the
 *   custom translator recorded any; later entries for the same output path win.
 * - Mount-unit merge (base/util/merge.go MergeTranslatedConfigs over Ignition's MergeStructTranscribe): leaves and
 *   wholly-inherited subtrees are transcribed, a child's mapping beats a parent's. That merged structs, lists and
 *   list items are transcribed from both sides is inferred from coreos/ignition#1173 and from Butane's coverage
 *   assertions in TestTranslateMountUnit, not read in the stored merge.go (which predates that change).
 * - Inline merge/replace configs (base/v0_x util.go ValidateIgnitionConfig): decoded into the output version's types
 *   (syntax and type errors, then `config is not valid` at `inline`), then an unknown-but-valid version warns and
 *   skips, else Ignition's validation; `local` merge configs are never validated (translateResource's path check
 *   compares a relative path and so never matches).
 * - encoding/json escaping: `<`, `>`, `&`, U+2028, U+2029 escaped; invalid UTF-8 from local files as `\ufffd`; a
 *   real U+FFFD stays raw; clarketm/json drops empty structs but keeps set pointers (`overwrite: false`, `mode: 0`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IGNITION_SPECS } from '../ignition/ignition-version.js';
import { type ConfigPath, formatPath, type Report } from '../report.js';
import { decodeYaml } from '../schema/decode-yaml.js';
import { marshalGo } from '../schema/marshal-go.js';
import type { GoType } from '../schema/model.js';
import { type MemoryNode, memoryFilesDir } from './files-dir.js';
import { formatReportRaw } from './format-report.js';
import { camel, snake } from './ignition-shape.js';
import { supportedVersions } from './spec.js';
import { mapToSource, translateButane, translateButaneUnvalidated } from './translate-butane.js';
import { TranslationSet } from './translation-set.js';
import { validateButane } from './validate.js';

type FileSpec =
  | string
  | { base64: string }
  | { symlink: string }
  | { dir: true }
  | { executable: string }
  | { other: true };

interface Case {
  /** The Go test (file, function and case) this case ports. */
  readonly go: string;
  /** Butane versions to run under (default both). */
  readonly versions?: readonly ('1.0.0' | '1.1.0')[];
  /** The files directory, keyed by slash path; absent means no `--files-dir`. */
  readonly files?: Readonly<Record<string, FileSpec>>;
  /**
   * `validate`: Butane's source rules only (vcontext's Validate over the Butane structs); `unvalidated`: Butane's
   * ToIgn3_xUnvalidated (translation only); `full`: the whole of `butane` (default).
   */
  readonly stage?: 'validate' | 'unvalidated' | 'full';
  /** The config below `variant` and `version`. */
  readonly yaml: string;
  /** The expected Ignition config; `ignition.version` is filled in. */
  readonly output?: Record<string, unknown>;
  /** The exact stdout (compact), with `$VERSION` for the Ignition version. */
  readonly json?: string;
  /** Reports in vcontext's raw form; `%FilesDir%` is the files directory. */
  readonly reports?: readonly string[];
  /** The error line Butane's CLI prints, when it fails. */
  readonly error?: string;
  /** Non-identity translations that must exist (`$.from -> $.to`), as Butane's VerifyTranslations checks. */
  readonly translations?: readonly string[];
  /** Under this output path, every other translation must be the identity. */
  readonly identityUnder?: string;
  /** Check that every non-zero output path has a translation (Butane's DebugVerifyCoverage); default true. */
  readonly coverage?: boolean;
}

const fixtures = fileURLToPath(new URL('../../test/fixtures/butane/cases/', import.meta.url));
const ignitionVersionOf = { '1.0.0': '3.3.0', '1.1.0': '3.4.0' } as const;

function filesDirOf(files: Case['files']) {
  if (files === undefined) return undefined;
  const nodes: Record<string, MemoryNode> = {};
  for (const [key, spec] of Object.entries(files)) {
    if (typeof spec === 'string') nodes[key] = spec;
    else if ('base64' in spec) nodes[key] = Uint8Array.from(Buffer.from(spec.base64, 'base64'));
    else if ('executable' in spec) nodes[key] = { contents: spec.executable, executable: true };
    else nodes[key] = spec;
  }
  return memoryFilesDir(nodes, { path: '%FilesDir%' });
}

const raw = (r: Report, positioned: boolean) =>
  formatReportRaw(positioned ? r : { severity: r.severity, code: r.code, message: r.message, path: r.path });

/** Butane's getAllPaths(v, "json", false): every path to a non-zero value. */
function nonZeroPaths(type: GoType, value: unknown, prefix: ConfigPath, out: string[]): void {
  switch (type.kind) {
    case 'pointer':
      if (value !== undefined && value !== null) nonZeroPaths(type.elem, value, prefix, out);
      return;
    case 'slice':
      (Array.isArray(value) ? value : []).forEach((item, i) => {
        nonZeroPaths(type.elem, item, [...prefix, i], out);
        out.push(formatPath([...prefix, i]));
      });
      return;
    case 'struct': {
      const record = (value ?? {}) as Record<string, unknown>;
      for (const f of type.fields) {
        const v = record[f.key];
        if (isZero(f.type, v)) continue;
        nonZeroPaths(f.type, v, [...prefix, f.key], out);
        out.push(formatPath([...prefix, f.key]));
      }
      return;
    }
    default:
      return;
  }
}

function isZero(type: GoType, value: unknown): boolean {
  switch (type.kind) {
    case 'pointer':
      return value === undefined || value === null;
    case 'slice':
      return !Array.isArray(value) || value.length === 0;
    case 'struct':
      return type.fields.every((f) => isZero(f.type, (value as Record<string, unknown> | undefined)?.[f.key]));
    default:
      return value === '' || value === 0 || value === false || value === undefined;
  }
}

function withVersion(output: Record<string, unknown>, version: string): Record<string, unknown> {
  const ignition = (output.ignition ?? {}) as Record<string, unknown>;
  return { ...output, ignition: { ...ignition, version } };
}

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
  const cases = parse(readFileSync(`${fixtures}${file}`, 'utf8')) as Case[];
  describe(`Butane test cases: ${file}`, () => {
    for (const c of cases) {
      for (const version of c.versions ?? (['1.0.0', '1.1.0'] as const)) {
        const ignitionVersion = ignitionVersionOf[version];
        const source = `variant: flatcar\nversion: ${version}\n${c.yaml ?? ''}`;
        const filesDir = filesDirOf(c.files);
        const spec = IGNITION_SPECS[ignitionVersion];
        it(`${c.go} (${version})`, () => {
          if (c.stage === 'validate') {
            const spec = supportedVersions.find((v) => v.version === version)!.spec;
            const decoded = decodeYaml(source, spec);
            expect(decoded.reports).toEqual([]);
            const reports = validateButane(spec, decoded.value);
            expect(reports.map((r) => raw(r, false))).toEqual(c.reports ?? []);
            return;
          }
          if (c.stage === 'unvalidated') {
            const result = translateButaneUnvalidated(source, filesDir === undefined ? {} : { filesDir });
            expect(result).toBeDefined();
            const { config, translations, reports } = result!;
            expect(reports.map((r) => raw(r, false))).toEqual(c.reports ?? []);
            if (c.output !== undefined) {
              expect(config).toBeDefined();
              const actual = JSON.parse(marshalGo(config, spec, { pretty: false })) as unknown;
              expect(actual).toEqual(withVersion(c.output, ignitionVersion));
              if (c.coverage !== false) {
                const paths: string[] = [];
                nonZeroPaths(spec, config, [], paths);
                expect(paths.filter((p) => !translations.entries.has(p))).toEqual([]);
              }
            }
            for (const t of c.translations ?? []) {
              const [from, to] = t.split(' -> ') as [string, string];
              expect(translations.entries.has(to), `translation to ${to}`).toBe(true);
              expect(formatPath(translations.entries.get(to)!.from), `source of ${to}`).toBe(from);
            }
            if (c.identityUnder !== undefined) {
              const listed = new Set((c.translations ?? []).map((t) => t.split(' -> ')[1]));
              const prefix = c.identityUnder;
              const odd = [...translations.entries.values()]
                .map((t) => [formatPath(t.from), formatPath(t.to)] as const)
                .filter(([, to]) => (to === prefix || to.startsWith(`${prefix}.`)) && !listed.has(to))
                .filter(([from, to]) => from !== to);
              expect(odd).toEqual([]);
            }
            return;
          }
          const result = translateButane(source, filesDir === undefined ? {} : { filesDir });
          expect(result.reports.map((r) => raw(r, true))).toEqual(c.reports ?? []);
          expect(result.error).toBe(c.error);
          if (c.json !== undefined) expect(result.json).toBe(`${c.json.replaceAll('$VERSION', ignitionVersion)}\n`);
          if (c.output !== undefined) {
            expect(JSON.parse(result.json ?? 'null')).toEqual(withVersion(c.output, ignitionVersion));
          }
        });
      }
    }
  });
}

describe('config/util/util_test.go and config/common/common_test.go', () => {
  it('TestSnake: camelCase to snake_case, and Camel back (MiB kept whole)', () => {
    for (const [input, output] of [
      ['', ''],
      ['foo', 'foo'],
      ['snakeCase', 'snake_case'],
      ['longSnakeCase', 'long_snake_case'],
      ['snake_already', 'snake_already'],
      ['sizeMiB', 'size_mib'],
    ] as const) {
      expect(snake(input)).toBe(output);
    }
    expect(camel('size_mib')).toBe('sizeMiB');
    expect(camel('wipe_partition_entry')).toBe('wipePartitionEntry');
  });

  it('TestTranslateReportPaths: a generated-config path goes back through the translation set', () => {
    const ts = new TranslationSet();
    ts.add(['a', 'b', 'c'], ['d', 'e', 'f']);
    const report: Report = { severity: 'error', code: 'DECIMAL_MODE', message: 'm', path: ['d', 'e', 'f'] };
    expect(mapToSource([report], ts)).toEqual([{ ...report, path: ['a', 'b', 'c'] }]);
    expect(report.path).toEqual(['d', 'e', 'f']);
    // Without a translation, Butane falls back to the snake_case spelling of the path.
    expect(mapToSource([{ ...report, path: ['storage', 'files', 0, 'sizeMiB'] }], ts)[0]!.path).toEqual([
      'storage',
      'files',
      0,
      'size_mib',
    ]);
  });
});
