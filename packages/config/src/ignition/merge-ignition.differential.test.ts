import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { marshalGo } from '../schema/marshal-go.js';
import { IGNITION_SPECS, type IgnitionVersion } from './ignition-version.js';
import { mergeIgnition } from './merge-ignition.js';
import { parseIgnition } from './parse-ignition.js';
import { upgradeIgnition } from './upgrade-ignition.js';

// Merge and upgrade against the real thing: Debian's Ignition 2.14 binary (its fetch-offline stage) reads a config
// whose `ignition.config.merge` holds the children as data URLs, translates each to its latest spec
// (3.4.0-experimental) and merges them in order, then caches the result as JSON. We compute the same from
// upgradeIgnition and mergeIgnition and compare.

const IGNITION = '/usr/lib/dracut/modules.d/30ignition/ignition';
const work = mkdtempSync(join(tmpdir(), 'ballast-ignition-merge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dataUrl = (config: object): string => `data:,${encodeURIComponent(JSON.stringify(config))}`;

/** Runs Ignition's fetch-offline on `config`; the merged config it caches, or undefined when it fails. */
function runIgnition(config: object): unknown {
  const file = join(work, 'config.ign');
  const cache = join(work, 'cache.json');
  rmSync(cache, { force: true });
  writeFileSync(file, JSON.stringify(config));
  const args = ['-platform', 'file', '-stage', 'fetch-offline', '-log-to-stdout', '-config-cache', cache];
  args.push('-state-file', join(work, 'state'), '-neednet', join(work, 'neednet'));
  const run = spawnSync(IGNITION, args, { env: { ...process.env, IGNITION_CONFIG_FILE: file }, encoding: 'utf8' });
  if (run.status !== 0 || !existsSync(cache)) return undefined;
  return JSON.parse(readFileSync(cache, 'utf8'));
}

// encoding/json writes empty structs as {}; clarketm/json (and we) leave them out.
function pruneEmptyObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmptyObjects);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const pruned = pruneEmptyObjects(v);
    const empty =
      typeof pruned === 'object' && pruned !== null && !Array.isArray(pruned) && Object.keys(pruned).length === 0;
    if (!empty) out[k] = pruned;
  }
  return out;
}

/** What we make of a parent whose merge list names `children`: each upgraded to 3.4.0, merged in order. */
function ours(parent: object, children: object[]): unknown {
  const parse = (c: object) => {
    const r = parseIgnition(JSON.stringify(c));
    if (r.config === undefined || r.version === undefined) throw new Error(`invalid: ${JSON.stringify(r.reports)}`);
    return upgradeIgnition(r.config, r.version, '3.4.0');
  };
  let result = parse(parent);
  for (const child of children) result = mergeIgnition(result, parse(child), '3.4.0');
  return JSON.parse(marshalGo(result, IGNITION_SPECS['3.4.0'], { pretty: false }));
}

function theirs(parent: object, children: object[]): unknown {
  const top = parent as { ignition: { version: IgnitionVersion } };
  const out = runIgnition(withChildren(parent as Record<string, unknown>, top.ignition.version, children, true)) as
    | { ignition: { version: string } }
    | undefined;
  if (out === undefined) return undefined;
  // Back from 2.14's name for 3.4.0, in the version and in the children's data URLs alike.
  return pruneEmptyObjects(JSON.parse(JSON.stringify(out).replaceAll('3.4.0-experimental', '3.4.0')));
}

// Ignition 2.14 knows spec 3.4.0 as 3.4.0-experimental.
function forGo(config: object): object {
  return JSON.parse(JSON.stringify(config).replace(/"version":"3\.4\.0"/g, '"version":"3.4.0-experimental"'));
}

function withChildren(
  parent: Record<string, unknown>,
  version: IgnitionVersion,
  children: object[],
  go = false,
): object {
  const merge = children.map((c) => ({ source: dataUrl(go ? forGo(c) : c) }));
  const ignition = { ...(parent.ignition as object), version, config: { merge } };
  return go ? forGo({ ...parent, ignition }) : { ...parent, ignition };
}

const v = (version: IgnitionVersion, rest: object = {}) => ({ ignition: { version }, ...rest });

