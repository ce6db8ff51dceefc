import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFilesDir } from './files-dir.js';
import { translateButane } from './translate-butane.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));
const head10 = 'variant: flatcar\nversion: 1.0.0\n';
const head11 = 'variant: flatcar\nversion: 1.1.0\n';

type Obj = Record<string, unknown>;
const units = (config: Obj | undefined) => (((config?.systemd ?? {}) as Obj).units ?? []) as Obj[];
const storage = (config: Obj | undefined) => config?.storage as Record<string, Obj[]>;
const brief = (r: { code: string; path: readonly unknown[]; line?: number; column?: number; severity: string }) => ({
  severity: r.severity,
  code: r.code,
  path: r.path,
  line: r.line,
  column: r.column,
});

describe('translateButane: output', () => {
  it('translates the Caddy example of the talk to Ignition 3.3.0', () => {
    const source = readFileSync(repo('examples/caddy/caddy.bu'), 'utf8');
    const logo = readFileSync(repo('examples/caddy/ballast-logo.png'));
    const result = translateButane(source, { filesDir: memoryFilesDir({ 'ballast-logo.png': logo }), pretty: true });
    expect(result.reports).toEqual([]);
    expect(result.error).toBeUndefined();
    const config = JSON.parse(result.json!) as Obj;
    expect((config.ignition as Obj).version).toBe('3.3.0');
    const files = storage(config).files!;
    expect(files.map((f) => f.path)).toEqual(['/srv/www/html/index.html', '/srv/www/html/ballast-logo.png']);
    expect(files[1]!.mode).toBe(0o644);
    expect(units(config).map((u) => u.name)).toEqual(['update-engine.service', 'caddy-webserver.service']);
  });

  it('ends stdout with a newline, as Butane writes the JSON and then "\\n"', () => {
    const result = translateButane(head10);
    expect(result.json).toBe('{"ignition":{"version":"3.3.0"}}\n');
    expect(translateButane(head11).json).toBe('{"ignition":{"version":"3.4.0"}}\n');
  });

  it('pretty-prints with two spaces under pretty', () => {
    expect(translateButane(head10, { pretty: true }).json).toBe('{\n  "ignition": {\n    "version": "3.3.0"\n  }\n}\n');
  });

  it('writes inline contents as a data URL with an explicit empty compression (Butane >= 0.20)', () => {
    const result = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      contents:\n        inline: hello\n`,
    );
    expect(storage(result.config).files![0]!.contents).toEqual({
      compression: '',
      httpHeaders: [],
      source: 'data:,hello',
      verification: { hash: undefined },
    });
  });

  it("keeps the user's compression and does not compress again", () => {
    const result = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      contents:\n        compression: gzip\n        inline: hello\n`,
    );
    const contents = storage(result.config).files![0]!.contents as Obj;
    expect(contents.compression).toBe('gzip');
    expect(contents.source).toBe('data:,hello');
  });

  it('embeds local files from the files directory', () => {
    const filesDir = memoryFilesDir({ 'dir/file.txt': 'file contents\n' });
    const result = translateButane(
      `${head10}storage:\n  files:\n    - path: /a\n      append:\n        - local: dir/file.txt\n`,
      { filesDir },
    );
    // base/v0_5 translate_test: "file contents\n" becomes data:,file%20contents%0A with compression ""
    expect(storage(result.config).files![0]!.append).toEqual([
      { compression: '', httpHeaders: [], source: 'data:,file%20contents%0A', verification: { hash: undefined } },
    ]);
  });

  it('expands kernel arguments, users, groups, proxies and timeouts field for field', () => {
    const result = translateButane(
      `${head10}ignition:\n  proxy:\n    http_proxy: http://proxy\n    no_proxy: [a]\n  timeouts:\n    http_total: 5\n` +
        'kernel_arguments:\n  should_exist: [quiet]\n  should_not_exist: [debug]\n' +
        'passwd:\n  users:\n    - name: core\n      ssh_authorized_keys: [key1]\n      home_dir: /home/core\n' +
        '  groups:\n    - name: g\n      gid: 5\n',
    );
    expect(result.reports).toEqual([]);
    expect(result.json).toBe(
      '{"ignition":{"proxy":{"httpProxy":"http://proxy","noProxy":["a"]},"timeouts":{"httpTotal":5},"version":"3.3.0"},' +
        '"kernelArguments":{"shouldExist":["quiet"],"shouldNotExist":["debug"]},' +
        '"passwd":{"groups":[{"gid":5,"name":"g"}],"users":[{"homeDir":"/home/core","name":"core","sshAuthorizedKeys":["key1"]}]}}\n',
    );
  });
});

