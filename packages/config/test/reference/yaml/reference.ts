import { fileURLToPath } from 'node:url';
import { buildGoReference, runGoReference } from '../../../../../test/helpers/go-reference.js';
import type { GoType } from '../../../src/schema/model.js';

/** One document for the Go reference: decoded into `type`, with positions asked for `paths`. */
export interface YamlCase {
  readonly type: GoType;
  /** The document; a Uint8Array for bytes that are not UTF-8. */
  readonly doc: string | Uint8Array;
  readonly paths?: readonly (readonly (string | number)[])[];
  /** `decode` (Butane's `yaml.NewDecoder(r).Decode`, the default) or `unmarshal` (`yaml.Unmarshal`). */
  readonly mode?: 'decode' | 'unmarshal';
}

/** What yaml.v3, vcontext and an unused-key check as Ignition's made of a document. */
export interface YamlOutcome {
  readonly error: string | null;
  readonly value: unknown;
  readonly reports: { kind: string; message: string; path: (string | number)[]; line: number; column: number }[] | null;
  readonly positions: { line: number; column: number }[] | null;
}

const source = fileURLToPath(new URL('./main.go', import.meta.url));

/** Runs the cases through the Go reference in one process. */
export async function yamlReference(cases: readonly YamlCase[]): Promise<YamlOutcome[]> {
  const binary = await buildGoReference(source);
  const input = cases.map((c) =>
    typeof c.doc === 'string' ? c : { ...c, doc: '', raw: Buffer.from(c.doc).toString('base64') },
  );
  const out = await runGoReference(binary, [], JSON.stringify(input));
  return JSON.parse(out.toString('utf8')) as YamlOutcome[];
}
