/**
 * A YAML document as gopkg.in/yaml.v3 represents it (its `yaml.Node`): the decoder and the source map work from this
 * tree, so they see exactly the kinds, resolved tags, styles and positions yaml.v3 would.
 */

export type YamlKind = 'document' | 'sequence' | 'mapping' | 'scalar' | 'alias';

/** Style bits, as yaml.v3's `yaml.Style`. */
export const TaggedStyle = 1;
export const DoubleQuotedStyle = 2;
export const SingleQuotedStyle = 4;
export const LiteralStyle = 8;
export const FoldedStyle = 16;
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

export const strTag = '!!str';
export const nullTag = '!!null';
export const boolTag = '!!bool';
export const intTag = '!!int';
export const floatTag = '!!float';
export const timestampTag = '!!timestamp';
export const seqTag = '!!seq';
export const mapTag = '!!map';
export const binaryTag = '!!binary';
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
