import type { Report } from '../report.js';
import { goQuote, goStringFromBytes, goStringToBytes, goTypeName } from './go-text.js';
import { markNonNil, zeroOf } from './go-value.js';
import type { GoStruct, GoType, GoValue } from './model.js';
import { type SourceMap, sourceMapOf, yamlSourceTree } from './source-map.js';
import { unusedYamlKeyReports } from './unused-keys.js';
import {
  binaryTag,
  indicatedString,
  mapTag,
  mergeTag,
  nullTag,
  seqTag,
  shortTag,
  strTag,
  type YamlNode,
} from './yaml-node.js';
import { type ParsedYaml, parseYaml } from './yaml-parse.js';
import { nodeShortTag, resolve, YamlFailure } from './yaml-resolve.js';

/** A decoded document: the Go value (undefined when decoding failed), what was found, and where things are. */
export interface Decoded<T> {
  readonly value: T | undefined;
  readonly reports: Report[];
  readonly positions: SourceMap;
}

/** Report codes of the decoders. */
export const DecodeCodes = {
  /** The YAML does not parse, or yaml.v3 gave up (excessive aliasing, bad merge, bad `!!binary`...). */
  yamlSyntax: 'YAML_SYNTAX',
  /** One of yaml.v3's "unmarshal errors" (a value of the wrong type, a duplicate key). */
  yamlType: 'YAML_TYPE',
  /** The stream has no document: yaml.v3's decoder returns `EOF`. */
  yamlEmpty: 'YAML_EMPTY',
  unusedKey: 'UNUSED_KEY',
  treeMismatch: 'SOURCE_TREE_MISMATCH',
} as const;

/**
 * Decodes a Butane document as Butane does: yaml.v3's `Decoder.Decode` into the Go structs, vcontext's source tree
 * for positions, and Ignition's unused-key warnings. On a yaml.v3 error the value is undefined and the reports hold
 * the error (see `yamlErrorText` for the exact text Go prints).
 */
export function decodeYaml<S extends GoStruct>(source: string | Uint8Array, type: S): Decoded<GoValue<S>> {
  return decodeParsedYaml(parseYaml(source), { type });
}

/** What `decodeParsedYaml` decodes into. */
export interface DecodeParsedYamlOptions<S extends GoStruct> {
  readonly type: S;
  /** Ignition's unused-key warnings (default true); a pass that reads only a few fields has no use for them. */
  readonly unusedKeys?: boolean;
}

/**
 * `decodeYaml` over a document parsed once with `parseYaml`, so that one source can be decoded into several types
 * (Butane reads variant and version first, then the whole config) without parsing it again. Decoding leaves the
 * parsed document as it was.
 */
export function decodeParsedYaml<S extends GoStruct>(
  parsed: ParsedYaml,
  options: DecodeParsedYamlOptions<S>,
): Decoded<GoValue<S>> {
  const { type } = options;
  const noPositions = sourceMapOf(undefined);
  if (parsed.error) {
    return {
      value: undefined,
      reports: [failureReport(parsed.error.message, parsed.error.line, parsed.error.column)],
      positions: noPositions,
    };
  }
  if (parsed.document === undefined) {
    return {
      value: undefined,
      reports: [{ severity: 'error', code: DecodeCodes.yamlEmpty, message: 'EOF', path: [] }],
      positions: noPositions,
    };
  }
  const value = zeroOf(type) as GoValue<S>;
  const decoder = new Decoder();
  try {
    decoder.unmarshal(parsed.document, type, { get: () => value, set: () => {} });
  } catch (e) {
    if (!(e instanceof YamlFailure)) throw e;
    return { value: undefined, reports: [failureReport(e.message, e.line)], positions: noPositions };
  }
  if (decoder.terrors.length > 0) {
    return { value: undefined, reports: decoder.terrors, positions: noPositions };
  }
  const document = parsed.document;
  const positions = sourceMapOf(() => yamlSourceTree(document));
  const reports = options.unusedKeys === false ? [] : unusedYamlKeyReports(type, { value, document, positions });
  return { value, reports, positions };
}

/** The text Go's error has for the error reports of `decodeYaml` (what `err.Error()` prints), or undefined. */
export function yamlErrorText(reports: readonly Report[]): string | undefined {
  const failure = reports.find((r) => r.code === DecodeCodes.yamlSyntax || r.code === DecodeCodes.yamlEmpty);
  if (failure) return failure.message;
  const types = reports.filter((r) => r.code === DecodeCodes.yamlType);
  if (types.length === 0) return undefined;
  return `yaml: unmarshal errors:\n  ${types.map((r) => r.message).join('\n  ')}`;
}

