// Differential tests against Debian's cgpt (vboot-utils) and sgdisk (gdisk): what we write they read, what they
// write we read, and they make the same attribute and priority changes we do. Both come from scripts/setup.
import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImage, MemoryDevice, openDisk } from './block-device.js';
import type { GptPartition, GptTable } from './gpt.js';
import { readGpt, writeGpt } from './gpt-io.js';
import { flatcarLayout, PARTITION_TYPES } from './layout.js';
import { run } from './run.js';
import { chooseBootSlot, prepareUpdate, prioritize, setSlot, slotState, withSlotState } from './slot-rules.js';

const MiB = 1024 * 1024;
const CHROMEOS_KERNEL = 'FE3A2A5D-4F32-41A7-B725-ACCC3285A309';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ballast-disk-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const image = () => join(dir, `disk-${counter++}.img`);
const cgpt = async (...args: (string | number)[]) => (await run('cgpt', args.map(String))).stdout.trim();
const sgdisk = async (...args: (string | number)[]) => (await run('sgdisk', args.map(String))).stdout;
let seed = 1;
const random = (n: number) =>
  Uint8Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  });

async function writeImage(table: GptTable, size: number): Promise<string> {
  const path = image();
  const disk = await createImage(path, size);
  try {
    await writeGpt(disk, table, { protectiveMbr: true });
  } finally {
    await disk.close();
  }
  return path;
}

async function readImage(path: string) {
  const disk = await openDisk(path);
  try {
    return await readGpt(disk);
  } finally {
    await disk.close();
  }
}

async function updateImage(path: string, change: (t: GptTable) => GptTable): Promise<GptTable> {
  const disk = await openDisk(path, { writable: true });
  try {
    const next = change((await readGpt(disk)).table);
    await writeGpt(disk, next);
    return next;
  } finally {
    await disk.close();
  }
}

// What cgpt says about one partition: `cgpt show -i N -n` for the entry, `-P`, `-T` and `-S` for the slot fields.
async function cgptPartition(path: string, number: number) {
  const field = async (flag: string) => Number(await cgpt('show', '-i', number, flag, path));
  const entry = await cgpt('show', '-i', number, '-n', path);
  const row = /^\s*(\d+)\s+(\d+)\s+\d+\s+Label: "(.*)"$/m.exec(entry);
  const text = (label: string) => new RegExp(`^\\s*${label}: (.*)$`, 'm').exec(entry)?.[1] ?? '';
  const raw = Number.parseInt(/\[([0-9a-f]+)\]/.exec(text('Attr'))?.[1] ?? 'x', 16);
  const result = {
    number,
    firstLba: Number(row?.[1]),
    lastLba: Number(row?.[1]) + Number(row?.[2]) - 1,
    type: text('Type'),
    guid: text('UUID'),
    label: row?.[3] ?? '',
    priority: await field('-P'),
    tries: await field('-T'),
    successful: (await field('-S')) === 1,
  };
  // The raw attribute word (bits 48-63) must say the same as the three fields.
  expect(raw).toBe(result.priority | (result.tries << 4) | ((result.successful ? 1 : 0) << 8) | (raw & ~0x1ff));
  return result;
}

// What `sgdisk -i N` says about one partition.
async function sgdiskPartition(path: string, number: number) {
  const out = await sgdisk('-i', number, path);
  const line = (label: string) => new RegExp(`^${label}: (.*)$`, 'm').exec(out)?.[1] ?? '';
  return {
    number,
    type: line('Partition GUID code').split(' ')[0],
    guid: line('Partition unique GUID'),
    firstLba: Number(line('First sector').split(' ')[0]),
    lastLba: Number(line('Last sector').split(' ')[0]),
    attributes: BigInt(`0x${line('Attribute flags')}`),
    label: /^Partition name: '(.*)'$/m.exec(out)?.[1] ?? '',
  };
}

const ours = (p: GptPartition) => ({
  number: p.number,
  firstLba: p.firstLba,
  lastLba: p.lastLba,
  type: p.type,
  guid: p.guid,
  label: p.label,
  ...slotState(p.attributes),
});

