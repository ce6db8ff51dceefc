import type { ConfigPath } from '../report.js';
import type { YamlNode } from './yaml-node.js';

/** A 1-based place in a source text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where things are in the source, answered the way coreos/vcontext's tree answers Butane and Ignition when they
 * attach a line and column to a report: the node at the path, else its deepest ancestor that the source has.
 */
export interface SourceMap {
  /** Position of the value at `path` (or of its deepest ancestor present in the source). */
  position(path: ConfigPath): Position | undefined;
  /** Position of the key naming the last element of `path` (for reports about the key itself, like unused keys). */
  keyPosition(path: ConfigPath): Position | undefined;
  /** The node at exactly `path`, as vcontext's tree has it; undefined when the source has nothing there. */
  node(path: ConfigPath): SourceNode | undefined;
}

/** One node of the source tree: a mapping, a sequence, or anything else (a leaf). */
export type SourceNode =
  | {
      readonly kind: 'map';
      readonly at: Position | undefined;
      /** Keys in source order; a repeated key keeps its last value and position, as vcontext's Go maps do. */
      readonly keys: ReadonlyMap<string, { readonly at: Position | undefined; readonly node: SourceNode }>;
    }
  | { readonly kind: 'slice'; readonly at: Position | undefined; readonly items: readonly SourceNode[] }
  | { readonly kind: 'leaf'; readonly at: Position | undefined };

/**
 * A source map over a tree; `root` undefined for an empty source. A function instead of a tree is called for it on
 * the first question, so a decode whose positions nobody asks for never builds the tree.
 */
export function sourceMapOf(tree: SourceNode | undefined | (() => SourceNode | undefined)): SourceMap {
  let built = typeof tree !== 'function';
  let root = typeof tree === 'function' ? undefined : tree;
  const rootNode = (): SourceNode | undefined => {
    if (!built) {
      root = (tree as () => SourceNode | undefined)();
      built = true;
    }
    return root;
  };
  const deepest = (path: ConfigPath): SourceNode | undefined => {
    const root = rootNode();
    if (root === undefined) return undefined;
    let node: SourceNode = root;
    for (const part of path) {
      const next = child(node, part);
      if (next === undefined) return node;
      node = next;
    }
    return node;
  };
  return {
    position: (path) => deepest(path)?.at,
    keyPosition: (path) => {
      if (path.length === 0) return rootNode()?.at;
      const parentPath = path.slice(0, -1);
      const parent = exact(rootNode(), parentPath);
      const last = path[path.length - 1]!;
      if (parent?.kind === 'map' && typeof last === 'string') {
        const entry = parent.keys.get(last);
        if (entry) return entry.at;
      }
      // vcontext pops the key and reports the deepest node of the rest.
      return deepest(parentPath)?.at;
    },
    node: (path) => exact(rootNode(), path),
  };
}

function child(node: SourceNode, part: string | number): SourceNode | undefined {
  if (node.kind === 'map') return typeof part === 'string' ? node.keys.get(part)?.node : undefined;
  if (node.kind === 'slice') return typeof part === 'number' ? node.items[part] : undefined;
  return undefined;
}

function exact(root: SourceNode | undefined, path: ConfigPath): SourceNode | undefined {
  let node = root;
  for (const part of path) {
    if (node === undefined) return undefined;
    node = child(node, part);
  }
  return node;
}

/** vcontext's `yaml.UnmarshalToContext`: aliases and merge keys stay as they are written (not expanded). */
export function yamlSourceTree(document: YamlNode | undefined): SourceNode | undefined {
  if (document === undefined) return undefined;
  const top = document.kind === 'document' ? document.content[0] : document;
  if (top === undefined) return undefined;
  // Built with an explicit stack: documents nest up to yaml.v3's limit of 10000 levels.
  const build = (n: YamlNode): SourceNode => {
    const at = { line: n.line, column: n.column };
    if (n.kind === 'mapping') return { kind: 'map', at, keys: new Map() };
    if (n.kind === 'sequence') return { kind: 'slice', at, items: [] };
    return { kind: 'leaf', at };
  };
  const rootNode = build(top);
  const stack: [YamlNode, SourceNode][] = [[top, rootNode]];
  while (stack.length > 0) {
    const [n, s] = stack.pop()!;
    if (s.kind === 'map') {
      const keys = s.keys as Map<string, { at: Position | undefined; node: SourceNode }>;
      for (let i = 0; i + 1 < n.content.length; i += 2) {
        const k = n.content[i]!;
        const v = n.content[i + 1]!;
        const node = build(v);
        // A Go map assignment keeps the first insertion's place in our Map but the last value, like vcontext.
        keys.set(k.value, { at: { line: k.line, column: k.column }, node });
        stack.push([v, node]);
      }
    } else if (s.kind === 'slice') {
      const items = s.items as SourceNode[];
      for (const c of n.content) {
        const node = build(c);
        items.push(node);
        stack.push([c, node]);
      }
    }
  }
  return rootNode;
}
