/**
 * A YAML document as gopkg.in/yaml.v3 represents it (its `yaml.Node`): the decoder and the source map work from this
 * tree, so they see exactly the kinds, resolved tags, styles and positions yaml.v3 would.
 */

/** The kind of a node, as yaml.v3's `yaml.Kind`. */
export type YamlKind = 'document' | 'sequence' | 'mapping' | 'scalar' | 'alias';

/** Style bit (as yaml.v3's `yaml.Style`): the node has an explicit tag. */
export const TaggedStyle = 1;
/** Style bit: "double quoted". */
export const DoubleQuotedStyle = 2;
/** Style bit: 'single quoted'. */
export const SingleQuotedStyle = 4;
/** Style bit: a | literal block. */
export const LiteralStyle = 8;
/** Style bit: a > folded block. */
export const FoldedStyle = 16;
/** Style bit: a [flow] or {flow} collection. */
export const FlowStyle = 32;

/** One node of a parsed YAML document. */
export interface YamlNode {
  readonly kind: YamlKind;
  /** Short tag (`!!str`, `!!int`, `!local`): explicit, or resolved from the value as yaml.v3's parser does. */
  readonly tag: string;
  /** Scalar text after unquoting and folding; the anchor name for an alias. */
  readonly value: string;
  style: number;
  /** 1-based line and column (in characters) where the node starts, properties (anchor, tag) included. */
  readonly line: number;
  readonly column: number;
  readonly content: YamlNode[];
  readonly anchor: string;
  /** The anchored node an alias refers to. */
  alias: YamlNode | undefined;
}

/** The short tags yaml.v3 resolves to. */
export const strTag = '!!str';
/** `!!null` */
export const nullTag = '!!null';
/** `!!bool` */
export const boolTag = '!!bool';
/** `!!int` */
export const intTag = '!!int';
/** `!!float` */
export const floatTag = '!!float';
/** `!!timestamp` */
export const timestampTag = '!!timestamp';
/** `!!seq` */
export const seqTag = '!!seq';
/** `!!map` */
export const mapTag = '!!map';
/** `!!binary` */
export const binaryTag = '!!binary';
/** `!!merge` */
export const mergeTag = '!!merge';

const longTagPrefix = 'tag:yaml.org,2002:';

/** yaml.v3's `shortTag`: `tag:yaml.org,2002:str` → `!!str`. */
export function shortTag(tag: string): string {
  return tag.startsWith(longTagPrefix) ? `!!${tag.slice(longTagPrefix.length)}` : tag;
}

/** True for a scalar that is a string whatever its text: quoted, block, or tagged `!!str`. */
export function indicatedString(n: YamlNode): boolean {
  return (
    n.kind === 'scalar' &&
    (shortTag(n.tag) === strTag ||
      ((n.tag === '' || n.tag === '!') &&
        (n.style & (SingleQuotedStyle | DoubleQuotedStyle | LiteralStyle | FoldedStyle)) !== 0))
  );
}
