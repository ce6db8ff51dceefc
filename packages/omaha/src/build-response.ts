import { XML_HEADER } from './build-request.js';
import type { OmahaAction, OmahaAppResponse, OmahaManifest, OmahaPackage, OmahaResponse } from './model.js';
import { escapeGo as esc } from './xml/xml-escape.js';

/**
 * Writes a response byte for byte as Nebraska sends it: the XML declaration and a newline (Echo's `XMLBlob`), then
 * Go's encoding/xml without indentation, in go-omaha's element and attribute order, `<tag></tag>` for empty
 * elements, Go's escaping (see `escapeGo`), and the `<urls>`, `<packages>` and `<actions>` wrappers even when they
 * are empty (Go writes the parent of an `a>b` slice field regardless, golang/go#57938: Nebraska's "noupdate" carries
 * `<urls></urls>`). Absent fields are left out; Nebraska always sets protocol, server, daystart and each package's
 * name, hash, size and required, so set them too to get its exact bytes.
 */
export function buildResponse(response: OmahaResponse): string {
  let out = `${XML_HEADER}<response${attr('protocol', response.protocol)}${attr('server', response.server)}>`;
  if (response.dayStart) out += `<daystart${attr('elapsed_seconds', response.dayStart.elapsedSeconds)}></daystart>`;
  for (const app of response.apps) out += appXml(app);
  return `${out}</response>`;
}

function appXml(app: OmahaAppResponse): string {
  let out = `<app${attr('appid', app.appId)}${attr('status', app.status)}>`;
  if (app.ping) out += `<ping${attr('status', app.ping.status)}></ping>`;
  const check = app.updateCheck;
  if (check) {
    out += `<updatecheck${attr('status', check.status)}${attr('PollInterval', check.pollInterval)}>`;
    out += '<urls>';
    for (const url of check.urls) out += `<url codebase="${esc(url)}"></url>`;
    out += '</urls>';
    for (const manifest of check.manifests) out += manifestXml(manifest);
    out += '</updatecheck>';
  }
  for (const event of app.events) out += `<event${attr('status', event.status)}></event>`;
  return `${out}</app>`;
}

function manifestXml(manifest: OmahaManifest): string {
  let out = `<manifest${attr('version', manifest.version)}${attr('is_floor', manifest.isFloor)}`;
  out += `${attr('floor_reason', manifest.floorReason)}${attr('is_target', manifest.isTarget)}>`;
  out += '<packages>';
  for (const pkg of manifest.packages) out += packageXml(pkg);
  out += '</packages><actions>';
  for (const action of manifest.actions) out += actionXml(action);
  return `${out}</actions></manifest>`;
}

function packageXml(pkg: OmahaPackage): string {
  return `<package${attr('name', pkg.name)}${attr('hash', pkg.hash)}${attr('hash_sha256', pkg.hashSha256)}${attr(
    'size',
    pkg.size,
  )}${attr('required', pkg.required)}></package>`;
}

function actionXml(a: OmahaAction): string {
  let out = `<action${attr('event', a.event)}${attr('DisplayVersion', a.displayVersion)}${attr('sha256', a.sha256)}`;
  out += attr('needsadmin', a.needsAdmin);
  out += attr('IsDeltaPayload', a.isDeltaPayload);
  out += attr('DisablePayloadBackoff', a.disablePayloadBackoff);
  out += attr('MaxFailureCountPerUrl', a.maxFailureCountPerUrl);
  out += attr('MetadataSignatureRsa', a.metadataSignatureRsa);
  out += attr('MetadataSize', a.metadataSize);
  out += attr('deadline', a.deadline);
  out += attr('MoreInfo', a.moreInfo);
  out += attr('Prompt', a.prompt);
  return `${out}></action>`;
}

function attr(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return ` ${name}="${typeof value === 'string' ? esc(value) : String(value)}"`;
}