function failureReport(message: string, line?: number, column?: number): Report {
  return {
    severity: 'error',
    code: DecodeCodes.yamlSyntax,
    message,
    path: [],
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  };
}

interface Slot {
  get(): unknown;
  set(v: unknown): void;
}

const STRING: GoType = { kind: 'string' };

/** A slot holding its own value (a list item or a key, before it goes anywhere). */
class ValueSlot implements Slot {
  constructor(private value: unknown) {}
  get(): unknown {
    return this.value;
  }
  set(v: unknown): void {
    this.value = v;
  }
}

/** A struct field as a slot: one object per field instead of a pair of closures. */
class FieldSlot implements Slot {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly key: string,
  ) {}
  get(): unknown {
    return this.record[this.key];
  }
  set(v: unknown): void {
    this.record[this.key] = v;
  }
}

const aliasRatioRangeLow = 400000;
const aliasRatioRangeHigh = 4000000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= aliasRatioRangeLow) return 0.99;
  if (decodeCount >= aliasRatioRangeHigh) return 0.1;
  return 0.99 - (0.89 * (decodeCount - aliasRatioRangeLow)) / (aliasRatioRangeHigh - aliasRatioRangeLow);
}

const fieldMaps = new WeakMap<GoStruct, Map<string, GoType>>();

function fieldMap(t: GoStruct): Map<string, GoType> {
  let m = fieldMaps.get(t);
  if (!m) {
    m = new Map();
    // yaml.v3 keeps the first field of a name.
    for (const f of t.fields) if (!m.has(f.key)) m.set(f.key, f.type);
    fieldMaps.set(t, m);
  }
  return m;
}

const maxInt64 = (1n << 63n) - 1n;
const twoTo63 = 2 ** 63;

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value outside the range. */
function goFloatToInt(f: number): number {
  if (!(f > -twoTo63 && f < twoTo63)) return -twoTo63;
  return Math.trunc(f);
}

/** yaml.v3's decoder over a node tree, writing Go values of the model's types. */
class Decoder {
  readonly terrors: Report[] = [];
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly aliases = new Set<YamlNode>();
  private mergedFields: Set<string> | null = null;

