import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IGNITION_MESSAGES } from './ignition-errors.js';
import type { IgnitionVersion } from './ignition-version.js';
import { parseIgnition } from './parse-ignition.js';
import { validateIgnition } from './validate-ignition.js';

// One case per rule: a config that breaks it, the code and the paths we report. Where Ignition 2.14 has the rule,
// the same message at the same paths is checked in ignition-validate's output too.

type Path = (string | number)[];
const cfg = (version: IgnitionVersion, rest: object = {}) => JSON.stringify({ ignition: { version }, ...rest });
const files = (version: IgnitionVersion, list: object[]) => cfg(version, { storage: { files: list } });
const NEWER_THAN_2_14 = new Set([
  'PATH_CONFLICTS_SYSTEMD',
  'HARD_LINK_SPECIFIES_OWNER',
  'PARTITIONS_OVERWRITTEN',
  'FILESYSTEM_IMPLICIT_WIPE',
  'UNIT_TEMPLATE_NO_INSTALL_SECTION',
  'TANG_ADVERTISEMENT_INVALID',
  'S3_ARN_INVALID',
]);

const RULES: [code: string, source: string, paths: Path[]][] = [
  ['PATH_MISSING', files('3.3.0', [{ path: '' }]), [['storage', 'files', 0, 'path']]],
  ['PATH_NOT_ABSOLUTE', files('3.0.0', [{ path: 'a' }]), [['storage', 'files', 0, 'path']]],
  [
    'PATH_NOT_CLEAN',
    cfg('3.2.0', { storage: { directories: [{ path: '/a/' }] } }),
    [['storage', 'directories', 0, 'path']],
  ],
  ['MODE_ILLEGAL', files('3.3.0', [{ path: '/a', mode: 4096 }]), [['storage', 'files', 0, 'mode']]],
  [
    'MODE_SPECIAL_BITS',
    cfg('3.3.0', { storage: { directories: [{ path: '/a', mode: 1023 }] } }),
    [['storage', 'directories', 0, 'mode']],
  ],
  [
    'OVERWRITE_AND_NIL_SOURCE',
    files('3.1.0', [{ path: '/a', overwrite: true }]),
    [['storage', 'files', 0, 'overwrite']],
  ],
  [
    'ID_AND_NAME_BOTH_SET',
    files('3.3.0', [{ path: '/a', group: { id: 1, name: 'g' } }]),
    [['storage', 'files', 0, 'group']],
  ],
  [
    'DUPLICATE_ENTRY',
    cfg('3.3.0', { storage: { directories: [{ path: '/a' }], files: [{ path: '/a' }] } }),
    [['storage', 'files', 0]],
  ],
  [
    'COMPRESSION_INVALID',
    files('3.3.0', [{ path: '/a', contents: { source: 'data:,', compression: 'xz' } }]),
    [['storage', 'files', 0, 'contents', 'compression']],
  ],
  [
    'VERIFICATION_AND_NIL_SOURCE',
    files('3.3.0', [{ path: '/a', contents: { verification: { hash: `sha512-${'0'.repeat(128)}` } } }]),
    [['storage', 'files', 0, 'contents', 'verification', 'hash']],
  ],
  [
    'HASH_MALFORMED',
    files('3.3.0', [{ path: '/a', contents: { source: 'data:,', verification: { hash: 'x' } } }]),
    [['storage', 'files', 0, 'contents', 'verification', 'hash']],
  ],
  [
    'HASH_UNRECOGNIZED',
    files('3.0.0', [
      { path: '/a', contents: { source: 'data:,', verification: { hash: `sha256-${'0'.repeat(64)}` } } },
    ]),
    [['storage', 'files', 0, 'contents', 'verification', 'hash']],
  ],
  [
    'HASH_WRONG_SIZE',
    files('3.3.0', [{ path: '/a', contents: { source: 'data:,', verification: { hash: 'sha512-00' } } }]),
    [['storage', 'files', 0, 'contents', 'verification', 'hash']],
  ],
  [
    'URL_INVALID',
    files('3.3.0', [{ path: '/a', contents: { source: 'http://[x' } }]),
    [['storage', 'files', 0, 'contents', 'source']],
  ],
  [
    'URL_SCHEME_INVALID',
    files('3.1.0', [{ path: '/a', contents: { source: 'gs://b/o' } }]),
    [['storage', 'files', 0, 'contents', 'source']],
  ],
  [
    'S3_VERSION_ID_INVALID',
    files('3.3.0', [{ path: '/a', contents: { source: 's3://b/o?versionId' } }]),
    [['storage', 'files', 0, 'contents', 'source']],
  ],
  [
    'S3_ARN_INVALID',
    files('3.4.0', [{ path: '/a', contents: { source: 'arn:aws:iam:::b/o' } }]),
    [['storage', 'files', 0, 'contents', 'source']],
  ],
  [
    'DATA_URL_INVALID',
    files('3.3.0', [{ path: '/a', contents: { source: 'data:text/plain' } }]),
    [['storage', 'files', 0, 'contents', 'source']],
  ],
  [
    'SOURCE_REQUIRED',
    cfg('3.3.0', { ignition: { version: '3.3.0', config: { merge: [{}] } } }),
    [['ignition', 'config', 'merge', 0]],
  ],
  [
    'HTTP_HEADER_NAME_EMPTY',
    files('3.3.0', [{ path: '/a', contents: { source: 'http://e', httpHeaders: [{ name: '', value: 'v' }] } }]),
    [['storage', 'files', 0, 'contents', 'httpHeaders', 0, 'name']],
  ],
  [
    'HTTP_HEADER_INVALID',
    files('3.3.0', [{ path: '/a', contents: { source: 'http://e', httpHeaders: [{ name: 'n', value: '' }] } }]),
    [['storage', 'files', 0, 'contents', 'httpHeaders', 0, 'value']],
  ],
  [
    'HTTP_HEADERS_UNSUPPORTED_SCHEME',
    files('3.3.0', [{ path: '/a', contents: { source: 'data:,', httpHeaders: [{ name: 'n' }] } }]),
    [['storage', 'files', 0, 'contents', 'httpHeaders']],
  ],
  [
    'PROXY_INVALID',
    cfg('3.3.0', { ignition: { version: '3.3.0', proxy: { httpProxy: 'ftp://p' } } }),
    [['ignition', 'proxy', 'httpProxy']],
  ],
  [
    'PROXY_INSECURE',
    cfg('3.3.0', { ignition: { version: '3.3.0', proxy: { httpsProxy: 'http://p' } } }),
    [['ignition', 'proxy', 'httpsProxy']],
  ],
  [
    'FILE_USED_SYMLINK',
    cfg('3.3.0', { storage: { links: [{ path: '/l', target: '/t' }], files: [{ path: '/l/f' }] } }),
    [['storage', 'files', 0]],
  ],
  [
    'DIRECTORY_USED_SYMLINK',
    cfg('3.3.0', { storage: { links: [{ path: '/l', target: '/t' }], directories: [{ path: '/l/d' }] } }),
    [['storage', 'directories', 0]],
  ],
  [
    'LINK_USED_SYMLINK',
    cfg('3.3.0', {
      storage: {
        links: [
          { path: '/l', target: '/t' },
          { path: '/l/m', target: '/t' },
        ],
      },
    }),
    [['storage', 'links', 1]],
  ],
  ['LINK_TARGET_REQUIRED', cfg('3.3.0', { storage: { links: [{ path: '/l' }] } }), [['storage', 'links', 0, 'target']]],
  [
    'HARD_LINK_TO_DIRECTORY',
    cfg('3.3.0', { storage: { links: [{ path: '/l', target: 'd', hard: true }], directories: [{ path: '/l/d' }] } }),
    [['storage', 'links', 0]],
  ],
  [
    'HARD_LINK_SPECIFIES_OWNER',
    cfg('3.3.0', { storage: { links: [{ path: '/l', target: '/t', hard: true, user: { id: 1 } }] } }),
    [['storage', 'links', 0, 'user', 'id']],
  ],
  [
    'PATH_CONFLICTS_SYSTEMD',
    cfg('3.0.0', {
      storage: { files: [{ path: '/etc/systemd/system/a.service.d/b.conf' }] },
      systemd: {
        units: [
          {
            name: 'a.service',
            dropins: [
              { name: 'b.conf', contents: '' },
              { name: 'c.conf', contents: 'x' },
            ],
          },
        ],
      },
    }),
    [],
  ],
  [
    'PATH_CONFLICTS_SYSTEMD',
    cfg('3.0.0', {
      storage: { files: [{ path: '/etc/systemd/system/a.service.d/c.conf' }] },
      systemd: { units: [{ name: 'a.service', dropins: [{ name: 'c.conf', contents: 'x' }] }] },
    }),
    [['storage', 'files', 0, 'path']],
  ],
  ['DISK_DEVICE_REQUIRED', cfg('3.3.0', { storage: { disks: [{ device: '' }] } }), [['storage', 'disks', 0, 'device']]],
  [
    'PARTITION_NUMBERS_COLLIDE',
    cfg('3.3.0', {
      storage: { disks: [{ device: '/dev/a', partitions: [{ number: 1 }, { number: 1, label: 'x' }] }] },
    }),
    [['storage', 'disks', 0, 'partitions', 1]],
  ],
  [
    'PARTITIONS_OVERLAP',
    cfg('3.3.0', {
      storage: {
        disks: [
          {
            device: '/dev/a',
            partitions: [
              { number: 1, startMiB: 1, sizeMiB: 10 },
              { number: 2, startMiB: 5, sizeMiB: 1 },
            ],
          },
        ],
      },
    }),
    [['storage', 'disks', 0, 'partitions', 1]],
  ],
  [
    'ZEROES_WITH_SHOULD_NOT_EXIST',
    cfg('3.3.0', {
      storage: { disks: [{ device: '/dev/a', partitions: [{ label: 'a' }, { number: 2, shouldExist: false }] }] },
    }),
    [['storage', 'disks', 0, 'partitions']],
  ],
  [
    'PARTITION_LABELS_DUPLICATE',
    cfg('3.3.0', {
      storage: {
        disks: [
          {
            device: '/dev/a',
            partitions: [
              { label: 'a', number: 1 },
              { label: 'a', number: 2 },
            ],
          },
        ],
      },
    }),
    [['storage', 'disks', 0, 'partitions', 1]],
  ],
  [
    'SHOULD_NOT_EXIST_WITH_OTHERS',
    cfg('3.3.0', {
      storage: { disks: [{ device: '/dev/a', partitions: [{ number: 1, shouldExist: false, sizeMiB: 1 }] }] },
    }),
    [['storage', 'disks', 0, 'partitions', 0]],
  ],
  [
    'PARTITION_LABEL_OR_NUMBER_REQUIRED',
    cfg('3.3.0', { storage: { disks: [{ device: '/dev/a', partitions: [{ sizeMiB: 1 }] }] } }),
    [['storage', 'disks', 0, 'partitions', 0]],
  ],
  [
    'PARTITION_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { disks: [{ device: '/dev/a', partitions: [{ label: 'é'.repeat(19) }] }] } }),
    [['storage', 'disks', 0, 'partitions', 0, 'label']],
  ],
  [
    'PARTITION_LABEL_CONTAINS_COLON',
    cfg('3.3.0', { storage: { disks: [{ device: '/dev/a', partitions: [{ label: 'a:b' }] }] } }),
    [['storage', 'disks', 0, 'partitions', 0, 'label']],
  ],
  [
    'GUID_INVALID',
    cfg('3.3.0', {
      storage: { disks: [{ device: '/dev/a', partitions: [{ number: 1, guid: 'g', typeGuid: 'DEADBEEF' }] }] },
    }),
    [
      ['storage', 'disks', 0, 'partitions', 0, 'guid'],
      ['storage', 'disks', 0, 'partitions', 0, 'typeGuid'],
    ],
  ],
  [
    'PARTITIONS_OVERWRITTEN',
    cfg('3.3.0', {
      storage: {
        disks: [{ device: '/dev/a', partitions: [{ number: 1 }] }],
        filesystems: [{ device: '/dev/a', format: 'ext4' }],
      },
    }),
    [['storage', 'filesystems', 0, 'device']],
  ],
  [
    'FILESYSTEM_IMPLICIT_WIPE',
    cfg('3.3.0', {
      storage: { disks: [{ device: '/dev/a', wipeTable: true }], filesystems: [{ device: '/dev/a', format: 'ext4' }] },
    }),
    [['storage', 'filesystems', 0, 'device']],
  ],
  [
    'FILESYSTEM_INVALID_FORMAT',
    cfg('3.2.0', { storage: { filesystems: [{ device: '/dev/a', format: 'none' }] } }),
    [['storage', 'filesystems', 0, 'format']],
  ],
  [
    'FORMAT_NIL_WITH_OTHERS',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', mountOptions: ['ro'] }] } }),
    [['storage', 'filesystems', 0, 'format']],
  ],
  [
    'LABEL_NEEDS_FORMAT',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: '', label: 'l' }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'EXT4_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: 'ext4', label: 'x'.repeat(17) }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'BTRFS_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: 'btrfs', label: 'x'.repeat(257) }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'XFS_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: 'xfs', label: 'x'.repeat(13) }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'SWAP_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: 'swap', label: 'x'.repeat(16) }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'VFAT_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { filesystems: [{ device: '/dev/a', format: 'vfat', label: 'x'.repeat(12) }] } }),
    [['storage', 'filesystems', 0, 'label']],
  ],
  [
    'RAID_LEVEL_REQUIRED',
    cfg('3.3.0', { storage: { raid: [{ name: 'md', devices: ['/dev/a'] }] } }),
    [['storage', 'raid', 0, 'level']],
  ],
  [
    'RAID_LEVEL_UNRECOGNIZED',
    cfg('3.0.0', { storage: { raid: [{ name: 'md', level: '', devices: ['/dev/a'] }] } }),
    [['storage', 'raid', 0, 'level']],
  ],
  [
    'RAID_SPARES_UNSUPPORTED',
    cfg('3.3.0', { storage: { raid: [{ name: 'md', level: 'stripe', spares: 1, devices: ['/dev/a'] }] } }),
    [['storage', 'raid', 0, 'level']],
  ],
  [
    'RAID_DEVICES_REQUIRED',
    cfg('3.3.0', { storage: { raid: [{ name: 'md', level: 'raid1' }] } }),
    [['storage', 'raid', 0, 'devices']],
  ],
  [
    'LUKS_NAME_CONTAINS_SLASH',
    cfg('3.2.0', { storage: { luks: [{ name: 'a/b', device: '/dev/a' }] } }),
    [['storage', 'luks', 0, 'name']],
  ],
  [
    'LUKS_LABEL_TOO_LONG',
    cfg('3.3.0', { storage: { luks: [{ name: 'a', device: '/dev/a', label: 'x'.repeat(48) }] } }),
    [['storage', 'luks', 0, 'label']],
  ],
  [
    'LUKS_KEY_FILE_INVALID',
    cfg('3.3.0', { storage: { luks: [{ name: 'a', device: '/dev/a', keyFile: { source: 'ftp://k' } }] } }),
    [['storage', 'luks', 0, 'keys']],
  ],
  [
    'CLEVIS_CUSTOM_WITH_OTHERS',
    cfg('3.2.0', {
      storage: {
        luks: [{ name: 'a', device: '/dev/a', clevis: { custom: { pin: 'tpm2', config: '{}' }, threshold: 2 } }],
      },
    }),
    [['storage', 'luks', 0, 'clevis']],
  ],
  [
    'CLEVIS_PIN_UNKNOWN',
    cfg('3.2.0', {
      storage: { luks: [{ name: 'a', device: '/dev/a', clevis: { custom: { pin: '', config: '{}' } } }] },
    }),
    [['storage', 'luks', 0, 'clevis', 'custom', 'pin']],
  ],
  [
    'CLEVIS_PIN_REQUIRED',
    cfg('3.3.0', { storage: { luks: [{ name: 'a', device: '/dev/a', clevis: { custom: { config: '{}' } } }] } }),
    [['storage', 'luks', 0, 'clevis', 'custom', 'pin']],
  ],
  [
    'CLEVIS_CONFIG_REQUIRED',
    cfg('3.3.0', {
      storage: { luks: [{ name: 'a', device: '/dev/a', clevis: { custom: { needsNetwork: true, pin: 'sss' } } }] },
    }),
    [['storage', 'luks', 0, 'clevis', 'custom', 'config']],
  ],
  [
    'TANG_THUMBPRINT_REQUIRED',
    cfg('3.3.0', { storage: { luks: [{ name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'http://t' }] } }] } }),
    [['storage', 'luks', 0, 'clevis', 'tang', 0, 'thumbprint']],
  ],
  [
    'TANG_ADVERTISEMENT_INVALID',
    cfg('3.4.0', {
      storage: {
        luks: [
          { name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'http://t', thumbprint: 't', advertisement: '{' }] } },
        ],
      },
    }),
    [['storage', 'luks', 0, 'clevis', 'tang', 0, 'advertisement']],
  ],
  [
    'UNIT_EXTENSION_INVALID',
    cfg('3.3.0', { systemd: { units: [{ name: 'a.conf' }] } }),
    [['systemd', 'units', 0, 'name']],
  ],
  [
    'DROPIN_EXTENSION_INVALID',
    cfg('3.3.0', { systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x' }] }] } }),
    [['systemd', 'units', 0, 'dropins', 0, 'name']],
  ],
  [
    'UNIT_CONTENTS_INVALID',
    cfg('3.3.0', { systemd: { units: [{ name: 'a.service', contents: '[Unit' }] } }),
    [['systemd', 'units', 0, 'contents']],
  ],
  [
    'UNIT_NO_INSTALL_SECTION',
    cfg('3.3.0', { systemd: { units: [{ name: 'a.service', enabled: true, contents: '[Install]\n' }] } }),
    [['systemd', 'units', 0, 'contents']],
  ],
  [
    'UNIT_TEMPLATE_NO_INSTALL_SECTION',
    cfg('3.3.0', {
      systemd: {
        units: [
          { name: 'a@.service', contents: '[Unit]\nA=b\n' },
          { name: 'a@x.service', enabled: true },
        ],
      },
    }),
    [['systemd', 'units', 1, 'contents']],
  ],
  ['VERSION_UNSUPPORTED', cfg('3.3.0'), []],
];

describe('validateIgnition rules', () => {
  it('covers every fixed message with a case', () => {
    const covered = new Set(RULES.map(([code]) => code));
    const uncovered = Object.keys(IGNITION_MESSAGES).filter(
      (code) => !covered.has(code) && !['CONFIG_INVALID', 'CONFIG_EMPTY', 'VERSION_INVALID'].includes(code),
    );
    expect(uncovered).toEqual([]);
  });

  it.each(RULES)('%s', (code, source, paths) => {
    const parsed = parseIgnition(source);
    expect(parsed.version).toBeDefined();
    const reports = parsed.reports.filter((r) => r.code === code);
    expect(reports.map((r) => r.path)).toEqual(paths);
    if (code in IGNITION_MESSAGES) {
      for (const r of reports) expect(r.message).toBe(IGNITION_MESSAGES[code as keyof typeof IGNITION_MESSAGES]);
    }
    // 2.14 knows 3.4.0 only as 3.4.0-experimental; the corpus covers that renaming.
    if (!existsSync('/usr/bin/ignition-validate') || NEWER_THAN_2_14.has(code) || parsed.version === '3.4.0') return;
    const ref = spawnSync('/usr/bin/ignition-validate', ['-'], { input: source, encoding: 'utf8' }).stdout;
    for (const r of reports)
      expect(ref).toContain(`at ${['$', ...r.path].join('.')}, line ${r.line} col ${r.column}: ${r.message}\n`);
  });

  it('validates decoded values without a source, in Ignition order', () => {
    const parsed = parseIgnition(files('3.3.0', [{ path: 'a', mode: 4096 }, { path: 'a' }]));
    const config = parsed.version === undefined ? undefined : parseIgnition(cfg('3.3.0')).config;
    expect(config).toBeDefined();
    const decoded = {
      ...(config as object),
      storage: {
        ...(config as { storage: object }).storage,
        files: [
          { path: 'a', mode: 4096, append: [], group: {}, user: {}, contents: { httpHeaders: [], verification: {} } },
        ],
      },
    };
    expect(validateIgnition(decoded as never, '3.3.0').map((r) => [r.code, r.path.join('.')])).toEqual([
      ['PATH_NOT_ABSOLUTE', 'storage.files.0.path'],
      ['MODE_ILLEGAL', 'storage.files.0.mode'],
    ]);
  });

  it('accepts what only spec 3.4.0 has (Ignition 2.14 knows it as unused keys, so no reference here)', () => {
    const luks = { name: 'a', device: '/dev/a', discard: true, openOptions: ['--perf-no_read_workqueue'] };
    const tang = { url: 'http://t', thumbprint: 't', advertisement: '{"payload":"x"}' };
    const source = cfg('3.4.0', {
      storage: { luks: [{ ...luks, clevis: { tang: [tang] } }], files: [{ path: '/a', mode: 0o4755 }] },
    });
    expect(parseIgnition(source).reports).toEqual([]);
    const dup = cfg('3.4.0', { storage: { luks: [{ ...luks, openOptions: ['--x', '--x'] }] } });
    expect(parseIgnition(dup).reports.map((r) => [r.code, r.path.join('.')])).toEqual([
      ['DUPLICATE_ENTRY', 'storage.luks.0.openOptions.1'],
    ]);
    const older = parseIgnition(cfg('3.3.0', { storage: { luks: [luks] } }));
    expect(older.reports.map((r) => [r.code, r.path.join('.')])).toEqual([
      ['UNUSED_KEY', 'storage.luks.0.discard'],
      ['UNUSED_KEY', 'storage.luks.0.openOptions'],
    ]);
  });
});