// Ignition fetches CA certificates while merging, so no case has one (there is no network here).
// Hand-written cases for each merge and translation rule; the expectation is whatever Ignition does.
const CASES: [name: string, parent: object, children: object[]][] = [
  [
    'child scalars replace the parent, optional ones only when set',
    v('3.3.0', { storage: { files: [{ path: '/a', mode: 420, overwrite: true, contents: { source: 'data:,a' } }] } }),
    [v('3.3.0', { storage: { files: [{ path: '/a', mode: 384 }] } })],
  ],
  [
    'file appends are concatenated',
    v('3.2.0', { storage: { files: [{ path: '/a', append: [{ source: 'data:,1' }] }] } }),
    [v('3.2.0', { storage: { files: [{ path: '/a', append: [{ source: 'data:,1' }, { source: 'data:,2' }] }] } })],
  ],
  [
    'files, directories and links share keys',
    v('3.3.0', {
      storage: {
        files: [{ path: '/x' }, { path: '/keep' }],
        directories: [{ path: '/d' }],
        links: [{ path: '/l', target: '/t' }],
      },
    }),
    [
      v('3.3.0', {
        storage: {
          directories: [{ path: '/x', mode: 493 }],
          files: [{ path: '/d' }],
          links: [{ path: '/l', target: '/u', hard: true }],
        },
      }),
    ],
  ],
  [
    'users and keyed string lists merge by value',
    v('3.1.0', {
      passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['a', 'b'], groups: ['wheel'] }, { name: 'other' }] },
    }),
    [v('3.1.0', { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['b', 'c'], uid: 1000 }, { name: 'new' }] } })],
  ],
  [
    'units and dropins merge by name',
    v('3.0.0', {
      systemd: {
        units: [
          {
            name: 'a.service',
            enabled: true,
            contents: '[Install]\nWantedBy=x\n',
            dropins: [{ name: '1.conf', contents: '[A]\nB=c\n' }],
          },
        ],
      },
    }),
    [
      v('3.0.0', {
        systemd: {
          units: [
            { name: 'a.service', enabled: false, dropins: [{ name: '1.conf' }, { name: '2.conf' }] },
            { name: 'b.service', mask: true },
          ],
        },
      }),
    ],
  ],
  [
    'HTTP headers without a value remove the parent header',
    v('3.1.0', {
      storage: {
        files: [
          {
            path: '/a',
            contents: {
              source: 'https://e/x',
              httpHeaders: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
          },
        ],
      },
    }),
    [
      v('3.1.0', {
        storage: {
          files: [
            {
              path: '/a',
              contents: { source: 'https://e/x', httpHeaders: [{ name: 'A' }, { name: 'C', value: '3' }] },
            },
          ],
        },
      }),
    ],
  ],
  [
    'filesystem options are concatenated, partitions keyed by number or label',
    v('3.2.0', {
      storage: {
        disks: [
          {
            device: '/dev/a',
            partitions: [
              { number: 1, label: 'one' },
              { label: 'two', sizeMiB: 5 },
            ],
          },
        ],
        filesystems: [{ device: '/dev/b', format: 'ext4', options: ['-a'] }],
      },
    }),
    [
      v('3.2.0', {
        storage: {
          disks: [
            {
              device: '/dev/a',
              partitions: [{ number: 1, sizeMiB: 10 }, { label: 'two', startMiB: 1 }, { number: 3 }],
            },
          ],
          filesystems: [{ device: '/dev/b', format: 'xfs', options: ['-a', '-b'] }],
        },
      }),
    ],
  ],
  [
    'kernel arguments share keys across both lists',
    v('3.3.0', { kernelArguments: { shouldExist: ['a', 'b'], shouldNotExist: ['c'] } }),
    [v('3.3.0', { kernelArguments: { shouldExist: ['c'], shouldNotExist: ['a', 'd'] } })],
  ],
  [
    '3.0 config references become resources; timeouts merge',
    v('3.0.0', { ignition: { version: '3.0.0', timeouts: { httpTotal: 5 } } }),
    [v('3.0.0', { ignition: { version: '3.0.0', timeouts: { httpResponseHeaders: 3 } } })],
  ],
  [
    '3.2 Clevis pointers, RAID levels and link targets translate',
    v('3.2.0', {
      storage: {
        luks: [
          { name: 'r', device: '/dev/r', clevis: { custom: { pin: 'tpm2', config: '{}' } } },
          { name: 's', device: '/dev/s' },
        ],
        raid: [{ name: 'md', level: 'raid1', devices: ['/dev/x'] }],
        links: [{ path: '/l', target: '/t' }],
      },
    }),
    [],
  ],
  [
    'special mode bits are masked on the way to 3.4',
    v('3.3.0', { storage: { files: [{ path: '/a', mode: 3565 }], directories: [{ path: '/b', mode: 1023 }] } }),
    [],
  ],
  [
    'merged children of different versions',
    v('3.1.0', { storage: { raid: [{ name: 'md', level: 'raid0', devices: ['/dev/x'] }] } }),
    [
      v('3.3.0', { storage: { raid: [{ name: 'md', level: 'raid1', devices: ['/dev/y'] }] } }),
      v('3.0.0', { passwd: { groups: [{ name: 'g' }] } }),
    ],
  ],
];

describe.skipIf(!existsSync(IGNITION))('mergeIgnition and upgradeIgnition agree with Ignition 2.14', () => {
  it.each(CASES)('%s', (_name, parent, children) => {
    const top = parent as { ignition: { version: IgnitionVersion } };
    const full = withChildren(parent as Record<string, unknown>, top.ignition.version, children);
    expect(ours(full, children)).toEqual(theirs(parent, children));
  });
});