  unmarshal(n: YamlNode, t: GoType, slot: Slot): boolean {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new YamlFailure('yaml: document contains excessive aliasing');
    }
    if (n.kind === 'document') {
      if (n.content.length !== 1) return false;
      this.unmarshal(n.content[0]!, t, slot);
      return true;
    }
    if (n.kind === 'alias') return this.alias(n, t, slot);
    let out = t;
    if (nodeShortTag(n) !== nullTag) {
      // prepare(): allocate and dereference pointers. A pointer's value is its pointee, so the slot stays.
      while (out.kind === 'pointer') {
        if (slot.get() === undefined) slot.set(zeroOf(out.elem));
        out = out.elem;
      }
    }
    switch (n.kind) {
      case 'scalar':
        return this.scalar(n, out, slot);
      case 'mapping':
        return this.mapping(n, out, slot);
      case 'sequence':
        return this.sequence(n, out, slot);
    }
  }

  private alias(n: YamlNode, t: GoType, slot: Slot): boolean {
    if (this.aliases.has(n)) throw new YamlFailure(`yaml: anchor '${n.value}' value contains itself`);
    this.aliases.add(n);
    this.aliasDepth++;
    const good = this.unmarshal(n.alias!, t, slot);
    this.aliasDepth--;
    this.aliases.delete(n);
    return good;
  }

  private terror(n: YamlNode, tagIn: string, out: GoType): void {
    const tag = n.tag !== '' ? n.tag : tagIn;
    let value = '';
    if (tag !== seqTag && tag !== mapTag) {
      const bytes = goStringToBytes(n.value);
      value = bytes.length > 10 ? ` \`${goStringFromBytes(bytes.subarray(0, 7))}...\`` : ` \`${n.value}\``;
    }
    this.terrors.push({
      severity: 'error',
      code: DecodeCodes.yamlType,
      message: `line ${n.line}: cannot unmarshal ${shortTag(tag)}${value} into ${goTypeName(out)}`,
      path: [],
      line: n.line,
      column: n.column,
    });
  }

  private null(out: GoType, slot: Slot): boolean {
    if (out.kind === 'pointer') {
      slot.set(undefined);
      return true;
    }
    if (out.kind === 'slice') {
      slot.set([]);
      return true;
    }
    return false;
  }

  private scalar(n: YamlNode, out: GoType, slot: Slot): boolean {
    let tag: string;
    let resolved: ReturnType<typeof resolve>[1];
    if (indicatedString(n)) {
      tag = strTag;
      resolved = { t: 'string', v: n.value };
    } else {
      [tag, resolved] = resolve(n.tag, n.value);
      if (tag === binaryTag) {
        const bytes = decodeBase64(n.value);
        if (bytes === undefined) throw new YamlFailure('yaml: !!binary value contains invalid base64 data');
        resolved = { t: 'string', v: goStringFromBytes(bytes) };
      }
    }
    if (resolved.t === 'null') return this.null(out, slot);
    switch (out.kind) {
      case 'string':
        slot.set(tag === binaryTag && resolved.t === 'string' ? resolved.v : n.value);
        return true;
      case 'int':
        if (resolved.t === 'int') {
          slot.set(Number(resolved.v));
          return true;
        }
        if (resolved.t === 'uint' && resolved.v <= maxInt64) {
          slot.set(Number(resolved.v));
          return true;
        }
        if (resolved.t === 'float' && resolved.v <= twoTo63) {
          slot.set(goFloatToInt(resolved.v));
          return true;
        }
        break;
      case 'bool':
        if (resolved.t === 'bool') {
          slot.set(resolved.v);
          return true;
        }
        if (resolved.t === 'string') {
          // yaml.v3 keeps YAML 1.1 words for a typed bool only.
          switch (resolved.v) {
            case 'y':
            case 'Y':
            case 'yes':
            case 'Yes':
            case 'YES':
            case 'on':
            case 'On':
            case 'ON':
              slot.set(true);
              return true;
            case 'n':
            case 'N':
            case 'no':
            case 'No':
            case 'NO':
            case 'off':
            case 'Off':
            case 'OFF':
              slot.set(false);
              return true;
          }
        }
        break;
      default:
        break;
    }
    this.terror(n, tag, out);
    return false;
  }

  private sequence(n: YamlNode, out: GoType, slot: Slot): boolean {
    if (out.kind !== 'slice') {
      this.terror(n, seqTag, out);
      return false;
    }
    const items: unknown[] = [];
    slot.set(items);
    for (const c of n.content) {
      const e = new ValueSlot(zeroOf(out.elem));
      if (this.unmarshal(c, out.elem, e)) items.push(e.get());
    }
    // A sequence is never nil, but only an empty list can be taken for nil.
    if (items.length === 0) markNonNil(items);
    return true;
  }

  private mapping(n: YamlNode, out: GoType, slot: Slot): boolean {
    const before = this.terrors.length;
    for (const [i, j] of duplicateKeys(n.content)) {
      const ni = n.content[i]!;
      const nj = n.content[j]!;
      this.terrors.push({
        severity: 'error',
        code: DecodeCodes.yamlType,
        message: `line ${nj.line}: mapping key ${goQuote(nj.value)} already defined at line ${ni.line}`,
        path: [],
        line: nj.line,
        column: nj.column,
      });
    }
    if (this.terrors.length > before) return false;
    if (out.kind !== 'struct') {
      this.terror(n, mapTag, out);
      return false;
    }
    return this.mappingStruct(n, out, slot);
  }

  private mappingStruct(n: YamlNode, out: GoStruct, slot: Slot): boolean {
    const obj = slot.get() as Record<string, unknown>;
    const fields = fieldMap(out);
    const mergedFields = this.mergedFields;
    this.mergedFields = null;
    let mergeNode: YamlNode | undefined;
    const done = new Set<string>();
    const nameSlot = new ValueSlot('');
    for (let i = 0; i < n.content.length; i += 2) {
      const ni = n.content[i]!;
      if (isMerge(ni)) {
        mergeNode = n.content[i + 1];
        continue;
      }
      if (!this.unmarshal(ni, STRING, nameSlot)) continue;
      const sname = nameSlot.get() as string;
      if (mergedFields !== null) {
        if (mergedFields.has(sname)) continue;
        mergedFields.add(sname);
      }
      const ft = fields.get(sname);
      if (ft === undefined) continue;
      if (done.has(sname)) {
        this.terrors.push({
          severity: 'error',
          code: DecodeCodes.yamlType,
          message: `line ${ni.line}: field ${sname} already set in type ${goTypeName(out)}`,
          path: [],
          line: ni.line,
          column: ni.column,
        });
        continue;
      }
      done.add(sname);
      this.unmarshal(n.content[i + 1]!, ft, new FieldSlot(obj, sname));
    }
    this.mergedFields = mergedFields;
    if (mergeNode !== undefined) this.merge(n, mergeNode, out, slot);
    return true;
  }

  private merge(parent: YamlNode, merge: YamlNode, out: GoStruct, slot: Slot): void {
    const saved = this.mergedFields;
    if (saved === null) {
      const keys = new Set<string>();
      for (let i = 0; i < parent.content.length; i += 2) {
        const k = this.interfaceKey(parent.content[i]!);
        if (k !== undefined) keys.add(k);
      }
      this.mergedFields = keys;
    }
    const wantMap = (): never => {
      throw new YamlFailure('yaml: map merge requires map or sequence of maps as the value');
    };
    switch (merge.kind) {
      case 'mapping':
        this.unmarshal(merge, out, slot);
        break;
      case 'alias':
        if (merge.alias && merge.alias.kind !== 'mapping') wantMap();
        this.unmarshal(merge, out, slot);
        break;
      case 'sequence':
        for (const ni of merge.content) {
          if (ni.kind === 'alias') {
            if (ni.alias && ni.alias.kind !== 'mapping') wantMap();
          } else if (ni.kind !== 'mapping') wantMap();
          this.unmarshal(ni, out, slot);
        }
        break;
      default:
        wantMap();
    }
    this.mergedFields = saved;
  }

  /**
   * A key decoded into `interface{}` as yaml.v3's merge does to remember the parent's keys: only string keys can
   * ever match a struct field, so only those are returned; the decode is still counted and checked.
   */
  private interfaceKey(n: YamlNode): string | undefined {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (n.kind === 'alias') {
      if (this.aliases.has(n)) throw new YamlFailure(`yaml: anchor '${n.value}' value contains itself`);
      this.aliases.add(n);
      this.aliasDepth++;
      const k = this.interfaceKey(n.alias!);
      this.aliasDepth--;
      this.aliases.delete(n);
      return k;
    }
    if (n.kind !== 'scalar') return undefined;
    if (indicatedString(n)) return n.value;
    const [tag, resolved] = resolve(n.tag, n.value);
    if (tag === binaryTag) {
      const bytes = decodeBase64(n.value);
      if (bytes === undefined) throw new YamlFailure('yaml: !!binary value contains invalid base64 data');
      return goStringFromBytes(bytes);
    }
    return resolved.t === 'string' ? resolved.v : undefined;
  }
}

