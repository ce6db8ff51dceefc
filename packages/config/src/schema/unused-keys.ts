import { formatPath, type Report } from '../report.js';
import { fieldsHoldingStructs } from './go-value.js';
import type { GoStruct, GoType } from './model.js';
import type { Position, SourceMap, SourceNode } from './source-map.js';
import type { YamlNode } from './yaml-node.js';

/**
 * Ignition's `ValidateUnusedKeys` as Butane and Ignition run it over a decoded config: every struct whose source is
 * a mapping gets a warning for each key that is not one of its fields. The walk follows the decoded value (struct
 * fields in order, slice elements, non-nil pointers); where the source has no node for a struct there is nothing to
 * report, and where it has something other than a mapping Ignition warns that the trees differ.
 */
export function unusedKeyReports(type: GoType, value: unknown, positions: SourceMap): Report[] {
  return unusedKeys(sourceTreeView, { type, value, positions, root: positions.node([]) });
}

/**
 * `unusedKeyReports` over a YAML document as it was parsed, read the way `yamlSourceTree` would present it (so the
 * tree need not be built when nothing is wrong): mappings are maps, sequences lists, anything else (aliases too) a
 * leaf; of keys with the same text, a lookup finds the last, and a report names the key once, in the place of the
 * first, at the position of the last, as vcontext's Go maps have it.
 */
export function unusedYamlKeyReports(
  type: GoType,
  options: { readonly value: unknown; readonly document: YamlNode | undefined; readonly positions: SourceMap },
): Report[] {
  const { document } = options;
  const root = document?.kind === 'document' ? document.content[0] : document;
  return unusedKeys(yamlView, { type, value: options.value, positions: options.positions, root });
}

/** What the walk needs of a source tree. */
interface TreeView<N> {
  kind(node: N): 'map' | 'slice' | 'leaf';
  child(node: N, part: string | number): N | undefined;
  /** The keys of a map once each, in source order, with the position each is reported at. */
  keys(node: N, visit: (key: string, at: Position | undefined) => void): void;
}

const sourceTreeView: TreeView<SourceNode> = {
  kind: (node) => node.kind,
  child(node, part) {
    if (node.kind === 'map') return typeof part === 'string' ? node.keys.get(part)?.node : undefined;
    if (node.kind === 'slice') return typeof part === 'number' ? node.items[part] : undefined;
    return undefined;
  },
  keys(node, visit) {
    if (node.kind !== 'map') return;
    for (const [key, entry] of node.keys) visit(key, entry.at);
  },
};

const yamlView: TreeView<YamlNode> = {
  kind: (node) => (node.kind === 'mapping' ? 'map' : node.kind === 'sequence' ? 'slice' : 'leaf'),
  child(node, part) {
    if (node.kind === 'mapping') {
      if (typeof part !== 'string') return undefined;
      const content = node.content;
      for (let i = content.length - 2; i >= 0; i -= 2) if (content[i]!.value === part) return content[i + 1];
      return undefined;
    }
    if (node.kind === 'sequence') return typeof part === 'number' ? node.content[part] : undefined;
    return undefined;
  },
  keys(node, visit) {
    const content = node.content;
    // A repeated key is named once, at its first place, with its last position. Few keys: compare them pairwise.
    if (content.length <= 32) {
      for (let i = 0; i + 1 < content.length; i += 2) {
        const key = content[i]!.value;
        let seen = false;
        for (let j = 0; j < i && !seen; j += 2) seen = content[j]!.value === key;
        if (seen) continue;
        let at = i;
        for (let j = i + 2; j + 1 < content.length; j += 2) if (content[j]!.value === key) at = j;
        // The key node has the line and column a position would.
        visit(key, content[at]!);
      }
      return;
    }
    const last = new Map<string, number>();
    for (let i = 0; i + 1 < content.length; i += 2) last.set(content[i]!.value, i);
    for (let i = 0; i + 1 < content.length; i += 2) {
      const key = content[i]!.value;
      const at = last.get(key);
      if (at === undefined) continue;
      last.delete(key);
      visit(key, content[at]!);
    }
  },
};

function unusedKeys<N>(
  view: TreeView<N>,
  options: { type: GoType; value: unknown; positions: SourceMap; root: N | undefined },
): Report[] {
  const { positions } = options;
  const reports: Report[] = [];
  const child = (node: N | undefined, part: string | number): N | undefined =>
    node === undefined ? undefined : view.child(node, part);
  // The source node at each path is followed down with the walk rather than looked up from the root each time.
  const walk = (t: GoType, v: unknown, path: (string | number)[], node: N | undefined): void => {
    switch (t.kind) {
      case 'pointer':
        if (v !== undefined && v !== null) walk(t.elem, v, path, node);
        return;
      case 'slice':
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) walk(t.elem, v[i], [...path, i], child(node, i));
        }
        return;
      case 'struct': {
        checkStruct(t, path, node);
        const record = v as Record<string, unknown>;
        // Fields of strings, numbers or lists of them hold no struct to check.
        for (const f of fieldsHoldingStructs(t)) {
          const fv = record[f.key];
          if (fv === undefined || fv === null || (Array.isArray(fv) && fv.length === 0)) continue;
          walk(f.type, fv, [...path, f.key], child(node, f.key));
        }
        return;
      }
      default:
        return;
    }
  };
  const checkStruct = (t: GoStruct, path: (string | number)[], node: N | undefined): void => {
    if (node === undefined) return;
    if (view.kind(node) !== 'map') {
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
    view.keys(node, (key, at) => {
      if (known.has(key)) return;
      reports.push({
        severity: 'warning',
        code: 'UNUSED_KEY',
        message: `Unused key ${key}`,
        path: [...path, key],
        ...(at ? { line: at.line, column: at.column } : {}),
      });
    });
  };
  walk(options.type, options.value, [], options.root);
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
