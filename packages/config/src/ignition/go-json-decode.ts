import type { GoStruct, GoType } from '../schema/model.js';
import type { JsonNode } from './json-tree.js';

// Decodes a JSON tree into a Go value of the model as encoding/json does (Go 1.19): keys match fields
// case-insensitively, `null` leaves non-pointers alone, a repeated key decodes into what the earlier one left, and
// the first type mismatch is kept (with Go's message and offset) while decoding goes on.

/** The first type mismatch, as encoding/json words it, and the byte offset it reports. */
export interface GoDecodeError {
  readonly message: string;
  readonly offset: number;
}

// The lists whose elements are named string types in Ignition's Go types (`type Device string`); the model keeps
// them as plain strings, but encoding/json names them in its messages.
const NAMED_STRINGS: Readonly<Record<string, string>> = {
  'Raid.devices': 'Device',
  'Raid.options': 'RaidOption',
  'Filesystem.options': 'FilesystemOption',
  'Filesystem.mountOptions': 'MountOption',
  'PasswdUser.groups': 'Group',
  'PasswdUser.sshAuthorizedKeys': 'SSHAuthorizedKey',
  'Proxy.noProxy': 'NoProxyItem',
  'KernelArguments.shouldExist': 'KernelArgument',
  'KernelArguments.shouldNotExist': 'KernelArgument',
  'Luks.options': 'LuksOption',
  'Luks.openOptions': 'OpenOption',
};

function typeString(type: GoType, pkg: string, stringName: string | undefined): string {
  switch (type.kind) {
    case 'pointer':
      return `*${typeString(type.elem, pkg, stringName)}`;
    case 'slice':
      return `[]${typeString(type.elem, pkg, stringName)}`;
    case 'struct':
      return `${pkg}.${type.name}`;
    case 'string':
      return stringName === undefined ? 'string' : `${pkg}.${stringName}`;
    default:
      return type.kind;
  }
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function zero(type: GoType): unknown {
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
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.key] = zero(f.type);
      return out;
    }
  }
}

/** Decodes `node` into a zero-filled value of `root`; `pkg` names the Go package in messages (`types`). */
export function decodeGoJson(
  node: JsonNode,
  root: GoStruct,
  pkg = 'types',
): { value: Record<string, unknown>; error: GoDecodeError | undefined } {
  let first: GoDecodeError | undefined;
  // The innermost struct type being decoded and the field names from the top, for "Go struct field S.a.b".
  let structName = '';
  const fieldStack: string[] = [];

  const mismatch = (what: string, type: GoType, offset: number, stringName?: string): void => {
    if (first !== undefined) return;
    const target = type.kind === 'pointer' ? type.elem : type;
    const where = fieldStack.length > 0 ? `Go struct field ${structName}.${fieldStack.join('.')}` : 'Go value';
    first = {
      message: `json: cannot unmarshal ${what} into ${where} of type ${typeString(target, pkg, stringName)}`,
      offset,
    };
  };

  // Offsets Go reports: past a scalar, or just past the opening bracket of a composite.
  const offsetOf = (n: JsonNode): number => (n.kind === 'object' || n.kind === 'array' ? n.start + 1 : n.end);
  const kindName = (n: JsonNode): string => (n.kind === 'bool' ? 'bool' : n.kind);

  const decode = (n: JsonNode, type: GoType, current: unknown, stringName?: string): unknown => {
    if (n.kind === 'null') return type.kind === 'pointer' || type.kind === 'slice' ? zero(type) : current;
    switch (type.kind) {
      case 'pointer':
        return decode(n, type.elem, current === undefined ? zero(type.elem) : current);
      case 'string':
        if (n.kind === 'string') return n.value;
        mismatch(kindName(n), type, offsetOf(n), stringName);
        return current;
      case 'bool':
        if (n.kind === 'bool') return n.value;
        mismatch(kindName(n), type, offsetOf(n));
        return current;
      case 'int': {
        if (n.kind !== 'number') {
          mismatch(kindName(n), type, offsetOf(n));
          return current;
        }
        const integral = /^-?[0-9]+$/.test(n.literal) ? BigInt(n.literal) : undefined;
        if (integral === undefined || integral > INT64_MAX || integral < INT64_MIN) {
          mismatch(`number ${n.literal}`, type, offsetOf(n));
          return current;
        }
        return Number(integral);
      }
      case 'slice': {
        if (n.kind !== 'array') {
          mismatch(kindName(n), type, offsetOf(n), stringName);
          return current;
        }
        const existing = Array.isArray(current) ? current : [];
        return n.items.map((item, i) =>
          decode(item, type.elem, i < existing.length ? existing[i] : zero(type.elem), stringName),
        );
      }
      case 'struct': {
        if (n.kind !== 'object') {
          mismatch(kindName(n), type, offsetOf(n));
          return current;
        }
        const out = { ...(current as Record<string, unknown>) };
        const savedStruct = structName;
        for (const entry of n.entries) {
          const f =
            type.fields.find((field) => field.key === entry.key) ??
            type.fields.find((field) => equalFoldGo(field.key, entry.key));
          if (f === undefined) continue;
          structName = type.name;
          fieldStack.push(f.key);
          out[f.key] = decode(entry.value, f.type, out[f.key], NAMED_STRINGS[`${type.name}.${f.key}`]);
          fieldStack.pop();
          structName = savedStruct;
        }
        return out;
      }
    }
  };

  const value = decode(node, root, zero(root)) as Record<string, unknown>;
  return { value, error: first };
}

// strings.EqualFold-like matching as encoding/json's field lookup does it, including the Kelvin sign and long s
// that fold onto ASCII letters.
function equalFoldGo(a: string, b: string): boolean {
  const fold = (s: string): string =>
    s
      .replace(/\u212a/g, 'k')
      .replace(/\u017f/g, 's')
      .toLowerCase();
  return a.length <= b.length && fold(a) === fold(b);
}
