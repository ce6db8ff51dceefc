import { createApiToken } from '../auth/authenticate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { readJsonObject } from '../http/body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import type { Access, Handler, Method, RequestContext, Router } from '../http/router.js';
import { digestPayload } from '../payloads/payload-files.js';
import {
  type ActivityQuery,
  type ActivitySeverity,
  type InstanceQuery,
  type InstanceStatus,
  type PackageInput,
  PackageType,
  type Store,
} from '../store/index.js';
import { AppIds } from './app-ids.js';
import {
  activityJson,
  apiTokenJson,
  applicationJson,
  channelJson,
  groupJson,
  instanceJson,
  instancesStatsJson,
  packageJson,
  statusHistoryJson,
  statusTimelineJson,
  versionBreakdownJson,
  versionTimelineJson,
} from './nebraska-json.js';
import { durationParam, pageParams, queryInt, timeParam } from './query-params.js';
import {
  aliasInput,
  apiTokenInput,
  applicationInput,
  channelInput,
  groupInput,
  packageInput,
} from './request-inputs.js';

/** What the REST API needs. */
export interface ApiOptions {
  readonly store: Store;
  /** The directory of hosted payloads (`--payloads`), whose files fill in a new package's size and hashes. */
  readonly payloadsDir?: string | undefined;
  /** Called after every successful write, so the Omaha endpoint's caches of applications and groups are dropped. */
  readonly onChange?: () => void;
}

const APP = '/api/apps/:appId';

const SORT_BY: Readonly<Record<string, InstanceQuery['sortBy']>> = {
  '0': 'alias',
  '1': 'ip',
  '2': 'lastCheckForUpdates',
};

/** The path below `/flatcar/` that a package's URL and file name point at, when they point at hosted payloads. */
function hostedPath(pkg: { readonly url?: string; readonly filename?: string | null }): string | undefined {
  if (!pkg.filename) return undefined;
  let path: string;
  try {
    path = new URL(pkg.url ?? '', 'http://placeholder/').pathname;
  } catch {
    return undefined;
  }
  if (!path.startsWith('/flatcar/') && path !== '/flatcar') return undefined;
  const dir = path.slice('/flatcar'.length).replace(/^\/+|\/+$/g, '');
  return dir === '' ? pkg.filename : `${dir}/${pkg.filename}`;
}

/**
 * Registers Nebraska's REST API (backend/api/spec.yaml) on the router: applications, groups, channels, packages,
 * instances, activity, and Ballast's API tokens and group resume.
 */
