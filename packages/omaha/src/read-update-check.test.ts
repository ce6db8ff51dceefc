import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { responseArbitrary } from './arbitraries.test-helper.js';
import { buildResponse } from './build-response.js';
import { ActionExitCode } from './codes/action-exit-codes.js';
import { readUpdateCheck, scanInteger } from './read-update-check.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

// The answers of flatcar/update_engine omaha_request_action_unittest.cc (GetNoUpdateResponse, GetUpdateResponse2
// and the inline documents of its tests), with what the tests expect of them.
const APP_ID = '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}';
const HEAD = '<?xml version="1.0" encoding="UTF-8"?><response protocol="3.0"><daystart elapsed_seconds="100"/>';
const noUpdate = `${HEAD}<app appid="${APP_ID}" status="ok"><ping status="ok"/><updatecheck status="noupdate"/></app></response>`;
function update(version: string, codebase: string, filename: string, hash: string, size: string): string {
  return (
    `${HEAD}<app appid="${APP_ID}" status="ok"><ping status="ok"/><updatecheck status="ok">` +
    `<urls><url codebase="${codebase}"/></urls><manifest version="${version}">` +
    `<packages><package hash="not-used" name="${filename}" size="${size}"/></packages>` +
    `<actions><action event="postinstall" IsDelta="true" IsDeltaPayload="true" sha256="${hash}" /></actions>` +
    '</manifest></updatecheck></app></response>'
  );
}
const missingField = (codebase: string) =>
  `${HEAD}<app appid="xyz" status="ok"><updatecheck status="ok"><urls><url codebase="${codebase}"/></urls>` +
  '<manifest version="1.0.0.0"><packages><package hash="not-used" name="f" size="587"/></packages>' +
  '<actions><action event="postinstall" IsDelta="true" IsDeltaPayload="false" sha256="lkq34j5345" /></actions>' +
  '</manifest></updatecheck></app></response>';