describe('what we write, cgpt and sgdisk read', () => {
  it('reads a Flatcar layout in a 4 GiB image the same way, partition by partition', async () => {
    const table = flatcarLayout({ size: 4 * 1024 * MiB, random }).table!;
    const path = await writeImage(table, 4 * 1024 * MiB);
    for (const p of table.partitions) {
      expect(await cgptPartition(path, p.number)).toEqual(ours(p));
      const { attributes, ...fields } = await sgdiskPartition(path, p.number);
      expect(fields).toEqual({
        number: p.number,
        type: p.type,
        guid: p.guid,
        firstLba: p.firstLba,
        lastLba: p.lastLba,
        label: p.label,
      });
      expect(attributes).toBe(p.attributes);
    }
    const summary = await sgdisk('-p', path);
    expect(summary).toContain('Disk identifier (GUID): 00000000-0000-0000-0000-000000000001');
    expect(summary).toContain('First usable sector is 34, last usable sector is 8388574');
    expect(summary).not.toMatch(/corrupt|invalid|Warning/i);
    expect(await sgdisk('-v', path)).toContain('No problems found');
  });

  it('writes a protective MBR that sgdisk accepts, with the same partition as sgdisk’s own apart from CHS', async () => {
    const size = 64 * MiB;
    const path = await writeImage(flatcarLayout({ size: 256 * MiB, random }).table!, 256 * MiB);
    expect(await sgdisk('-v', path)).toContain('No problems found');
    const theirs = image();
    await writeFile(theirs, '');
    await truncate(theirs, size);
    await sgdisk('-o', theirs);
    const mine = new MemoryDevice(new Uint8Array(size));
    await writeGpt(mine, (await readImage(theirs)).table, { protectiveMbr: true });
    const reference = await readFile(theirs);
    const entry = (b: Uint8Array) => [b[446], b[450], ...b.subarray(454, 462), b[510], b[511]];
    expect(entry(mine.bytes)).toEqual(entry(reference));
  });

  it('reads the slot fields after every change we make, and cgpt finds nothing to repair', async () => {
    const size = 256 * MiB;
    const path = await writeImage(flatcarLayout({ size, random }).table!, size);
    const steps: ((t: GptTable) => GptTable)[] = [
      (t) => prepareUpdate(t, 4).table!,
      (t) => chooseBootSlot(t).table,
      (t) => setSlot(t, { partition: 3, priority: 15, tries: 15, successful: false }).table!,
      (t) => chooseBootSlot(t).table,
    ];
    for (const step of steps) {
      const table = await updateImage(path, step);
      for (const n of [3, 4]) {
        expect(await cgptPartition(path, n)).toEqual(ours(table.partitions.find((p) => p.number === n)!));
      }
      expect(await cgpt('repair', path)).toBe('');
      expect(await sgdisk('-v', path)).toContain('No problems found');
    }
  });

  it('leaves cgpt a readable table after any prefix of an interrupted update', async () => {
    const size = 256 * MiB;
    const before = flatcarLayout({ size, random }).table!;
    const after = prepareUpdate(before, 4).table!;
    const disk = new MemoryDevice(new Uint8Array(size));
    await writeGpt(disk, before, { protectiveMbr: true });
    const base = disk.bytes.slice();
    const writes: { offset: number; data: Uint8Array }[] = [];
    const recorder = new MemoryDevice(disk.bytes);
    recorder.write = async (offset, data) => {
      for (let at = 0; at < data.length; at += 512)
        writes.push({ offset: offset + at, data: data.slice(at, at + 512) });
      disk.bytes.set(data, offset);
    };
    await writeGpt(recorder, after);
    // Only the sectors at the start and end of the disk change: keep both ends in a small sparse file.
    const path = image();
    await writeFile(path, '');
    await truncate(path, size);
    for (let cut = 0; cut <= writes.length; cut++) {
      const state = base.slice(0, 64 * 1024);
      const tail = base.slice(size - 64 * 1024);
      for (const w of writes.slice(0, cut)) {
        if (w.offset < 64 * 1024) state.set(w.data, w.offset);
        else tail.set(w.data, w.offset - (size - 64 * 1024));
      }
      const file = await open(path, 'r+');
      await file.write(state, 0, state.length, 0);
      await file.write(tail, 0, tail.length, size - 64 * 1024);
      await file.close();
      const priority = Number(await cgpt('show', '-i', 4, '-P', path));
      expect([0, 2], `cut after ${cut} writes`).toContain(priority);
      if (cut === writes.length) expect(priority).toBe(2);
    }
  });
});

