import type { GoField, GoStruct, GoType, GoValue } from './model.js';

// Go tells a nil slice from an empty one and its encoder shows it (`null` vs `[]` for a field without omitempty).
// Values keep the plain-array shape of GoValue, so the few empty-but-not-nil slices are remembered here.
const nonNil = new WeakSet<unknown[]>();

/** A Go empty, non-nil slice (`[]T{}`): encodes as `[]` where a nil slice encodes as `null`. */
export function emptySlice<T>(): T[] {
  const a: T[] = [];
  nonNil.add(a);
  return a;
}

/** Whether an array stands for a nil slice: empty and not made by `emptySlice` (or decoded from `[]`). */
export function isNilSlice(a: readonly unknown[]): boolean {
  return a.length === 0 && !nonNil.has(a as unknown[]);
}

/** Marks an array as a non-nil slice (used by the decoders for `[]` in a document). */
export function markNonNil<T>(a: T[]): T[] {
  nonNil.add(a);
  return a;
}

/** The zero value of a Go type: '' / 0 / false, undefined for a nil pointer, [] (nil) for a slice. */
export function zeroValue<T extends GoType>(type: T): GoValue<T> {
  return zeroOf(type) as GoValue<T>;
}

/** `zeroValue` without the static type, for code that walks types at run time. */
export function zeroOf(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'pointer':
      return undefined;
    case 'slice':
      return [];
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.key] = zeroOf(f.type);
      return o;
    }
  }
}

const structFields = new WeakMap<GoStruct, readonly GoField[]>();

/**
 * The fields of a struct whose values can hold structs (through pointers and slices): all that a walk looking for
 * structs has to enter, the others being strings, numbers and booleans or lists of them.
 */
export function fieldsHoldingStructs(type: GoStruct): readonly GoField[] {
  let fields = structFields.get(type);
  if (fields === undefined) {
    fields = type.fields.filter((f) => holdsStruct(f.type));
    structFields.set(type, fields);
  }
  return fields;
}

function holdsStruct(type: GoType): boolean {
  return type.kind === 'struct' || ((type.kind === 'pointer' || type.kind === 'slice') && holdsStruct(type.elem));
}
