import type { ConfigPath } from '../report.js';
import { fieldsHoldingStructs } from '../schema/go-value.js';
import type { GoType } from '../schema/model.js';

/**
 * Visits every struct in a decoded value in Go's field order, parents before children, as vcontext's validator walks
 * Go values; Butane's reports come out in this order.
 */
export function walkStructs(
  type: GoType,
  value: unknown,
  path: ConfigPath,
  visit: (structName: string, value: Record<string, unknown>, path: ConfigPath) => void,
): void {
  switch (type.kind) {
    case 'pointer':
      if (value !== undefined && value !== null) walkStructs(type.elem, value, path, visit);
      return;
    case 'slice':
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walkStructs(type.elem, item, [...path, i], visit);
        });
      }
      return;
    case 'struct': {
      if (value === null || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      visit(type.name, record, path);
      for (const f of fieldsHoldingStructs(type)) {
        const v = record[f.key];
        // Nothing to visit in a nil pointer or an empty list; only then is the path worth making.
        if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
        walkStructs(f.type, v, [...path, f.key], visit);
      }
      return;
    }
    default:
      return;
  }
}
