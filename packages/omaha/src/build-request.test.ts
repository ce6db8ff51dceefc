import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRequest } from './build-request.js';
import { ActionExitCode, encodeErrorCode } from './codes/action-exit-codes.js';
import { parseRequest } from './parse-request.js';
import {
  UpdateEngineEvent,
  type UpdateEngineParams,
  updateEngineErrorEvent,
  updateEngineRequest,
} from './update-engine-request.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

// The machine of the update-engine/ fixtures, as update_engine's OmahaRequestParams would hold it.
const before: UpdateEngineParams = {
  updaterVersion: 'update_engine-0.4.10',
  version: '1632.3.0',
  track: 'stable',
  board: 'amd64-usr',
  machine: 'x86_64',
  bootId: '{60f9cf6a-361a-45f1-bb86-22380189907a}',
  machineId: '83ab5976451549a1afede31db82fd215',
};
const after: UpdateEngineParams = { ...before, version: '1688.5.3', alephVersion: '1632.3.0' };

describe('buildRequest writes update_engine bytes', () => {
  it.each([
    ['first-check-after-update', after, { kind: 'updatecheck', previousVersion: '1632.3.0' }],
    ['first-check-fresh-install', before, { kind: 'updatecheck', previousVersion: undefined }],
    ['update-check', before, { kind: 'updatecheck', previousVersion: '' }],
    ['rollback', before, { kind: 'updatecheck', previousVersion: '1632.3.0' }],
    ['download-started', before, UpdateEngineEvent.DownloadStarted],
    ['download-finished', before, UpdateEngineEvent.DownloadFinished],
    ['installed', before, UpdateEngineEvent.Installed],
    ['error-event', before, updateEngineErrorEvent(encodeErrorCode(2503, ['TestOmahaUrl']))],
    ['ping-only', before, { kind: 'ping' }],
  ] as const)('%s.xml', (name, params, kind) => {
    const xml = buildRequest(updateEngineRequest(params, kind));
    expect(xml).toBe(fixture(`update-engine/${name}.xml`));
  });

  it('parses back what it wrote, for each kind of request', () => {
    for (const kind of [
      { kind: 'updatecheck', previousVersion: '1.0.0' },
      { kind: 'ping' },
      UpdateEngineEvent.DownloadStarted,
      updateEngineErrorEvent(ActionExitCode.PayloadHashMismatchError),
    ] as const) {
      const model = updateEngineRequest({ ...before, interactive: true, oem: 'azure', oemVersion: '2.1' }, kind);
      expect(parseRequest(buildRequest(model))).toEqual({ ok: true, value: model });
    }
  });

  it('says ondemandupdate for an interactive check', () => {
    const xml = buildRequest(updateEngineRequest({ ...before, interactive: true }, { kind: 'ping' }));
    expect(xml).toContain('installsource="ondemandupdate" ismachine="1">');
  });

  it('sends errorcode only when the result is not success, as GetAppBody does', () => {
    const success = updateEngineRequest(before, { kind: 'event', type: 13, result: 1, errorCode: 0 });
    expect(buildRequest(success)).toContain('<event eventtype="13" eventresult="1"></event>');
    const deferred = updateEngineRequest(
      before,
      updateEngineErrorEvent(ActionExitCode.OmahaUpdateDeferredForBackoff, true),
    );
    expect(buildRequest(deferred)).toContain('<event eventtype="3" eventresult="9" errorcode="40"></event>');
  });

  it('escapes values as update_engine XmlEncode does (its unit test XmlEncodeTest)', () => {
    const xml = buildRequest(
      updateEngineRequest(
        { ...before, track: 'unittest_track&lt;', board: 'x86 generic<id', oem: '<OEM MODEL>' },
        {
          kind: 'ping',
        },
      ),
    );
    expect(xml).toContain('track="unittest_track&amp;lt;"');
    expect(xml).toContain('board="x86 generic&lt;id"');
    expect(xml).toContain('oem="&lt;OEM MODEL&gt;"');
  });

  it('writes the attributes update_engine never sends after its own', () => {
    const xml = buildRequest({
      protocol: '3.0',
      requestId: 'r',
      os: { platform: 'CoreOS', arch: 'x64' },
      apps: [
        { appId: 'a', fromTrack: 'beta', multiManifestOk: true, events: [{ type: 3, result: 2, nextVersion: '2' }] },
      ],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<request protocol="3.0" requestid="r">\n' +
        '    <os platform="CoreOS" arch="x64"></os>\n' +
        '    <app appid="a" from_track="beta" multi_manifest_ok="true" >\n' +
        '        <event eventtype="3" eventresult="2" nextversion="2"></event>\n' +
        '    </app>\n' +
        '</request>\n',
    );
  });
});