describe('translateButane: mount units (base translate_test "mount units" cases)', () => {
  const fs = (extra: string) =>
    `${head10}storage:\n  filesystems:\n    - device: /dev/disk/by-label/foo\n      with_mount_unit: true\n${extra}`;

  it('local mount, no options', () => {
    const result = translateButane(fs('      format: ext4\n      path: /var/lib/containers\n'));
    expect(units(result.config)).toEqual([
      {
        contents:
          '# Generated by Butane\n[Unit]\nRequires=systemd-fsck@dev-disk-by\\x2dlabel-foo.service\n' +
          'After=systemd-fsck@dev-disk-by\\x2dlabel-foo.service\n\n[Mount]\nWhere=/var/lib/containers\n' +
          'What=/dev/disk/by-label/foo\nType=ext4\n\n[Install]\nRequiredBy=local-fs.target',
        dropins: [],
        enabled: true,
        mask: undefined,
        name: 'var-lib-containers.mount',
      },
    ]);
  });

  it('local mount with options', () => {
    const result = translateButane(
      fs('      format: ext4\n      path: /var/lib/containers\n      mount_options: [ro, noatime]\n'),
    );
    expect(units(result.config)[0]!.contents).toContain('Type=ext4\nOptions=ro,noatime\n\n[Install]');
  });

  it('remote mount on a Tang-backed LUKS device gets _netdev and remote-fs.target', () => {
    const source =
      `${head10}storage:\n  filesystems:\n    - device: /dev/mapper/foo-bar\n      format: ext4\n` +
      '      path: /var/lib/containers\n      with_mount_unit: true\n' +
      '  luks:\n    - name: foo-bar\n      device: /dev/bar\n      clevis:\n        tang:\n          - url: http://example.com\n';
    // The flatcar variant forbids clevis, so the unit is checked on the unvalidated translation's report path.
    const result = translateButane(source);
    expect(result.reports.map(brief)).toEqual([
      { severity: 'error', code: 'CLEVIS_NOT_SUPPORTED', path: ['storage', 'luks', 0, 'clevis'], line: 13, column: 9 },
    ]);
    expect(result.error).toBe('Error translating config: source config is invalid');
  });

  it('swap with options', () => {
    const result = translateButane(fs('      format: swap\n      mount_options: [pri=1, discard=pages]\n'));
    expect(units(result.config)[0]).toMatchObject({
      contents:
        '# Generated by Butane\n[Swap]\nWhat=/dev/disk/by-label/foo\nOptions=pri=1,discard=pages\n\n[Install]\nRequiredBy=swap.target',
      name: 'dev-disk-by\\x2dlabel-foo.swap',
      enabled: true,
    });
  });

  it("lets the user's unit of the same name override fields; the generated unit keeps its place first", () => {
    const result = translateButane(
      `${fs('      format: ext4\n      path: /var/lib/containers\n')}systemd:\n  units:\n` +
        '    - name: a.service\n    - name: var-lib-containers.mount\n      contents: "[Service]\\nExecStart=/bin/false\\n"\n',
    );
    const list = units(result.config);
    expect(list.map((u) => u.name)).toEqual(['var-lib-containers.mount', 'a.service']);
    expect(list[0]).toMatchObject({ contents: '[Service]\nExecStart=/bin/false\n', enabled: true });
  });
});

