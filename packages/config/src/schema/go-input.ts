import { emptySlice, zeroOf } from './go-value.js';
import type { GoBool, GoInt, GoPointer, GoSlice, GoString, GoStruct, GoType, GoValue } from './model.js';

/**
 * A config written by hand in TypeScript: the same nesting as `GoValue`, every field optional, `undefined` (or
 * `null`) for a nil pointer. `fromInput` turns it into the zero-filled value the decoders produce.
 */
export type GoInput<T extends GoType> = GoStruct extends T
  ? // Not a particular type but any struct (inside generic code): accept any object rather than expand forever.
    { readonly [key: string]: unknown }
  : T extends GoString
    ? string
    : T extends GoInt
      ? number
      : T extends GoBool
        ? boolean
        : T extends GoPointer
          ? GoInput<T['elem']> | undefined | null
          : T extends GoSlice
            ? readonly GoInput<T['elem']>[]
            : T extends GoStruct
              ? { readonly [F in T['fields'][number] as F['key']]?: GoInput<F['type']> }
              : never;

/**
 * Turns a hand-written config into the Go value of `type`: missing fields get their zero value, unknown keys are
 * dropped, a written `[]` stays an empty (non-nil) slice, and numbers are truncated to integers where Go has `int`.
 */
export function fromInput<T extends GoStruct>(input: GoInput<T> | undefined, type: T): GoValue<T> {
  return convert(input, type) as GoValue<T>;
}

function convert(input: unknown, type: GoType): unknown {
  if (input === undefined || input === null) return zeroOf(type);
  switch (type.kind) {
    case 'string':
      return typeof input === 'string' ? input : String(input);
    case 'int':
      return typeof input === 'number' && Number.isFinite(input) ? Math.trunc(input) : 0;
    case 'bool':
      return input === true;
    case 'pointer':
      return convert(input, type.elem);
    case 'slice': {
      if (!Array.isArray(input)) return zeroOf(type);
      const out = input.length === 0 ? emptySlice<unknown>() : [];
      for (const item of input) out.push(convert(item, type.elem));
      return out;
    }
    case 'struct': {
      const src = input as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.key] = convert(src[f.key], f.type);
      return out;
    }
  }
}

/**
 * Whether `value` is already what `fromInput` makes of it, field for field: every field of every struct present
 * with a value of its kind (integers for `int`), `undefined` only for nil pointers, no `null`. `fromInput` would
 * then return an equal copy, except that it marks empty lists non-nil; code that does not tell nil from empty
 * lists can use the value as it is and skip the copy.
 */
export function isGoValue(value: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'pointer':
      return value === undefined || (value !== null && isGoValue(value, type.elem));
    case 'slice':
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!isGoValue(value[i], type.elem)) return false;
      return true;
    case 'struct': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      for (const f of type.fields) {
        if (!(f.key in record) || !isGoValue(record[f.key], f.type)) return false;
      }
      return true;
    }
  }
}
