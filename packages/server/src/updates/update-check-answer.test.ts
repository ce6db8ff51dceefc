import { buildResponse } from '@ballast/omaha';
import { describe, expect, it } from 'vitest';
import { Arch, type Package, PackageType } from '../store/index.js';
import { NO_UPDATE, updateCheckFor } from './update-check-answer.js';

const base: Package = {
  id: 'p',
  appId: 'a',
  type: PackageType.Flatcar,
  version: '3374.2.0',
  arch: Arch.AMD64,
  url: 'https://example.com/3374.2.0/',
  filename: 'flatcar_production_update.gz',
  description: null,
  size: '360141900',
  hash: 'e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=',
  hashSha256: '0123abcd',
  flatcarAction: {
    id: 'f',
    event: 'postinstall',
    chromeosVersion: '',
    sha256: '/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=',
    needsAdmin: false,
    isDelta: false,
    disablePayloadBackoff: true,
    metadataSignatureRsa: '',
    metadataSize: '',
    deadline: '',
    createdAt: new Date(0),
  },
  extraFiles: [],
  channelsBlacklist: [],
  createdAt: new Date(0),
};

// The <updatecheck> element as go-omaha's encoder writes it: Package's name, hash, size and required always,
// hash_sha256 only when set; Action's event always and every other attribute only when set, in the struct's order.
function updateCheckXml(pkg: Package): string {
  const check = updateCheckFor(pkg);
  if (!check) return 'none';
  const xml = buildResponse({ apps: [{ updateCheck: check, events: [] }] });
  return xml.slice(xml.indexOf('<updatecheck'), xml.indexOf('</updatecheck>') + '</updatecheck>'.length);
}

describe('updateCheckFor', () => {
  it("writes Nebraska's offer: the URL, the payload, and the postinstall action", () => {
    expect(updateCheckXml(base)).toBe(
      '<updatecheck status="ok"><urls><url codebase="https://example.com/3374.2.0/"></url></urls>' +
        '<manifest version="3374.2.0"><packages><package name="flatcar_production_update.gz" ' +
        'hash="e2jgE9Ky/yeJ1q+GsDh/Hlb37cw=" size="360141900" required="true"></package></packages><actions>' +
        '<action event="postinstall" sha256="/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=" ' +
        'DisablePayloadBackoff="true"></action></actions></manifest></updatecheck>',
    );
  });

  it('writes every action attribute that is set, and extra files after the payload', () => {
    const pkg: Package = {
      ...base,
      flatcarAction: {
        ...base.flatcarAction!,
        chromeosVersion: '1.2',
        needsAdmin: true,
        isDelta: true,
        metadataSignatureRsa: 'sig',
        metadataSize: '42',
        deadline: 'now',
      },
      extraFiles: [
        { id: 1, name: 'oem.raw', size: '10', hash: 'c2hh', hash256: 'abc', createdAt: new Date(0) },
        { id: 2, name: 'bare.raw', size: null, hash: null, hash256: 'ignored', createdAt: new Date(0) },
        { id: 3, name: 'odd.raw', size: 'ten', hash: 'aGFzaA==', hash256: null, createdAt: new Date(0) },
      ],
    };
    const xml = updateCheckXml(pkg);
    expect(xml).toContain(
      '<package name="oem.raw" hash="c2hh" hash_sha256="abc" size="10" required="false"></package>' +
        '<package name="bare.raw" hash="" size="0" required="false"></package>' +
        '<package name="odd.raw" hash="aGFzaA==" size="0" required="false"></package>',
    );
    expect(xml).toContain(
      '<action event="postinstall" DisplayVersion="1.2" sha256="/kxm4FqtXuc0/qYLo9U2yccqNmEXMsWEdtKJ7nXtPaM=" ' +
        'needsadmin="true" IsDeltaPayload="true" DisablePayloadBackoff="true" MetadataSignatureRsa="sig" ' +
        'MetadataSize="42" deadline="now"></action>',
    );
  });

  it('writes empty name, hash and a zero size for a package without them, and no action for other types', () => {
    const other: Package = { ...base, type: PackageType.Other, filename: null, hash: null, size: null };
    expect(updateCheckXml(other)).toContain(
      '<packages><package name="" hash="" size="0" required="true"></package></packages><actions></actions>',
    );
  });

  it('gives no offer for a Flatcar package without its action', () => {
    expect(updateCheckFor({ ...base, flatcarAction: null })).toBeUndefined();
  });

  it('says noupdate with the empty urls Nebraska writes', () => {
    const xml = buildResponse({ apps: [{ updateCheck: NO_UPDATE, events: [] }] });
    expect(xml).toContain('<updatecheck status="noupdate"><urls></urls></updatecheck>');
  });
});
