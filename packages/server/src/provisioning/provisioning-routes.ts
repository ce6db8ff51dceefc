import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../errors.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/http-error.js';
import { sendEmpty, sendJson, sendText } from '../http/respond.js';
import type { RequestContext, Router } from '../http/router.js';
import type { MachineProfile, Store } from '../store/index.js';
import { IPXE_CHAIN_SCRIPT, ipxeScript, labelsQuery } from './ipxe-script.js';
import { machineLabels } from './machine-labels.js';
import { machineGroupInput, machineProfileInput } from './provisioning-input.js';
import { configReportJson, machineGroupJson, machineProfileJson } from './provisioning-json.js';
import { type MachineConfig, machineVariables, renderMachineConfig } from './render-machine-config.js';
import { type GroupMatch, selectMachineGroup } from './select-machine-group.js';

/** What the provisioning routes need. */
export interface ProvisioningRouteOptions {
  readonly store: Store;
  /** Build the URLs in iPXE scripts from `X-Forwarded-Host` and `-Proto` (behind a reverse proxy only). */
  readonly trustProxy?: boolean;
}

const PROFILES = '/api/provisioning/profiles';
const GROUPS = '/api/provisioning/groups';

// A Host header: a DNS name or an IP literal, and a port. Anything else could smuggle text into an iPXE script.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
}

