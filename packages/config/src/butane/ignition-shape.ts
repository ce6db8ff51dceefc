import type { ConfigPath } from '../report.js';
import type { GoField, GoStruct, GoType } from '../schema/model.js';

/**
 * The Ignition side of a Butane spec, derived from it: Butane's Go types mirror Ignition's field for field (Butane's
 * translator requires it), with snake_case keys and a few fields of its own. Translation, the merge transcript and
 * the common-source paths read field kinds (pointer or not) from here, without depending on Ignition's spec order.
 */

/** Fields that exist only in Butane, handled by its custom translators. */
const butaneOnly: Readonly<Record<string, readonly string[]>> = {
  Config: ['version', 'variant'],
  Storage: ['trees'],
  Filesystem: ['with_mount_unit'],
  Resource: ['inline', 'local'],
  Unit: ['contents_local'],
  Dropin: ['contents_local'],
  PasswdUser: ['ssh_authorized_keys_local'],
};

/** Butane's `Camel`: snake_case to camelCase, with `_mib` becoming `MiB`. */
export function camel(key: string): string {
  const base = key.endsWith('_mib') ? `${key.slice(0, -4)}MiB` : key;
  return base.replace(/_(.)/g, (_, c: string) => c.toUpperCase()).replaceAll('_', '');
}

/** Butane's `Snake`: camelCase (and `MiB`) to snake_case, its fallback when a report path has no translation. */
export function snake(key: string): string {
  return key.replace(/(MiB|[A-Z])/g, '_$1').toLowerCase();
}

/** True for a Butane field that Ignition does not have. */
export function isButaneOnly(structName: string, key: string): boolean {
  return butaneOnly[structName]?.includes(key) ?? false;
}

const cache = new WeakMap<GoStruct, GoStruct>();

/** The Ignition struct a Butane struct translates into (camelCase keys, Butane-only fields dropped). */
export function ignitionShape(butane: GoStruct): GoStruct {
  const hit = cache.get(butane);
  if (hit !== undefined) return hit;
  const fields: GoField[] = [];
  for (const f of butane.fields) {
    if (isButaneOnly(butane.name, f.key)) continue;
    fields.push({ key: camel(f.key), type: shapeOf(f.type), omitempty: f.omitempty });
  }
  if (butane.name === 'Ignition') fields.push({ key: 'version', type: { kind: 'string' }, omitempty: true });
  const shaped: GoStruct = { kind: 'struct', name: butane.name, fields };
  cache.set(butane, shaped);
  return shaped;
}

function shapeOf(type: GoType): GoType {
  switch (type.kind) {
    case 'pointer':
      return { kind: 'pointer', elem: shapeOf(type.elem) };
    case 'slice':
      return { kind: 'slice', elem: shapeOf(type.elem) };
    case 'struct':
      return ignitionShape(type);
    default:
      return type;
  }
}

/**
 * Every path inside a value, zero fields included, as Butane's `getAllPaths(v, tag, true)` lists them for
 * `AddFromCommonSource`.
 */
export function allPaths(type: GoType, value: unknown): ConfigPath[] {
  switch (type.kind) {
    case 'pointer':
      return value === undefined ? [] : allPaths(type.elem, value);
    case 'slice': {
      const out: ConfigPath[] = [];
      (Array.isArray(value) ? value : []).forEach((item, i) => {
        for (const p of allPaths(type.elem, item)) out.push([i, ...p]);
        out.push([i]);
      });
      return out;
    }
    case 'struct': {
      const out: ConfigPath[] = [];
      const record = (value ?? {}) as Record<string, unknown>;
      for (const f of type.fields) {
        for (const p of allPaths(f.type, record[f.key])) out.push([f.key, ...p]);
        out.push([f.key]);
      }
      return out;
    }
    default:
      return [];
  }
}

/** The type at a path inside a struct (list indexes step into the element type). */
export function typeAt(type: GoType, path: ConfigPath): GoType | undefined {
  let t: GoType | undefined = type;
  for (const part of path) {
    while (t?.kind === 'pointer') t = t.elem;
    if (t === undefined) return undefined;
    if (typeof part === 'number') t = t.kind === 'slice' ? t.elem : undefined;
    else t = t.kind === 'struct' ? t.fields.find((f) => f.key === part)?.type : undefined;
  }
  return t;
}
