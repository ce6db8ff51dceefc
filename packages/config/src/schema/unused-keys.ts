import { formatPath, type Report } from '../report.js';
import { fieldsHoldingStructs } from './go-value.js';
import type { GoStruct, GoType } from './model.js';
import type { SourceMap, SourceNode } from './source-map.js';

/**
 * Ignition's `ValidateUnusedKeys` as Butane and Ignition run it over a decoded config: every struct whose source is
 * a mapping gets a warning for each key that is not one of its fields. The walk follows the decoded value (struct
 * fields in order, slice elements, non-nil pointers); where the source has no node for a struct there is nothing to
 * report, and where it has something other than a mapping Ignition warns that the trees differ.
 */
export function unusedKeyReports(type: GoType, value: unknown, positions: SourceMap): Report[] {
  const reports: Report[] = [];
  // The source node at each path is followed down with the walk rather than looked up from the root each time.
  const walk = (t: GoType, v: unknown, path: (string | number)[], node: SourceNode | undefined): void => {
    switch (t.kind) {
      case 'pointer':
        if (v !== undefined && v !== null) walk(t.elem, v, path, node);
        return;
      case 'slice':
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) walk(t.elem, v[i], [...path, i], childNode(node, i));
        }
        return;
      case 'struct': {
        checkStruct(t, path, node);
        const record = v as Record<string, unknown>;
        // Fields of strings, numbers or lists of them hold no struct to check.
        for (const f of fieldsHoldingStructs(t)) {
          const fv = record[f.key];
          if (fv === undefined || fv === null || (Array.isArray(fv) && fv.length === 0)) continue;
          walk(f.type, fv, [...path, f.key], childNode(node, f.key));
        }
        return;
      }
      default:
        return;
    }
  };
  const checkStruct = (t: GoStruct, path: (string | number)[], node: SourceNode | undefined): void => {
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
  walk(type, value, [], positions.node([]));
  return reports;
}

/** The node at one more step of a path, as `SourceMap.node` finds it. */
function childNode(node: SourceNode | undefined, part: string | number): SourceNode | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'map') return typeof part === 'string' ? node.keys.get(part)?.node : undefined;
  if (node.kind === 'slice') return typeof part === 'number' ? node.items[part] : undefined;
  return undefined;
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
