import { decodeJson } from '../../../src/schema/decode-json.js';
import { goStringToBytes } from '../../../src/schema/go-text.js';
import { marshalGo } from '../../../src/schema/marshal-go.js';
import type { GoStruct } from '../../../src/schema/model.js';
import { showAll } from '../yaml/compare.js';
import type { JsonDecodeCase, JsonOutcome } from './reference.js';

export interface Comparable {
  readonly error: string | null;
  readonly at: { line: number; column: number } | null;
  readonly value: unknown;
  readonly reports: JsonOutcome['reports'];
  readonly positions: JsonOutcome['positions'];
}

/** Line and byte column of a byte offset, counted as vcontext does (null past the end). */
function offsetPosition(doc: string, offset: number): { line: number; column: number } | null {
  const bytes = goStringToBytes(doc);
  let line = 1;
  let column = 1;
  for (let i = 0; i < bytes.length; i++) {
    if (i === offset) return { line, column };
    column++;
    if (bytes[i] === 0x0a) {
      line++;
      column = 1;
    }
  }
  return null;
}

const sortReports = (r: JsonOutcome['reports']): JsonOutcome['reports'] => {
  if (!r) return r;
  const key = (x: { path: unknown[]; message: string }): string => JSON.stringify([x.path, x.message]);
  return [...r].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};

/** The reference's outcome in a comparable shape. */
export function theirOutcome(c: JsonDecodeCase, o: JsonOutcome): Comparable {
  if (o.error !== null)
    return { error: o.error, at: offsetPosition(c.doc, o.offset), value: null, reports: null, positions: null };
  return { error: null, at: null, value: o.value, reports: sortReports(o.reports), positions: o.positions ?? [] };
}

// The reference's struct types are built at run time and have no name for encoding/json to quote.
const anonymous = (message: string): string => message.replace(/Go struct field [A-Za-z0-9_]*\./, 'Go struct field .');

/** What `decodeJson` makes of a case, in the same shape. */
export function ourOutcome(c: JsonDecodeCase): Comparable {
  const d = decodeJson(c.doc, c.type as GoStruct);
  if (d.value === undefined) {
    const r = d.reports[0]!;
    return {
      error: anonymous(r.message),
      at: r.line !== undefined ? { line: r.line, column: r.column ?? 0 } : null,
      value: null,
      reports: null,
      positions: null,
    };
  }
  return {
    error: null,
    at: null,
    value: JSON.parse(marshalGo(d.value, showAll(c.type), { pretty: false })),
    reports: sortReports(
      d.reports.map((r) => ({
        kind: r.severity,
        message: r.message,
        path: [...r.path],
        line: r.line ?? 0,
        column: r.column ?? 0,
      })),
    ),
    positions: (c.paths ?? []).map((p) => d.positions.position(p) ?? { line: 0, column: 0 }),
  };
}