describe('what cgpt and sgdisk write, we read', () => {
  const partitionsArb = fc
    .uniqueArray(
      fc.record({
        number: fc.integer({ min: 1, max: 128 }),
        sectors: fc.integer({ min: 1, max: 4096 }),
        gap: fc.integer({ min: 0, max: 2048 }),
        priority: fc.integer({ min: 0, max: 15 }),
        tries: fc.integer({ min: 0, max: 15 }),
        successful: fc.boolean(),
        label: fc.stringMatching(/^[A-Za-z0-9_-]{0,36}$/),
        type: fc.constantFrom(PARTITION_TYPES.usr, PARTITION_TYPES.data, PARTITION_TYPES.efi, CHROMEOS_KERNEL),
      }),
      { selector: (p) => p.number, minLength: 1, maxLength: 4 },
    )
    .map((ps) => {
      let next = 64;
      return ps.map((p) => {
        const firstLba = next + p.gap;
        next = firstLba + p.sectors;
        return { ...p, firstLba, lastLba: firstLba + p.sectors - 1 };
      });
    });

  it('reads partitions cgpt created, with their priority, tries and successful bits', async () => {
    await fc.assert(
      fc.asyncProperty(partitionsArb, async (partitions) => {
        const path = image();
        await writeFile(path, '');
        await truncate(path, 16 * MiB);
        await cgpt('create', path);
        for (const p of partitions) {
          await cgpt(
            'add',
            '-i',
            p.number,
            '-b',
            p.firstLba,
            '-s',
            p.sectors,
            '-t',
            p.type,
            '-l',
            p.label,
            '-P',
            p.priority,
            '-T',
            p.tries,
            '-S',
            p.successful ? 1 : 0,
            path,
          );
        }
        const read = await readImage(path);
        expect(read.source).toBe('primary');
        // cgpt create writes no protective MBR; everything else must be clean.
        expect(read.reports.map((r) => r.code)).toEqual(['NO_PROTECTIVE_MBR']);
        for (const p of partitions) {
          const found = read.table.partitions.find((q) => q.number === p.number)!;
          expect(ours(found)).toEqual({
            ...(await cgptPartition(path, p.number)),
            label: p.label,
            priority: p.priority,
            tries: p.tries,
            successful: p.successful,
          });
        }
        await rm(path);
      }),
      { numRuns: 8 },
    );
  });

  it('reads partitions sgdisk created, with names, unique GUIDs and attribute bits', async () => {
    const path = image();
    await writeFile(path, '');
    await truncate(path, 64 * MiB);
    await sgdisk(
      '-o',
      '-n',
      '3:4096:+16M',
      '-t',
      `3:${PARTITION_TYPES.usr}`,
      '-c',
      '3:USR-A',
      '-u',
      '3:7130c94a-213a-4e5a-8e26-6cce9662f132',
      '-A',
      '3:set:48',
      '-A',
      '3:set:52',
      '-A',
      '3:set:53',
      '-A',
      '3:set:56',
      '-A',
      '3:set:60',
      '-n',
      '9:0:0',
      '-t',
      `9:${PARTITION_TYPES.resize}`,
      '-c',
      '9:ROOT',
      path,
    );
    const read = await readImage(path);
    expect(read.reports).toEqual([]);
    const usr = read.table.partitions.find((p) => p.number === 3)!;
    expect(usr).toMatchObject({
      label: 'USR-A',
      type: PARTITION_TYPES.usr,
      guid: '7130C94A-213A-4E5A-8E26-6CCE9662F132',
      firstLba: 4096,
      lastLba: 4096 + 32768 - 1,
    });
    expect(slotState(usr.attributes)).toEqual({ priority: 1, tries: 3, successful: true });
    expect(usr.attributes).toBe((await sgdiskPartition(path, 3)).attributes);
    expect(usr.attributes & (1n << 60n)).toBe(1n << 60n);
    const root = read.table.partitions.find((p) => p.number === 9)!;
    expect({ ...ours(root) }).toMatchObject(await sgdiskPartition(path, 9).then(({ attributes, ...rest }) => rest));
    expect(await cgptPartition(path, 3)).toEqual(ours(usr));

    // Our rewrite of sgdisk's table keeps its names, GUIDs and the attribute bits we did not touch.
    const after = await updateImage(path, (t) => setSlot(t, { partition: 3, priority: 2, tries: 0 }).table!);
    const rewritten = after.partitions.find((p) => p.number === 3)!;
    const { priority: _p, tries: _t, successful: _s, ...entry } = ours(rewritten);
    expect(await sgdiskPartition(path, 3)).toEqual({ ...entry, attributes: rewritten.attributes });
    expect(rewritten.attributes).toBe(withSlotState(usr.attributes, { priority: 2, tries: 0 }));
    expect(await sgdisk('-v', path)).toContain('No problems found');
  });

  it('makes the same change as `cgpt add -P -T -S`, keeping every other attribute bit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.record({
          priority: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
          tries: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
          successful: fc.option(fc.boolean(), { nil: undefined }),
        }),
        async (attributes, change) => {
          const base = flatcarLayout({ size: 256 * MiB, random }).table!;
          const table = {
            ...base,
            partitions: base.partitions.map((p) => (p.number === 4 ? { ...p, attributes } : p)),
          };
          const path = await writeImage(table, 256 * MiB);
          const flags: (string | number)[] = [];
          if (change.priority !== undefined) flags.push('-P', change.priority);
          if (change.tries !== undefined) flags.push('-T', change.tries);
          if (change.successful !== undefined) flags.push('-S', change.successful ? 1 : 0);
          await cgpt('add', '-i', 4, ...flags, path);
          const theirs = (await readImage(path)).table.partitions.find((p) => p.number === 4)!.attributes;
          const mine = setSlot(table, { partition: 4, ...stripUndefined(change) }).table!.partitions.find(
            (p) => p.number === 4,
          )!.attributes;
          expect(mine).toBe(theirs);
          expect(theirs).toBe(withSlotState(attributes, stripUndefined(change)));
          await rm(path);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('re-ranks priorities exactly as `cgpt prioritize` does', async () => {
    // Debian's cgpt prioritizes ChromeOS kernel partitions; the rule is the same for any type we point it at.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
        fc.boolean(),
        async (priorities, pick, maxPriority, friends) => {
          const path = image();
          await writeFile(path, '');
          await truncate(path, 8 * MiB);
          await cgpt('create', path);
          for (const [i, priority] of priorities.entries()) {
            await cgpt('add', '-i', i + 1, '-b', 64 + i * 64, '-s', 64, '-t', 'kernel', '-P', priority, path);
          }
          const partition = pick === undefined ? undefined : (pick % priorities.length) + 1;
          const args: (string | number)[] = [];
          if (partition !== undefined) args.push('-i', partition);
          if (maxPriority !== undefined) args.push('-P', maxPriority);
          if (friends && partition !== undefined) args.push('-f');
          const before = (await readImage(path)).table;
          await cgpt('prioritize', ...args, path);
          const theirs = (await readImage(path)).table.partitions.map((p) => slotState(p.attributes).priority);
          const mine = prioritize(before, {
            type: CHROMEOS_KERNEL,
            ...(partition !== undefined ? { partition } : {}),
            ...(maxPriority !== undefined ? { maxPriority } : {}),
            friends: friends && partition !== undefined,
          }).table!.partitions.map((p) => slotState(p.attributes).priority);
          expect(mine, JSON.stringify({ priorities, partition, maxPriority, friends })).toEqual(theirs);
          await rm(path);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reads the backup when cgpt’s primary header is damaged, as cgpt itself does', async () => {
    const size = 256 * MiB;
    const path = await writeImage(flatcarLayout({ size, random }).table!, size);
    const file = await open(path, 'r+');
    await file.write(Uint8Array.of(0xff), 0, 1, 512 + 30);
    await file.close();
    const read = await readImage(path);
    expect(read.source).toBe('backup');
    for (const p of read.table.partitions) expect(await cgptPartition(path, p.number)).toEqual(ours(p));
  });
});

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
