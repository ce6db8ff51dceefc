import type { GoStruct, GoType } from '../schema/model.js';
import { IGNITION_SPECS, type IgnitionConfigs, type IgnitionVersion } from './ignition-version.js';
import { entryKey, IGNORE_DUPLICATES, MERGED_KEYS } from './validate-ignition.js';

// Ignition's config merging (config/merge/merge.go), on decoded values of one spec version:
//  - a struct field merges recursively, but an empty child struct keeps the parent's and vice versa;
//  - strings, numbers and booleans take the child's value, even an empty one;
//  - an optional (pointer) field takes the child's value when the child sets it;
//  - lists whose duplicates are allowed (file appends, filesystem, LUKS and RAID options) are concatenated;
//  - other lists merge entries by key (path, name, device, ...): the child's entry merges into the parent's in the
//    parent's place, entries only in the child are appended; files, directories and links share their keys, so
//    a child entry of another kind replaces the parent's; an HTTP header the child sets without a value removes
//    the parent's.

type Struct = Record<string, unknown>;

// The embedded Go structs inside our flattened ones: Go merges each as one struct, so an all-empty embedded part
// in the child keeps the parent's part as a whole.
const NODE = ['group', 'overwrite', 'path', 'user'];
const EMBEDDED: Readonly<Record<string, readonly (readonly string[])[]>> = {
  File: [NODE, ['append', 'contents', 'mode']],
  Directory: [NODE, ['mode']],
  Link: [NODE, ['hard', 'target']],
};

/** reflect.Value.IsZero on a decoded value (an empty list counts as nil). */
function isZero(value: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
      return value === '';
    case 'int':
      return value === 0;
    case 'bool':
      return value === false;
    case 'pointer':
      return value === undefined || value === null;
    case 'slice':
      return !Array.isArray(value) || value.length === 0;
    case 'struct':
      return type.fields.every((f) => isZero((value as Struct)[f.key], f.type));
  }
}

const elemName = (type: GoType): string => (type.kind === 'slice' && type.elem.kind === 'struct' ? type.elem.name : '');

function mergeStruct(parent: Struct, child: Struct, type: GoStruct): Struct {
  const result: Struct = {};
  const groups = EMBEDDED[type.name];
  if (groups !== undefined) {
    for (const keys of groups) {
      const part = struct(type, keys);
      const from = isZero(child, part) ? parent : isZero(parent, part) ? child : undefined;
      if (from === undefined) Object.assign(result, mergeFields(parent, child, type, part.fields));
      else for (const f of part.fields) result[f.key] = from[f.key];
    }
    return result;
  }
  return mergeFields(parent, child, type, type.fields);
}

function struct(type: GoStruct, keys: readonly string[]): GoStruct {
  return { kind: 'struct', name: type.name, fields: type.fields.filter((f) => keys.includes(f.key)) };
}

function mergeFields(parent: Struct, child: Struct, type: GoStruct, fields: GoStruct['fields']): Struct {
  const result: Struct = {};
  const ignored = IGNORE_DUPLICATES[type.name] ?? [];
  const handles = MERGED_KEYS[type.name] ?? {};
  const handleOf = (key: string): string => handles[key] ?? key;

  // Every keyed child entry by (handle, key): the list it is in and its value; a later duplicate wins.
  const childEntries = new Map<string, { list: string; value: unknown }>();
  for (const f of type.fields) {
    if (f.type.kind !== 'slice' || ignored.includes(f.key)) continue;
    for (const item of (child[f.key] as unknown[] | undefined) ?? []) {
      childEntries.set(`${handleOf(f.key)}\u0000${entryKey(elemName(f.type), item)}`, { list: f.key, value: item });
    }
  }

  for (const f of fields) {
    const p = parent[f.key];
    const c = child[f.key];
    const t = f.type;
    switch (t.kind) {
      case 'string':
      case 'int':
      case 'bool':
        result[f.key] = c;
        break;
      case 'pointer':
        if (p !== undefined && c !== undefined && t.elem.kind === 'struct') {
          // Spec 3.2's Clevis and its custom pin are the only struct pointers.
          result[f.key] = mergeStruct(p as Struct, c as Struct, t.elem);
        } else result[f.key] = c === undefined ? p : c;
        break;
      case 'struct':
        if (isZero(c, t)) result[f.key] = p;
        else if (isZero(p, t)) result[f.key] = c;
        else result[f.key] = mergeStruct(p as Struct, c as Struct, t);
        break;
      case 'slice': {
        const parentList = (p as unknown[] | undefined) ?? [];
        const childList = (c as unknown[] | undefined) ?? [];
        if (ignored.includes(f.key)) {
          result[f.key] = [...parentList, ...childList];
          break;
        }
        const name = elemName(t);
        const out: unknown[] = [];
        const parentKeys = new Set(parentList.map((item) => entryKey(name, item)));
        for (const item of parentList) {
          const match = childEntries.get(`${handleOf(f.key)}\u0000${entryKey(name, item)}`);
          if (match === undefined) out.push(item);
          else if (match.list === f.key) {
            if (t.elem.kind !== 'struct') out.push(match.value);
            else if (!(f.key === 'httpHeaders' && (match.value as Struct).value === undefined)) {
              out.push(mergeStruct(item as Struct, match.value as Struct, t.elem));
            }
          }
          // A match in another list of the same handle drops the parent's entry; that list adds the child's.
        }
        for (const item of childList) if (!parentKeys.has(entryKey(name, item))) out.push(item);
        result[f.key] = out;
        break;
      }
    }
  }
  return result;
}

/** Merges a child config into its parent as Ignition does for `ignition.config.merge`; both of one version. */
export function mergeIgnition<V extends IgnitionVersion>(
  parent: IgnitionConfigs[V],
  child: IgnitionConfigs[V],
  version: V,
): IgnitionConfigs[V] {
  return mergeStruct(parent as Struct, child as Struct, IGNITION_SPECS[version]) as IgnitionConfigs[V];
}