describe('readUpdateCheck passes update_engine’s own unit tests', () => {
  it('NoUpdateTest', () => {
    expect(readUpdateCheck(noUpdate)).toEqual({ kind: 'noupdate', pollInterval: 0 });
  });

  it('ValidUpdateTest', () => {
    const verdict = readUpdateCheck(update('1.2.3.4', 'http://code/base/', 'file.signed', 'HASH1234=', '123'));
    expect(verdict).toMatchObject({
      kind: 'update',
      displayVersion: '1.2.3.4',
      payloadUrls: ['http://code/base/file.signed'],
      hash: 'HASH1234=',
      size: 123,
      isDeltaPayload: true,
    });
  });

  it('InvalidXmlTest and EmptyResponseTest', () => {
    expect(readUpdateCheck('invalid xml>')).toMatchObject({
      kind: 'error',
      code: ActionExitCode.OmahaRequestXMLParseError,
    });
    expect(readUpdateCheck('')).toMatchObject({ kind: 'error', code: ActionExitCode.OmahaRequestEmptyResponseError });
  });

  it('MissingStatusTest, InvalidStatusTest and MissingNodesetTest', () => {
    const app = (inner: string) => `${HEAD}<app appid="foo" status="ok"><ping status="ok"/>${inner}</app></response>`;
    for (const body of [app('<updatecheck/>'), app('<updatecheck status="InvalidStatusTest"/>'), app('')]) {
      expect(readUpdateCheck(body)).toMatchObject({ kind: 'error', code: ActionExitCode.OmahaResponseInvalid });
    }
  });

  it('MissingFieldTest: optional fields take their defaults', () => {
    expect(readUpdateCheck(missingField('http://missing/field/test/'))).toEqual({
      kind: 'update',
      pollInterval: 0,
      displayVersion: '1.0.0.0',
      payloadUrls: ['http://missing/field/test/f'],
      size: 587,
      hash: 'lkq34j5345',
      needsAdmin: false,
      prompt: false,
      maxFailureCountPerUrl: 10,
      isDeltaPayload: false,
      disablePayloadBackoff: false,
    });
  });

  it('ConcatUrlSlashTest: a slash goes between codebase and name when missing', () => {
    expect(readUpdateCheck(missingField('http://concat/url/slash/test'))).toMatchObject({
      payloadUrls: ['http://concat/url/slash/test/f'],
    });
  });

  it('XmlDecodeTest and ParseIntTest', () => {
    expect(
      readUpdateCheck(update('1.2.3.4', 'testthe&amp;codebase/', 'file.signed', 'HASH1234=', '123')),
    ).toMatchObject({
      payloadUrls: ['testthe&codebase/file.signed'],
    });
    expect(
      readUpdateCheck(update('1.2.3.4', 'thecodebase/', 'file.signed', 'HASH1234=', '123123123123123')),
    ).toMatchObject({
      size: 123123123123123,
    });
  });

  it('NoElapsedSecondsTest and BadElapsedSecondsTest: daystart does not matter', () => {
    const body = (daystart: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><response protocol="3.0">${daystart}<app appid="foo" status="ok"><ping status="ok"/><updatecheck status="noupdate"/></app></response>`;
    expect(readUpdateCheck(body('<daystart blah="200"/>'))).toMatchObject({ kind: 'noupdate' });
    expect(readUpdateCheck(body('<daystart elapsed_seconds="x"/>'))).toMatchObject({ kind: 'noupdate' });
  });

  it('NetworkFailureTest and NetworkFailureBadHTTPCodeTest', () => {
    expect(readUpdateCheck('', { httpStatus: 501 })).toMatchObject({ kind: 'error', code: 2501 });
    expect(readUpdateCheck('', { httpStatus: 1500 })).toMatchObject({ kind: 'error', code: 2999 });
  });
});

describe('readUpdateCheck on the answers our server sends', () => {
  it('accepts Nebraska’s update, with its sha256 and backoff flag', () => {
    expect(readUpdateCheck(fixture('nebraska/update.xml'))).toEqual({
      kind: 'update',
      pollInterval: 0,
      displayVersion: '3374.2.0',
      payloadUrls: ['https://update.release.flatcar-linux.net/amd64-usr/3374.2.0/flatcar_production_update.gz'],
      size: 360141900,
      hash: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=',
      needsAdmin: false,
      prompt: false,
      maxFailureCountPerUrl: 10,
      isDeltaPayload: false,
      disablePayloadBackoff: true,
    });
    expect(readUpdateCheck(fixture('nebraska/noupdate.xml'))).toEqual({ kind: 'noupdate', pollInterval: 0 });
  });

  it('fails an error-* status with OmahaResponseInvalid (34), as update_engine knows only ok and noupdate', () => {
    expect(readUpdateCheck(fixture('nebraska/unknown-group.xml'))).toMatchObject({ kind: 'error', code: 34 });
  });

  it('takes the first manifest and package of a multi-manifest answer, as its XPath does', () => {
    expect(readUpdateCheck(fixture('go-omaha/multi-manifest-response.xml'))).toMatchObject({
      kind: 'update',
      displayVersion: '1.5.0',
      size: 536373876,
      hash: 'sha256_1_5_0',
    });
  });

  it('never throws, whatever response it is given', () => {
    fc.assert(
      fc.property(responseArbitrary(), (response) => {
        const verdict = readUpdateCheck(buildResponse(response));
        expect(['update', 'noupdate', 'error']).toContain(verdict.kind);
      }),
      { numRuns: 200 },
    );
  });
});

describe('scanInteger reads as glibc sscanf("%li") does', () => {
  it.each([
    ['123', 123],
    ['  42', 42],
    ['+7', 7],
    ['-5', -5],
    ['12abc', 12],
    ['0x10', 16],
    ['0X1f', 31],
    ['010', 8],
    ['08', 0],
    ['0x', 0],
    ['abc', 0],
    ['', 0],
    // strtol saturates at 2^63 - 1, which a JavaScript number holds as 2^63.
    ['99999999999999999999', Number(0x7fffffffffffffffn)],
  ])('%j → %d', (text, value) => {
    expect(scanInteger(text)).toBe(value);
  });
});
