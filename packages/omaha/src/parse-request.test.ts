import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeErrorCode } from './codes/action-exit-codes.js';
import type { OmahaAppRequest, OmahaRequest } from './model.js';
import { parseRequest } from './parse-request.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

function parsed(xml: string): OmahaRequest {
  const result = parseRequest(xml);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message} at ${result.error.path}`);
  return result.value;
}

function onlyApp(request: OmahaRequest): OmahaAppRequest {
  expect(request.apps).toHaveLength(1);
  return request.apps[0]!;
}

// The machine every update-engine/ fixture describes (see test/fixtures/README.md for where each value comes from).
const machine = {
  appId: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
  track: 'stable',
  bootId: '{60f9cf6a-361a-45f1-bb86-22380189907a}',
  oem: '',
  oemVersion: '',
  alephVersion: '1632.3.0',
  machineId: '83ab5976451549a1afede31db82fd215',
  machineAlias: '',
  lang: 'en-US',
  board: 'amd64-usr',
  hardwareClass: '',
  deltaOkay: false,
};

describe('parseRequest on update_engine requests', () => {
  it('reads every attribute of the request, os and app of the first check after an update', () => {
    const request = parsed(fixture('update-engine/first-check-after-update.xml'));
    expect(request).toEqual({
      protocol: '3.0',
      version: 'update_engine-0.4.10',
      updaterVersion: 'update_engine-0.4.10',
      installSource: 'scheduler',
      isMachine: 1,
      os: { version: 'Chateau', platform: 'CoreOS', sp: '1688.5.3_x86_64' },
      apps: [
        {
          ...machine,
          version: '1688.5.3',
          ping: { active: 1 },
          updateCheck: {},
          events: [{ type: 3, result: 2, previousVersion: '1632.3.0' }],
        },
      ],
    });
  });

  it('keeps an empty previousversion apart from an absent one', () => {
    const later = onlyApp(parsed(fixture('update-engine/update-check.xml')));
    expect(later.events).toEqual([{ type: 3, result: 2, previousVersion: '' }]);
    const fresh = onlyApp(parsed(fixture('update-engine/first-check-fresh-install.xml')));
    expect(fresh.events).toEqual([{ type: 3, result: 2, previousVersion: '0.0.0.0' }]);
  });

  it('reads the download started, download finished and installed events, without ping or updatecheck', () => {
    for (const [name, type, result] of [
      ['download-started', 13, 1],
      ['download-finished', 14, 1],
      ['installed', 3, 1],
    ] as const) {
      const app = onlyApp(parsed(fixture(`update-engine/${name}.xml`)));
      expect(app).toEqual({ ...machine, version: '1632.3.0', events: [{ type, result }] });
      expect(app.ping).toBeUndefined();
      expect(app.updateCheck).toBeUndefined();
    }
  });

  it('reads an error event and its code with flag bits', () => {
    const app = onlyApp(parsed(fixture('update-engine/error-event.xml')));
    expect(app.events).toEqual([{ type: 3, result: 0, errorCode: 268437959 }]);
    expect(decodeErrorCode(268437959)).toMatchObject({
      code: 2503,
      httpStatus: 503,
      name: 'OmahaRequestHTTPResponseBase',
      flags: ['TestOmahaUrl'],
    });
  });

  it('reads the rollback report: an update check with UpdateComplete/Error and code 44', () => {
    const app = onlyApp(parsed(fixture('update-engine/rollback.xml')));
    expect(app.ping).toEqual({ active: 1 });
    expect(app.updateCheck).toEqual({});
    expect(app.events).toEqual([{ type: 3, result: 0, errorCode: 44 }]);
    expect(decodeErrorCode(44).name).toBe('RollbackError');
  });

  it('reads a ping-only request', () => {
    const app = onlyApp(parsed(fixture('update-engine/ping-only.xml')));
    expect(app).toEqual({ ...machine, version: '1632.3.0', ping: { active: 1 }, events: [] });
  });
});

describe('parseRequest on go-omaha fixtures', () => {
  it('reads the old ChromeOS update_engine sample with ping days and targetversionprefix', () => {
    const request = parsed(fixture('go-omaha/update-request.xml'));
    expect(request.os).toEqual({ version: 'Indy', platform: 'Chrome OS', sp: 'ForcedUpdate_x86_64' });
    expect(request.installSource).toBe('ondemandupdate');
    expect(onlyApp(request)).toEqual({
      appId: '{87efface-864d-49a5-9bb3-4b050a7c227a}',
      bootId: '{7D52A1CC-7066-40F0-91C7-7CB6A871BFDE}',
      machineAlias: 'mymachine',
      machineId: '{8BDE4C4D-9083-4D61-B41C-3253212C0C37}',
      oem: 'ec3000',
      version: 'ForcedUpdate',
      track: 'dev-channel',
      fromTrack: 'developer-build',
      lang: 'en-US',
      board: 'amd64-generic',
      hardwareClass: '',
      deltaOkay: false,
      ping: { active: 1, lastActiveDays: -1, lastRollCallDays: -1 },
      updateCheck: { targetVersionPrefix: '' },
      events: [{ type: 3, result: 2, previousVersion: '' }],
    });
  });

  it("reads Google Omaha's own sample: two apps, self-closing elements, request ids and arch", () => {
    const request = parsed(fixture('go-omaha/omaha-v3-request.xml'));
    expect(request).toMatchObject({
      protocol: '3.0',
      version: '1.3.23.0',
      isMachine: 0,
      sessionId: '{5FAD27D4-6BFA-4daa-A1B3-5A1F821FEE0F}',
      userId: '{D0BBD725-742D-44ae-8D46-0231E881D58E}',
      installSource: 'scheduler',
      testSource: 'ossdev',
      requestId: '{C8F6EDF3-B623-4ee6-B2DA-1D08A0B4C665}',
      os: { platform: 'win', version: '6.1', sp: '', arch: 'x64' },
    });
    expect(request.apps.map((app) => [app.appId, app.client, app.installAge, app.ping])).toEqual([
      ['{430FD4D0-B729-4F61-AA34-91526481799D}', 'someclientid', '39', { lastRollCallDays: 1 }],
      ['{D0AB2EBC-931B-4013-9FEB-C9C4C2225C8C}', '', '6', { lastRollCallDays: 1 }],
    ]);
  });
});

describe('parseRequest, attribute by attribute', () => {
  const wrap = (app: string, root = '') =>
    `<?xml version="1.0"?><request protocol="3.0"${root}><app appid="x"${app}</app></request>`;

  it.each([
    ['version', 'version', '1.2.3'],
    ['track', 'track', 'beta'],
    ['bootid', 'bootId', '{b}'],
    ['oem', 'oem', 'azure'],
    ['oemversion', 'oemVersion', '2.9'],
    ['alephversion', 'alephVersion', '1.0.0'],
    ['machineid', 'machineId', 'abc'],
    ['machinealias', 'machineAlias', 'web-1'],
    ['lang', 'lang', 'en-US'],
    ['board', 'board', 'arm64-usr'],
    ['hardware_class', 'hardwareClass', 'hw'],
    ['from_track', 'fromTrack', 'alpha'],
    ['nextversion', 'nextVersion', '2'],
    ['client', 'client', 'c'],
    ['installage', 'installAge', '3'],
  ])('app@%s → %s', (attribute, field, value) => {
    const app = onlyApp(parsed(wrap(` ${attribute}="${value}">`)));
    expect(app).toEqual({ appId: 'x', [field]: value, events: [] });
  });

  it.each([
    ['delta_okay', 'deltaOkay'],
    ['multi_manifest_ok', 'multiManifestOk'],
  ])('app@%s → %s, in the words Go accepts', (attribute, field) => {
    for (const [text, value] of [
      ['true', true],
      ['false', false],
      ['1', true],
      ['0', false],
      ['True', true],
      ['F', false],
    ] as const) {
      expect(onlyApp(parsed(wrap(` ${attribute}="${text}">`)))).toEqual({ appId: 'x', [field]: value, events: [] });
    }
    const bad = parseRequest(wrap(` ${attribute}="yes">`));
    expect(bad.ok || bad.error).toMatchObject({
      code: 'OMAHA_INVALID_ATTRIBUTE',
      path: `/request/app[0]/@${attribute}`,
    });
  });

  it.each([
    ['version', 'version'],
    ['updaterversion', 'updaterVersion'],
    ['installsource', 'installSource'],
    ['requestid', 'requestId'],
    ['sessionid', 'sessionId'],
    ['userid', 'userId'],
    ['testsource', 'testSource'],
  ])('request@%s → %s', (attribute, field) => {
    expect(parsed(wrap('>', ` ${attribute}="v"`))).toMatchObject({ [field]: 'v' });
  });

  it('request@ismachine is an integer', () => {
    expect(parsed(wrap('>', ' ismachine="1"')).isMachine).toBe(1);
    const bad = parseRequest(wrap('>', ' ismachine="one"'));
    expect(bad.ok || bad.error).toMatchObject({ code: 'OMAHA_INVALID_ATTRIBUTE', path: '/request/@ismachine' });
  });

  it('os@platform, version, sp and arch', () => {
    const request = parsed(
      '<request protocol="3.0"><os platform="CoreOS" version="Chateau" sp="1_x86_64" arch="x64"/></request>',
    );
    expect(request).toEqual({
      protocol: '3.0',
      os: { platform: 'CoreOS', version: 'Chateau', sp: '1_x86_64', arch: 'x64' },
      apps: [],
    });
  });

  it('ping@active, a and r, which may be negative', () => {
    const app = onlyApp(parsed(wrap('><ping active="1" a="-1" r="-2"/>')));
    expect(app.ping).toEqual({ active: 1, lastActiveDays: -1, lastRollCallDays: -2 });
  });

  it('updatecheck@targetversionprefix', () => {
    const app = onlyApp(parsed(wrap('><updatecheck targetversionprefix="3815."/>')));
    expect(app.updateCheck).toEqual({ targetVersionPrefix: '3815.' });
  });

  it('event@eventtype, eventresult, errorcode, previousversion and nextversion', () => {
    const app = onlyApp(
      parsed(wrap('><event eventtype="3" eventresult="0" errorcode="10" previousversion="1" nextversion="2"></event>')),
    );
    expect(app.events).toEqual([{ type: 3, result: 0, errorCode: 10, previousVersion: '1', nextVersion: '2' }]);
  });

  it('takes errorcode in the signed form update_engine prints and in the unsigned form', () => {
    const signed = onlyApp(parsed(wrap('><event eventtype="3" eventresult="0" errorcode="-2147483604"/>')));
    const unsigned = onlyApp(parsed(wrap('><event eventtype="3" eventresult="0" errorcode="2147483692"/>')));
    expect(decodeErrorCode(signed.events[0]!.errorCode!)).toMatchObject({ code: 44, flags: ['DevMode'] });
    expect(decodeErrorCode(unsigned.events[0]!.errorCode!)).toMatchObject({ code: 44, flags: ['DevMode'] });
    const tooBig = parseRequest(wrap('><event eventtype="3" eventresult="0" errorcode="4294967296"/>'));
    expect(tooBig.ok || tooBig.error.code).toBe('OMAHA_INVALID_ATTRIBUTE');
  });

  it('needs eventtype and eventresult', () => {
    const missing = parseRequest(wrap('><event eventresult="1"/>'));
    expect(missing.ok || missing.error).toMatchObject({
      code: 'OMAHA_MISSING_ATTRIBUTE',
      path: '/request/app[0]/event[0]/@eventtype',
    });
    const missingResult = parseRequest(wrap('><event eventtype="3"/>'));
    expect(missingResult.ok || missingResult.error.code).toBe('OMAHA_MISSING_ATTRIBUTE');
  });

  it('reads integers as Go does: surrounding spaces and a plus sign are fine, fractions and hex are not', () => {
    expect(onlyApp(parsed(wrap('><event eventtype=" 13 " eventresult="+1"/>'))).events).toEqual([
      { type: 13, result: 1 },
    ]);
    for (const bad of ['1.0', '0x3', '', '3a', '99999999999']) {
      const result = parseRequest(wrap(`><event eventtype="${bad}" eventresult="1"/>`));
      expect(result.ok || result.error.code).toBe('OMAHA_INVALID_ATTRIBUTE');
    }
  });

  it('needs app@appid and protocol="3.0"', () => {
    const noAppId = parseRequest('<request protocol="3.0"><app version="1"/></request>');
    expect(noAppId.ok || noAppId.error).toMatchObject({
      code: 'OMAHA_MISSING_ATTRIBUTE',
      path: '/request/app[0]/@appid',
    });
    const noProtocol = parseRequest('<request><app appid="x"/></request>');
    expect(noProtocol.ok || noProtocol.error).toMatchObject({
      code: 'OMAHA_MISSING_ATTRIBUTE',
      path: '/request/@protocol',
    });
    const v2 = parseRequest('<request protocol="2.0"/>');
    expect(v2.ok || v2.error).toMatchObject({ code: 'OMAHA_UNSUPPORTED_PROTOCOL', path: '/request/@protocol' });
  });

  it('refuses a response, or anything else, where a request belongs', () => {
    const result = parseRequest(fixture('nebraska/update.xml'));
    expect(result.ok || result.error).toMatchObject({ code: 'OMAHA_WRONG_ROOT', line: 2, column: 1 });
  });

  it('refuses a repeated os, ping or updatecheck, which readers could resolve differently', () => {
    for (const [xml, path] of [
      ['<request protocol="3.0"><os/><os/></request>', '/request/os'],
      [wrap('><ping/><ping/>'), '/request/app[0]/ping'],
      [wrap('><updatecheck/><updatecheck/>'), '/request/app[0]/updatecheck'],
    ] as const) {
      const result = parseRequest(xml);
      expect(result.ok || result.error).toMatchObject({ code: 'OMAHA_DUPLICATE_ELEMENT', path });
    }
  });

  it('ignores attributes and elements it does not know', () => {
    const app = onlyApp(parsed(wrap(' brand="GGLS" groupid="{g}"><data name="x"/><updatecheck foo="1"/>')));
    expect(app).toEqual({ appId: 'x', updateCheck: {}, events: [] });
  });

  it('resolves references in attribute values', () => {
    const app = onlyApp(parsed(wrap(' track="a&amp;b&lt;c&#x3A9;&#937;&quot;&apos;">')));
    expect(app.track).toBe('a&b<cΩΩ"\'');
  });
});
