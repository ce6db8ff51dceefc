/**
 * The Go type model behind Butane and Ignition configs.
 *
 * Butane and Ignition are defined by Go structs: a document is decoded into them (YAML by gopkg.in/yaml.v3, JSON by
 * encoding/json), validated, and encoded back (by github.com/clarketm/json, which is encoding/json plus `omitempty`
 * for empty structs). Matching their output byte for byte means matching those rules, so each spec is written down
 * once as data in this model, and one decoder per format, one encoder and one JSON Schema generator work from it.
 */

/** A Go type as far as configs use them. */
export type GoType = GoString | GoInt | GoBool | GoPointer | GoSlice | GoStruct;

export interface GoString {
  readonly kind: 'string';
}
export interface GoInt {
  readonly kind: 'int';
}
export interface GoBool {
  readonly kind: 'bool';
}
/** `*T`: absent (`undefined`) unless the document sets it; `null` in a document leaves it absent. */
export interface GoPointer {
  readonly kind: 'pointer';
  readonly elem: GoType;
}
/** `[]T`: decoded as an array, empty when absent. */
export interface GoSlice {
  readonly kind: 'slice';
  readonly elem: GoType;
}
/** A struct; fields of embedded structs are listed inline, in the position Go's encoder emits them. */
export interface GoStruct {
  readonly kind: 'struct';
  /**
   * The Go type name, for messages and JSON Schema definitions (`File`, `Resource`). Go's decoders name types with
   * their package (`cannot unmarshal !!str into v0_5.File`): write `v0_5.File`, or use `qualify`, to get their text.
   */
  readonly name: string;
  readonly fields: readonly GoField[];
}

export interface GoField {
  /** The key in the document: the `json` tag for Ignition, the `yaml` tag for Butane. */
  readonly key: string;
  readonly type: GoType;
  /** `omitempty` in the tag: the encoder leaves the field out when it is empty. */
  readonly omitempty: boolean;
  /** One line for people, shown by editors through the generated JSON Schema. */
  readonly doc?: string;
}

/** The zero-filled value a Go decoder produces for a type, as plain data. */
export type GoValue<T extends GoType> = GoType extends T
  ? // Not a particular type (inside generic code): anything, rather than a type that expands forever.
    unknown
  : GoStruct extends T
    ? { [key: string]: unknown }
    : T extends GoString
      ? string
      : T extends GoInt
        ? number
        : T extends GoBool
          ? boolean
          : T extends GoPointer
            ? GoValue<T['elem']> | undefined
            : T extends GoSlice
              ? GoValue<T['elem']>[]
              : T extends GoStruct
                ? { -readonly [F in T['fields'][number] as F['key']]: GoValue<F['type']> }
                : never;

export const str: GoString = { kind: 'string' };
export const int: GoInt = { kind: 'int' };
export const bool: GoBool = { kind: 'bool' };

/** `*T` */
export function ptr<T extends GoType>(elem: T): { readonly kind: 'pointer'; readonly elem: T } {
  return { kind: 'pointer', elem };
}

/** `[]T` */
export function slice<T extends GoType>(elem: T): { readonly kind: 'slice'; readonly elem: T } {
  return { kind: 'slice', elem };
}

/** A field; `omitempty` defaults to true, as almost every config field has it. */
export function field<K extends string, T extends GoType>(
  key: K,
  type: T,
  options: { omitempty?: boolean; doc?: string } = {},
): { readonly key: K; readonly type: T; readonly omitempty: boolean; readonly doc?: string } {
  return {
    key,
    type,
    omitempty: options.omitempty ?? true,
    ...(options.doc === undefined ? {} : { doc: options.doc }),
  };
}

/** A struct type. Keep `fields` as a tuple (`as const` is not needed: `field()` keeps the literal key types). */
export function struct<const F extends readonly GoField[]>(
  name: string,
  fields: F,
): { readonly kind: 'struct'; readonly name: string; readonly fields: F } {
  return { kind: 'struct', name, fields };
}

const qualified = new WeakMap<GoType, Map<string, GoType>>();

/**
 * The same type with every struct name that has no package yet prefixed by `pkg.`, as Go's messages print types
 * (`types.File`, `v0_5.Storage`). Structs shared within the type stay shared in the copy.
 */
export function qualify<T extends GoType>(type: T, pkg: string): T {
  let byPkg = qualified.get(type);
  if (!byPkg) {
    byPkg = new Map();
    qualified.set(type, byPkg);
  }
  const known = byPkg.get(pkg);
  if (known) return known as T;
  let out: GoType;
  switch (type.kind) {
    case 'pointer':
    case 'slice': {
      const copy = { ...type };
      byPkg.set(pkg, copy);
      (copy as { elem: GoType }).elem = qualify(type.elem, pkg);
      return copy as T;
    }
    case 'struct': {
      const copy = {
        ...type,
        name: type.name.includes('.') ? type.name : `${pkg}.${type.name}`,
        fields: [] as GoField[],
      };
      byPkg.set(pkg, copy);
      copy.fields.push(...type.fields.map((f) => ({ ...f, type: qualify(f.type, pkg) })));
      return copy as unknown as T;
    }
    default:
      out = type;
  }
  byPkg.set(pkg, out);
  return out as T;
}
