import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../test/helpers/go-reference.js';
import { anyText, responseArbitrary } from './arbitraries.test-helper.js';
import { buildResponse } from './build-response.js';
import type { OmahaAppResponse, OmahaResponse } from './model.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

const FLATCAR = '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}';
const nebraska = (app: OmahaAppResponse): OmahaResponse => ({
  protocol: '3.0',
  server: 'nebraska',
  dayStart: { elapsedSeconds: '0' },
  apps: [app],
});

describe('buildResponse writes Nebraska bytes', () => {
  it('nebraska/update.xml: an update for update_engine, with the ping and event answers', () => {
    const xml = buildResponse(
      nebraska({
        appId: FLATCAR,
        status: 'ok',
        ping: { status: 'ok' },
        updateCheck: {
          status: 'ok',
          urls: ['https://update.release.flatcar-linux.net/amd64-usr/3374.2.0/'],
          manifests: [
            {
              version: '3374.2.0',
              packages: [
                {
                  name: 'flatcar_production_update.gz',
                  hash: 'e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=',
                  size: 360141900,
                  required: true,
                },
              ],
              actions: [
                {
                  event: 'postinstall',
                  sha256: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=',
                  disablePayloadBackoff: true,
                },
              ],
            },
          ],
        },
        events: [{ status: 'ok' }],
      }),
    );
    expect(xml).toBe(fixture('nebraska/update.xml'));
  });

  it('nebraska/noupdate.xml, event-ack.xml and unknown-group.xml', () => {
    const noUpdate = { status: 'noupdate', urls: [], manifests: [] };
    expect(
      buildResponse(
        nebraska({
          appId: FLATCAR,
          status: 'ok',
          ping: { status: 'ok' },
          updateCheck: noUpdate,
          events: [{ status: 'ok' }],
        }),
      ),
    ).toBe(fixture('nebraska/noupdate.xml'));
    expect(buildResponse(nebraska({ appId: FLATCAR, status: 'ok', events: [{ status: 'ok' }] }))).toBe(
      fixture('nebraska/event-ack.xml'),
    );
    expect(
      buildResponse(
        nebraska({
          appId: FLATCAR,
          status: 'error-unknownApplicationOrGroup',
          updateCheck: { status: 'error-internal', urls: [], manifests: [] },
          events: [],
        }),
      ),
    ).toBe(fixture('nebraska/unknown-group.xml'));
  });
});

describe('buildResponse against Go encoding/xml with go-omaha layout', () => {
  let binary = '';
  beforeAll(async () => {
    binary = await buildGoReference(
      fileURLToPath(new URL('../test/reference/go-response-encoder.go', import.meta.url)),
    );
  }, 120_000);

  async function goEncode(responses: readonly OmahaResponse[]): Promise<string[]> {
    const out = await runGoReference(binary, [], responses.map((r) => JSON.stringify(r)).join('\n'));
    return out.toString('utf8').split('\0').slice(0, -1);
  }

  it('writes what Go writes for the nebraska/ fixtures, so they are the bytes Nebraska sends', async () => {
    const noUpdate = { status: 'noupdate', urls: [], manifests: [] };
    const models: [string, OmahaResponse][] = [
      [
        'noupdate',
        nebraska({
          appId: FLATCAR,
          status: 'ok',
          ping: { status: 'ok' },
          updateCheck: noUpdate,
          events: [{ status: 'ok' }],
        }),
      ],
      ['event-ack', nebraska({ appId: FLATCAR, status: 'ok', events: [{ status: 'ok' }] })],
      [
        'unknown-group',
        nebraska({
          appId: FLATCAR,
          status: 'error-unknownApplicationOrGroup',
          updateCheck: { status: 'error-internal', urls: [], manifests: [] },
          events: [],
        }),
      ],
    ];
    const encoded = await goEncode(models.map(([, model]) => model));
    for (const [i, [name]] of models.entries()) expect(encoded[i]).toBe(fixture(`nebraska/${name}.xml`));
  });

  it('writes what Go writes for any response, escaping included', async () => {
    const samples = fc.sample(responseArbitrary({ goShape: true, text: anyText }), { numRuns: 300, seed: 42 });
    const expected = await goEncode(samples);
    expect(expected).toHaveLength(samples.length);
    samples.forEach((sample, i) => {
      expect(buildResponse(sample), JSON.stringify(sample)).toBe(expected[i]);
    });
  });
});
