import { decodeYaml, yamlErrorText } from '../../../src/schema/decode-yaml.js';
import { goStringFromBytes, goStringToBytes } from '../../../src/schema/go-text.js';
import { marshalGo } from '../../../src/schema/marshal-go.js';
import type { GoStruct, GoType } from '../../../src/schema/model.js';
import type { YamlCase, YamlOutcome } from './reference.js';

/** The type with `omitempty` off everywhere, so the encoder shows every field (as the Go reference prints). */
export function showAll(type: GoType): GoType {
  switch (type.kind) {
    case 'pointer':
    case 'slice':
      return { ...type, elem: showAll(type.elem) };
    case 'struct':
      return { ...type, fields: type.fields.map((f) => ({ ...f, type: showAll(f.type), omitempty: false })) };
    default:
      return type;
  }
}

const shown = new WeakMap<GoType, GoType>();

/** What our decoder makes of a case, in the reference's shape. */
export function ourOutcome(c: YamlCase): YamlOutcome {
  const d = decodeYaml(c.doc, c.type as GoStruct);
  // The reference prints Go's error through encoding/json, which writes each invalid byte as U+FFFD.
  const text = yamlErrorText(d.reports);
  const error =
    text === undefined ? undefined : goStringFromBytes(goStringToBytes(text)).replace(/[\udc80-\udcff]/g, '\ufffd');
  if (d.value === undefined) {
    return { error: error ?? '(no error text)', value: null, reports: null, positions: null };
  }
  let all = shown.get(c.type);
  if (!all) {
    all = showAll(c.type);
    shown.set(c.type, all);
  }
  return {
    error: null,
    value: JSON.parse(marshalGo(d.value, all, { pretty: false })),
    reports: d.reports.map((r) => ({
      kind: r.severity,
      message: r.message,
      path: [...r.path],
      line: r.line ?? 0,
      column: r.column ?? 0,
    })),
    positions: (c.paths ?? []).map((p) => d.positions.position(p) ?? { line: 0, column: 0 }),
  };
}

/** The reference's outcome with reports in a stable order (Go walks map keys in random order). */
export function normalized(o: YamlOutcome): YamlOutcome {
  const key = (r: { path: unknown[]; message: string }): string => JSON.stringify([r.path, r.message]);
  return {
    ...o,
    reports: o.reports ? [...o.reports].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) : null,
    positions: o.positions && o.positions.length > 0 ? o.positions : null,
  };
}
