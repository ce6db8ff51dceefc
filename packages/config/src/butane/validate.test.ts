import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import type { Report } from '../report.js';
import { memoryFilesDir } from './files-dir.js';
import { isDecimalModeSlip } from './mode.js';
import { translateButane } from './translate-butane.js';

const head10 = 'variant: flatcar\nversion: 1.0.0\n';
const head11 = 'variant: flatcar\nversion: 1.1.0\n';
const brief = (r: Report) => [r.severity, r.code, r.path.join('.'), r.line, r.column, r.message];

describe("Butane's source rules (base v0_4/v0_5 validate.go, messages from config/common/errors.go)", () => {
  it('allows only one of inline, local and source, naming the last one set', () => {
    const r = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      contents:\n        inline: x\n        source: data:,y\n`,
    );
    expect(r.reports.map(brief)).toEqual([
      [
        'error',
        'TOO_MANY_RESOURCE_SOURCES',
        'storage.files.0.contents.source',
        8,
        17,
        'only one of the following can be set: inline, local, source',
      ],
    ]);
    expect(r.error).toBe('Error translating config: source config is invalid');
    expect(r.json).toBeUndefined();
  });

  it('warns about a mode that looks decimal, and still translates', () => {
    const r = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      mode: 644\n  directories:\n    - path: /d\n      mode: 755\n`,
    );
    expect(r.reports.map(brief)).toEqual([
      ['warning', 'DECIMAL_MODE', 'storage.directories.0.mode', 9, 13, expect.stringContaining('leading zero')],
      ['warning', 'DECIMAL_MODE', 'storage.files.0.mode', 6, 13, expect.stringContaining('leading zero')],
      // 644 is 0o1204: Ignition 3.3.0 then warns about the sticky bit, directories before files as Ignition walks
      ['warning', 'MODE_SPECIAL_BITS', 'storage.directories.0.mode', 9, 13, expect.stringContaining('sticky')],
      ['warning', 'MODE_SPECIAL_BITS', 'storage.files.0.mode', 6, 13, expect.stringContaining('sticky')],
    ]);
    expect(r.json).toContain('"mode":644');
  });

  it('judges modes as Butane does (typical permissions, special bits)', () => {
    expect(isDecimalModeSlip(644, false)).toBe(true);
    expect(isDecimalModeSlip(0o644, false)).toBe(false);
    expect(isDecimalModeSlip(755, true)).toBe(true);
    expect(isDecimalModeSlip(600, false)).toBe(true);
    expect(isDecimalModeSlip(0, false)).toBe(false);
    expect(isDecimalModeSlip(1777, true)).toBe(true);
    expect(isDecimalModeSlip(1777, false)).toBe(false);
    expect(isDecimalModeSlip(8888, false)).toBe(false);
  });

  it('requires format, and path unless swap, for with_mount_unit', () => {
    const noFormat = translateButane(
      `${head10}storage:\n  filesystems:\n    - device: /dev/sda\n      with_mount_unit: true\n`,
    );
    expect(noFormat.reports.map(brief)).toEqual([
      [
        'error',
        'MOUNT_UNIT_NO_FORMAT',
        'storage.filesystems.0.format',
        5,
        7,
        'format is required if with_mount_unit is true',
      ],
    ]);
    const noPath = translateButane(
      `${head10}storage:\n  filesystems:\n    - device: /dev/sda\n      format: ext4\n      with_mount_unit: true\n`,
    );
    expect(noPath.reports.map(brief)).toEqual([
      [
        'error',
        'MOUNT_UNIT_NO_PATH',
        'storage.filesystems.0.path',
        5,
        7,
        'path is required if with_mount_unit is true and format is not swap',
      ],
    ]);
  });

  it('requires local in a tree', () => {
    const r = translateButane(`${head10}storage:\n  trees:\n    - path: /x\n`);
    expect(r.reports.map(brief)).toEqual([['error', 'TREE_NO_LOCAL', 'storage.trees.0', 5, 7, 'local is required']]);
  });

  it('allows only one of contents and contents_local (1.1.0)', () => {
    const r = translateButane(
      `${head11}systemd:\n  units:\n    - name: a.service\n      contents: x\n      contents_local: y\n`,
    );
    expect(r.reports.map(brief)).toEqual([
      [
        'error',
        'TOO_MANY_SYSTEMD_SOURCES',
        'systemd.units.0.contents_local',
        7,
        23,
        'only one of the following can be set: contents, contents_local',
      ],
    ]);
  });

  it('needs a files directory for local paths and refuses escapes', () => {
    const noDir = translateButane(`${head10}storage:\n  files:\n    - path: /a\n      contents:\n        local: x\n`);
    expect(noDir.reports.map(brief)).toEqual([
      [
        'error',
        'NO_FILES_DIR',
        'storage.files.0.contents.local',
        7,
        16,
        'local file paths are relative to a files directory that must be specified with -d/--files-dir',
      ],
    ]);
    const filesDir = memoryFilesDir({ x: 'x' }, { path: 'files' });
    const escaped = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      contents:\n        local: ../x\n`,
      {
        filesDir,
      },
    );
    expect(escaped.reports.map((r) => r.message)).toEqual(['local file path traverses outside the files directory']);
    const missing = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      contents:\n        local: y\n`,
      {
        filesDir,
      },
    );
    expect(missing.reports.map((r) => r.message)).toEqual(['open files/y: no such file or directory']);
  });

  it('forbids clevis in the flatcar variant (flatcar v1_1 translate_test)', () => {
    const r = translateButane(
      `${head11}storage:\n  luks:\n    - name: data\n      device: /dev/disk/by-partlabel/USR-B\n` +
        '    - name: data-bis\n      device: /dev/disk/by-partlabel/USR-B-bis\n      clevis:\n        tpm2: true\n',
    );
    expect(r.reports.map(brief)).toEqual([
      ['error', 'CLEVIS_NOT_SUPPORTED', 'storage.luks.1.clevis', 10, 9, 'clevis is not supported in this spec version'],
    ]);
  });
});

