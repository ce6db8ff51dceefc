import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OmahaResponse } from './model.js';
import { parseResponse } from './parse-response.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

function parsed(xml: string): OmahaResponse {
  const result = parseResponse(xml);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message} at ${result.error.path}`);
  return result.value;
}

const flatcar3374 = {
  status: 'ok',
  urls: ['https://update.release.flatcar-linux.net/amd64-usr/3374.2.0/'],
  manifests: [
    {
      version: '3374.2.0',
      packages: [
        { name: 'flatcar_production_update.gz', hash: 'e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=', size: 360141900, required: true },
      ],
      actions: [
        { event: 'postinstall', sha256: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=', disablePayloadBackoff: true },
      ],
    },
  ],
};

describe('parseResponse on real answers', () => {
  it('reads Nebraska’s compact answer field by field', () => {
    expect(parsed(fixture('nebraska/update.xml'))).toEqual({
      protocol: '3.0',
      server: 'nebraska',
      dayStart: { elapsedSeconds: '0' },
      apps: [
        {
          appId: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
          status: 'ok',
          ping: { status: 'ok' },
          updateCheck: flatcar3374,
          events: [{ status: 'ok' }],
        },
      ],
    });
  });

  it('reads the same answer pretty-printed with self-closing tags (flatcar/ue-rs example)', () => {
    const response = parsed(fixture('nebraska/update-pretty.xml'));
    expect(response.apps[0]).toEqual({
      appId: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
      status: 'ok',
      updateCheck: flatcar3374,
      events: [],
    });
  });

  it('reads noupdate, event acknowledgements and Nebraska’s error statuses', () => {
    expect(parsed(fixture('nebraska/noupdate.xml')).apps[0]!.updateCheck).toEqual({
      status: 'noupdate',
      urls: [],
      manifests: [],
    });
    expect(parsed(fixture('nebraska/event-ack.xml')).apps[0]!.events).toEqual([{ status: 'ok' }]);
    expect(parsed(fixture('nebraska/unknown-group.xml')).apps[0]).toEqual({
      appId: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
      status: 'error-unknownApplicationOrGroup',
      updateCheck: { status: 'error-internal', urls: [], manifests: [] },
      events: [],
    });
  });

  it('reads go-omaha’s sampleResponse as its TestOmahaResponseWithUpdate expects', () => {
    expect(parsed(fixture('go-omaha/update-response.xml'))).toEqual({
      protocol: '3.0',
      dayStart: { elapsedSeconds: '49008' },
      apps: [
        {
          appId: '{87efface-864d-49a5-9bb3-4b050a7c227a}',
          status: 'ok',
          ping: { status: 'ok' },
          updateCheck: {
            status: 'ok',
            urls: ['http://kam:8080/static/'],
            manifests: [
              {
                version: '9999.0.0',
                packages: [{ hash: '+LXvjiaPkeYDLHoNKlf9qbJwvnk=', name: 'update.gz', size: 67546213, required: true }],
                actions: [
                  {
                    event: 'postinstall',
                    displayVersion: '9999.0.0',
                    sha256: '0VAlQW3RE99SGtSB5R4m08antAHO8XDoBMKDyxQT/Mg=',
                    needsAdmin: false,
                    isDeltaPayload: true,
                  },
                ],
              },
            ],
          },
          events: [],
        },
      ],
    });
  });

  it('reads floors and the target of a multi-manifest answer as go-omaha’s TestMultiManifestParsing expects', () => {
    const manifests = parsed(fixture('go-omaha/multi-manifest-response.xml')).apps[0]!.updateCheck!.manifests;
    expect(manifests.map((m) => [m.version, m.isFloor, m.floorReason, m.isTarget])).toEqual([
      ['1.5.0', true, 'Required for partition migration', undefined],
      ['2.0.0', true, 'Bootloader update required', undefined],
      ['4.0.0', undefined, undefined, true],
    ]);
    expect(manifests[2]!.packages[0]).toEqual({
      name: 'flatcar_production_update.gz',
      hash: 'hash3',
      size: 542373876,
      required: true,
    });
  });

  it('refuses a request where a response belongs (go-omaha TestOmahaRequestAsResponse)', () => {
    const result = parseResponse(fixture('go-omaha/update-request.xml'));
    expect(result.ok || result.error.code).toBe('OMAHA_WRONG_ROOT');
  });
});

describe('parseResponse, attribute by attribute', () => {
  const inCheck = (inner: string, attributes = ' status="ok"') =>
    parsed(`<response><app><updatecheck${attributes}>${inner}</updatecheck></app></response>`).apps[0]!.updateCheck!;
  const action = (attributes: string) =>
    inCheck(`<manifest><actions><action ${attributes}/></actions></manifest>`).manifests[0]!.actions[0];
  const pkg = (attributes: string) =>
    inCheck(`<manifest><packages><package ${attributes}/></packages></manifest>`).manifests[0]!.packages[0];

  it('response@protocol and server, daystart@elapsed_seconds (any text, as update_engine accepts it)', () => {
    expect(parsed('<response protocol="3.0" server="s"><daystart elapsed_seconds="x"/></response>')).toEqual({
      protocol: '3.0',
      server: 's',
      dayStart: { elapsedSeconds: 'x' },
      apps: [],
    });
    expect(parsed('<response><daystart/></response>').dayStart).toEqual({});
  });

  it('app@appid and status, ping@status, event@status', () => {
    expect(
      parsed(
        '<response><app appid="a" status="restricted"><ping status="ok"/><event status="ok"/><event/></app></response>',
      ).apps,
    ).toEqual([{ appId: 'a', status: 'restricted', ping: { status: 'ok' }, events: [{ status: 'ok' }, {}] }]);
  });

  it('updatecheck@status and PollInterval; urls from every <urls>', () => {
    expect(
      inCheck('<urls><url codebase="a"/></urls><urls><url codebase="b"/></urls>', ' status="ok" PollInterval="3600"'),
    ).toEqual({
      status: 'ok',
      pollInterval: 3600,
      urls: ['a', 'b'],
      manifests: [],
    });
  });

  it('url needs codebase', () => {
    const result = parseResponse('<response><app><updatecheck><urls><url/></urls></updatecheck></app></response>');
    expect(result.ok || result.error).toMatchObject({
      code: 'OMAHA_MISSING_ATTRIBUTE',
      path: '/response/app[0]/updatecheck/urls[0]/url[0]/@codebase',
    });
  });

  it('manifest@version, is_floor, floor_reason, is_target', () => {
    expect(inCheck('<manifest version="1" is_floor="true" floor_reason="r" is_target="false"/>').manifests).toEqual([
      { version: '1', isFloor: true, floorReason: 'r', isTarget: false, packages: [], actions: [] },
    ]);
  });

  it('package@name, hash, hash_sha256, size, required', () => {
    expect(pkg('name="n" hash="h1" hash_sha256="h256" size="123123123123123" required="false"')).toEqual({
      name: 'n',
      hash: 'h1',
      hashSha256: 'h256',
      size: 123123123123123,
      required: false,
    });
    for (const size of ['-1', '1.5', 'x', '9007199254740992']) {
      const result = parseResponse(
        `<response><app><updatecheck><manifest><packages><package size="${size}"/></packages></manifest></updatecheck></app></response>`,
      );
      expect(result.ok || result.error.code).toBe('OMAHA_INVALID_ATTRIBUTE');
    }
  });

  it.each([
    ['event', 'event', 'postinstall'],
    ['DisplayVersion', 'displayVersion', '1.2'],
    ['sha256', 'sha256', 'abc='],
    ['MetadataSignatureRsa', 'metadataSignatureRsa', 'sig'],
    ['MetadataSize', 'metadataSize', '190'],
    ['deadline', 'deadline', '20101020'],
    ['MoreInfo', 'moreInfo', 'http://more/info'],
  ])('action@%s → %s', (attribute, field, value) => {
    expect(action(`${attribute}="${value}"`)).toEqual({ [field]: value });
  });

  it.each([
    ['needsadmin', 'needsAdmin'],
    ['IsDeltaPayload', 'isDeltaPayload'],
    ['DisablePayloadBackoff', 'disablePayloadBackoff'],
    ['Prompt', 'prompt'],
  ])('action@%s → %s (boolean)', (attribute, field) => {
    expect(action(`${attribute}="true"`)).toEqual({ [field]: true });
    expect(action(`${attribute}="false"`)).toEqual({ [field]: false });
  });

  it('action@MaxFailureCountPerUrl is an unsigned integer', () => {
    expect(action('MaxFailureCountPerUrl="10"')).toEqual({ maxFailureCountPerUrl: 10 });
    const result = parseResponse(
      '<response><app><updatecheck><manifest><actions><action MaxFailureCountPerUrl="-1"/></actions></manifest></updatecheck></app></response>',
    );
    expect(result.ok || result.error.code).toBe('OMAHA_INVALID_ATTRIBUTE');
  });

  it('refuses a repeated daystart, ping or updatecheck', () => {
    for (const xml of [
      '<response><daystart/><daystart/></response>',
      '<response><app><ping/><ping/></app></response>',
      '<response><app><updatecheck/><updatecheck/></app></response>',
    ]) {
      const result = parseResponse(xml);
      expect(result.ok || result.error.code).toBe('OMAHA_DUPLICATE_ELEMENT');
    }
  });
});