/**
 * Every pair of keys (indexes into a mapping's content, earlier first) with the same kind and text, in the order
 * yaml.v3 reports them: by the first key, then by the second.
 */
function duplicateKeys(content: readonly YamlNode[]): [number, number][] {
  const pairs: [number, number][] = [];
  if (content.length <= 32) {
    // Few keys (the usual case): comparing each pair costs less than keying a map.
    for (let i = 0; i < content.length; i += 2) {
      const ki = content[i]!;
      for (let j = i + 2; j < content.length; j += 2) {
        const kj = content[j]!;
        if (kj.value === ki.value && kj.kind === ki.kind) pairs.push([i, j]);
      }
    }
    return pairs;
  }
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < content.length; i += 2) {
    const k = content[i]!;
    const id = `${k.kind}\u0000${k.value}`;
    const list = byKey.get(id);
    if (list) list.push(i);
    else byKey.set(id, [i]);
  }
  for (let i = 0; i < content.length; i += 2) {
    const k = content[i]!;
    for (const j of byKey.get(`${k.kind}\u0000${k.value}`)!) if (j > i) pairs.push([i, j]);
  }
  return pairs;
}

function isMerge(n: YamlNode): boolean {
  return n.kind === 'scalar' && n.value === '<<' && (n.tag === '' || n.tag === '!' || shortTag(n.tag) === mergeTag);
}

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Go's `base64.StdEncoding.DecodeString`: padding required, CR and LF ignored; undefined when corrupt. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const q = s.slice(i, i + 4);
    const last = i + 4 === s.length;
    const vals: number[] = [];
    let pad = 0;
    for (let j = 0; j < 4; j++) {
      const c = q[j]!;
      if (c === '=') {
        if (!last || j < 2) return undefined;
        pad++;
        continue;
      }
      if (pad > 0) return undefined;
      const v = b64.indexOf(c);
      if (v < 0) return undefined;
      vals.push(v);
    }
    const n = (vals[0]! << 18) | (vals[1]! << 12) | ((vals[2] ?? 0) << 6) | (vals[3] ?? 0);
    out.push((n >> 16) & 0xff);
    if (vals.length > 2) out.push((n >> 8) & 0xff);
    if (vals.length > 3) out.push(n & 0xff);
  }
  return Uint8Array.from(out);
}
