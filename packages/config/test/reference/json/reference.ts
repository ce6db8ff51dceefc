import { fileURLToPath } from 'node:url';
import { buildGoReference, runGoReference } from '../../../../../test/helpers/go-reference.js';
import { goStringToBytes } from '../../../src/schema/go-text.js';
import { isNilSlice } from '../../../src/schema/go-value.js';
import type { GoType } from '../../../src/schema/model.js';

/** A JSON document for the Go reference to decode into `type` (positions asked for `paths`). */
export interface JsonDecodeCase {
  readonly mode: 'decode';
  readonly type: GoType;
  readonly doc: string;
  readonly paths?: readonly (readonly (string | number)[])[];
}

/** A Go value for the Go reference to encode with encoding/json. */
export interface JsonEncodeCase {
  readonly mode: 'encode';
  readonly type: GoType;
  readonly value: unknown;
  readonly pretty: boolean;
}

export interface JsonOutcome {
  readonly error: string | null;
  readonly offset: number;
  readonly value: unknown;
  readonly reports: { kind: string; message: string; path: (string | number)[]; line: number; column: number }[] | null;
  readonly positions: { line: number; column: number }[] | null;
  /** The encoded bytes, base64. */
  readonly output: string;
}

const source = fileURLToPath(new URL('./main.go', import.meta.url));

// The reference reads strings as base64 so that any Go string (invalid UTF-8 included) can be sent.
function transport(value: unknown, type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return Buffer.from(goStringToBytes(value as string)).toString('base64');
    case 'int':
    case 'bool':
      return value;
    case 'pointer':
      return value === undefined || value === null ? null : transport(value, type.elem);
    case 'slice': {
      const a = value as unknown[];
      return isNilSlice(a) ? null : a.map((v) => transport(v, type.elem));
    }
    case 'struct': {
      const o = value as Record<string, unknown>;
      return Object.fromEntries(type.fields.map((f) => [f.key, transport(o[f.key], f.type)]));
    }
  }
}

/** Runs the cases through the Go reference in one process. */
export async function jsonReference(cases: readonly (JsonDecodeCase | JsonEncodeCase)[]): Promise<JsonOutcome[]> {
  const binary = await buildGoReference(source);
  const input = cases.map((c) => (c.mode === 'encode' ? { ...c, value: transport(c.value, c.type) } : c));
  const out = await runGoReference(binary, [], JSON.stringify(input));
  return JSON.parse(out.toString('utf8')) as JsonOutcome[];
}