export function registerApiRoutes(router: Router, options: ApiOptions): void {
  const { store } = options;
  const appIds = new AppIds(store);
  const appId = (ctx: RequestContext) => appIds.resolve(ctx.params.appId!);
  const applicationsChanged = () => appIds.forget();
  const add = (method: Method, pattern: string, access: Access, handler: Handler) =>
    router.add(
      method,
      pattern,
      access,
      access === 'write'
        ? async (ctx) => {
            await handler(ctx);
            options.onChange?.();
          }
        : handler,
    );

  async function groupOf(ctx: RequestContext) {
    const id = await appId(ctx);
    const group = await store.getGroup(ctx.params.groupId!);
    if (group.appId !== id) throw new NotFoundError('Group', ctx.params.groupId!);
    return group;
  }
  async function channelOf(ctx: RequestContext) {
    const id = await appId(ctx);
    const channel = await store.getChannel(ctx.params.channelId!);
    if (channel.appId !== id) throw new NotFoundError('Channel', ctx.params.channelId!);
    return channel;
  }
  async function packageOf(ctx: RequestContext) {
    const id = await appId(ctx);
    const pkg = await store.getPackage(ctx.params.packageId!);
    if (pkg.appId !== id) throw new NotFoundError('Package', ctx.params.packageId!);
    return pkg;
  }

  /** Fills in size and hashes of a package whose file is hosted here and whose client did not send them. */
  async function withPayloadDigest(input: PackageInput): Promise<PackageInput> {
    if (!options.payloadsDir) return input;
    const missing =
      input.size == null ||
      input.hash == null ||
      input.hashSha256 == null ||
      (input.flatcarAction === undefined && (input.type ?? PackageType.Flatcar) === PackageType.Flatcar);
    const path = hostedPath(input);
    if (!missing || path === undefined) return input;
    const digest = await digestPayload(options.payloadsDir, path);
    if (!digest) return input;
    return {
      ...input,
      size: input.size ?? String(digest.size),
      hash: input.hash ?? digest.sha1Base64,
      hashSha256: input.hashSha256 ?? digest.sha256Hex,
      ...((input.type ?? PackageType.Flatcar) === PackageType.Flatcar &&
        input.flatcarAction === undefined && { flatcarAction: { sha256: digest.sha256Base64 } }),
    };
  }

  // Applications
  add('GET', '/api/apps', 'read', async (ctx) => {
    const page = await store.listApplications(pageParams(ctx.query));
    sendJson(ctx.res, 200, {
      totalCount: page.total,
      count: page.items.length,
      applications: page.items.map(applicationJson),
    });
  });
  add('POST', '/api/apps', 'write', async (ctx) => {
    const input = applicationInput(await readJsonObject(ctx.req), 'create');
    const cloneFrom = ctx.query.get('clone_from');
    const app = await store.createApplication(
      input,
      cloneFrom ? { cloneFrom: await appIds.resolve(cloneFrom) } : undefined,
    );
    applicationsChanged();
    sendJson(ctx.res, 200, applicationJson(app));
  });
  add('GET', APP, 'read', async (ctx) => {
    sendJson(ctx.res, 200, applicationJson(await store.getApplication(await appId(ctx))));
  });
  add('PUT', APP, 'write', async (ctx) => {
    const id = await appId(ctx);
    const input = applicationInput(await readJsonObject(ctx.req), 'update');
    const app = await store.updateApplication(id, input);
    applicationsChanged();
    sendJson(ctx.res, 200, applicationJson(app));
  });
  add('DELETE', APP, 'write', async (ctx) => {
    await store.deleteApplication(await appId(ctx));
    applicationsChanged();
    sendEmpty(ctx.res);
  });

  // Groups
  add('GET', `${APP}/groups`, 'read', async (ctx) => {
    const page = await store.listGroups(await appId(ctx), pageParams(ctx.query));
    sendJson(ctx.res, 200, { totalCount: page.total, count: page.items.length, groups: page.items.map(groupJson) });
  });
  add('POST', `${APP}/groups`, 'write', async (ctx) => {
    const id = await appId(ctx);
    const group = await store.createGroup(id, groupInput(await readJsonObject(ctx.req), 'create'));
    sendJson(ctx.res, 200, groupJson(group));
  });
  add('GET', `${APP}/groups/:groupId`, 'read', async (ctx) => {
    sendJson(ctx.res, 200, groupJson(await groupOf(ctx)));
  });
  add('PUT', `${APP}/groups/:groupId`, 'write', async (ctx) => {
    const group = await groupOf(ctx);
    const input = groupInput(await readJsonObject(ctx.req), 'update');
    sendJson(ctx.res, 200, groupJson(await store.updateGroup(group.id, input)));
  });
  add('DELETE', `${APP}/groups/:groupId`, 'write', async (ctx) => {
    await store.deleteGroup((await groupOf(ctx)).id);
    sendEmpty(ctx.res);
  });
  add('POST', `${APP}/groups/:groupId/resume`, 'write', async (ctx) => {
    sendJson(ctx.res, 200, groupJson(await store.resumeGroup((await groupOf(ctx)).id)));
  });
  add('GET', `${APP}/groups/:groupId/version_timeline`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    sendJson(
      ctx.res,
      200,
      versionTimelineJson(await store.getGroupVersionTimeline(group.id, durationParam(ctx.query))),
    );
  });
  add('GET', `${APP}/groups/:groupId/status_timeline`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    sendJson(ctx.res, 200, statusTimelineJson(await store.getGroupStatusTimeline(group.id, durationParam(ctx.query))));
  });
  add('GET', `${APP}/groups/:groupId/instances_stats`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    sendJson(ctx.res, 200, instancesStatsJson(await store.getGroupInstancesStats(group.id, durationParam(ctx.query))));
  });
  add('GET', `${APP}/groups/:groupId/version_breakdown`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    sendJson(ctx.res, 200, versionBreakdownJson(await store.getGroupVersionBreakdown(group.id)));
  });
  add('GET', `${APP}/groups/:groupId/instances`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    const { query } = ctx;
    const status = queryInt(query, 'status', { min: 0 });
    if (status !== undefined && status > 8) {
      throw new InvalidInputError([{ path: 'status', message: 'Must be 0 (any) or a status from 1 to 8' }]);
    }
    const searchFilter = query.get('searchFilter') ?? '';
    if (searchFilter !== '' && !['All', 'alias', 'id', 'ip'].includes(searchFilter)) {
      throw new InvalidInputError([{ path: 'searchFilter', message: 'Must be All, alias, id or ip' }]);
    }
    const instanceQuery: InstanceQuery = {
      appId: group.appId,
      groupId: group.id,
      ...pageParams(query),
      ...(status !== undefined && status !== 0 && { status: status as InstanceStatus }),
      ...(query.get('version') && { version: query.get('version')! }),
      // Nebraska sorts by alias unless told 1 (ip) or 2 (last check), descending unless told 0.
      sortBy: SORT_BY[query.get('sortFilter') ?? ''] ?? 'alias',
      sortOrder: query.get('sortOrder') === '0' ? 'asc' : 'desc',
      ...(searchFilter !== '' && { searchFilter: searchFilter as NonNullable<InstanceQuery['searchFilter']> }),
      ...(query.get('searchValue') && { searchValue: query.get('searchValue')! }),
      duration: durationParam(query),
    };
    const page = await store.listInstances(instanceQuery);
    sendJson(ctx.res, 200, { total: page.total, instances: page.items.map(instanceJson) });
  });
  add('GET', `${APP}/groups/:groupId/instancescount`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    const page = await store.listInstances({
      appId: group.appId,
      groupId: group.id,
      perPage: 1,
      duration: durationParam(ctx.query),
    });
    sendJson(ctx.res, 200, { count: page.total });
  });
  add('GET', `${APP}/groups/:groupId/instances/:instanceId`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    sendJson(ctx.res, 200, instanceJson(await store.getInstance(ctx.params.instanceId!, group.appId)));
  });
  add('GET', `${APP}/groups/:groupId/instances/:instanceId/status_history`, 'read', async (ctx) => {
    const group = await groupOf(ctx);
    const instance = await store.getInstance(ctx.params.instanceId!, group.appId);
    const history = await store.getInstanceStatusHistory({
      instanceId: instance.id,
      appId: group.appId,
      groupId: group.id,
      limit: queryInt(ctx.query, 'limit', { min: 0 }) || 20,
    });
    sendJson(ctx.res, 200, history.map(statusHistoryJson));
  });

  // Channels
  add('GET', `${APP}/channels`, 'read', async (ctx) => {
    const page = await store.listChannels(await appId(ctx), pageParams(ctx.query));
    sendJson(ctx.res, 200, { totalCount: page.total, count: page.items.length, channels: page.items.map(channelJson) });
  });
  add('POST', `${APP}/channels`, 'write', async (ctx) => {
    const id = await appId(ctx);
    const channel = await store.createChannel(id, channelInput(await readJsonObject(ctx.req), 'create'));
    sendJson(ctx.res, 200, channelJson(channel));
  });
  add('GET', `${APP}/channels/:channelId`, 'read', async (ctx) => {
    sendJson(ctx.res, 200, channelJson(await channelOf(ctx)));
  });
  add('PUT', `${APP}/channels/:channelId`, 'write', async (ctx) => {
    const channel = await channelOf(ctx);
    const { arch, ...patch } = channelInput(await readJsonObject(ctx.req), 'update');
    if (arch !== undefined && arch !== channel.arch) {
      throw new InvalidInputError([{ path: 'arch', message: "A channel's architecture cannot change" }]);
    }
    sendJson(ctx.res, 200, channelJson(await store.updateChannel(channel.id, patch)));
  });
  add('DELETE', `${APP}/channels/:channelId`, 'write', async (ctx) => {
    await store.deleteChannel((await channelOf(ctx)).id);
    sendEmpty(ctx.res);
  });

  // Packages
  add('GET', `${APP}/packages`, 'read', async (ctx) => {
    const search = ctx.query.get('searchVersion');
    const page = await store.listPackages(await appId(ctx), {
      ...pageParams(ctx.query),
      ...(search && { searchVersion: search }),
    });
    sendJson(ctx.res, 200, { totalCount: page.total, count: page.items.length, packages: page.items.map(packageJson) });
  });
  add('POST', `${APP}/packages`, 'write', async (ctx) => {
    const id = await appId(ctx);
    const input = await withPayloadDigest(packageInput(await readJsonObject(ctx.req), 'create'));
    sendJson(ctx.res, 200, packageJson(await store.createPackage(id, input)));
  });
  add('GET', `${APP}/packages/:packageId`, 'read', async (ctx) => {
    sendJson(ctx.res, 200, packageJson(await packageOf(ctx)));
  });
  add('PUT', `${APP}/packages/:packageId`, 'write', async (ctx) => {
    const pkg = await packageOf(ctx);
    const { arch, ...patch } = packageInput(await readJsonObject(ctx.req), 'update');
    if (arch !== undefined && arch !== pkg.arch) {
      throw new InvalidInputError([{ path: 'arch', message: "A package's architecture cannot change" }]);
    }
    sendJson(ctx.res, 200, packageJson(await store.updatePackage(pkg.id, patch)));
  });
  add('DELETE', `${APP}/packages/:packageId`, 'write', async (ctx) => {
    await store.deletePackage((await packageOf(ctx)).id);
    sendEmpty(ctx.res);
  });

  // Instances
  add('PUT', '/api/instances/:instanceId', 'write', async (ctx) => {
    const alias = aliasInput(await readJsonObject(ctx.req));
    await store.updateInstanceAlias(ctx.params.instanceId!, alias);
    const appParam = ctx.query.get('app_id');
    if (appParam) {
      sendJson(
        ctx.res,
        200,
        instanceJson(await store.getInstance(ctx.params.instanceId!, await appIds.resolve(appParam))),
      );
    } else {
      sendJson(ctx.res, 200, { id: ctx.params.instanceId!, alias });
    }
  });

  // Activity
  add('GET', '/api/activity', 'read', async (ctx) => {
    const { query } = ctx;
    const appParam = query.get('appIDorProductID') ?? query.get('app_id');
    const severity = queryInt(query, 'severity', { min: 1 });
    const start = timeParam(query, 'start');
    const end = timeParam(query, 'end');
    const activityQuery: ActivityQuery = {
      ...pageParams(query),
      ...(appParam && { appId: await appIds.resolve(appParam) }),
      ...(query.get('groupID') && { groupId: query.get('groupID')! }),
      ...(query.get('channelID') && { channelId: query.get('channelID')! }),
      ...(query.get('instanceID') && { instanceId: query.get('instanceID')! }),
      ...(query.get('version') && { version: query.get('version')! }),
      ...(severity !== undefined && { severity: severity as ActivitySeverity }),
      ...(start && { start }),
      ...(end && { end }),
    };
    const page = await store.listActivity(activityQuery);
    sendJson(ctx.res, 200, {
      totalCount: page.total,
      count: page.items.length,
      activities: page.items.map(activityJson),
    });
  });

  // API tokens (Ballast's own): only admins see or change them.
  add('GET', '/api/tokens', 'write', async (ctx) => {
    sendJson(ctx.res, 200, { tokens: (await store.listApiTokens()).map(apiTokenJson) });
  });
  add('POST', '/api/tokens', 'write', async (ctx) => {
    const created = await createApiToken(store, apiTokenInput(await readJsonObject(ctx.req)));
    sendJson(ctx.res, 200, { ...apiTokenJson(created.token), token: created.secret });
  });
  add('DELETE', '/api/tokens/:tokenId', 'write', async (ctx) => {
    await store.deleteApiToken(ctx.params.tokenId!);
    sendEmpty(ctx.res);
  });
}
