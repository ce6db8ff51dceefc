import { zeroOf } from '../schema/go-value.js';
import type { GoType } from '../schema/model.js';
import { IGNITION_SPECS, IGNITION_VERSIONS, type IgnitionConfigs, type IgnitionVersion } from './ignition-version.js';

// Ignition's translations between spec versions (config/v3_X/translate): every field carries over by name; a
// value that became optional is wrapped (3.0 CA sources, 3.2 RAID levels, link targets and custom Clevis pins and
// configs, set even when empty); a struct pointer that became a plain struct is unwrapped (3.2 Clevis); fields
// new to the target are left empty; `ignition.version` becomes the target's; and into 3.4.0 the setuid, setgid
// and sticky bits of file and directory modes are masked out, as older specs ignored them.

function convert(value: unknown, from: GoType, to: GoType): unknown {
  if (to.kind === 'pointer') {
    if (from.kind === 'pointer') return value === undefined ? undefined : convert(value, from.elem, to.elem);
    return convert(value, from, to.elem);
  }
  if (from.kind === 'pointer') return value === undefined ? zeroOf(to) : convert(value, from.elem, to);
  if (to.kind === 'slice' && from.kind === 'slice') {
    return ((value as unknown[] | undefined) ?? []).map((item) => convert(item, from.elem, to.elem));
  }
  if (to.kind === 'struct' && from.kind === 'struct') {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of to.fields) {
      const old = from.fields.find((o) => o.key === f.key);
      out[f.key] = old === undefined ? zeroOf(f.type) : convert(source[f.key], old.type, f.type);
    }
    return out;
  }
  return value;
}

function maskSpecialBits(nodes: unknown): void {
  for (const node of (nodes as Record<string, unknown>[] | undefined) ?? []) {
    // Go's `mode &^ 07000` on a 64-bit int.
    if (typeof node.mode === 'number') node.mode = Number(BigInt(node.mode) & ~0o7000n);
  }
}

function step(config: unknown, from: IgnitionVersion, to: IgnitionVersion): unknown {
  const out = convert(config, IGNITION_SPECS[from], IGNITION_SPECS[to]) as {
    ignition: { version: string };
    storage: { files: unknown; directories: unknown };
  };
  out.ignition.version = to;
  if (to === '3.4.0') {
    maskSpecialBits(out.storage.files);
    maskSpecialBits(out.storage.directories);
  }
  return out;
}

/** Translates a config to a later spec version, one version at a time, as Ignition's ParseCompatibleVersion does. */
export function upgradeIgnition<F extends IgnitionVersion, T extends IgnitionVersion>(
  config: IgnitionConfigs[F],
  fromVersion: F,
  toVersion: T,
): IgnitionConfigs[T] {
  const from = IGNITION_VERSIONS.indexOf(fromVersion);
  const to = IGNITION_VERSIONS.indexOf(toVersion);
  if (to < from) throw new RangeError(`cannot translate an Ignition ${fromVersion} config down to ${toVersion}`);
  let current: unknown = config;
  for (let i = from; i < to; i++) {
    current = step(current, IGNITION_VERSIONS[i] as IgnitionVersion, IGNITION_VERSIONS[i + 1] as IgnitionVersion);
  }
  return current as IgnitionConfigs[T];
}
