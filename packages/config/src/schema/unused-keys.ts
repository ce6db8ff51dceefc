import { formatPath, type Report } from '../report.js';
import type { GoStruct, GoType } from './model.js';
import type { SourceMap } from './source-map.js';

/**
 * Ignition's `ValidateUnusedKeys` as Butane and Ignition run it over a decoded config: every struct whose source is
 * a mapping gets a warning for each key that is not one of its fields. The walk follows the decoded value (struct
 * fields in order, slice elements, non-nil pointers); where the source has no node for a struct there is nothing to
 * report, and where it has something other than a mapping Ignition warns that the trees differ.
 */
export function unusedKeyReports(type: GoType, value: unknown, positions: SourceMap): Report[] {
  const reports: Report[] = [];
  const walk = (t: GoType, v: unknown, path: (string | number)[]): void => {
    switch (t.kind) {
      case 'pointer':
        if (v !== undefined && v !== null) walk(t.elem, v, path);
        return;
      case 'slice':
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) walk(t.elem, v[i], [...path, i]);
        }
        return;
      case 'struct':
        checkStruct(t, path);
        for (const f of t.fields) walk(f.type, (v as Record<string, unknown>)[f.key], [...path, f.key]);
        return;
      default:
        return;
    }
  };
  const checkStruct = (t: GoStruct, path: (string | number)[]): void => {
    const node = positions.node(path);
    if (node === undefined) return;
    if (node.kind !== 'map') {
      const at = positions.position(path);
      reports.push({
        severity: 'warning',
        code: 'SOURCE_TREE_MISMATCH',
        message: `context tree does not match content tree at ${formatPath(path)}. Line and column reporting may be inconsistent. Unused keys may not be reported.`,
        path,
        ...(at ? { line: at.line, column: at.column } : {}),
      });
      return;
    }
    const known = fieldKeys(t);
    for (const [key, entry] of node.keys) {
      if (known.has(key)) continue;
      reports.push({
        severity: 'warning',
        code: 'UNUSED_KEY',
        message: `Unused key ${key}`,
        path: [...path, key],
        ...(entry.at ? { line: entry.at.line, column: entry.at.column } : {}),
      });
    }
  };
  walk(type, value, []);
  return reports;
}

const keyCache = new WeakMap<GoStruct, Set<string>>();

function fieldKeys(t: GoStruct): Set<string> {
  let keys = keyCache.get(t);
  if (!keys) {
    keys = new Set(t.fields.map((f) => f.key));
    keyCache.set(t, keys);
  }
  return keys;
}