describe("the generated config is checked with Ignition's rules, reported at the Butane source", () => {
  it('maps an Ignition error back to the YAML path and position', () => {
    const r = translateButane(`${head10}storage:\n  files:\n    - path: relative\n`);
    expect(r.reports.map(brief)).toEqual([
      ['error', 'PATH_NOT_ABSOLUTE', 'storage.files.0.path', 5, 13, 'path not absolute'],
    ]);
    expect(r.error).toBe('Error translating config: config generated was invalid');
  });

  it('reports duplicates before the other rules, as Butane runs ValidateDups first', () => {
    const r = translateButane(`${head10}storage:\n  files:\n    - path: relative\n    - path: relative\n`);
    expect(r.reports.map((x) => [x.code, x.path.join('.')])).toEqual([
      ['DUPLICATE_ENTRY', 'storage.files.1'],
      ['PATH_NOT_ABSOLUTE', 'storage.files.0.path'],
      ['PATH_NOT_ABSOLUTE', 'storage.files.1.path'],
    ]);
  });

  it('follows units through the mount-unit merge, which puts generated units first', () => {
    const r = translateButane(
      `${head10}storage:\n  filesystems:\n    - device: /dev/sda\n      format: ext4\n      path: /var/a\n      with_mount_unit: true\n` +
        'systemd:\n  units:\n    - name: a.service\n      dropins:\n        - name: x\n    - name: var-a.mount\n      enabled: false\n',
    );
    // the output has var-a.mount first, so the bad drop-in is at systemd.units.1 there
    expect(r.reports.map((x) => [x.code, x.path.join('.'), x.line, x.column])).toEqual([
      ['DROPIN_EXTENSION_INVALID', 'systemd.units.0.dropins.0.name', 13, 17],
    ]);
  });

  it('warns, and skips checking, for a merged inline config of another version', () => {
    const r = translateButane(
      `${head10}ignition:\n  config:\n    merge:\n      - inline: '{"ignition":{"version":"3.2.0"}}'\n`,
    );
    expect(r.reports.map(brief)).toEqual([
      [
        'warning',
        'MERGED_CONFIG_UNKNOWN_VERSION',
        'ignition.config.merge.0.version',
        6,
        9,
        'skipping validation for the merge/replace ignition config due to an unkown version',
      ],
    ]);
  });
});

describe('variant and version', () => {
  it("uses Butane's messages, and names what is supported", () => {
    expect(translateButane('version: 1.0.0\n').error).toBe(
      'Error translating config: error parsing variant; must be specified',
    );
    expect(translateButane('variant: flatcar\nversion: 1.0\n').error).toBe(
      'Error translating config: error parsing version; must be a valid semver',
    );
    const unknown = translateButane('variant: fcos\nversion: 1.4.0\n');
    expect(unknown.error).toBe('Error translating config: No translator exists for variant fcos with version 1.4.0');
    expect(unknown.reports.map(brief)).toEqual([
      [
        'error',
        'UNKNOWN_VERSION',
        'version',
        2,
        10,
        'No translator exists for variant fcos with version 1.4.0 (supported: flatcar 1.0.0, flatcar 1.1.0)',
      ],
    ]);
  });

  it('reports YAML errors as Butane does before it knows the version', () => {
    const r = translateButane('variant: flatcar\nversion: [\n');
    expect(r.error).toMatch(/^Error translating config: Error unmarshaling yaml: yaml: /);
    expect(r.json).toBeUndefined();
  });

  it('fails under strict when there is any warning', () => {
    const r = translateButane(`${head10}bogus: 1\n`, { strict: true });
    expect(r.reports.map((x) => x.code)).toEqual(['UNUSED_KEY']);
    expect(r.error).toBe('Config produced warnings and --strict was specified');
    expect(r.json).toBeUndefined();
    expect(translateButane(`${head10}bogus: 1\n`).json).toBe('{"ignition":{"version":"3.3.0"}}\n');
  });
});

describe('report positions agree with vcontext (Go reference)', () => {
  // vcontext comes from Debian's golang-github-coreos-vcontext-dev (to be added to scripts/setup).
  it('places reports where Correlate does', async () => {
    const bin = await buildGoReference(
      fileURLToPath(new URL('../../test/fixtures/butane/position-reference/main.go', import.meta.url)),
    );
    const source =
      `${head10}storage:\n  files:\n    - path: /a\n      mode: 644\n      contents:\n        inline: x\n        source: y\n` +
      '  filesystems:\n    - device: /dev/sda\n      with_mount_unit: true\n  trees:\n    - path: /t\n';
    const r = translateButane(source);
    const paths = r.reports.map((x) => x.path.join('.'));
    const out = (await runGoReference(bin, paths, source)).toString().trim().split('\n');
    expect(r.reports.map((x) => `${x.line}:${x.column}`)).toEqual(out);
  });
});
