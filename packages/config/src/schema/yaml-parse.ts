import { goStringToBytes } from './go-text.js';
import { EventParser, type YamlEvent } from './yaml-events.js';
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
  type YamlKind,
  type YamlNode,
} from './yaml-node.js';
import { resolve } from './yaml-resolve.js';
import { Scanner, YamlSyntaxError } from './yaml-scanner.js';

/** The first document of a YAML stream as yaml.v3's parser builds it, or the parser's error. */
export interface ParsedYaml {
  /** The document node; undefined for a stream with no document (yaml.v3's decoder then says `EOF`). */
  readonly document: YamlNode | undefined;
  /** yaml.v3's error text (`yaml: line 3: ...`) and, when known, where the problem is (1-based). */
  readonly error?: { readonly message: string; readonly line?: number; readonly column?: number };
}

/**
 * Parses the first document of a YAML stream into yaml.v3's node tree, as `yaml.NewDecoder(r).Decode` does: later
 * documents are not read, except for the few tokens of lookahead yaml.v3 scans past the end of the first one.
 */
export function parseYaml(input: string | Uint8Array): ParsedYaml {
  const bytes = typeof input === 'string' ? goStringToBytes(input) : input;
  try {
    return { document: compose(new EventParser(new Scanner(bytes))) };
  } catch (e) {
    if (!(e instanceof YamlSyntaxError)) throw e;
    const at = e.problemMark ?? e.contextMark;
    return {
      document: undefined,
      error: {
        message: e.goMessage,
        ...(at ? { line: at.line + 1, column: at.column + 1 } : {}),
      },
    };
  }
}

function fail(problem: string): never {
  throw new YamlSyntaxError('composer', problem, undefined);
}

function expect(events: EventParser, type: YamlEvent['type']): YamlEvent {
  const e = events.next();
  if (e === undefined) fail('attempted to go past the end of stream; corrupted value?');
  if (e.type !== type) fail(`expected ${type} event but got ${e.type}`);
  return e;
}

// yaml.v3's `parser.node`: an explicit tag wins (and marks the node tagged), else the kind's default, else a plain
// scalar's tag is resolved from its text.
function makeNode(kind: YamlKind, defaultTag: string, e: YamlEvent, value: string): YamlNode & { style: number } {
  const explicit = e.tag ?? '';
  let tag: string;
  let style = 0;
  if (explicit !== '' && explicit !== '!') {
    tag = shortTag(explicit);
    style = TaggedStyle;
  } else if (defaultTag !== '') {
    tag = defaultTag;
  } else if (kind === 'scalar') {
    tag = resolve('', value)[0];
  } else {
    tag = explicit;
  }
  return {
    kind,
    tag,
    value,
    style,
    line: e.start.line + 1,
    column: e.start.column + 1,
    content: [],
    anchor: e.anchor ?? '',
    alias: undefined,
  };
}

const scalarStyles = {
  plain: 0,
  double: DoubleQuotedStyle,
  single: SingleQuotedStyle,
  literal: LiteralStyle,
  folded: FoldedStyle,
} as const;

function compose(events: EventParser): YamlNode | undefined {
  expect(events, 'STREAM-START');
  const first = events.next();
  if (first === undefined || first.type === 'STREAM-END') return undefined;
  if (first.type !== 'DOCUMENT-START') fail(`expected DOCUMENT-START event but got ${first.type}`);
  const doc = makeNode('document', '', first, '');
  const anchors = new Map<string, YamlNode>();
  // Built with an explicit stack: yaml.v3 allows 10000 levels of nesting, more than a JS call stack.
  const open: YamlNode[] = [doc];
  while (doc.content.length === 0 || open.length > 1) {
    const e = events.next();
    if (e === undefined) fail('attempted to go past the end of stream; corrupted value?');
    const parent = open[open.length - 1]!;
    switch (e.type) {
      case 'SCALAR': {
        const style = scalarStyles[e.style ?? 'plain'];
        const value = e.value ?? '';
        const n = makeNode('scalar', style === 0 ? (value === '<<' ? mergeTag : '') : strTag, e, value);
        n.style |= style;
        if (n.anchor !== '') anchors.set(n.anchor, n);
        parent.content.push(n);
        break;
      }
      case 'ALIAS': {
        const n = makeNode('alias', '', { ...e, tag: '', anchor: '' }, e.anchor ?? '');
        n.alias = anchors.get(n.value);
        if (n.alias === undefined) fail(`unknown anchor '${n.value}' referenced`);
        parent.content.push(n);
        break;
      }
      case 'SEQUENCE-START':
      case 'MAPPING-START': {
        const mapping = e.type === 'MAPPING-START';
        const n = makeNode(mapping ? 'mapping' : 'sequence', mapping ? mapTag : seqTag, e, '');
        if (e.flow) n.style |= FlowStyle;
        if (n.anchor !== '') anchors.set(n.anchor, n);
        parent.content.push(n);
        open.push(n);
        break;
      }
      case 'SEQUENCE-END':
      case 'MAPPING-END':
        open.pop();
        break;
      default:
        fail(`expected a node event but got ${e.type}`);
    }
  }
  expect(events, 'DOCUMENT-END');
  return doc;
}
