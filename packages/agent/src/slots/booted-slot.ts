import { realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type GptPartition, type GptTable, isGuid, normalizeGuid, usrSlots } from '@ballast/disk';
import { AgentError } from '../agent-error.js';

// The parameters that name the /usr partition, most specific first: Flatcar's own images boot with
// `mount.usr=/dev/mapper/usr verity.usr=PARTUUID=...`, older ones and non-verity builds with `mount.usr=PARTUUID=...`
// or `usr=PARTUUID=...`.
const USR_PARAMETERS = ['mount.usr', 'verity.usr', 'usr'];

/**
 * The PARTUUID of the booted /usr partition, read from a kernel command line: `mount.usr=`, `verity.usr=` or
 * `usr=`, each as `PARTUUID=<guid>` or `/dev/disk/by-partuuid/<guid>`; the last occurrence of a parameter counts,
 * as for the kernel and systemd. Undefined when none names a partition.
 */
export function bootedPartUuid(cmdline: string): string | undefined {
  const words = cmdline.trim().split(/\s+/);
  for (const name of USR_PARAMETERS) {
    let found: string | undefined;
    for (const word of words) {
      if (!word.startsWith(`${name}=`)) continue;
      const value = word.slice(name.length + 1);
      const match = /^(?:PARTUUID=|\/dev\/disk\/by-partuuid\/)([0-9A-Fa-f-]+)$/.exec(value);
      found = match && isGuid(match[1]!) ? normalizeGuid(match[1]!) : undefined;
    }
    if (found) return found;
  }
  return undefined;
}

/** The booted slot and the one an update goes into. */
export interface SlotPair {
  readonly booted: GptPartition;
  readonly other: GptPartition;
}

/** Finds the booted USR slot in a table by its PARTUUID, and the other one: the only slot an update may write. */
export function slotPair(table: GptTable, bootedGuid: string): SlotPair {
  const slots = usrSlots(table);
  const booted = slots.find((p) => p.guid === normalizeGuid(bootedGuid));
  if (!booted) {
    throw new AgentError(
      'BOOTED_SLOT_NOT_FOUND',
      `The booted /usr partition ${bootedGuid} is not a USR slot of this disk (slots: ${slots.map((s) => `${s.number} ${s.guid}`).join(', ') || 'none'})`,
    );
  }
  const others = slots.filter((p) => p.number !== booted.number);
  if (others.length !== 1) {
    throw new AgentError(
      'NO_OTHER_SLOT',
      `The disk has ${slots.length} USR slots; an A/B update needs exactly two (the booted one is ${booted.number})`,
    );
  }
  return { booted, other: others[0]! };
}

/** The booted PARTUUID of a node, or `BOOTED_SLOT_UNKNOWN` naming the command line that did not say. */
export function requireBootedPartUuid(cmdline: string): string {
  const guid = bootedPartUuid(cmdline);
  if (!guid) {
    throw new AgentError(
      'BOOTED_SLOT_UNKNOWN',
      `The kernel command line names no /usr partition (mount.usr=PARTUUID=..., usr=PARTUUID=...): '${cmdline}'`,
    );
  }
  return guid;
}

/**
 * The whole disk that holds the partition with this PARTUUID, through /dev/disk/by-partuuid and sysfs below
 * `root`; `DISK_NOT_FOUND` when udev's link or the sysfs entry is missing.
 */
export async function diskOfPartition(root: string, partUuid: string): Promise<string> {
  const link = join(root, '/dev/disk/by-partuuid', partUuid.toLowerCase());
  try {
    const partition = basename(await realpath(link));
    const parent = basename(await realpath(join(root, '/sys/class/block', partition, '..')));
    await stat(join(root, '/dev', parent));
    return join(root, '/dev', parent);
  } catch (error) {
    throw new AgentError(
      'DISK_NOT_FOUND',
      `Cannot find the disk of /usr partition ${partUuid} (${link}): ${(error as Error).message}; pass --disk`,
    );
  }
}
