import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ignitionValidateOutput } from './ignition-validate-output.js';
import type { IgnitionVersion } from './ignition-version.js';
import { type IgnitionParse, parseIgnition } from './parse-ignition.js';

// Differential suite: every fixture through Debian's ignition-validate (Ignition 2.14) and through us, printed the
// same way. 2.14 knows spec 3.4.0 only as 3.4.0-experimental, so 3.4.0 fixtures go to it under that version.

const IGNITION_VALIDATE = '/usr/bin/ignition-validate';
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/ignition/', import.meta.url));

// Rules Ignition added after 2.14 (2.15 and later apply them to every spec version): we have them, 2.14 does not.
const NEWER_THAN_2_14 = new Set([
  'PATH_CONFLICTS_SYSTEMD',
  'HARD_LINK_SPECIFIES_OWNER',
  'PARTITIONS_OVERWRITTEN',
  'FILESYSTEM_IMPLICIT_WIPE',
  'UNIT_TEMPLATE_NO_INSTALL_SECTION',
]);

// What 2.14 would have said: our reports without the newer rules.
function as2_14(result: IgnitionParse): IgnitionParse {
  const reports = result.reports.filter((r) => !NEWER_THAN_2_14.has(r.code));
  const stillFatal = reports.some((r) => r.severity === 'error');
  const error = result.error === 'config is not valid' && !stillFatal ? undefined : result.error;
  return { ...result, reports, error };
}

function runReference(source: string): { stdout: string; stderr: string; exitCode: number } {
  const out = spawnSync(IGNITION_VALIDATE, ['-'], { input: source, encoding: 'utf8' });
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.status ?? -1 };
}

// Go ranges over a map to list unused keys, so their order within one object varies from run to run.
// ignition-validate lists unused keys in Go's random map order and trims its whole output, so a key ending in
// space loses that space only when its line happens to come last: compare the lines sorted and trimmed.
function normalize(stdout: string): string[] {
  const lines = stdout
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const unused = lines.filter((l) => / Unused key /.test(l)).sort();
  return [...lines.filter((l) => !/ Unused key /.test(l)), ...unused];
}

const fixtures = ['valid', 'invalid'].flatMap((verdict) =>
  readdirSync(join(FIXTURES, verdict))
    .filter((f) => f.endsWith('.ign'))
    .sort()
    .map((file) => ({ verdict, file, source: readFileSync(join(FIXTURES, verdict, file), 'utf8') })),
);

