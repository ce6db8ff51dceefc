import type { OmahaAppRequest, OmahaEventRequest, OmahaRequest } from './model.js';
import { escapeUpdateEngine as esc } from './xml/xml-escape.js';

/** The XML declaration update_engine and Go's encoding/xml both start with. */
export const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Writes a request byte for byte as update_engine does (`GetRequestXml` in `omaha_request_action.cc`): its
 * attribute order, its four- and eight-space indentation, `<tag></tag>` for empty elements, the space before the
 * `>` of `<app ...>`, and its escaping (see `escapeUpdateEngine`). Attributes update_engine never sends (`arch`,
 * `from_track`, `multi_manifest_ok`, ...) follow its own, when set.
 */
export function buildRequest(request: OmahaRequest): string {
  let out = `${XML_HEADER}<request protocol="${esc(request.protocol)}"`;
  out += attr(' version', request.version);
  out += attr(' updaterversion', request.updaterVersion);
  out += attr(' installsource', request.installSource);
  out += attr(' ismachine', request.isMachine);
  out += attr(' requestid', request.requestId);
  out += attr(' sessionid', request.sessionId);
  out += attr(' userid', request.userId);
  out += attr(' testsource', request.testSource);
  out += '>\n';
  const os = request.os;
  if (os) {
    out += `    <os${attr(' version', os.version)}${attr(' platform', os.platform)}${attr(' sp', os.sp)}`;
    out += `${attr(' arch', os.arch)}></os>\n`;
  }
  for (const app of request.apps) out += appXml(app);
  return `${out}</request>\n`;
}

function appXml(app: OmahaAppRequest): string {
  // update_engine ends every attribute with a space, so its start tag closes with " >".
  let out = `    <app appid="${esc(app.appId)}" `;
  out += attr('version', app.version, ' ');
  out += attr('track', app.track, ' ');
  out += attr('bootid', app.bootId, ' ');
  out += attr('oem', app.oem, ' ');
  out += attr('oemversion', app.oemVersion, ' ');
  out += attr('alephversion', app.alephVersion, ' ');
  out += attr('machineid', app.machineId, ' ');
  out += attr('machinealias', app.machineAlias, ' ');
  out += attr('lang', app.lang, ' ');
  out += attr('board', app.board, ' ');
  out += attr('hardware_class', app.hardwareClass, ' ');
  out += attr('delta_okay', app.deltaOkay, ' ');
  out += attr('from_track', app.fromTrack, ' ');
  out += attr('nextversion', app.nextVersion, ' ');
  out += attr('client', app.client, ' ');
  out += attr('installage', app.installAge, ' ');
  out += attr('multi_manifest_ok', app.multiManifestOk, ' ');
  out += '>\n';
  const ping = app.ping;
  if (ping) {
    out += `        <ping${attr(' active', ping.active)}${attr(' a', ping.lastActiveDays)}`;
    out += `${attr(' r', ping.lastRollCallDays)}></ping>\n`;
  }
  if (app.updateCheck) {
    out += `        <updatecheck${attr(' targetversionprefix', app.updateCheck.targetVersionPrefix)}></updatecheck>\n`;
  }
  for (const event of app.events) out += eventXml(event);
  return `${out}    </app>\n`;
}

function eventXml(event: OmahaEventRequest): string {
  let out = `        <event eventtype="${event.type}" eventresult="${event.result}"`;
  out += attr(' errorcode', event.errorCode);
  out += attr(' previousversion', event.previousVersion);
  out += attr(' nextversion', event.nextVersion);
  return `${out}></event>\n`;
}

/** ` name="value"` (or `name="value" ` with the separator after), or nothing when the value is absent. */
function attr(name: string, value: string | number | boolean | undefined, after = ''): string {
  if (value === undefined) return '';
  return `${name}="${typeof value === 'string' ? esc(value) : String(value)}"${after}`;
}