// Random parents and children over small pools of keys, so entries collide across configs and lists.
const VERSIONS: IgnitionVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'];
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const path = fc.constantFrom('/a', '/b', '/c/d', '/etc/x');
const name = fc.constantFrom('a', 'b', 'c');
const strings = fc.array(fc.constantFrom('k1', 'k2', 'k3'), { maxLength: 3 });

function arbConfig(version: IgnitionVersion): fc.Arbitrary<object> {
  const atLeast = (min: IgnitionVersion) => version >= min;
  const contents = fc.record(
    {
      source: opt(fc.constantFrom('data:,x', 'data:,y', 'https://e/z')),
      compression: opt(fc.constantFrom('', 'gzip')),
    },
    { requiredKeys: [] },
  );
  const node = {
    path,
    overwrite: opt(fc.constant(false)),
    user: opt(fc.record({ name: opt(name) }, { requiredKeys: [] })),
  };
  const file = fc.record(
    {
      ...node,
      mode: opt(fc.constantFrom(420, 493, 2541)),
      contents: opt(contents),
      append: opt(fc.array(contents, { maxLength: 2 })),
    },
    { requiredKeys: ['path'] },
  );
  const directory = fc.record({ ...node, mode: opt(fc.constantFrom(493, 1023)) }, { requiredKeys: ['path'] });
  const link = fc.record({ ...node, target: fc.constantFrom('/t', '/u') }, { requiredKeys: ['path', 'target'] });
  const user = fc.record(
    {
      name,
      uid: opt(fc.constantFrom(1000, 1001)),
      sshAuthorizedKeys: opt(strings),
      groups: opt(strings),
      shell: opt(fc.constantFrom('/bin/sh', '/bin/bash')),
    },
    { requiredKeys: ['name'] },
  );
  const unit = fc.record(
    {
      name: fc.constantFrom('a.service', 'b.service'),
      enabled: opt(fc.boolean()),
      mask: opt(fc.boolean()),
      contents: opt(fc.constantFrom('[Install]\nWantedBy=x\n', '[Unit]\nA=b\n')),
      dropins: opt(
        fc.array(
          fc.record(
            { name: fc.constantFrom('1.conf', '2.conf'), contents: opt(fc.constantFrom('[A]\nB=c\n')) },
            { requiredKeys: ['name'] },
          ),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: ['name'] },
  );
  const filesystem = fc.record(
    {
      device: fc.constantFrom('/dev/a', '/dev/b'),
      format: fc.constantFrom('ext4', 'xfs'),
      options: opt(strings),
      wipeFilesystem: opt(fc.boolean()),
    },
    { requiredKeys: ['device', 'format'] },
  );
  return fc
    .record(
      {
        storage: opt(
          fc.record(
            {
              files: opt(fc.array(file, { maxLength: 3 })),
              directories: opt(fc.array(directory, { maxLength: 2 })),
              links: opt(fc.array(link, { maxLength: 2 })),
              filesystems: opt(fc.array(filesystem, { maxLength: 2 })),
            },
            { requiredKeys: [] },
          ),
        ),
        passwd: opt(
          fc.record(
            {
              users: opt(fc.array(user, { maxLength: 3 })),
              groups: opt(
                fc.array(fc.record({ name, gid: opt(fc.constantFrom(5, 6)) }, { requiredKeys: ['name'] }), {
                  maxLength: 2,
                }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        systemd: opt(fc.record({ units: opt(fc.array(unit, { maxLength: 3 })) }, { requiredKeys: [] })),
        kernelArguments: atLeast('3.3.0')
          ? opt(fc.record({ shouldExist: opt(strings), shouldNotExist: opt(strings) }, { requiredKeys: [] }))
          : fc.constant(undefined),
        timeouts: opt(fc.record({ httpTotal: opt(fc.constantFrom(1, 2)) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    )
    .map(({ timeouts, ...rest }) =>
      JSON.parse(JSON.stringify({ ignition: { version, ...(timeouts ? { timeouts } : {}) }, ...rest })),
    );
}

const arbVersioned = fc.constantFrom(...VERSIONS).chain(arbConfig);

describe.skipIf(!existsSync(IGNITION))('random configs merge and upgrade as in Ignition 2.14', () => {
  it('agrees on every parent and children that both accept', () => {
    fc.assert(
      fc.property(arbVersioned, fc.array(arbVersioned, { maxLength: 2 }), (parent, children) => {
        const top = parent as { ignition: { version: IgnitionVersion } };
        const full = withChildren(parent as Record<string, unknown>, top.ignition.version, children);
        const accepted = [full, ...children].every((c) => parseIgnition(JSON.stringify(c)).config !== undefined);
        const reference = theirs(parent, children);
        expect(reference !== undefined).toBe(accepted);
        if (accepted) expect(ours(full, children)).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });
});