describe.skipIf(!existsSync(IGNITION_VALIDATE))('ignition-validate (Ignition 2.14) agrees with parseIgnition', () => {
  it('has a corpus of valid and invalid configs', () => {
    expect(fixtures.filter((f) => f.verdict === 'valid').length).toBeGreaterThan(30);
    expect(fixtures.filter((f) => f.verdict === 'invalid').length).toBeGreaterThan(30);
  });

  it.each(fixtures.map((f) => [`${f.verdict}/${f.file}`, f] as const))('%s', (_name, { verdict, source }) => {
    const ours = parseIgnition(source);
    const reference = runReference(
      ours.version === '3.4.0' ? source.replace(/("version"\s*:\s*")3\.4\.0"/, '$13.4.0-experimental"') : source,
    );
    const mirrored = ignitionValidateOutput(as2_14(ours));
    expect(reference.exitCode === 0 ? 'valid' : 'invalid').toBe(verdict);
    expect(mirrored.exitCode).toBe(reference.exitCode);
    expect(normalize(mirrored.stdout)).toEqual(normalize(reference.stdout));
    expect(mirrored.stderr).toBe(reference.stderr);
  });
});

// Random configs built from values each rule cares about (good and bad paths, URLs, modes, unit contents...), so
// the comparison reaches combinations the corpus does not.
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const paths = fc.constantFrom(
  '/a',
  '/a/b',
  '/etc/x',
  'rel',
  '',
  '/a/../b',
  '/a/',
  '/d',
  '/etc/systemd/system/a.service',
);
const urls = fc.constantFrom(
  'data:,x',
  'data:text/plain;base64,eA==',
  'data:;base64,eA',
  'data:text/plain',
  'data:,%zz',
  'http://e/x',
  'https://e/x?y=1#f',
  'tftp://e/x',
  's3://b/k?versionId=',
  's3://b/k?versionId=1',
  'gs://b/o',
  'arn:aws:s3:::b/k',
  'arn:aws:sns:::b/k',
  'ftp://e/x',
  'http://[::1',
  'http://e:port/',
  '',
  '%41',
  'data:,a b',
  'HTTPS://E/X',
);
const contents = fc.constantFrom(
  '[Unit]\nDescription=x\n',
  '[Install]\nWantedBy=multi-user.target\n',
  '[Unit]\nFoo',
  '[Unit',
  '[Unit] x\n',
  '# c\n[Service]\nA=b \\\n c\n[Install]\nX=y',
  '',
  'A=b\n',
);
const modes = fc.constantFrom(420, 493, 4095, 4096, -1, 2541, 511);
const hashes = fc.constantFrom(`sha512-${'a'.repeat(128)}`, `sha256-${'b'.repeat(64)}`, 'sha512-x', 'md5-x', 'sha512');

function arbRandomConfig(version: IgnitionVersion): fc.Arbitrary<object> {
  const atLeast = (min: IgnitionVersion) => version >= min;
  const resource = fc.record(
    {
      source: opt(urls),
      compression: opt(fc.constantFrom('gzip', '', 'xz')),
      verification: opt(fc.record({ hash: opt(hashes) }, { requiredKeys: [] })),
      ...(atLeast('3.1.0')
        ? {
            httpHeaders: opt(
              fc.array(
                fc.record(
                  { name: fc.constantFrom('A', ''), value: opt(fc.constantFrom('1', '')) },
                  { requiredKeys: ['name'] },
                ),
                { maxLength: 2 },
              ),
            ),
          }
        : {}),
    },
    { requiredKeys: [] },
  );
  const owner = fc.record(
    { id: opt(fc.constantFrom(0, 7)), name: opt(fc.constantFrom('core', '')) },
    { requiredKeys: [] },
  );
  const node = { path: paths, overwrite: opt(fc.boolean()), user: opt(owner), group: opt(owner) };
  const file = fc.record(
    { ...node, mode: opt(modes), contents: opt(resource), append: opt(fc.array(resource, { maxLength: 2 })) },
    { requiredKeys: ['path'] },
  );
  const directory = fc.record({ ...node, mode: opt(modes) }, { requiredKeys: ['path'] });
  const link = fc.record(
    { ...node, target: opt(fc.constantFrom('/t', 'rel', '/d', '')), hard: opt(fc.boolean()) },
    { requiredKeys: atLeast('3.3.0') ? ['path'] : ['path', 'target'] },
  );
  const partition = fc.record(
    {
      number: opt(fc.constantFrom(0, 1, 2)),
      label: opt(fc.constantFrom('root', 'a:b', 'x'.repeat(37))),
      startMiB: opt(fc.constantFrom(0, 1, 100)),
      sizeMiB: opt(fc.constantFrom(0, 50, 200)),
      shouldExist: opt(fc.boolean()),
      typeGuid: opt(fc.constantFrom('0FC63DAF-8483-4772-8E79-3D69D8477DE4', 'bad', '')),
    },
    { requiredKeys: [] },
  );
  const disk = fc.record(
    {
      device: fc.constantFrom('/dev/a', '/dev/b', '', 'rel'),
      wipeTable: opt(fc.boolean()),
      partitions: opt(fc.array(partition, { maxLength: 3 })),
    },
    { requiredKeys: ['device'] },
  );
  const formats = fc.constantFrom('ext4', 'xfs', 'vfat', 'swap', 'btrfs', 'none', 'ntfs', '');
  const filesystem = fc.record(
    {
      device: fc.constantFrom('/dev/a', '/dev/b', 'rel'),
      format: opt(formats),
      label: opt(fc.constantFrom('short', 'x'.repeat(13), 'x'.repeat(17))),
      path: opt(paths),
      wipeFilesystem: opt(fc.boolean()),
      options: opt(fc.array(fc.constantFrom('-a'), { maxLength: 2 })),
    },
    { requiredKeys: ['device'] },
  );
  const raidLevel = fc.constantFrom('raid1', 'raid0', 'linear', 'raid7', '');
  const raid = fc.record(
    {
      name: fc.constantFrom('md0', 'md1'),
      level: atLeast('3.3.0') ? opt(raidLevel) : raidLevel,
      devices: fc.array(fc.constantFrom('/dev/a', 'rel'), { maxLength: 2 }),
      spares: opt(fc.constantFrom(0, 1)),
    },
    { requiredKeys: atLeast('3.3.0') ? ['name'] : ['name', 'level', 'devices'] },
  );
  const unit = fc.record(
    {
      name: fc.constantFrom('a.service', 'b.timer', 'c.conf', 'a@.service', 'a@x.service'),
      enabled: opt(fc.boolean()),
      mask: opt(fc.boolean()),
      contents: opt(contents),
      dropins: opt(
        fc.array(
          fc.record({ name: fc.constantFrom('a.conf', 'b.txt'), contents: opt(contents) }, { requiredKeys: ['name'] }),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: ['name'] },
  );
  const user = fc.record(
    {
      name: fc.constantFrom('core', 'app'),
      sshAuthorizedKeys: opt(fc.array(fc.constantFrom('k1', 'k2'), { maxLength: 2 })),
    },
    { requiredKeys: ['name'] },
  );
  const luks = fc.record(
    {
      name: fc.constantFrom('r', 'a/b'),
      device: opt(fc.constantFrom('/dev/a', 'rel', '')),
      label: opt(fc.constantFrom('l', 'x'.repeat(48))),
      keyFile: opt(resource),
      clevis: opt(
        fc.record(
          {
            tpm2: opt(fc.boolean()),
            threshold: opt(fc.constantFrom(0, 1)),
            tang: opt(
              fc.array(
                fc.record(
                  { url: fc.constantFrom('http://t', 'ftp://t', ''), thumbprint: opt(fc.constantFrom('x', '')) },
                  { requiredKeys: ['url'] },
                ),
                { maxLength: 2 },
              ),
            ),
            custom: opt(
              atLeast('3.3.0')
                ? fc.record(
                    {
                      pin: opt(fc.constantFrom('tpm2', 'bad', '')),
                      config: opt(fc.constantFrom('{}', '')),
                      needsNetwork: opt(fc.boolean()),
                    },
                    { requiredKeys: [] },
                  )
                : fc.record({
                    pin: fc.constantFrom('tpm2', 'bad', ''),
                    config: fc.constantFrom('{}', ''),
                    needsNetwork: opt(fc.boolean()),
                  }),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ['name'] },
  );
  const storage = fc.record(
    {
      files: opt(fc.array(file, { maxLength: 3 })),
      directories: opt(fc.array(directory, { maxLength: 2 })),
      links: opt(fc.array(link, { maxLength: 2 })),
      disks: opt(fc.array(disk, { maxLength: 2 })),
      filesystems: opt(fc.array(filesystem, { maxLength: 2 })),
      raid: opt(fc.array(raid, { maxLength: 2 })),
      ...(atLeast('3.2.0') ? { luks: opt(fc.array(luks, { maxLength: 2 })) } : {}),
    },
    { requiredKeys: [] },
  );
  const ignition = fc.record(
    {
      config: opt(
        fc.record({ merge: opt(fc.array(resource, { maxLength: 2 })), replace: opt(resource) }, { requiredKeys: [] }),
      ),
      ...(atLeast('3.1.0')
        ? {
            proxy: opt(
              fc.record(
                {
                  httpProxy: opt(fc.constantFrom('http://p', 'socks://p', 'https://p')),
                  httpsProxy: opt(fc.constantFrom('http://p', 'https://p', '%zz')),
                  noProxy: opt(fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 })),
                },
                { requiredKeys: [] },
              ),
            ),
          }
        : {}),
    },
    { requiredKeys: [] },
  );
  return (
    fc
      .record(
        {
          ignition,
          storage: opt(storage),
          systemd: opt(fc.record({ units: opt(fc.array(unit, { maxLength: 3 })) }, { requiredKeys: [] })),
          passwd: opt(fc.record({ users: opt(fc.array(user, { maxLength: 2 })) }, { requiredKeys: [] })),
          ...(atLeast('3.3.0')
            ? {
                kernelArguments: opt(
                  fc.record(
                    {
                      shouldExist: opt(fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 })),
                      shouldNotExist: opt(fc.array(fc.constantFrom('a', 'c'), { maxLength: 2 })),
                    },
                    { requiredKeys: [] },
                  ),
                ),
              }
            : {}),
        },
        { requiredKeys: ['ignition'] },
      )
      // `ignition` last and its version last in it, so renaming 3.4.0 for 2.14 moves no position it reports.
      .map(({ ignition: section, ...rest }) =>
        JSON.parse(JSON.stringify({ ...rest, ignition: { ...section, version } })),
      )
  );
}

describe.skipIf(!existsSync(IGNITION_VALIDATE))(
  'random configs validate as in ignition-validate (Ignition 2.14)',
  () => {
    it('prints the same reports and exits the same way', () => {
      const versions: IgnitionVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'];
      fc.assert(
        fc.property(fc.constantFrom(...versions).chain(arbRandomConfig), fc.boolean(), (config, pretty) => {
          const source = JSON.stringify(config, null, pretty ? 2 : undefined);
          const ours = parseIgnition(source);
          const reference = runReference(
            ours.version === '3.4.0' ? source.replace(/("version"\s*:\s*")3\.4\.0"/, '$13.4.0-experimental"') : source,
          );
          const mirrored = ignitionValidateOutput(as2_14(ours));
          expect(normalize(mirrored.stdout)).toEqual(normalize(reference.stdout));
          expect(mirrored.exitCode).toBe(reference.exitCode);
          expect(mirrored.stderr).toBe(reference.stderr);
        }),
        { numRuns: 200 },
      );
    });
  },
);

// The same configs broken on purpose: a value swapped for one of another JSON type, or the text cut short or
// given a stray character, for encoding/json's error messages and the offsets they are reported at.
const JSON_VALUES = ['1', '1.5', '-0', '1e3', 'true', 'null', '"s"', '[]', '{}', '[1]', '{"a":1}', '""'];

function mutate(text: string, choice: number, where: number, what: number): string {
  const at = where % (text.length + 1);
  switch (choice % 3) {
    case 0: {
      // Replace the value after the n-th colon.
      const colons = [...text.matchAll(/:/g)].map((m) => m.index ?? 0);
      if (colons.length === 0) return text;
      const start = (colons[where % colons.length] as number) + 1;
      const rest = text.slice(start);
      const end = rest.search(/[,}\]]/);
      return `${text.slice(0, start)}${JSON_VALUES[what % JSON_VALUES.length]}${rest.slice(end < 0 ? rest.length : end)}`;
    }
    case 1:
      return text.slice(0, at);
    default:
      return `${text.slice(0, at)}${['x', ',', '}', ']', '"', ':', '\\', '\u0001', ' '][what % 9]}${text.slice(at)}`;
  }
}

describe.skipIf(!existsSync(IGNITION_VALIDATE))('broken configs fail as in ignition-validate (Ignition 2.14)', () => {
  it('gives the same syntax and type errors at the same positions', () => {
    const versions: IgnitionVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0'];
    fc.assert(
      fc.property(
        fc.constantFrom(...versions).chain(arbRandomConfig),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (config, choice, where, what) => {
          const source = mutate(JSON.stringify(config), choice, where, what);
          const reference = runReference(source);
          const mirrored = ignitionValidateOutput(as2_14(parseIgnition(source)));
          expect(normalize(mirrored.stdout)).toEqual(normalize(reference.stdout));
          expect(mirrored.stderr).toBe(reference.stderr);
          expect(mirrored.exitCode).toBe(reference.exitCode);
        },
      ),
      { numRuns: 200 },
    );
  });
});