/** `http://host:port` as the machine reached this server, for URLs that point back at it. */
function serverBase(req: IncomingMessage, trustProxy: boolean): string {
  const host = (trustProxy ? firstHeader(req, 'x-forwarded-host') : undefined) ?? req.headers.host;
  if (host === undefined || !HOST.test(host)) {
    throw new HttpError(
      400,
      'INVALID_HOST',
      'The Host header must be HOST or HOST:PORT, as the machine reached the server',
    );
  }
  const proto = trustProxy && firstHeader(req, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

function describeLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return 'a machine that sent no labels';
  const shown = entries
    .slice(0, 6)
    .map(([key, value]) => `${key}=${value.length > 64 ? `${value.slice(0, 64)}...` : value}`);
  return `${shown.join(', ')}${entries.length > 6 ? ', ...' : ''}`;
}

function rawQuery(req: IncomingMessage): string {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

interface MachineMatch {
  readonly labels: Readonly<Record<string, string>>;
  readonly match: GroupMatch;
  readonly profile: MachineProfile;
}

function failureJson(config: Extract<MachineConfig, { ok: false }>, match: MachineMatch) {
  const errors = config.reports.filter((r) => r.severity === 'error');
  const first = errors[0] ?? config.reports[0];
  const where = first?.templateLine !== undefined ? ` (template line ${first.templateLine})` : '';
  return {
    error: config.stage === 'template' ? 'TEMPLATE_INVALID' : 'CONFIG_INVALID',
    message: `${config.stage === 'template' ? 'The template' : 'The rendered config'} of profile ${match.profile.id} is not valid: ${first?.message ?? 'unknown error'}${where}`,
    group: match.match.group.id,
    profile: match.profile.id,
    reports: config.reports.map(configReportJson),
  };
}

/**
 * Registers machine provisioning: `GET /ignition` and `GET /ipxe` for machines (no token: they answer only with the
 * config of the group the machine matches), `GET /boot.ipxe` to chain into them, and the REST API of profiles and
 * groups under `/api/provisioning/` (viewers read, admins write).
 */
export function registerProvisioningRoutes(router: Router, options: ProvisioningRouteOptions): void {
  const { store } = options;
  const trustProxy = options.trustProxy ?? false;

  async function matchMachine(ctx: RequestContext): Promise<MachineMatch> {
    const { labels, errors } = machineLabels(ctx.query);
    if (errors.length > 0) throw new InvalidInputError(errors);
    const match = selectMachineGroup(await store.listMachineGroups(), labels);
    if (!match) {
      throw new HttpError(
        404,
        'NO_MATCHING_GROUP',
        `No machine group matches ${describeLabels(labels)}; add a group whose selector these labels satisfy, or a default group with no selector`,
      );
    }
    if (match.ties.length > 0) {
      ctx.log.warn('Several machine groups match a machine equally well; the lowest id wins', {
        group: match.group.id,
        ties: match.ties,
        labels,
      });
    }
    return { labels, match, profile: await store.getMachineProfile(match.group.profileId) };
  }

  function configOf(ctx: RequestContext, found: MachineMatch): MachineConfig {
    return renderMachineConfig(found.profile, {
      variables: machineVariables({ group: found.match.group, labels: found.labels, rawQuery: rawQuery(ctx.req) }),
    });
  }

  router.add('GET', '/boot.ipxe', 'public', (ctx) => sendText(ctx.res, 200, IPXE_CHAIN_SCRIPT));

  router.add('GET', '/ignition', 'public', async (ctx) => {
    const found = await matchMachine(ctx);
    const config = configOf(ctx, found);
    const fields = { group: found.match.group.id, profile: found.profile.id, labels: found.labels };
    if (!config.ok) {
      ctx.log.warn('A machine config could not be made', { ...fields, reports: config.reports.slice(0, 5) });
      sendJson(ctx.res, 422, failureJson(config, found));
      return;
    }
    ctx.log.info('Served a machine config', { ...fields, warnings: config.warnings.length });
    sendText(ctx.res, 200, config.ignition, 'application/vnd.coreos.ignition+json; charset=utf-8');
  });

  router.add('GET', '/ipxe', 'public', async (ctx) => {
    const base = serverBase(ctx.req, trustProxy);
    const found = await matchMachine(ctx);
    if (!found.profile.boot) {
      throw new HttpError(
        404,
        'NO_BOOT_SETTINGS',
        `Profile ${found.profile.id} (group ${found.match.group.id}) has no boot settings; give it boot.kernel and boot.initrd to network boot`,
      );
    }
    ctx.log.info('Served an iPXE script', {
      group: found.match.group.id,
      profile: found.profile.id,
      labels: found.labels,
    });
    sendText(
      ctx.res,
      200,
      ipxeScript(found.profile.boot, { ignitionUrl: `${base}/ignition${labelsQuery(found.labels)}` }),
    );
  });

  // What a machine with these labels would get, with the rendered text and every report: for operators.
  router.add('GET', '/api/provisioning/render', 'read', async (ctx) => {
    const found = await matchMachine(ctx);
    const config = configOf(ctx, found);
    sendJson(ctx.res, 200, {
      group: found.match.group.id,
      profile: found.profile.id,
      ties: found.match.ties,
      labels: found.labels,
      ok: config.ok,
      ignition: config.ok ? (JSON.parse(config.ignition) as unknown) : null,
      ...(!config.ok && config.rendered !== undefined && { rendered: config.rendered }),
      reports: (config.ok ? config.warnings : config.reports).map(configReportJson),
    });
  });

  router.add('GET', PROFILES, 'read', async (ctx) => {
    sendJson(ctx.res, 200, { profiles: (await store.listMachineProfiles()).map(machineProfileJson) });
  });
  router.add('POST', PROFILES, 'write', async (ctx) => {
    const input = machineProfileInput(await readJsonObject(ctx.req));
    const saved = await store.saveMachineProfile(input, 'create');
    sendJson(ctx.res, 201, machineProfileJson(saved.value));
  });
  router.add('GET', `${PROFILES}/:profileId`, 'read', async (ctx) => {
    sendJson(ctx.res, 200, machineProfileJson(await store.getMachineProfile(ctx.params.profileId!)));
  });
  router.add('PUT', `${PROFILES}/:profileId`, 'write', async (ctx) => {
    const input = machineProfileInput(await readJsonObject(ctx.req), { id: ctx.params.profileId! });
    const saved = await store.saveMachineProfile(input, 'put');
    sendJson(ctx.res, saved.created ? 201 : 200, machineProfileJson(saved.value));
  });
  router.add('DELETE', `${PROFILES}/:profileId`, 'write', async (ctx) => {
    await store.deleteMachineProfile(ctx.params.profileId!);
    sendEmpty(ctx.res);
  });

  router.add('GET', GROUPS, 'read', async (ctx) => {
    sendJson(ctx.res, 200, { groups: (await store.listMachineGroups()).map(machineGroupJson) });
  });
  router.add('POST', GROUPS, 'write', async (ctx) => {
    const input = machineGroupInput(await readJsonObject(ctx.req));
    const saved = await store.saveMachineGroup(input, 'create');
    sendJson(ctx.res, 201, machineGroupJson(saved.value));
  });
  router.add('GET', `${GROUPS}/:groupId`, 'read', async (ctx) => {
    sendJson(ctx.res, 200, machineGroupJson(await store.getMachineGroup(ctx.params.groupId!)));
  });
  router.add('PUT', `${GROUPS}/:groupId`, 'write', async (ctx) => {
    const input = machineGroupInput(await readJsonObject(ctx.req), { id: ctx.params.groupId! });
    const saved = await store.saveMachineGroup(input, 'put');
    sendJson(ctx.res, saved.created ? 201 : 200, machineGroupJson(saved.value));
  });
  router.add('DELETE', `${GROUPS}/:groupId`, 'write', async (ctx) => {
    await store.deleteMachineGroup(ctx.params.groupId!);
    sendEmpty(ctx.res);
  });
}
