import { randomBytes } from 'node:crypto';
import { flatcarLayout, USR_A_GUID, USR_B_GUID } from '@ballast/disk';
import { describe, expect, it } from 'vitest';
import { bootedPartUuid, requireBootedPartUuid, slotPair } from './booted-slot.js';

const A = USR_A_GUID.toLowerCase();

describe('bootedPartUuid', () => {
  it('reads mount.usr=, verity.usr= and usr= as PARTUUID= or a by-partuuid path', () => {
    expect(bootedPartUuid(`BOOT_IMAGE=/flatcar/vmlinuz-a mount.usr=PARTUUID=${A} rootflags=rw`)).toBe(USR_A_GUID);
    expect(bootedPartUuid(`usr=PARTUUID=${A}`)).toBe(USR_A_GUID);
    expect(bootedPartUuid(`mount.usr=/dev/disk/by-partuuid/${A}`)).toBe(USR_A_GUID);
    // Flatcar's verity images: mount.usr names the dm device, verity.usr the partition.
    expect(bootedPartUuid(`mount.usr=/dev/mapper/usr verity.usr=PARTUUID=${A} root=LABEL=ROOT`)).toBe(USR_A_GUID);
  });

  it('takes the last occurrence, prefers mount.usr, and ignores what is not a partition', () => {
    const b = USR_B_GUID.toLowerCase();
    expect(bootedPartUuid(`mount.usr=PARTUUID=${A} mount.usr=PARTUUID=${b}`)).toBe(USR_B_GUID);
    expect(bootedPartUuid(`usr=PARTUUID=${b} mount.usr=PARTUUID=${A}`)).toBe(USR_A_GUID);
    expect(bootedPartUuid('root=/dev/sda9 usr=/dev/sda3 mount.usr=PARTUUID=nope')).toBeUndefined();
    expect(bootedPartUuid('xmount.usr=PARTUUID=' + A)).toBeUndefined();
    expect(() => requireBootedPartUuid('quiet')).toThrow(expect.objectContaining({ code: 'BOOTED_SLOT_UNKNOWN' }));
  });
});

describe('slotPair', () => {
  const table = flatcarLayout({ size: 8 * 1024 ** 3, random: (n) => randomBytes(n) }).table!;
  it('names the booted slot and the other one', () => {
    expect(slotPair(table, A)).toMatchObject({ booted: { number: 3 }, other: { number: 4 } });
    expect(slotPair(table, USR_B_GUID)).toMatchObject({ booted: { number: 4 }, other: { number: 3 } });
  });

  it('refuses a partition that is not a USR slot of the disk', () => {
    const root = table.partitions.find((p) => p.label === 'ROOT')!;
    expect(() => slotPair(table, root.guid)).toThrow(expect.objectContaining({ code: 'BOOTED_SLOT_NOT_FOUND' }));
  });
});
