import { lstat, readFile, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config3_4 } from '@ballast/config';
import { ToolError } from '@ballast/disk';
import type { ApplyContext } from './context.js';
import { ioError, ProvisionError } from './provision-error.js';
import { resolveInRoot } from './root-path.js';
import { DEFAULT_FILE_MODE, mkdirs, writeFileAtomic } from './write-file.js';

type Unit = Config3_4['systemd']['units'][number];

/** Where Ignition writes the enable/disable lines for systemd's presets. */
export const PRESET_PATH = '/etc/systemd/system-preset/20-ignition.preset';
const UNITS_DIR = '/etc/systemd/system';

interface Preset {
  readonly unit: string;
  readonly enabled: boolean;
  readonly instances: string[];
}

/**
 * Writes systemd units and drop-ins under /etc/systemd/system, masks (a link to /dev/null) and unmasks them, and
 * records `enabled` as preset lines; for a disabled unit, `systemctl --root ROOT disable` first removes its
 * enablement links, as Ignition does. Instances of a template share one line (`enable echo@.service a b`).
 */
export async function createUnits(config: Config3_4, context: ApplyContext): Promise<void> {
  const presets = new Map<string, Preset>();
  for (const [index, unit] of config.systemd.units.entries()) {
    const where = `systemd.units.${index} ${unit.name}`;
    try {
      await writeUnit(unit, context);
      if (unit.enabled !== undefined) addPreset(presets, unit);
      if (unit.mask === true) await maskUnit(unit, context);
      else if (unit.mask === false) await unmaskUnit(unit, context);
    } catch (error) {
      if (error instanceof ProvisionError) throw error.at(where);
      throw error;
    }
  }
  if (presets.size > 0) await writePresets([...presets.values()], context);
}

function addPreset(presets: Map<string, Preset>, unit: Unit): void {
  const enabled = unit.enabled === true;
  const identifier = enabled ? 'enabled' : 'disabled';
  const at = unit.name.indexOf('@');
  if (at < 0) {
    presets.set(`${unit.name}-${identifier}`, { unit: unit.name, enabled, instances: [] });
    return;
  }
  const dot = unit.name.lastIndexOf('.');
  const template = unit.name.slice(0, at + 1) + unit.name.slice(dot);
  const instance = unit.name.slice(at + 1, dot);
  const key = `${template}-${identifier}`;
  const existing = presets.get(key);
  if (existing) existing.instances.push(instance);
  else presets.set(key, { unit: template, enabled, instances: [instance] });
}

async function writeUnit(unit: Unit, context: ApplyContext): Promise<void> {
  context.log(`processing unit "${unit.name}"`);
  for (const dropin of unit.dropins) {
    if (dropin.contents === undefined) continue;
    const path = await resolveInRoot(context.root, `${UNITS_DIR}/${unit.name}.d/${dropin.name}`);
    context.log(`writing systemd drop-in "${dropin.name}" at "${path}"`);
    await writeFileAtomic(path, new TextEncoder().encode(dropin.contents), { mode: DEFAULT_FILE_MODE, uid: 0, gid: 0 });
  }
  if (unit.contents === undefined || unit.contents === '') return;
  const path = await resolveInRoot(context.root, `${UNITS_DIR}/${unit.name}`);
  context.log(`writing unit "${unit.name}" at "${path}"`);
  await writeFileAtomic(path, new TextEncoder().encode(unit.contents), { mode: DEFAULT_FILE_MODE, uid: 0, gid: 0 });
}

async function maskUnit(unit: Unit, context: ApplyContext): Promise<void> {
  context.log(`masking unit "${unit.name}"`);
  const path = await resolveInRoot(context.root, `${UNITS_DIR}/${unit.name}`);
  await mkdirs(dirname(path));
  try {
    await rm(path, { recursive: true, force: true });
    await symlink('/dev/null', path);
  } catch (cause) {
    throw ioError('mask', path, cause);
  }
}

async function unmaskUnit(unit: Unit, context: ApplyContext): Promise<void> {
  const path = await resolveInRoot(context.root, `${UNITS_DIR}/${unit.name}`);
  let target: string;
  try {
    target = await readlink(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL' || code === 'ENOTDIR') return;
    throw ioError('read the link', path, cause);
  }
  if (target !== '/dev/null') return;
  context.log(`unmasking unit "${unit.name}"`);
  await unlink(path);
}

async function writePresets(presets: readonly Preset[], context: ApplyContext): Promise<void> {
  const lines: string[] = [];
  for (const preset of presets) {
    const unit = preset.instances.length > 0 ? `${preset.unit} ${preset.instances.join(' ')}` : preset.unit;
    if (preset.enabled) {
      context.log(`setting preset to enabled for "${unit}"`);
      lines.push(`enable ${unit}`);
      continue;
    }
    context.log(`setting preset to disabled for "${unit}"`);
    context.log(`removing enablement symlink(s) for "${unit}"`);
    try {
      await context.runner('systemctl', ['--root', context.root, 'disable', unit]);
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      throw new ProvisionError(
        'TOOL_FAILED',
        `cannot remove symlink(s) for ${unit}: ${error.message}`,
        'systemd.units',
      );
    }
    lines.push(`disable ${unit}`);
  }
  // Ignition appends each line to the file as it goes; we append them all in one atomic write.
  const path = await resolveInRoot(context.root, PRESET_PATH);
  let existing = '';
  let attributes = { mode: DEFAULT_FILE_MODE, uid: 0, gid: 0 };
  try {
    const info = await lstat(path);
    existing = await readFile(path, 'utf8');
    attributes = { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('read', path, cause);
  }
  const text = existing + lines.map((line) => `${line}\n`).join('');
  await writeFileAtomic(path, new TextEncoder().encode(text), attributes);
}
