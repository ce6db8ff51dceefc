import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import { dataUrlError } from '../dataurl/parse-data-url.js';
import { goQuery, parseGoUrl } from './go-url.js';
import { parseUnitContents } from './unit-contents.js';

// The libraries behind Ignition's rules, against the same libraries in Go (go-systemd's unit parser,
// vincent-petithory/dataurl, net/url) over inputs assembled from the fragments each parser branches on.

const HARNESS = fileURLToPath(new URL('../../test/fixtures/ignition/reference/main.go', import.meta.url));

interface Answer {
  error: string;
  sections: string[] | null;
  scheme: string;
  opaque: string;
  versionId: string[] | null;
  hasVersionId: boolean;
}

let binary: string | undefined;
beforeAll(async () => {
  if (existsSync('/usr/bin/go')) binary = await buildGoReference(HARNESS);
}, 120_000);

async function reference(kind: string, inputs: string[]): Promise<Answer[]> {
  const stdin = inputs.map((input) => `${JSON.stringify({ kind, input })}\n`).join('');
  const out = await runGoReference(binary as string, [], stdin);
  return out
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Answer);
}

const fromFragments = (fragments: string[], maxLength = 12) =>
  fc.array(fc.constantFrom(...fragments), { maxLength }).map((parts) => parts.join(''));
const sample = (arb: fc.Arbitrary<string>, numRuns: number): string[] => fc.sample(arb, { numRuns, seed: 42 });

const UNIT_FRAGMENTS = [
  '[Unit]',
  '[Install]',
  '[',
  ']',
  'Unit',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '#c',
  ';c',
  'A=b',
  'A',
  '=',
  '\\',
  ' \\',
  'é',
  '\u2028',
  'x'.repeat(700),
  'y'.repeat(2046),
  'z'.repeat(2100),
  '\n'.repeat(3),
];
const DATA_URL_FRAGMENTS = [
  'data:',
  'text',
  '/',
  'plain',
  'x-',
  'x',
  'foo',
  ';',
  ',',
  '=',
  '"',
  '\\',
  'base64',
  'charset',
  'utf-8',
  '%',
  '2',
  '0',
  'zz',
  ' ',
  'é',
  '@',
  'abc',
  '==',
  '\n',
  'aGk',
  'message',
];
const URL_FRAGMENTS = [
  'http',
  's3',
  'gs',
  'data',
  'arn',
  'HTTP',
  ':',
  '//',
  '/',
  '?',
  '#',
  '@',
  '[',
  ']',
  '::1',
  '%',
  '25',
  'zz',
  '41',
  'host',
  ':80',
  ':port',
  ' ',
  '\t',
  'versionId',
  '=',
  '&',
  ';',
  '+',
  'a',
  'é',
  '*',
  '1',
];

describe.skipIf(!existsSync('/usr/bin/go'))('library parts behave as their Go originals', () => {
  it('parses systemd units as go-systemd does (errors and sections)', async () => {
    const inputs = [
      ...sample(fromFragments(UNIT_FRAGMENTS), 400),
      '[Unit]\nFoo',
      `[Unit]\nA=${'x'.repeat(5000)}`,
      `${'#'.repeat(3000)}\n[Install]\nA=b`,
    ];
    const answers = await reference('unit', inputs);
    for (const [i, input] of inputs.entries()) {
      const ours = parseUnitContents(input);
      const expected = answers[i] as Answer;
      if (expected.error !== '')
        expect({ input, error: 'error' in ours ? ours.error : undefined }).toEqual({ input, error: expected.error });
      else
        expect({ input, sections: 'options' in ours ? ours.options.map((o) => o.section) : ours }).toEqual({
          input,
          sections: expected.sections ?? [],
        });
    }
  });

  it('decodes data URLs as vincent-petithory/dataurl does (same error texts)', async () => {
    const inputs = [
      ...sample(fromFragments(DATA_URL_FRAGMENTS), 600),
      ...sample(
        fromFragments(DATA_URL_FRAGMENTS).map((s) => `data:${s}`),
        600,
      ),
    ];
    const answers = await reference('dataurl', inputs);
    for (const [i, input] of inputs.entries()) {
      expect({ input, error: dataUrlError(input) ?? '' }).toEqual({ input, error: (answers[i] as Answer).error });
    }
  });

  it('decodes the two data URL forms Butane writes as dataurl does, near the edges of valid', async () => {
    // Plain escaped and base64 bodies, with padding, escapes and characters that break either form.
    const plain = ['a', '%20', '%', '%2', '%zz', '%4a', '~', ' ', '#', 'é', '\n', '=', '+'];
    const base64 = ['QUJD', 'QQ', 'QUI', '=', '==', '\n', '\r', 'A', '+/', '-', '%', 'é', ' '];
    const inputs = [
      ...sample(fromFragments(plain, 8), 400).map((s) => `data:,${s}`),
      ...sample(fromFragments(base64, 8), 400).map((s) => `data:;base64,${s}`),
    ];
    const answers = await reference('dataurl', inputs);
    for (const [i, input] of inputs.entries()) {
      expect({ input, error: dataUrlError(input) ?? '' }).toEqual({ input, error: (answers[i] as Answer).error });
    }
  });

  it('parses URLs as net/url does (failure, scheme, opaque part, versionId)', async () => {
    const inputs = sample(fromFragments(URL_FRAGMENTS), 1500);
    const answers = await reference('url', inputs);
    for (const [i, input] of inputs.entries()) {
      const expected = answers[i] as Answer;
      const u = parseGoUrl(input);
      if (expected.error !== '') {
        expect({ input, parsed: u }).toEqual({ input, parsed: undefined });
        continue;
      }
      const versionId = u === undefined ? undefined : goQuery(u.rawQuery).get('versionId');
      expect({ input, scheme: u?.scheme, opaque: u?.opaque, versionId: versionId ?? null }).toEqual({
        input,
        scheme: expected.scheme,
        opaque: expected.opaque,
        versionId: expected.hasVersionId ? expected.versionId : null,
      });
    }
  });
});
