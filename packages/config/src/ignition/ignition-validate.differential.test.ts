import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ignitionValidateOutput } from './ignition-validate-output.js';
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
function normalize(stdout: string): string[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
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
