import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import {
  checkPartitions,
  decodeEntries,
  decodeHeader,
  decodeLabel,
  encodeEntries,
  encodeHeader,
  encodeLabel,
  encodeProtectiveMbr,
  type GptTable,
  headerFor,
  isProtectiveMbr,
  validateTable,
} from './gpt.js';
import { flatcarLayout } from './layout.js';

const MiB = 1024 * 1024;

function seeded(seed = 1): (n: number) => Uint8Array {
  let state = seed;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    });
}

function table(sectorSize = 512): GptTable {
  return flatcarLayout({ size: 256 * MiB, sectorSize, random: seeded() }).table!;
}

function encoded(t: GptTable) {
  const entries = encodeEntries(t);
  const crc = crc32(entries);
  return { entries, crc, header: encodeHeader(headerFor(t, 'primary', crc), t.sectorSize) };
}

describe('GPT header and entries', () => {
  it('decode what they encode, for 512- and 4096-byte sectors', () => {
    for (const sectorSize of [512, 4096]) {
      const t = table(sectorSize);
      const { entries, header } = encoded(t);
      expect(header.length).toBe(sectorSize);
      const decoded = decodeHeader(header, 'primary');
      expect(decoded.reports).toEqual([]);
      expect(decoded.header).toMatchObject({
        myLba: 1,
        alternateLba: t.backupLba,
        firstUsableLba: t.firstUsableLba,
        lastUsableLba: t.lastUsableLba,
        diskGuid: t.diskGuid,
        entriesLba: 2,
        entryCount: 128,
        entrySize: 128,
      });
      const parts = decodeEntries(entries, { header: decoded.header!, where: 'primary' });
      expect(parts.reports).toEqual([]);
      expect(parts.partitions).toEqual(t.partitions);
    }
  });

  it('puts the usable area after 34 sectors of 512 bytes or 6 of 4096 bytes', () => {
    expect(table(512).firstUsableLba).toBe(34);
    expect(table(4096).firstUsableLba).toBe(6);
  });

  it('rejects a header without the signature', () => {
    const { header } = encoded(table());
    header[0] = 0x46;
    expect(decodeHeader(header, 'primary').reports.map((r) => r.code)).toEqual(['BAD_SIGNATURE']);
  });

  it('rejects a header whose CRC does not match, naming both values', () => {
    const { header } = encoded(table());
    header[40] = header[40]! ^ 1; // first usable LBA
    const { reports } = decodeHeader(header, 'backup');
    expect(reports.map((r) => r.code)).toEqual(['HEADER_CRC_MISMATCH']);
    expect(reports[0]!.message).toMatch(/backup header CRC32 is 0x[0-9a-f]{8} but its contents give 0x[0-9a-f]{8}/);
  });

  it('rejects an unknown revision and an impossible header size', () => {
    const { header } = encoded(table());
    const revision = header.slice();
    revision[10] = 2;
    expect(decodeHeader(revision, 'primary').reports[0]!.code).toBe('BAD_REVISION');
    const size = header.slice();
    size[12] = 12;
    expect(decodeHeader(size, 'primary').reports[0]!.code).toBe('BAD_HEADER_SIZE');
  });

  it('rejects an entry array whose CRC does not match its header', () => {
    const { entries, header } = encoded(table());
    entries[200] = entries[200]! ^ 0x80;
    const decoded = decodeHeader(header, 'primary').header!;
    expect(decodeEntries(entries, { header: decoded, where: 'primary' }).reports.map((r) => r.code)).toEqual([
      'ENTRIES_CRC_MISMATCH',
    ]);
  });

  it('finds overlapping partitions, partitions outside the usable area and shared unique GUIDs', () => {
    const t = table();
    const [a, b] = t.partitions;
    const range = { firstUsableLba: t.firstUsableLba, lastUsableLba: t.lastUsableLba };
    const overlap = [a!, { ...b!, firstLba: a!.lastLba }];
    expect(checkPartitions(overlap, range).map((r) => r.code)).toEqual(['PARTITION_OVERLAP']);
    const outside = [{ ...a!, firstLba: 33 }];
    expect(checkPartitions(outside, range).map((r) => r.code)).toEqual(['PARTITION_OUT_OF_RANGE']);
    const past = [{ ...a!, lastLba: t.lastUsableLba + 1 }];
    expect(checkPartitions(past, range).map((r) => r.code)).toEqual(['PARTITION_OUT_OF_RANGE']);
    const reversed = [{ ...a!, lastLba: a!.firstLba - 1 }];
    expect(checkPartitions(reversed, range).map((r) => r.code)).toEqual(['PARTITION_OUT_OF_RANGE']);
    const twins = [a!, { ...b!, guid: a!.guid }];
    expect(checkPartitions(twins, range).map((r) => r.code)).toEqual(['DUPLICATE_GUID']);
  });

  it('validates a table before writing: geometry, labels and GUIDs', () => {
    const t = table();
    const sectors = 256 * 2048;
    expect(validateTable(t, sectors)).toEqual([]);
    expect(validateTable(t, sectors - 1).map((r) => r.code)).toContain('ENTRIES_OUT_OF_RANGE');
    const longLabel = { ...t, partitions: [{ ...t.partitions[0]!, label: 'x'.repeat(37) }] };
    expect(validateTable(longLabel, sectors).map((r) => r.code)).toEqual(['BAD_LABEL']);
    const badGuid = { ...t, partitions: [{ ...t.partitions[0]!, guid: 'nope' }] };
    expect(validateTable(badGuid, sectors).map((r) => r.code)).toEqual(['BAD_GUID']);
    const crowded = { ...t, firstUsableLba: 20 };
    expect(validateTable(crowded, sectors).map((r) => r.code)).toEqual(['ENTRIES_OUT_OF_RANGE']);
  });

  it('encodes labels as zero-padded UTF-16LE of at most 36 units', () => {
    const label = encodeLabel('USR-Ä')!;
    expect(label.length).toBe(72);
    expect(Buffer.from(label.subarray(0, 12)).toString('hex')).toBe('5500530052002d00c400' + '0000');
    expect(decodeLabel(label)).toBe('USR-Ä');
    expect(encodeLabel('x'.repeat(36))).toBeDefined();
    expect(encodeLabel('x'.repeat(37))).toBeUndefined();
  });

  it('writes a protective MBR covering the disk, capped at 2^32 - 1 sectors', () => {
    const mbr = encodeProtectiveMbr(1000, 512);
    expect(isProtectiveMbr(mbr)).toBe(true);
    expect(Buffer.from(mbr.subarray(446, 462)).toString('hex')).toBe('00000200eeffffff01000000e7030000');
    const big = new DataView(encodeProtectiveMbr(2 ** 40, 512).buffer);
    expect(big.getUint32(446 + 12, true)).toBe(0xffffffff);
    expect(isProtectiveMbr(new Uint8Array(512))).toBe(false);
  });
});
