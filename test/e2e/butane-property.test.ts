// Properties of the Butane translation over generated configs: it never throws, valid input gives a valid Ignition
// config (by our rules and by Debian's ignition-validate), and compact and --pretty output are the same document.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyIgnitionConfig, translateButane, validateIgnition } from '@ballast/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/);
// No tabs: yaml.v3 (and so Butane) rejects a block scalar whose first line is blank but for a tab, which the YAML
// writer used here can produce; tabs inside contents are covered by the decoder's own differential tests.
const text = fc.string({ unit: fc.constantFrom(...'abc xyz=-_./:#\n{}[]"\'\\<>&%é'.split('')), maxLength: 200 });
const mode = fc.constantFrom(0o644, 0o600, 0o755, 0o700, 0o444, 0o1777);
const owner = fc.option(fc.oneof(fc.record({ name }), fc.record({ id: fc.integer({ min: 0, max: 65535 }) })), {
  nil: undefined,
});

/** A Butane config that Butane accepts without errors: paths are distinct, names valid, modes octal. */
const butaneConfig = fc
  .record({
    version: fc.constantFrom('1.0.0', '1.1.0'),
    files: fc.array(
      fc.record({
        mode,
        overwrite: fc.boolean(),
        user: owner,
        contents: text,
        append: fc.array(text, { maxLength: 2 }),
      }),
      { maxLength: 6 },
    ),
    directories: fc.array(fc.record({ mode, group: owner }), { maxLength: 3 }),
    links: fc.array(fc.record({ target: name, hard: fc.boolean() }), { maxLength: 3 }),
    users: fc.uniqueArray(
      fc.record({
        name,
        uid: fc.option(fc.integer({ min: 1000, max: 60000 }), { nil: undefined }),
        groups: fc.uniqueArray(name, { maxLength: 3 }),
        keys: fc.uniqueArray(
          fc.constantFrom('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVN a@host', 'ssh-rsa AAAAB3NzaC1yc2E b@host'),
          {
            maxLength: 2,
          },
        ),
        noCreateHome: fc.boolean(),
      }),
      { selector: (u) => u.name, maxLength: 3 },
    ),
    groups: fc.uniqueArray(fc.record({ name, gid: fc.integer({ min: 1000, max: 60000 }) }), {
      selector: (g) => g.name,
      maxLength: 2,
    }),
    units: fc.uniqueArray(
      fc.record({ name, enabled: fc.boolean(), body: text, dropins: fc.uniqueArray(name, { maxLength: 2 }) }),
      { selector: (u) => u.name, maxLength: 3 },
    ),
    kargs: fc.uniqueArray(name, { maxLength: 4 }),
  })
  .map((c) => {
    const config: Record<string, unknown> = { variant: 'flatcar', version: c.version };
    config.storage = {
      files: c.files.map((f, i) => ({
        path: `/etc/generated/file-${i}`,
        mode: f.mode,
        overwrite: f.overwrite,
        ...(f.user ? { user: f.user } : {}),
        contents: { inline: f.contents },
        ...(f.append.length > 0 && !f.overwrite ? { append: f.append.map((a) => ({ inline: a })) } : {}),
      })),
      directories: c.directories.map((d, i) => ({
        path: `/var/generated/dir-${i}`,
        mode: d.mode,
        ...(d.group ? { group: d.group } : {}),
      })),
      links: c.links.map((l, i) => ({ path: `/usr/local/link-${i}`, target: `/opt/${l.target}`, hard: l.hard })),
    };
    config.passwd = {
      users: c.users.map((u) => ({
        name: u.name,
        ...(u.uid === undefined ? {} : { uid: u.uid }),
        groups: u.groups,
        ssh_authorized_keys: u.keys,
        no_create_home: u.noCreateHome,
      })),
      groups: c.groups,
    };
    config.systemd = {
      units: c.units.map((u) => ({
        name: `${u.name}.service`,
        enabled: u.enabled,
        contents: `[Unit]\nDescription=${u.body.replaceAll('\n', ' ')}\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n`,
        dropins: u.dropins.map((d) => ({ name: `${d}.conf`, contents: '[Service]\nEnvironment=A=1\n' })),
      })),
    };
    // Half of the kernel arguments must be present, the other half absent.
    const half = Math.ceil(c.kargs.length / 2);
    config.kernel_arguments = { should_exist: c.kargs.slice(0, half), should_not_exist: c.kargs.slice(half) };
    // Octal modes as a Butane author writes them: `mode: 0644`.
    return stringify(config, { lineWidth: 0 }).replace(
      /^(\s*mode): (\d+)$/gm,
      (_, key, n) => `${key}: 0${Number(n).toString(8)}`,
    );
  });

describe('Butane translation over generated configs', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (source) => {
        const result = translateButane(`variant: flatcar\nversion: 1.0.0\n${source}`);
        expect(result.json === undefined).toBe(result.reports.some((r) => r.severity === 'error') || !!result.error);
      }),
      { numRuns: 300 },
    );
  });

  it('translates valid configs to valid Ignition, the same in compact and pretty form', () => {
    const accepted: { version: string; json: string }[] = [];
    fc.assert(
      fc.property(butaneConfig, (source) => {
        const compact = translateButane(source);
        const errors = compact.reports.filter((r) => r.severity === 'error');
        expect(errors, `${source}\n${JSON.stringify(errors)}`).toEqual([]);
        expect(compact.json).toBeDefined();
        const pretty = translateButane(source, { pretty: true });
        const config = JSON.parse(compact.json!);
        expect(JSON.parse(pretty.json!)).toEqual(config);
        expect(compact.json!.endsWith('\n')).toBe(true);
        const version = config.ignition.version as '3.3.0' | '3.4.0';
        const ignitionErrors = validateIgnition(config as AnyIgnitionConfig, version).filter(
          (r) => r.severity === 'error',
        );
        expect(ignitionErrors).toEqual([]);
        if (accepted.length < 40) accepted.push({ version, json: compact.json! });
      }),
      { numRuns: 200 },
    );

    // The reference: Debian's Ignition 2.14 reads 3.3.0 and knows 3.4.0 as 3.4.0-experimental.
    const dir = mkdtempSync(join(tmpdir(), 'ballast-property-'));
    try {
      for (const [i, { version, json }] of accepted.entries()) {
        const file = join(dir, `${i}.ign`);
        writeFileSync(file, version === '3.4.0' ? json.replace('"3.4.0"', '"3.4.0-experimental"') : json);
        execFileSync('ignition-validate', [file], { stdio: 'pipe' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