describe('translateButane: trees (base translate_test TestTranslateTree "basic functionality")', () => {
  it('walks trees in lexical order, fills declared entries and takes modes from the exec bit', () => {
    const filesDir = memoryFilesDir({
      'tree/executable': { contents: 'tree/executable', executable: true },
      'tree/file': 'tree/file',
      'tree/overridden': 'tree/overridden',
      'tree/overridden-executable': { contents: 'tree/overridden-executable', executable: true },
      'tree/subdir/file': 'tree/subdir/file',
      'tree/subdir/bad-link': { symlink: '../nonexistent' },
      'tree/subdir/link': { symlink: '../file' },
      'tree/subdir/overridden-link': { symlink: '../file' },
      'tree2/file': 'tree2/file',
    });
    const result = translateButane(
      `${head10}storage:\n  trees:\n    - local: tree\n    - local: tree2\n      path: /etc\n` +
        '  files:\n    - path: /overridden\n      mode: 0600\n      user:\n        name: bovik\n' +
        '    - path: /overridden-executable\n      mode: 0600\n      user:\n        name: bovik\n' +
        '  links:\n    - path: /subdir/overridden-link\n      user:\n        name: bovik\n',
      { filesDir },
    );
    expect(result.reports).toEqual([]);
    const files = storage(result.config).files!;
    expect(files.map((f) => [f.path, (f.contents as Obj).source, f.mode])).toEqual([
      ['/overridden', 'data:,tree%2Foverridden', 0o600],
      ['/overridden-executable', 'data:,tree%2Foverridden-executable', 0o600],
      ['/executable', 'data:,tree%2Fexecutable', 0o755],
      ['/file', 'data:,tree%2Ffile', 0o644],
      ['/subdir/file', 'data:,tree%2Fsubdir%2Ffile', 0o644],
      ['/etc/file', 'data:,tree2%2Ffile', 0o644],
    ]);
    expect(storage(result.config).links!.map((l) => [l.path, l.target])).toEqual([
      ['/subdir/overridden-link', '../file'],
      ['/subdir/bad-link', '../nonexistent'],
      ['/subdir/link', '../file'],
    ]);
  });

  it('reports a node that already has contents, a missing files dir, escapes and non-directories', () => {
    const filesDir = memoryFilesDir({ 'tree/file': 'x', plain: 'x' });
    const conflict = translateButane(
      `${head10}storage:\n  trees:\n    - local: tree\n  files:\n    - path: /file\n      contents:\n        inline: y\n`,
      { filesDir },
    );
    expect(conflict.reports.map(brief)).toEqual([
      { severity: 'error', code: 'NODE_EXISTS', path: ['storage', 'trees', 0], line: 5, column: 7 },
    ]);
    expect(translateButane(`${head10}storage:\n  trees:\n    - local: tree\n`).reports[0]!.code).toBe('NO_FILES_DIR');
    const escaped = translateButane(`${head10}storage:\n  trees:\n    - local: ../up\n`, { filesDir });
    expect(escaped.reports[0]!.code).toBe('FILES_DIR_ESCAPE');
    const notDir = translateButane(`${head10}storage:\n  trees:\n    - local: plain\n`, { filesDir });
    expect(notDir.reports[0]!.message).toBe('root of tree must be a directory');
  });
});

describe('translateButane: local sugar of flatcar 1.1.0', () => {
  it('reads ssh_authorized_keys_local, one key a line, skipping empty lines', () => {
    const filesDir = memoryFilesDir({ keys: 'ssh-rsa A\r\n\nssh-ed25519 B\n' });
    const result = translateButane(
      `${head11}passwd:\n  users:\n    - name: core\n      ssh_authorized_keys: [ssh-rsa Z]\n      ssh_authorized_keys_local: [keys]\n`,
      { filesDir },
    );
    const users = (result.config!.passwd as Obj).users as Obj[];
    expect(users[0]!.sshAuthorizedKeys).toEqual(['ssh-rsa Z', 'ssh-rsa A', 'ssh-ed25519 B']);
  });

  it('reads contents_local for units and drop-ins', () => {
    const filesDir = memoryFilesDir({ 'u.service': '[Service]\n', 'd.conf': '[Unit]\n' });
    const result = translateButane(
      `${head11}systemd:\n  units:\n    - name: u.service\n      contents_local: u.service\n` +
        '      dropins:\n        - name: d.conf\n          contents_local: d.conf\n',
      { filesDir },
    );
    expect(units(result.config)[0]).toMatchObject({
      contents: '[Service]\n',
      dropins: [{ contents: '[Unit]\n', name: 'd.conf' }],
    });
  });

  it('is not part of flatcar 1.0.0, where the key is unused', () => {
    const result = translateButane(`${head10}systemd:\n  units:\n    - name: u.service\n      contents_local: x\n`);
    expect(result.reports.map((r) => [r.severity, r.code, r.message])).toEqual([
      ['warning', 'UNUSED_KEY', 'Unused key contents_local'],
    ]);
  });
});
