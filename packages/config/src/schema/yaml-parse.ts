import { isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from 'yaml';
import {
  DoubleQuotedStyle,
  FlowStyle,
  FoldedStyle,
  LiteralStyle,
  mapTag,
  mergeTag,
  SingleQuotedStyle,
  seqTag,
  shortTag,
  strTag,
  TaggedStyle,
  type YamlNode,
} from './yaml-node.js';
import { resolve } from './yaml-resolve.js';

/** The first document of a YAML stream as yaml.v3's parser builds it, or the parser's error. */
export interface ParsedYaml {
  /** The document node; undefined for a stream with no document (yaml.v3's decoder then says `EOF`). */
  readonly document: YamlNode | undefined;
  /** yaml.v3's error text (`yaml: line 3: ...`) when the first document does not parse. */
  readonly error?: { readonly message: string; readonly line?: number };
}

/** Parses the first document of a YAML stream into yaml.v3's node tree. */
export function parseYaml(text: string): ParsedYaml {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false });
  const first = docs[0];
  if (first === undefined) return { document: undefined };
  const lines = lineStarts(text);
  const where = (offset: number): [number, number] => position(text, lines, offset);
  if (first.errors.length > 0) {
    const err = first.errors[0]!;
    const [line] = where(err.pos[0]);
    return { document: undefined, error: { message: `yaml: line ${line}: ${err.message}`, line } };
  }
  const anchors = new Map<string, YamlNode>();
  const convert = (node: Node | null | undefined, fallback: number): YamlNode => {
    const start = node?.range?.[0] ?? fallback;
    const [line, column] = where(start);
    if (node === null || node === undefined) {
      return mk({ kind: 'scalar', tag: resolve('', '')[0], value: '', style: 0, line, column });
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) throw new Error(`yaml: unknown anchor '${node.source}' referenced`);
      return mk({ kind: 'alias', tag: '', value: node.source, style: 0, line, column, alias: target });
    }
    const explicit = node.tag !== undefined && node.tag !== '!' ? shortTag(node.tag) : '';
    let result: YamlNode;
    if (isScalar(node)) {
      let style = 0;
      if (node.type === Scalar.QUOTE_DOUBLE) style = DoubleQuotedStyle;
      else if (node.type === Scalar.QUOTE_SINGLE) style = SingleQuotedStyle;
      else if (node.type === Scalar.BLOCK_LITERAL) style = LiteralStyle;
      else if (node.type === Scalar.BLOCK_FOLDED) style = FoldedStyle;
      const value = node.value === null || node.value === undefined ? '' : String(node.value);
      let tag: string;
      if (explicit !== '') {
        tag = explicit;
        style |= TaggedStyle;
      } else if (style !== 0) tag = strTag;
      else if (value === '<<') tag = mergeTag;
      else tag = resolve('', value)[0];
      result = mk({ kind: 'scalar', tag, value, style, line, column, anchor: node.anchor });
    } else if (isMap(node)) {
      const n = mk({
        kind: 'mapping',
        tag: explicit || mapTag,
        value: '',
        style: (explicit ? TaggedStyle : 0) | (node.flow ? FlowStyle : 0),
        line,
        column,
        anchor: node.anchor,
      });
      if (node.anchor) anchors.set(node.anchor, n);
      for (const pair of node.items) {
        const k = convert(pair.key as Node | null, start);
        const v = convert(pair.value as Node | null, (pair.key as Node | null)?.range?.[2] ?? start);
        n.content.push(k, v);
      }
      return n;
    } else if (isSeq(node)) {
      const n = mk({
        kind: 'sequence',
        tag: explicit || seqTag,
        value: '',
        style: (explicit ? TaggedStyle : 0) | (node.flow ? FlowStyle : 0),
        line,
        column,
        anchor: node.anchor,
      });
      if (node.anchor) anchors.set(node.anchor, n);
      for (const item of node.items) n.content.push(convert(item as Node | null, start));
      return n;
    } else {
      throw new Error('yaml: unexpected node');
    }
    if (result.anchor) anchors.set(result.anchor, result);
    return result;
  };
  try {
    const content = convert(first.contents as Node | null, 0);
    const doc = mk({ kind: 'document', tag: '', value: '', style: 0, line: content.line, column: content.column });
    doc.content.push(content);
    return { document: doc };
  } catch (e) {
    return { document: undefined, error: { message: (e as Error).message } };
  }
}

function mk(n: {
  kind: YamlNode['kind'];
  tag: string;
  value: string;
  style: number;
  line: number;
  column: number;
  anchor?: string | undefined;
  alias?: YamlNode;
}): YamlNode & { content: YamlNode[] } {
  return { ...n, anchor: n.anchor ?? '', content: [], alias: n.alias };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(text: string, starts: number[], offset: number): [number, number] {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const lineStart = starts[lo]!;
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) column++;
  }
  return [lo + 1, column];
}
