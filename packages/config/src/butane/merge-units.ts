import type { ConfigPath } from '../report.js';
import type { GoStruct, GoType } from '../schema/model.js';
import { allPaths } from './ignition-shape.js';
import { TranslationSet } from './translation-set.js';

interface Mapping {
  readonly side: 'parent' | 'child';
  readonly from: ConfigPath;
  readonly to: ConfigPath;
}

/**
 * Butane puts generated mount units into the config by an Ignition merge (the generated units as parent, the
 * user's config as child), then maps translations through the merge transcript. We do the same: a user unit of the
 * same name overrides the generated one field by field, generated units come first, and only the output paths the
 * transcript names keep a translation (zero-valued leaves and whole lists lose theirs, as in Butane).
 */
export function mergeMountUnits(
  shape: GoStruct,
  rendered: readonly { unit: Record<string, unknown>; from: ConfigPath }[],
  config: Record<string, unknown>,
  ts: TranslationSet,
): void {
  const parentTs = new TranslationSet();
  parentTs.add(['storage', 'filesystems'], ['systemd']);
  parentTs.add(['storage', 'filesystems'], ['systemd', 'units']);
  const unitType = unitShape(shape);
  rendered.forEach(({ unit, from }, k) => {
    parentTs.addFromCommonSource(from, ['systemd', 'units', k], allPaths(unitType, unit));
  });
  const parent = { systemd: { units: rendered.map((r) => r.unit) } };
  const transcript: Mapping[] = [];
  const merged = mergeStruct(shape, parent, [], config, [], [], transcript) as Record<string, unknown>;
  for (const key of Object.keys(config)) config[key] = merged[key];

  const result = new TranslationSet();
  for (const m of transcript) {
    const left = (m.side === 'parent' ? parentTs : ts).get(m.from);
    if (left === undefined) continue;
    if (m.side !== 'child' && result.get(m.to) !== undefined) continue;
    result.add(left.from, m.to);
  }
  ts.clear();
  ts.merge(result);
}

function unitShape(shape: GoStruct): GoType {
  const systemd = shape.fields.find((f) => f.key === 'systemd')!.type as GoStruct;
  const units = systemd.fields.find((f) => f.key === 'units')!.type;
  return units.kind === 'slice' ? units.elem : units;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false || value === undefined;
}

/** Ignition's `Key()` of a list item: what makes two entries the same thing. */
function keyOf(type: GoType, item: unknown): string {
  if (type.kind !== 'struct') return String(item);
  const v = item as Record<string, unknown>;
  switch (type.name) {
    case 'File':
    case 'Directory':
    case 'Link':
      return String(v.path);
    case 'Disk':
    case 'Filesystem':
      return String(v.device);
    case 'Partition':
      return v.number !== 0 ? String(v.number) : String(v.label ?? '');
    case 'Tang':
      return String(v.url);
    case 'Resource':
      return String(v.source ?? '');
    default:
      return String(v.name);
  }
}

function mergeStruct(
  type: GoStruct,
  parent: Record<string, unknown> | undefined,
  parentPath: ConfigPath,
  child: Record<string, unknown>,
  childPath: ConfigPath,
  resultPath: ConfigPath,
  transcript: Mapping[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const f of type.fields) {
    const p = parent?.[f.key];
    const c = child[f.key];
    const pp = [...parentPath, f.key];
    const cp = [...childPath, f.key];
    const rp = [...resultPath, f.key];
    switch (f.type.kind) {
      case 'pointer':
        if (c === undefined) {
          result[f.key] = p;
          transcribe('parent', pp, rp, f.type, p, transcript);
        } else {
          result[f.key] = c;
          transcribe('child', cp, rp, f.type, c, transcript);
        }
        break;
      case 'struct':
        result[f.key] = mergeStruct(
          f.type,
          p as Record<string, unknown> | undefined,
          pp,
          (c ?? {}) as Record<string, unknown>,
          cp,
          rp,
          transcript,
        );
        // Ignition transcribes a node both sides contribute to from both sides (coreos/ignition#1173), so the
        // merged struct keeps a translation: the child's when it has one.
        transcript.push({ side: 'parent', from: pp, to: rp }, { side: 'child', from: cp, to: rp });
        break;
      case 'slice': {
        const ps = (p ?? []) as unknown[];
        const cs = (c ?? []) as unknown[];
        result[f.key] = mergeList(f.type.elem, ps, pp, cs, cp, rp, transcript);
        if (ps.length + cs.length > 0) {
          transcript.push({ side: 'parent', from: pp, to: rp }, { side: 'child', from: cp, to: rp });
        }
        break;
      }
      default:
        result[f.key] = c;
        transcribe('child', cp, rp, f.type, c, transcript);
    }
  }
  return result;
}

function mergeList(
  elem: GoType,
  parent: unknown[],
  parentPath: ConfigPath,
  child: unknown[],
  childPath: ConfigPath,
  resultPath: ConfigPath,
  transcript: Mapping[],
): unknown[] {
  const result: unknown[] = [];
  // Ignition looks child entries up by key, so with duplicate keys the last one wins.
  const childByKey = new Map<string, number>();
  child.forEach((item, j) => {
    childByKey.set(keyOf(elem, item), j);
  });
  const parentKeys = new Set(parent.map((item) => keyOf(elem, item)));
  parent.forEach((item, i) => {
    const rp = [...resultPath, result.length];
    const j = childByKey.get(keyOf(elem, item));
    if (j === undefined) {
      result.push(item);
      transcribe('parent', [...parentPath, i], rp, elem, item, transcript);
    } else if (elem.kind === 'struct') {
      result.push(
        mergeStruct(
          elem,
          item as Record<string, unknown>,
          [...parentPath, i],
          child[j] as Record<string, unknown>,
          [...childPath, j],
          rp,
          transcript,
        ),
      );
      transcript.push(
        { side: 'parent', from: [...parentPath, i], to: rp },
        { side: 'child', from: [...childPath, j], to: rp },
      );
    } else {
      result.push(child[j]);
      transcribe('child', [...childPath, j], rp, elem, child[j], transcript);
    }
  });
  child.forEach((item, j) => {
    if (parentKeys.has(keyOf(elem, item))) return;
    const rp = [...resultPath, result.length];
    result.push(item);
    transcribe('child', [...childPath, j], rp, elem, item, transcript);
  });
  return result;
}

function transcribe(
  side: 'parent' | 'child',
  from: ConfigPath,
  to: ConfigPath,
  type: GoType,
  value: unknown,
  transcript: Mapping[],
): boolean {
  switch (type.kind) {
    case 'pointer':
      if (value === undefined) return false;
      transcript.push({ side, from, to });
      return true;
    case 'struct': {
      let any = false;
      const v = (value ?? {}) as Record<string, unknown>;
      for (const f of type.fields) {
        any = transcribe(side, [...from, f.key], [...to, f.key], f.type, v[f.key], transcript) || any;
      }
      if (any) transcript.push({ side, from, to });
      return any;
    }
    case 'slice': {
      let any = false;
      ((value ?? []) as unknown[]).forEach((item, i) => {
        any = transcribe(side, [...from, i], [...to, i], type.elem, item, transcript) || any;
      });
      if (any) transcript.push({ side, from, to });
      return any;
    }
    default:
      if (isZero(value)) return false;
      transcript.push({ side, from, to });
      return true;
  }
}
