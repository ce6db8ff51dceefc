import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Expression, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { ConflictError, invalidField, NotFoundError } from '../errors.js';
import type { Clock } from './clock.js';
import { statusForEvent } from './event-status.js';
import { checkGrantLimits, countsGrants, type GrantLimitStats } from './grant-limits.js';
import {
  GROUP_BY_ID_SQL,
  GROUP_BY_TRACK_SQL,
  groupFromRow,
  PACKAGE_BLACKLIST_SQL,
  PACKAGE_FILES_SQL,
  packageIdOf,
} from './group-sql.js';
import { withCanonicalHashes } from './hash-encoding.js';
import {
  ATTEMPTED_SQL,
  type DialectSql,
  FIND_INSTANCE_SQL,
  GRANT_LIMITS_SQL,
  grantLimitsParameters,
  type HotPath,
  INSTANCE_COLUMNS,
  REGISTRATION_REFRESH_MS,
} from './hot-path.js';
import { parseInterval } from './interval.js';
import { MachineStore } from './machine-store.js';
import type { StoreDialect } from './migrations.js';
import {
  type Activity,
  ActivityClass,
  ActivitySeverity,
  type ApiToken,
  type ApplicationDetails,
  Arch,
  type Channel,
  type Duration,
  type ExtraFile,
  type FlatcarAction,
  type Group,
  type GroupUpdateStats,
  type Instance,
  InstanceStatus,
  type InstanceStatusHistoryEntry,
  type InstancesStatusStats,
  type Package,
  PackageType,
  type Paged,
  type StatusTimelinePoint,
  type VersionBreakdownEntry,
  type VersionOutcome,
  type VersionTimelinePoint,
} from './model.js';
import {
  type InstanceRow,
  toActivity,
  toApiToken,
  toApplication,
  toChannel,
  toDate,
  toEvent,
  toExtraFile,
  toFlatcarAction,
  toGroup,
  toInstance,
  toPackage,
} from './rows.js';
import type { ChannelTable, Database, GroupTable, PackageFileTable, PackageTable } from './schema.js';
import { uniquely } from './sql-errors.js';
import type {
  ActivityInput,
  ActivityQuery,
  ApiTokenInput,
  ApplicationInput,
  ChannelInput,
  ExtraFileInput,
  FlatcarActionInput,
  GrantDecider,
  GrantOutcome,
  GrantRequest,
  GroupInput,
  InstanceQuery,
  MachineGroup,
  MachineGroupInput,
  MachineProfile,
  MachineProfileInput,
  PackageInput,
  PageQuery,
  RecentActivityQuery,
  RecordEventInput,
  RecordedEvent,
  RegisterInstanceInput,
  Saved,
  SaveMode,
  Store,
  VersionOutcomeQuery,
} from './store.js';
import { channelFieldErrors, groupFieldErrors, packageFieldErrors, throwIfInvalid } from './validate.js';
import { compareVersions, isValidVersion } from './version.js';

type Db = Kysely<Database>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Nebraska's `validityInterval`: instances that did not check in for a day do not count as part of a group. */
const VALIDITY_MS = DAY;
/** Nebraska's `deadInstanceTimeSpan`: how far back the version timeline looks into the history. */
const DEAD_INSTANCE_MS = 183 * DAY;

/** Nebraska's `durationCodeToPostgresTimings`: the span of a timeline and the step between its points. */
const TIMINGS: Readonly<Record<Duration, { span: number; step: number }>> = {
  '1h': { span: HOUR, step: 15 * 60_000 },
  '1d': { span: DAY, step: HOUR },
  '7d': { span: 7 * DAY, step: DAY },
  '30d': { span: 30 * DAY, step: 3 * DAY },
};

/** A new group's fields when not given: Nebraska's policy defaults, and Ballast's policies off. */
export const GROUP_DEFAULTS = {
  description: '',
  policyUpdatesEnabled: true,
  policySafeMode: false,
  policyOfficeHours: false,
  policyTimezone: null,
  policyPeriodInterval: '1 minutes',
  policyMaxUpdatesPerPeriod: 999999,
  policyUpdateTimeout: '60 minutes',
  maintenanceWindows: [],
  failureHaltThreshold: null,
  canaryGroupId: null,
  canarySuccessShare: null,
} as const;

function pagination(query: PageQuery | undefined): { limit: number; offset: number } {
  const page = query?.page !== undefined && query.page >= 1 ? Math.floor(query.page) : 1;
  const perPage = query?.perPage !== undefined && query.perPage >= 1 ? Math.floor(query.perPage) : 10;
  return { limit: perPage, offset: (page - 1) * perPage };
}

function intervalMs(text: string): number {
  // Stored intervals were checked on the way in; a bad one from an older schema counts as zero.
  return parseInterval(text) ?? 0;
}

function count(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** The Store on Kysely: every query here runs unchanged on SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  private readonly clock: Clock;
  private readonly hotPath: HotPath | undefined;
  private readonly hotRead = <R>(statement: DialectSql, parameters: readonly unknown[]) =>
    this.hotPath!.select<R>(statement, parameters);
  private readonly machines: MachineStore;

  constructor(
    private readonly db: Db,
    options: { readonly dialect: StoreDialect; readonly clock: Clock; readonly hotPath?: HotPath },
  ) {
    this.dialect = options.dialect;
    this.clock = options.clock;
    this.hotPath = options.hotPath;
    this.machines = new MachineStore(db, () => this.now());
  }

  private transaction<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  private now(): Date {
    return this.clock.now();
  }

  // ---------------------------------------------------------------------------------------------- applications

  async listApplications(page?: PageQuery): Promise<Paged<ApplicationDetails>> {
    const { limit, offset } = pagination(page);
    const total = await this.db
      .selectFrom('application')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('application')
      .selectAll()
      .orderBy('created_ts', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    const items = await Promise.all(rows.map((row) => this.applicationDetails(this.db, row)));
    return { total: count(total.n), items };
  }

  async listApplicationKeys(): Promise<{ id: string; productId: string | null }[]> {
    const rows = await this.db.selectFrom('application').select(['id', 'product_id']).orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, productId: row.product_id }));
  }

  async getApplication(appId: string): Promise<ApplicationDetails> {
    return this.readApplication(this.db, appId);
  }

  private async readApplication(ex: Db, appId: string): Promise<ApplicationDetails> {
    const row = await ex.selectFrom('application').selectAll().where('id', '=', appId).executeTakeFirst();
    if (!row) throw new NotFoundError('Application', appId);
    return this.applicationDetails(ex, row);
  }

  private async applicationDetails(ex: Db, row: Selectable<Database['application']>): Promise<ApplicationDetails> {
    const groupRows = await ex
      .selectFrom('groups')
      .selectAll()
      .where('application_id', '=', row.id)
      .orderBy('created_ts', 'desc')
      .orderBy('id')
      .execute();
    const channelRows = await ex
      .selectFrom('channel')
      .selectAll()
      .where('application_id', '=', row.id)
      .orderBy('name')
      .orderBy('arch')
      .execute();
    return {
      ...toApplication(row),
      groups: await this.loadGroups(ex, groupRows),
      channels: await this.loadChannels(ex, channelRows),
      instanceCount: await this.countActive(ex, { appId: row.id }),
    };
  }

  async createApplication(
    input: ApplicationInput,
    options?: { readonly cloneFrom?: string },
  ): Promise<ApplicationDetails> {
    if (input.name.trim() === '') throw invalidField('name', 'Must not be empty');
    const id = input.id ?? randomUUID();
    return this.transaction(async (trx) => {
      const now = this.now();
      await uniquely(
        () =>
          trx
            .insertInto('application')
            .values({
              id,
              name: input.name,
              description: input.description ?? '',
              product_id: input.productId ?? null,
              created_ts: now,
            })
            .execute(),
        `An application named ${input.name} or with this id or product id exists`,
        'DUPLICATE_APPLICATION',
      );
      if (options?.cloneFrom !== undefined) await this.cloneApplication(trx, options.cloneFrom, id, now);
      return this.readApplication(trx, id);
    });
  }

  private async cloneApplication(trx: Db, sourceId: string, targetId: string, now: Date): Promise<void> {
    const source = await trx.selectFrom('application').select('id').where('id', '=', sourceId).executeTakeFirst();
    if (!source) throw new NotFoundError('Application', sourceId);
    // Packages are not cloned, so the copies of the channels point at none (as Nebraska's AddAppCloning).
    const channelIds = new Map<string, string>();
    const channels = await trx.selectFrom('channel').selectAll().where('application_id', '=', sourceId).execute();
    for (const channel of channels) {
      const newId = randomUUID();
      channelIds.set(channel.id, newId);
      await trx
        .insertInto('channel')
        .values({
          ...channel,
          id: newId,
          application_id: targetId,
          package_id: null,
          allow_downgrade: channel.allow_downgrade === true || channel.allow_downgrade === 1,
          created_ts: now,
        })
        .execute();
    }
    const groups = await trx.selectFrom('groups').selectAll().where('application_id', '=', sourceId).execute();
    const groupIds = new Map(groups.map((group) => [group.id, randomUUID()]));
    for (const group of groups) {
      await trx
        .insertInto('groups')
        .values({
          ...group,
          id: groupIds.get(group.id) ?? randomUUID(),
          application_id: targetId,
          channel_id: group.channel_id === null ? null : (channelIds.get(group.channel_id) ?? null),
          canary_group_id: null,
          rollout_in_progress: false,
          policy_updates_enabled: true,
          policy_safe_mode: group.policy_safe_mode === true || group.policy_safe_mode === 1,
          policy_office_hours: group.policy_office_hours === true || group.policy_office_hours === 1,
          paused_reason: null,
          paused_ts: null,
          resumed_ts: null,
          created_ts: now,
        })
        .execute();
    }
    // Canary links point into the copied groups, once they all exist.
    for (const group of groups) {
      if (group.canary_group_id === null) continue;
      await trx
        .updateTable('groups')
        .set({ canary_group_id: groupIds.get(group.canary_group_id) ?? null })
        .where('id', '=', groupIds.get(group.id) ?? '')
        .execute();
    }
  }

  async updateApplication(appId: string, patch: Partial<Omit<ApplicationInput, 'id'>>): Promise<ApplicationDetails> {
    if (patch.name !== undefined && patch.name.trim() === '') throw invalidField('name', 'Must not be empty');
    return this.transaction(async (trx) => {
      const result = await uniquely(
        () =>
          trx
            .updateTable('application')
            .set({
              ...(patch.name !== undefined && { name: patch.name }),
              ...(patch.description !== undefined && { description: patch.description }),
              ...(patch.productId !== undefined && { product_id: patch.productId }),
            })
            .where('id', '=', appId)
            .executeTakeFirst(),
        `An application named ${patch.name} or with this product id exists`,
        'DUPLICATE_APPLICATION',
      );
      if (result.numUpdatedRows === 0n && Object.keys(patch).length > 0) throw new NotFoundError('Application', appId);
      return this.readApplication(trx, appId);
    });
  }

  async deleteApplication(appId: string): Promise<void> {
    const result = await this.db.deleteFrom('application').where('id', '=', appId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Application', appId);
  }

  // ---------------------------------------------------------------------------------------------------- groups

  async listGroups(appId: string, page?: PageQuery): Promise<Paged<Group>> {
    await this.requireApplication(this.db, appId);
    const { limit, offset } = pagination(page);
    const total = await this.db
      .selectFrom('groups')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('application_id', '=', appId)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('application_id', '=', appId)
      .orderBy('created_ts', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { total: count(total.n), items: await this.loadGroups(this.db, rows) };
  }

  async getGroup(groupId: string): Promise<Group> {
    return this.readGroup(this.db, groupId);
  }

  private async readGroup(ex: Db, groupId: string): Promise<Group> {
    if (this.hotPath) {
      const group = await this.readGroupDirect(this.reader(ex), GROUP_BY_ID_SQL, [groupId]);
      if (!group) throw new NotFoundError('Group', groupId);
      return group;
    }
    const row = await ex.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
    if (!row) throw new NotFoundError('Group', groupId);
    const [group] = await this.loadGroups(ex, [row]);
    return group!;
  }

  /**
   * Runs hand-written SQL: outside a transaction on the hot path's prepared statements, inside one on the
   * transaction's connection (where the hot path would wait for the transaction it is part of).
   */
  private reader(ex: Db): <R>(statement: DialectSql, parameters: readonly unknown[]) => Promise<R[]> {
    if (ex === this.db && this.hotPath) return this.hotRead;
    const postgres = this.dialect === 'postgres';
    return async <R>(statement: DialectSql, parameters: readonly unknown[]) => {
      const query = CompiledQuery.raw(postgres ? statement.postgres : statement.sqlite, [...parameters]);
      return [...(await ex.executeQuery<R>(query)).rows];
    };
  }

  /** A group in three small reads of hand-written SQL (the store's general reads take six built queries). */
  private async readGroupDirect(
    read: ReturnType<KyselyStore['reader']>,
    statement: DialectSql,
    parameters: readonly unknown[],
  ): Promise<Group | undefined> {
    const [row] = await read<Record<string, unknown>>(statement, parameters);
    if (!row) return undefined;
    const packageId = packageIdOf(row);
    if (packageId === null) return groupFromRow(row, { files: [], blacklist: [] });
    const files = await read<Selectable<PackageFileTable>>(PACKAGE_FILES_SQL, [packageId]);
    const blacklist = await read<{ channel_id: string }>(PACKAGE_BLACKLIST_SQL, [packageId]);
    return groupFromRow(row, { files, blacklist: blacklist.map((entry) => entry.channel_id) });
  }

  async findGroupByTrack(query: { appId: string; track: string; arch: Arch }): Promise<Group | undefined> {
    if (this.hotPath) {
      return this.readGroupDirect(this.reader(this.db), GROUP_BY_TRACK_SQL, [query.appId, query.track, query.arch]);
    }
    const row = await this.db
      .selectFrom('groups')
      .innerJoin('channel', 'channel.id', 'groups.channel_id')
      .selectAll('groups')
      .where('groups.application_id', '=', query.appId)
      .where('groups.track', '=', query.track)
      .where('channel.arch', '=', query.arch)
      .orderBy('groups.created_ts', 'desc')
      .orderBy('groups.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    const [group] = await this.loadGroups(this.db, [row]);
    return group;
  }

  async createGroup(appId: string, input: GroupInput): Promise<Group> {
    const merged = { ...GROUP_DEFAULTS, ...input };
    throwIfInvalid(groupFieldErrors(merged));
    const id = input.id ?? randomUUID();
    return this.transaction(async (trx) => {
      await this.requireApplication(trx, appId);
      await this.checkGroupReferences(trx, appId, id, merged);
      await uniquely(
        () =>
          trx
            .insertInto('groups')
            .values({
              id,
              application_id: appId,
              name: merged.name,
              description: merged.description,
              track: input.track !== undefined && input.track !== '' ? input.track : id,
              channel_id: merged.channelId ?? null,
              rollout_in_progress: false,
              policy_updates_enabled: merged.policyUpdatesEnabled,
              policy_safe_mode: merged.policySafeMode,
              policy_office_hours: merged.policyOfficeHours,
              policy_timezone: merged.policyTimezone,
              policy_period_interval: merged.policyPeriodInterval,
              policy_max_updates_per_period: merged.policyMaxUpdatesPerPeriod,
              policy_update_timeout: merged.policyUpdateTimeout,
              maintenance_windows: JSON.stringify(merged.maintenanceWindows),
              failure_halt_threshold: merged.failureHaltThreshold,
              canary_group_id: merged.canaryGroupId,
              canary_success_share: merged.canarySuccessShare,
              paused_reason: null,
              paused_ts: null,
              resumed_ts: null,
              created_ts: this.now(),
            })
            .execute(),
        `A group named ${merged.name} or with id ${id} exists`,
        'DUPLICATE_GROUP',
      );
      return this.readGroup(trx, id);
    });
  }

  private async checkGroupReferences(
    ex: Db,
    appId: string,
    groupId: string,
    group: { channelId?: string | null; canaryGroupId: string | null },
  ): Promise<void> {
    if (group.channelId !== undefined && group.channelId !== null) {
      const channel = await ex
        .selectFrom('channel')
        .select('application_id')
        .where('id', '=', group.channelId)
        .executeTakeFirst();
      if (channel?.application_id !== appId) {
        throw invalidField('channel_id', `No channel ${group.channelId} in application ${appId}`);
      }
    }
    if (group.canaryGroupId !== null) {
      if (group.canaryGroupId === groupId) throw invalidField('canary_group_id', 'A group cannot be its own canary');
      const canary = await ex
        .selectFrom('groups')
        .select('application_id')
        .where('id', '=', group.canaryGroupId)
        .executeTakeFirst();
      if (canary?.application_id !== appId) {
        throw invalidField('canary_group_id', `No group ${group.canaryGroupId} in application ${appId}`);
      }
    }
  }

  async updateGroup(groupId: string, patch: Partial<Omit<GroupInput, 'id'>>): Promise<Group> {
    return this.transaction(async (trx) => {
      const current = await this.readGroup(trx, groupId);
      const merged = { ...current, ...patch };
      throwIfInvalid(groupFieldErrors(merged));
      await this.checkGroupReferences(trx, current.appId, groupId, merged);
      const set: Partial<Record<keyof GroupTable, unknown>> = {
        name: merged.name,
        description: merged.description,
        track: patch.track !== undefined ? (patch.track === '' ? groupId : patch.track) : current.track,
        channel_id: merged.channelId,
        policy_updates_enabled: merged.policyUpdatesEnabled,
        policy_safe_mode: merged.policySafeMode,
        policy_office_hours: merged.policyOfficeHours,
        policy_timezone: merged.policyTimezone,
        policy_period_interval: merged.policyPeriodInterval,
        policy_max_updates_per_period: merged.policyMaxUpdatesPerPeriod,
        policy_update_timeout: merged.policyUpdateTimeout,
        maintenance_windows: JSON.stringify(merged.maintenanceWindows),
        failure_halt_threshold: merged.failureHaltThreshold,
        canary_group_id: merged.canaryGroupId,
        canary_success_share: merged.canarySuccessShare,
      };
      // An operator who turns updates back on also clears a pause the server made.
      if (patch.policyUpdatesEnabled === true && current.pausedAt !== null) {
        Object.assign(set, { paused_reason: null, paused_ts: null, resumed_ts: this.now() });
      }
      await uniquely(
        () =>
          trx
            .updateTable('groups')
            .set(set as never)
            .where('id', '=', groupId)
            .execute(),
        `A group named ${merged.name} exists`,
        'DUPLICATE_GROUP',
      );
      // Turning a group's updates off or on is a pause or a resume: the activity feed says so, as for the server's own.
      if (merged.policyUpdatesEnabled !== current.policyUpdatesEnabled) {
        const paused = !merged.policyUpdatesEnabled;
        await this.insertActivity(
          trx,
          {
            appId: current.appId,
            groupId,
            class: paused ? ActivityClass.GroupPaused : ActivityClass.GroupResumed,
            severity: paused ? ActivitySeverity.Warning : ActivitySeverity.Info,
            version: current.channel?.package?.version ?? '0.0.0',
          },
          this.now(),
        );
      }
      return this.readGroup(trx, groupId);
    });
  }

  async deleteGroup(groupId: string): Promise<void> {
    const result = await this.db.deleteFrom('groups').where('id', '=', groupId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Group', groupId);
  }

  async setGroupRolloutInProgress(groupId: string, inProgress: boolean): Promise<void> {
    const result = await this.db
      .updateTable('groups')
      .set({ rollout_in_progress: inProgress })
      .where('id', '=', groupId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('Group', groupId);
  }

  async pauseGroup(groupId: string, pause: { reason: string; version: string }): Promise<Group> {
    return this.transaction(async (trx) => {
      const group = await this.readGroup(trx, groupId);
      await this.pauseGroupIn(trx, group, pause, this.now());
      return this.readGroup(trx, groupId);
    });
  }

  private async pauseGroupIn(
    ex: Db,
    group: Group,
    pause: { reason: string; version: string },
    now: Date,
  ): Promise<void> {
    await ex
      .updateTable('groups')
      .set({ policy_updates_enabled: false, rollout_in_progress: false, paused_reason: pause.reason, paused_ts: now })
      .where('id', '=', group.id)
      .execute();
    await this.insertActivity(
      ex,
      {
        appId: group.appId,
        groupId: group.id,
        class: ActivityClass.GroupPaused,
        severity: ActivitySeverity.Error,
        version: pause.version,
      },
      now,
    );
  }

  async resumeGroup(groupId: string): Promise<Group> {
    return this.transaction(async (trx) => {
      const group = await this.readGroup(trx, groupId);
      const now = this.now();
      await trx
        .updateTable('groups')
        .set({ policy_updates_enabled: true, paused_reason: null, paused_ts: null, resumed_ts: now })
        .where('id', '=', groupId)
        .execute();
      await this.insertActivity(
        trx,
        {
          appId: group.appId,
          groupId,
          class: ActivityClass.GroupResumed,
          severity: ActivitySeverity.Info,
          version: group.channel?.package?.version ?? '0.0.0',
        },
        now,
      );
      return this.readGroup(trx, groupId);
    });
  }

  // -------------------------------------------------------------------------------------------------- channels

  async listChannels(appId: string, page?: PageQuery): Promise<Paged<Channel>> {
    await this.requireApplication(this.db, appId);
    const { limit, offset } = pagination(page);
    const total = await this.db
      .selectFrom('channel')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('application_id', '=', appId)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('channel')
      .selectAll()
      .where('application_id', '=', appId)
      .orderBy('name')
      .orderBy('arch')
      .limit(limit)
      .offset(offset)
      .execute();
    return { total: count(total.n), items: await this.loadChannels(this.db, rows) };
  }

  async getChannel(channelId: string): Promise<Channel> {
    return this.readChannel(this.db, channelId);
  }

  private async readChannel(ex: Db, channelId: string): Promise<Channel> {
    const row = await ex.selectFrom('channel').selectAll().where('id', '=', channelId).executeTakeFirst();
    if (!row) throw new NotFoundError('Channel', channelId);
    const [channel] = await this.loadChannels(ex, [row]);
    return channel!;
  }

  async createChannel(appId: string, input: ChannelInput): Promise<Channel> {
    throwIfInvalid(channelFieldErrors(input));
    const id = input.id ?? randomUUID();
    const arch = input.arch ?? Arch.AMD64;
    return this.transaction(async (trx) => {
      await this.requireApplication(trx, appId);
      const now = this.now();
      const pkg =
        input.packageId !== undefined && input.packageId !== null
          ? await this.checkChannelPackage(trx, { appId, channelId: id, arch, packageId: input.packageId })
          : undefined;
      await uniquely(
        () =>
          trx
            .insertInto('channel')
            .values({
              id,
              application_id: appId,
              name: input.name,
              color: input.color ?? '',
              arch,
              package_id: input.packageId ?? null,
              allow_downgrade: input.allowDowngrade ?? false,
              created_ts: now,
            })
            .execute(),
        `A channel named ${input.name} for this architecture or with id ${id} exists`,
        'DUPLICATE_CHANNEL',
      );
      if (pkg) await this.channelPackageActivity(trx, appId, id, pkg.version, now);
      return this.readChannel(trx, id);
    });
  }

  private async checkChannelPackage(
    ex: Db,
    target: { appId: string; channelId: string; arch: number; packageId: string },
  ): Promise<Selectable<PackageTable>> {
    const pkg = await ex.selectFrom('package').selectAll().where('id', '=', target.packageId).executeTakeFirst();
    if (pkg?.application_id !== target.appId) {
      throw invalidField('package_id', `No package ${target.packageId} in application ${target.appId}`);
    }
    if (pkg.arch !== target.arch) {
      throw invalidField('package_id', `Package ${pkg.version} is for another architecture than the channel`);
    }
    const blacklisted = await ex
      .selectFrom('package_channel_blacklist')
      .select('package_id')
      .where('package_id', '=', target.packageId)
      .where('channel_id', '=', target.channelId)
      .executeTakeFirst();
    if (blacklisted) {
      throw new ConflictError(`Package ${pkg.version} has blacklisted this channel`, 'CHANNEL_BLACKLISTED');
    }
    return pkg;
  }

  private async channelPackageActivity(
    ex: Db,
    appId: string,
    channelId: string,
    version: string,
    now: Date,
  ): Promise<void> {
    await this.insertActivity(
      ex,
      {
        appId,
        channelId,
        class: ActivityClass.ChannelPackageUpdated,
        severity: ActivitySeverity.Info,
        version,
      },
      now,
    );
  }

  async updateChannel(channelId: string, patch: Partial<Omit<ChannelInput, 'id' | 'arch'>>): Promise<Channel> {
    throwIfInvalid(channelFieldErrors(patch));
    return this.transaction(async (trx) => {
      const current = await trx.selectFrom('channel').selectAll().where('id', '=', channelId).executeTakeFirst();
      if (!current) throw new NotFoundError('Channel', channelId);
      const now = this.now();
      const packageChanges =
        patch.packageId !== undefined && patch.packageId !== null && patch.packageId !== current.package_id;
      const pkg = packageChanges
        ? await this.checkChannelPackage(trx, {
            appId: current.application_id,
            channelId,
            arch: current.arch,
            packageId: patch.packageId!,
          })
        : undefined;
      const set: Partial<Record<keyof ChannelTable, unknown>> = {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.color !== undefined && { color: patch.color }),
        ...(patch.packageId !== undefined && { package_id: patch.packageId }),
        ...(patch.allowDowngrade !== undefined && { allow_downgrade: patch.allowDowngrade }),
      };
      if (Object.keys(set).length > 0) {
        await uniquely(
          () =>
            trx
              .updateTable('channel')
              .set(set as never)
              .where('id', '=', channelId)
              .execute(),
          `A channel named ${patch.name} for this architecture exists`,
          'DUPLICATE_CHANNEL',
        );
      }
      if (pkg) await this.channelPackageActivity(trx, current.application_id, channelId, pkg.version, now);
      return this.readChannel(trx, channelId);
    });
  }

  async deleteChannel(channelId: string): Promise<void> {
    const result = await this.db.deleteFrom('channel').where('id', '=', channelId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Channel', channelId);
  }

  // -------------------------------------------------------------------------------------------------- packages

  async listPackages(appId: string, query?: PageQuery & { searchVersion?: string }): Promise<Paged<Package>> {
    await this.requireApplication(this.db, appId);
    const { limit, offset } = pagination(query);
    let select = this.db.selectFrom('package').select(['id', 'version', 'arch']).where('application_id', '=', appId);
    if (query?.searchVersion !== undefined && query.searchVersion !== '') {
      select = select.where(sql<SqlBool>`lower(version) like ${`%${query.searchVersion.toLowerCase()}%`}`);
    }
    // Newest version first, as Nebraska orders them; semver order is done here, the same on both databases.
    const all = (await select.execute()).sort(
      (a, b) => compareVersions(b.version, a.version) || a.arch - b.arch || (a.id < b.id ? -1 : 1),
    );
    const ids = all.slice(offset, offset + limit).map((row) => row.id);
    const rows =
      ids.length === 0 ? [] : await this.db.selectFrom('package').selectAll().where('id', 'in', ids).execute();
    const byId = new Map((await this.loadPackages(this.db, rows)).map((pkg) => [pkg.id, pkg]));
    return { total: all.length, items: ids.map((id) => byId.get(id)!).filter(Boolean) };
  }

  async getPackage(packageId: string): Promise<Package> {
    return this.readPackage(this.db, packageId);
  }

  private async readPackage(ex: Db, packageId: string): Promise<Package> {
    const row = await ex.selectFrom('package').selectAll().where('id', '=', packageId).executeTakeFirst();
    if (!row) throw new NotFoundError('Package', packageId);
    const [pkg] = await this.loadPackages(ex, [row]);
    return pkg!;
  }

  async findPackage(query: { appId: string; version: string; arch: Arch }): Promise<Package | undefined> {
    const row = await this.db
      .selectFrom('package')
      .selectAll()
      .where('application_id', '=', query.appId)
      .where('version', '=', query.version)
      .where('arch', '=', query.arch)
      .executeTakeFirst();
    if (!row) return undefined;
    const [pkg] = await this.loadPackages(this.db, [row]);
    return pkg;
  }

  async createPackage(appId: string, given: PackageInput): Promise<Package> {
    const input = withCanonicalHashes(given);
    throwIfInvalid(packageFieldErrors(input));
    const id = input.id ?? randomUUID();
    const arch = input.arch ?? Arch.AMD64;
    return this.transaction(async (trx) => {
      await this.requireApplication(trx, appId);
      const now = this.now();
      await this.checkBlacklist(trx, { appId, arch, packageId: id, channels: input.channelsBlacklist ?? [] });
      await uniquely(
        () =>
          trx
            .insertInto('package')
            .values({
              id,
              application_id: appId,
              type: input.type ?? PackageType.Flatcar,
              version: input.version,
              arch,
              url: input.url,
              filename: input.filename ?? null,
              description: input.description ?? null,
              size: input.size ?? null,
              hash: input.hash ?? null,
              hash_sha256: input.hashSha256 ?? null,
              created_ts: now,
            })
            .execute(),
        `Version ${input.version} of this application already exists for this architecture`,
        'DUPLICATE_VERSION',
      );
      for (const channelId of new Set(input.channelsBlacklist ?? [])) {
        await trx.insertInto('package_channel_blacklist').values({ package_id: id, channel_id: channelId }).execute();
      }
      if (input.flatcarAction) await this.writeFlatcarAction(trx, id, input.flatcarAction, now);
      await this.syncExtraFiles(trx, id, input.extraFiles ?? [], now);
      return this.readPackage(trx, id);
    });
  }

  private async checkBlacklist(
    ex: Db,
    target: { appId: string; arch: number; packageId: string; channels: readonly string[] },
  ): Promise<void> {
    if (target.channels.length === 0) return;
    const channels = await ex
      .selectFrom('channel')
      .select(['id', 'application_id', 'arch', 'package_id'])
      .where('id', 'in', [...target.channels])
      .execute();
    const byId = new Map(channels.map((channel) => [channel.id, channel]));
    target.channels.forEach((channelId) => {
      const channel = byId.get(channelId);
      if (channel?.application_id !== target.appId) {
        throw invalidField('channels_blacklist', `No channel ${channelId} in application ${target.appId}`);
      }
      if (channel.arch !== target.arch) {
        throw invalidField('channels_blacklist', `Channel ${channelId} is for another architecture`);
      }
      if (channel.package_id === target.packageId) {
        throw new ConflictError(`Channel ${channelId} points at this package`, 'BLACKLISTING_CHANNEL');
      }
    });
  }

  private async writeFlatcarAction(ex: Db, packageId: string, input: FlatcarActionInput, now: Date): Promise<void> {
    await ex.deleteFrom('flatcar_action').where('package_id', '=', packageId).execute();
    // Defaults are those of Nebraska's flatcar_action table, which update_engine is used to.
    await ex
      .insertInto('flatcar_action')
      .values({
        id: randomUUID(),
        package_id: packageId,
        event: input.event ?? 'postinstall',
        chromeos_version: input.chromeosVersion ?? '',
        sha256: input.sha256,
        needs_admin: input.needsAdmin ?? false,
        is_delta: input.isDelta ?? false,
        disable_payload_backoff: input.disablePayloadBackoff ?? true,
        metadata_signature_rsa: input.metadataSignatureRsa ?? '',
        metadata_size: input.metadataSize ?? '',
        deadline: input.deadline ?? '',
        created_ts: now,
      })
      .execute();
  }

  private async syncExtraFiles(ex: Db, packageId: string, files: readonly ExtraFileInput[], now: Date): Promise<void> {
    const existing = await ex.selectFrom('package_file').select('id').where('package_id', '=', packageId).execute();
    const keep = new Set(files.flatMap((file) => (file.id === undefined ? [] : [file.id])));
    const stale = existing.map((row) => Number(row.id)).filter((id) => !keep.has(id));
    if (stale.length > 0) {
      await ex.deleteFrom('package_file').where('package_id', '=', packageId).where('id', 'in', stale).execute();
    }
    const known = new Set(existing.map((row) => Number(row.id)));
    for (const file of files) {
      const values = {
        name: file.name,
        size: file.size ?? null,
        hash: file.hash ?? null,
        hash256: file.hash256 ?? null,
      };
      if (file.id !== undefined && known.has(file.id)) {
        await ex.updateTable('package_file').set(values).where('id', '=', file.id).execute();
      } else {
        await ex
          .insertInto('package_file')
          .values({ ...values, package_id: packageId, created_ts: now })
          .execute();
      }
    }
  }

  async updatePackage(packageId: string, given: Partial<Omit<PackageInput, 'id' | 'arch'>>): Promise<Package> {
    const patch = withCanonicalHashes(given);
    throwIfInvalid(packageFieldErrors(patch));
    return this.transaction(async (trx) => {
      const current = await trx.selectFrom('package').selectAll().where('id', '=', packageId).executeTakeFirst();
      if (!current) throw new NotFoundError('Package', packageId);
      const now = this.now();
      const set: Partial<Record<keyof PackageTable, unknown>> = {
        ...(patch.type !== undefined && { type: patch.type }),
        ...(patch.version !== undefined && { version: patch.version }),
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.filename !== undefined && { filename: patch.filename }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.size !== undefined && { size: patch.size }),
        ...(patch.hash !== undefined && { hash: patch.hash }),
        ...(patch.hashSha256 !== undefined && { hash_sha256: patch.hashSha256 }),
      };
      if (Object.keys(set).length > 0) {
        await uniquely(
          () =>
            trx
              .updateTable('package')
              .set(set as never)
              .where('id', '=', packageId)
              .execute(),
          `Version ${patch.version} of this application already exists for this architecture`,
          'DUPLICATE_VERSION',
        );
      }
      if (patch.channelsBlacklist !== undefined) {
        const wanted = [...new Set(patch.channelsBlacklist)];
        const old = await trx
          .selectFrom('package_channel_blacklist')
          .select('channel_id')
          .where('package_id', '=', packageId)
          .execute();
        const oldIds = new Set(old.map((row) => row.channel_id));
        const added = wanted.filter((channelId) => !oldIds.has(channelId));
        await this.checkBlacklist(trx, {
          appId: current.application_id,
          arch: current.arch,
          packageId,
          channels: added,
        });
        await trx.deleteFrom('package_channel_blacklist').where('package_id', '=', packageId).execute();
        for (const channelId of wanted) {
          await trx
            .insertInto('package_channel_blacklist')
            .values({ package_id: packageId, channel_id: channelId })
            .execute();
        }
      }
      if (patch.flatcarAction === null) {
        await trx.deleteFrom('flatcar_action').where('package_id', '=', packageId).execute();
      } else if (patch.flatcarAction !== undefined) {
        await this.writeFlatcarAction(trx, packageId, patch.flatcarAction, now);
      }
      if (patch.extraFiles !== undefined) await this.syncExtraFiles(trx, packageId, patch.extraFiles, now);
      return this.readPackage(trx, packageId);
    });
  }

  async deletePackage(packageId: string): Promise<void> {
    const result = await this.db.deleteFrom('package').where('id', '=', packageId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Package', packageId);
  }

  // ------------------------------------------------------------------------------------------------- instances

  async registerInstance(input: RegisterInstanceInput): Promise<Instance> {
    if (!isValidVersion(input.version)) throw invalidField('version', `Not a semantic version: ${input.version}`);
    if (input.instanceId.trim() === '') throw invalidField('instance_id', 'Must not be empty');
    // Most check-ins change nothing: answer those from a plain read, without taking the write lock.
    const known =
      input.current !== undefined
        ? (input.current ?? undefined)
        : await this.findInstance(this.db, input.instanceId, input.appId);
    if (known && this.registrationUnchanged(known, input, this.now())) return known;
    // A known instance staying in its group (a check after a while, a new version, a new address) writes its two
    // rows at once; a new one, or one changing groups, takes the transaction below, which checks the group.
    if (known && known.application.groupId === input.groupId && this.hotPath) {
      const written = await this.writeCheckIn(known, input);
      if (written) return written;
    }
    return this.transaction(async (trx) => {
      const group = await trx
        .selectFrom('groups')
        .select('application_id')
        .where('id', '=', input.groupId)
        .executeTakeFirst();
      if (!group) throw new NotFoundError('Group', input.groupId);
      if (group.application_id !== input.appId) {
        throw invalidField('group_id', `Group ${input.groupId} is not a group of application ${input.appId}`);
      }
      const now = this.now();
      const existing = await this.findInstance(trx, input.instanceId, input.appId);
      if (existing && this.registrationUnchanged(existing, input, now)) return existing;
      const alias = input.alias || existing?.alias || '';
      const oem = input.oem || existing?.oem || '';
      const oemVersion = input.oemVersion || existing?.oemVersion || '';
      const alephVersion = input.alephVersion || existing?.alephVersion || '';
      await trx
        .insertInto('instance')
        .values({
          id: input.instanceId,
          ip: input.ip,
          alias,
          oem,
          oem_version: oemVersion,
          aleph_version: alephVersion,
          created_ts: now,
          last_seen_ts: now,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            ip: input.ip,
            alias,
            oem,
            oem_version: oemVersion,
            aleph_version: alephVersion,
            last_seen_ts: now,
          }),
        )
        .execute();
      await trx
        .insertInto('instance_application')
        .values({
          instance_id: input.instanceId,
          application_id: input.appId,
          group_id: input.groupId,
          version: input.version,
          status: null,
          created_ts: now,
          last_check_for_updates: now,
          last_update_granted_ts: null,
          last_update_version: null,
          update_in_progress: false,
        })
        .onConflict((oc) =>
          oc
            .columns(['instance_id', 'application_id'])
            .doUpdateSet({ group_id: input.groupId, version: input.version, last_check_for_updates: now }),
        )
        .execute();
      return this.requireInstance(trx, input.instanceId, input.appId);
    });
  }

  private async writeCheckIn(known: Instance, input: RegisterInstanceInput): Promise<Instance | undefined> {
    const at = this.now();
    const details = {
      ip: input.ip,
      alias: input.alias || known.alias,
      oem: input.oem || known.oem,
      oemVersion: input.oemVersion || known.oemVersion,
      alephVersion: input.alephVersion || known.alephVersion,
    };
    const write = { instanceId: known.id, appId: input.appId, groupId: input.groupId, version: input.version, at };
    if (!(await this.hotPath!.writeCheckIn({ ...write, ...details }))) return undefined;
    // What a read would give back: the rows as they were, with what was just written.
    return {
      ...known,
      ...details,
      lastSeenAt: at,
      application: { ...known.application, version: input.version, lastCheckForUpdates: at },
    };
  }

  /**
   * Whether a check-in would change nothing stored: same details (empty ones keep what is stored), same version and
   * group, and the last check recent. Nebraska then skips the write, so the last check is up to 5 minutes old.
   */
  private registrationUnchanged(existing: Instance, input: RegisterInstanceInput, now: Date): boolean {
    const same = (given: string | undefined, stored: string) => !given || given === stored;
    return (
      existing.ip === input.ip &&
      same(input.alias, existing.alias) &&
      same(input.oem, existing.oem) &&
      same(input.oemVersion, existing.oemVersion) &&
      same(input.alephVersion, existing.alephVersion) &&
      existing.application.version === input.version &&
      existing.application.groupId === input.groupId &&
      now.getTime() - existing.application.lastCheckForUpdates.getTime() < REGISTRATION_REFRESH_MS
    );
  }

  private instanceQuery(ex: Db) {
    return ex
      .selectFrom('instance as i')
      .innerJoin('instance_application as ia', 'ia.instance_id', 'i.id')
      .select(INSTANCE_COLUMNS);
  }

  private async findInstance(ex: Db, instanceId: string, appId: string): Promise<Instance | undefined> {
    if (this.hotPath) {
      const found =
        ex === this.db
          ? await this.hotPath.findInstance(instanceId, appId)
          : (await this.reader(ex)<InstanceRow>(FIND_INSTANCE_SQL, [instanceId, appId]))[0];
      return found ? toInstance(found) : undefined;
    }
    const row = await this.instanceQuery(ex)
      .where('i.id', '=', instanceId)
      .where('ia.application_id', '=', appId)
      .executeTakeFirst();
    return row ? toInstance(row as InstanceRow) : undefined;
  }

  private async requireInstance(ex: Db, instanceId: string, appId: string): Promise<Instance> {
    const instance = await this.findInstance(ex, instanceId, appId);
    if (!instance) throw new NotFoundError('Instance', `${instanceId} of application ${appId}`);
    return instance;
  }

  // Not async itself: the read every update check makes goes through one async function, not two.
  getInstance(instanceId: string, appId: string): Promise<Instance> {
    return this.requireInstance(this.db, instanceId, appId);
  }

  async listInstances(query: InstanceQuery): Promise<Paged<Instance>> {
    const { limit, offset } = pagination(query);
    const since = new Date(this.now().getTime() - TIMINGS[query.duration ?? '1d'].span);
    const displayAlias = sql<string>`case when i.alias <> '' then i.alias else i.id end`;
    let filtered = this.db
      .selectFrom('instance as i')
      .innerJoin('instance_application as ia', 'ia.instance_id', 'i.id')
      .where('ia.application_id', '=', query.appId)
      .where('ia.group_id', '=', query.groupId)
      .where('ia.last_check_for_updates', '>', since);
    if (query.status === InstanceStatus.Undefined) {
      filtered = filtered.where((eb) => eb.or([eb('ia.status', 'is', null), eb('ia.status', '=', query.status!)]));
    } else if (query.status !== undefined) {
      filtered = filtered.where('ia.status', '=', query.status);
    }
    if (query.version !== undefined && query.version !== '')
      filtered = filtered.where('ia.version', '=', query.version);
    if (query.searchValue !== undefined && query.searchValue !== '') {
      const pattern = `%${query.searchValue.toLowerCase()}%`;
      const byAlias = sql<SqlBool>`lower(${displayAlias}) like ${pattern}`;
      const byId = sql<SqlBool>`lower(i.id) like ${pattern}`;
      const byIp = sql<SqlBool>`i.ip like ${pattern}`;
      const filter = query.searchFilter ?? 'All';
      const condition: Expression<SqlBool> =
        filter === 'alias'
          ? byAlias
          : filter === 'id'
            ? byId
            : filter === 'ip'
              ? byIp
              : sql<SqlBool>`(${byAlias} or ${byId} or ${byIp})`;
      filtered = filtered.where(condition);
    }
    const total = await filtered.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const sortColumn =
      query.sortBy === 'ip'
        ? sql`i.ip`
        : query.sortBy === 'lastCheckForUpdates'
          ? sql`ia.last_check_for_updates`
          : displayAlias;
    const direction = query.sortOrder === 'asc' ? 'asc' : 'desc';
    const rows = await filtered
      .select(INSTANCE_COLUMNS)
      .orderBy(sortColumn, (ob) => (direction === 'asc' ? ob.asc() : ob.desc()).nullsLast())
      .orderBy('i.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { total: count(total.n), items: rows.map((row) => toInstance(row as InstanceRow)) };
  }

  async countInstances(query: { appId: string; groupId?: string }): Promise<number> {
    return this.countActive(this.db, query);
  }

  private async countActive(ex: Db, query: { appId: string; groupId?: string }): Promise<number> {
    const since = new Date(this.now().getTime() - VALIDITY_MS);
    let select = ex
      .selectFrom('instance_application')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('application_id', '=', query.appId)
      .where('last_check_for_updates', '>', since);
    if (query.groupId !== undefined) select = select.where('group_id', '=', query.groupId);
    return count((await select.executeTakeFirstOrThrow()).n);
  }

  async updateInstanceAlias(instanceId: string, alias: string): Promise<void> {
    const result = await this.db.updateTable('instance').set({ alias }).where('id', '=', instanceId).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('Instance', instanceId);
  }

  async setInstanceStatus(instanceId: string, appId: string, status: InstanceStatus): Promise<Instance> {
    return this.transaction(async (trx) => {
      const instance = await this.requireInstance(trx, instanceId, appId);
      await this.applyStatus(trx, instance, status, this.now());
      return this.requireInstance(trx, instanceId, appId);
    });
  }

  /**
   * Moves an instance to a status and appends the history entry (Nebraska's `updateInstanceData`): completing
   * makes the granted version the current one, and complete, error, undefined and on-hold end the update.
   */
  private async applyStatus(
    ex: Db,
    instance: Instance,
    status: InstanceStatus,
    now: Date,
    grantVersion?: string,
  ): Promise<void> {
    const app = instance.application;
    if (grantVersion === undefined && app.status === status) return;
    const ends =
      status === InstanceStatus.Complete ||
      status === InstanceStatus.Error ||
      status === InstanceStatus.Undefined ||
      status === InstanceStatus.OnHold;
    const lastUpdateVersion = grantVersion ?? app.lastUpdateVersion;
    await ex
      .updateTable('instance_application')
      .set({
        status,
        ...(grantVersion !== undefined && {
          last_update_granted_ts: now,
          last_update_version: grantVersion,
          update_in_progress: true,
        }),
        ...(ends && { update_in_progress: false }),
        ...(status === InstanceStatus.Complete && lastUpdateVersion !== null && { version: lastUpdateVersion }),
      })
      .where('instance_id', '=', instance.id)
      .where('application_id', '=', app.appId)
      .execute();
    await ex
      .insertInto('instance_status_history')
      .values({
        instance_id: instance.id,
        application_id: app.appId,
        group_id: app.groupId,
        status,
        version: lastUpdateVersion,
        created_ts: now,
      })
      .execute();
  }

  async getInstanceStatusHistory(query: {
    instanceId: string;
    appId: string;
    groupId: string;
    limit?: number;
  }): Promise<InstanceStatusHistoryEntry[]> {
    const rows = await this.db
      .selectFrom('instance_status_history')
      .selectAll()
      .where('instance_id', '=', query.instanceId)
      .where('application_id', '=', query.appId)
      .where('group_id', '=', query.groupId)
      .orderBy('created_ts', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit !== undefined && query.limit > 0 ? query.limit : 20)
      .execute();
    const entries: InstanceStatusHistoryEntry[] = [];
    for (const row of rows) {
      let errorCode: string | null = null;
      // An error entry shows the code of the event that caused it: the latest one up to that moment.
      if (row.status === InstanceStatus.Error) {
        const event = await this.db
          .selectFrom('event')
          .select('error_code')
          .where('instance_id', '=', query.instanceId)
          .where('application_id', '=', query.appId)
          .where('created_ts', '<=', toDate(row.created_ts))
          .orderBy('created_ts', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        errorCode = event?.error_code ?? null;
      }
      entries.push({
        id: Number(row.id),
        status: row.status as InstanceStatus,
        version: row.version,
        createdAt: toDate(row.created_ts),
        instanceId: row.instance_id,
        appId: row.application_id,
        groupId: row.group_id,
        errorCode,
      });
    }
    return entries;
  }

  async pruneInstances(notSeenForMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - notSeenForMs);
    const result = await this.db.deleteFrom('instance').where('last_seen_ts', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // --------------------------------------------------------------------------------------------------- rollout

  async grantUpdate(request: GrantRequest, decide: GrantDecider = checkGrantLimits): Promise<GrantOutcome> {
    if (decide === checkGrantLimits) {
      const settled = await this.grantWithoutWriting(request);
      if (settled) return settled;
    }
    return this.transaction(async (trx) => {
      // The lock that makes replicas agree: a second grant in the same group waits here until this one commits,
      // then counts it. NO KEY UPDATE, unlike FOR UPDATE, lets other transactions go on inserting rows that refer
      // to the group (check-ins, events), so they never deadlock with a grant. SQLite gets the same serialisation
      // from its write lock (the store's transactions begin immediate).
      if (this.dialect === 'postgres') {
        await trx.selectFrom('groups').select('id').where('id', '=', request.groupId).forNoKeyUpdate().execute();
      }
      const group = await this.readGroup(trx, request.groupId);
      if (group.appId !== request.appId) {
        throw invalidField('group_id', `Group ${request.groupId} is not a group of application ${request.appId}`);
      }
      const instance = await this.requireInstance(trx, request.instanceId, request.appId);
      const app = instance.application;
      if (
        app.status === InstanceStatus.UpdateGranted &&
        app.updateInProgress &&
        app.lastUpdateVersion === request.version
      ) {
        return { granted: true, instance };
      }
      const now = this.now();
      // Nebraska's own limits need only the numbers about recent grants, read without a scan of the group; a
      // caller's decision gets every number.
      const decision =
        decide === checkGrantLimits
          ? checkGrantLimits({ group, stats: await this.grantLimitStats(trx, group, now) })
          : await decide({
              group,
              instance,
              stats: await this.computeStats(trx, group, now),
              now,
              version: request.version,
            });
      if (decision.grant) {
        await this.applyStatus(trx, instance, InstanceStatus.UpdateGranted, now, request.version);
        return { granted: true, instance: await this.requireInstance(trx, request.instanceId, request.appId) };
      }
      if (decision.hold) await this.applyStatus(trx, instance, InstanceStatus.OnHold, now);
      if (decision.pause !== undefined && group.policyUpdatesEnabled) {
        await this.pauseGroupIn(trx, group, { reason: decision.pause, version: request.version }, now);
      }
      return {
        granted: false,
        reason: decision.reason,
        instance: await this.requireInstance(trx, request.instanceId, request.appId),
      };
    });
  }

  /**
   * The outcomes of Nebraska's limits that write nothing, decided from committed rows without taking the group's
   * lock: an update granted before and not installed yet, updates disabled, or a limit still reached for an
   * instance already on hold. In a rollout held back by its limits that is every check of every waiting instance,
   * which would otherwise queue for the lock one by one. A decision read this way is one a moment older than the
   * lock would give; it only ever refuses or repeats a grant, so no limit can be passed. Undefined: take the lock.
   */
  private async grantWithoutWriting(request: GrantRequest): Promise<GrantOutcome | undefined> {
    const group = await this.readGroup(this.db, request.groupId);
    if (group.appId !== request.appId) return undefined;
    const instance = request.current ?? (await this.findInstance(this.db, request.instanceId, request.appId));
    if (!instance) return undefined;
    const app = instance.application;
    if (
      app.status === InstanceStatus.UpdateGranted &&
      app.updateInProgress &&
      app.lastUpdateVersion === request.version
    ) {
      return { granted: true, instance };
    }
    const decision = checkGrantLimits({ group, stats: await this.grantLimitStats(this.db, group, this.now()) });
    if (decision.grant || decision.pause !== undefined) return undefined;
    if (decision.hold && app.status !== InstanceStatus.OnHold) return undefined;
    return { granted: false, reason: decision.reason, instance };
  }

  async recordEvent(input: RecordEventInput): Promise<RecordedEvent> {
    return this.transaction(async (trx) => {
      const instance = await this.requireInstance(trx, input.instanceId, input.appId);
      const now = this.now();
      const event = await trx
        .insertInto('event')
        .values({
          instance_id: input.instanceId,
          application_id: input.appId,
          group_id: instance.application.groupId,
          type: input.type,
          result: input.result,
          previous_version: input.previousVersion ?? null,
          error_code: input.errorCode ?? null,
          created_ts: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const status = input.status === undefined ? statusForEvent(input.type, input.result) : input.status;
      if (status !== null) await this.applyStatus(trx, instance, status, now);
      if (input.activity) {
        await this.insertActivity(
          trx,
          {
            ...input.activity,
            appId: input.appId,
            groupId: input.activity.groupId === undefined ? instance.application.groupId : input.activity.groupId,
            instanceId: input.activity.instanceId === undefined ? input.instanceId : input.activity.instanceId,
          },
          now,
        );
      }
      return {
        event: toEvent(event),
        previousStatus: instance.application.status,
        instance: await this.requireInstance(trx, input.instanceId, input.appId),
      };
    });
  }

  async getGroupUpdateStats(groupId: string): Promise<GroupUpdateStats> {
    const group = await this.readGroup(this.db, groupId);
    return this.computeStats(this.db, group, this.now());
  }

  async isRolloutFinished(groupId: string): Promise<boolean> {
    const group = await this.readGroup(this.db, groupId);
    const current = group.channel?.package?.version ?? '';
    const validSince = new Date(this.now().getTime() - VALIDITY_MS);
    // One instance that has not finished is enough to answer no; a group well into its rollout has many.
    const unfinished = await this.db
      .selectFrom('instance_application')
      .select('instance_id')
      .where('group_id', '=', groupId)
      .where('last_check_for_updates', '>', validSince)
      .where(
        sql<SqlBool>`not coalesce(update_in_progress = ${false} and last_update_version = ${current} and version = ${current}, ${false})`,
      )
      .limit(1)
      .executeTakeFirst();
    return unfinished === undefined;
  }

  /** What {@link checkGrantLimits} reads, as {@link computeStats} counts it, from indexed rows only. */
  private async grantLimitStats(ex: Db, group: Group, now: Date): Promise<GrantLimitStats> {
    const none = {
      updatesToCurrentVersionAttempted: 0,
      updatesGrantedInLastPeriod: 0,
      updatesInProgress: 0,
      updatesTimedOut: 0,
    };
    if (!countsGrants(group)) return none;
    const validSince = new Date(now.getTime() - VALIDITY_MS);
    const parameters = grantLimitsParameters({
      groupId: group.id,
      validSince,
      periodStart: new Date(now.getTime() - intervalMs(group.policyPeriodInterval)),
      timeoutStart: new Date(now.getTime() - intervalMs(group.policyUpdateTimeout)),
    });
    const read = this.reader(ex);
    const [row] = await read<{ in_period: unknown; in_progress: unknown; timed_out: unknown }>(
      GRANT_LIMITS_SQL,
      parameters,
    );
    let attempted = 0;
    // Only safe mode asks whether anyone finished an update to the current version yet.
    if (group.policySafeMode) {
      const version = group.channel?.package?.version ?? '';
      const [counted] = await read<{ n: unknown }>(ATTEMPTED_SQL, [group.id, version, false, validSince]);
      attempted = count(counted?.n);
    }
    return {
      updatesToCurrentVersionAttempted: attempted,
      updatesGrantedInLastPeriod: count(row?.in_period),
      updatesInProgress: count(row?.in_progress),
      updatesTimedOut: count(row?.timed_out),
    };
  }

  /** Nebraska's `getGroupUpdatesStats`, with the time arithmetic done on the Clock's time. */
  private async computeStats(ex: Db, group: Group, now: Date): Promise<GroupUpdateStats> {
    const version = group.channel?.package?.version ?? null;
    const current = version ?? '';
    const periodStart = new Date(now.getTime() - intervalMs(group.policyPeriodInterval));
    const timeoutStart = new Date(now.getTime() - intervalMs(group.policyUpdateTimeout));
    const validSince = new Date(now.getTime() - VALIDITY_MS);
    const sum = (condition: ReturnType<typeof sql>) =>
      sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const row = await ex
      .selectFrom('instance_application')
      .select([
        sql<number>`count(*)`.as('total'),
        sum(sql`last_update_version = ${current}`).as('granted'),
        sum(sql`update_in_progress = ${false} and last_update_version = ${current}`).as('attempted'),
        sum(sql`update_in_progress = ${false} and last_update_version = ${current} and version = ${current}`).as(
          'succeeded',
        ),
        sum(sql`update_in_progress = ${false} and last_update_version = ${current} and version <> ${current}`).as(
          'failed',
        ),
        sum(sql`last_update_granted_ts > ${periodStart}`).as('in_period'),
        sum(sql`update_in_progress = ${true} and last_update_granted_ts >= ${timeoutStart}`).as('in_progress'),
        sum(sql`update_in_progress = ${true} and last_update_granted_ts < ${timeoutStart}`).as('timed_out'),
      ])
      .where('group_id', '=', group.id)
      .where('last_check_for_updates', '>', validSince)
      .executeTakeFirstOrThrow();
    return {
      totalInstances: count(row.total),
      currentVersion: version,
      updatesToCurrentVersionGranted: count(row.granted),
      updatesToCurrentVersionAttempted: count(row.attempted),
      updatesToCurrentVersionSucceeded: count(row.succeeded),
      updatesToCurrentVersionFailed: count(row.failed),
      updatesGrantedInLastPeriod: count(row.in_period),
      updatesInProgress: count(row.in_progress),
      updatesTimedOut: count(row.timed_out),
    };
  }

  async getVersionOutcome(query: VersionOutcomeQuery): Promise<VersionOutcome> {
    const group = await this.db
      .selectFrom('groups')
      .select('application_id')
      .where('id', '=', query.groupId)
      .executeTakeFirst();
    if (!group) throw new NotFoundError('Group', query.groupId);
    const since = query.since ?? new Date(0);
    const distinctWith = async (status: InstanceStatus) => {
      const row = await this.db
        .selectFrom('instance_status_history')
        .select(sql<number>`count(distinct instance_id)`.as('n'))
        .where('group_id', '=', query.groupId)
        .where('version', '=', query.version)
        .where('status', '=', status)
        .where('created_ts', '>=', since)
        .executeTakeFirstOrThrow();
      return count(row.n);
    };
    const clean = await this.db
      .selectFrom('instance_status_history as h')
      .select(sql<number>`count(distinct h.instance_id)`.as('n'))
      .where('h.group_id', '=', query.groupId)
      .where('h.version', '=', query.version)
      .where('h.status', '=', InstanceStatus.Complete)
      .where('h.created_ts', '>=', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('instance_status_history as f')
              .select('f.id')
              .whereRef('f.instance_id', '=', 'h.instance_id')
              .whereRef('f.group_id', '=', 'h.group_id')
              .whereRef('f.version', '=', 'h.version')
              .where('f.status', '=', InstanceStatus.Error)
              .where('f.created_ts', '>=', since),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    return {
      activeInstances: await this.countActive(this.db, { appId: group.application_id, groupId: query.groupId }),
      granted: await distinctWith(InstanceStatus.UpdateGranted),
      completed: await distinctWith(InstanceStatus.Complete),
      failed: await distinctWith(InstanceStatus.Error),
      completedWithoutFailure: count(clean.n),
    };
  }

  async getGroupVersionBreakdown(groupId: string): Promise<VersionBreakdownEntry[]> {
    await this.readGroupRow(groupId);
    const since = new Date(this.now().getTime() - VALIDITY_MS);
    const rows = await this.db
      .selectFrom('instance_application')
      .select(['version', (eb) => eb.fn.countAll().as('n')])
      .where('group_id', '=', groupId)
      .where('last_check_for_updates', '>', since)
      .groupBy('version')
      .execute();
    const total = rows.reduce((sum, row) => sum + count(row.n), 0);
    return rows
      .map((row) => ({ version: row.version, instances: count(row.n), percentage: (count(row.n) * 100) / total }))
      .sort((a, b) => compareVersions(b.version, a.version));
  }

  private async readGroupRow(groupId: string): Promise<Selectable<GroupTable>> {
    const row = await this.db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
    if (!row) throw new NotFoundError('Group', groupId);
    return row;
  }

  async getGroupInstancesStats(groupId: string, duration: Duration): Promise<InstancesStatusStats> {
    const group = await this.readGroup(this.db, groupId);
    const now = this.now().getTime();
    const since = new Date(now - TIMINGS[duration].span);
    const timeoutStart = new Date(now - intervalMs(group.policyUpdateTimeout));
    const version = group.channel?.package?.version;
    const base = this.db
      .selectFrom('instance_application')
      .where('group_id', '=', groupId)
      .where('last_check_for_updates', '>', since);
    if (version === undefined) {
      const row = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return {
        total: count(row.n),
        undefined: 0,
        updateGranted: 0,
        error: 0,
        complete: 0,
        installed: 0,
        downloaded: 0,
        downloading: 0,
        onHold: 0,
        otherVersions: 0,
        timedOut: 0,
      };
    }
    // As Nebraska's GetGroupInstancesStats: an instance counts under its status unless its update timed out.
    const live = sql`(update_in_progress = ${false} or last_update_granted_ts > ${timeoutStart})`;
    const sum = (condition: ReturnType<typeof sql>) =>
      sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const onStatus = (status: InstanceStatus) =>
      sum(sql`${live} and last_update_version = ${version} and status = ${status}`);
    const row = await base
      .select([
        sql<number>`count(*)`.as('total'),
        sum(sql`${live} and version <> ${version} and status is null`).as('undefined'),
        onStatus(InstanceStatus.UpdateGranted).as('update_granted'),
        onStatus(InstanceStatus.Error).as('error'),
        sum(sql`${live} and version = ${version} and (status is null or status = ${InstanceStatus.Complete})`).as(
          'complete',
        ),
        onStatus(InstanceStatus.Installed).as('installed'),
        onStatus(InstanceStatus.Downloaded).as('downloaded'),
        onStatus(InstanceStatus.Downloading).as('downloading'),
        onStatus(InstanceStatus.OnHold).as('on_hold'),
        sum(
          sql`${live} and (last_update_version is null or last_update_version <> ${version}) and version <> ${version} and status is not null`,
        ).as('other_versions'),
        sum(sql`update_in_progress = ${true} and last_update_granted_ts <= ${timeoutStart}`).as('timed_out'),
      ])
      .executeTakeFirstOrThrow();
    return {
      total: count(row.total),
      undefined: count(row.undefined),
      updateGranted: count(row.update_granted),
      error: count(row.error),
      complete: count(row.complete),
      installed: count(row.installed),
      downloaded: count(row.downloaded),
      downloading: count(row.downloading),
      onHold: count(row.on_hold),
      otherVersions: count(row.other_versions),
      timedOut: count(row.timed_out),
    };
  }

  private timelinePoints(duration: Duration): { points: number[]; step: number; start: number; now: number } {
    const { span, step } = TIMINGS[duration];
    const now = this.now().getTime();
    const start = now - span;
    const points: number[] = [];
    for (let time = start; time <= now; time += step) points.push(time);
    return { points, step, start, now };
  }

  async getGroupVersionTimeline(groupId: string, duration: Duration): Promise<VersionTimelinePoint[]> {
    await this.readGroupRow(groupId);
    const { points, start, now } = this.timelinePoints(duration);
    const since = new Date(start);
    const current = await this.db
      .selectFrom('instance_application')
      .select(['instance_id', 'version', 'last_update_granted_ts', 'created_ts'])
      .where('group_id', '=', groupId)
      .where('last_check_for_updates', '>=', since)
      .execute();
    const completed = await this.db
      .selectFrom('instance_status_history as h')
      .innerJoin('instance_application as ia', (join) =>
        join.onRef('ia.instance_id', '=', 'h.instance_id').onRef('ia.application_id', '=', 'h.application_id'),
      )
      .select(['h.instance_id', 'h.version', 'h.created_ts'])
      .where('ia.group_id', '=', groupId)
      .where('ia.last_check_for_updates', '>=', since)
      .where('h.status', '=', InstanceStatus.Complete)
      .where('h.created_ts', '>=', new Date(now - DEAD_INSTANCE_MS))
      .execute();
    // Each instance's known versions over time: completed updates from the history, and the current version since
    // it was granted (or since the instance appeared). At each point an instance counts with its latest version.
    const records = new Map<string, { time: number; version: string }[]>();
    const add = (instanceId: string, time: number, version: string | null) => {
      if (version === null) return;
      const list = records.get(instanceId) ?? [];
      list.push({ time, version });
      records.set(instanceId, list);
    };
    for (const row of current) {
      add(row.instance_id, toDate(row.last_update_granted_ts ?? row.created_ts).getTime(), row.version);
    }
    for (const row of completed) add(row.instance_id, toDate(row.created_ts).getTime(), row.version);
    const versions = new Set<string>();
    for (const list of records.values()) {
      list.sort((a, b) => a.time - b.time);
      for (const record of list) versions.add(record.version);
    }
    return points.map((time) => {
      const counts: Record<string, number> = Object.fromEntries([...versions].map((version) => [version, 0]));
      for (const list of records.values()) {
        let latest: string | undefined;
        for (const record of list) {
          if (record.time > time) break;
          latest = record.version;
        }
        if (latest !== undefined) counts[latest] = (counts[latest] ?? 0) + 1;
      }
      return { time: new Date(time), versions: counts };
    });
  }

  async getGroupStatusTimeline(groupId: string, duration: Duration): Promise<StatusTimelinePoint[]> {
    await this.readGroupRow(groupId);
    const { points, step, start } = this.timelinePoints(duration);
    const rows = await this.db
      .selectFrom('instance_status_history')
      .select(['status', 'version', 'created_ts'])
      .where('group_id', '=', groupId)
      .where('created_ts', '>=', new Date(start - step))
      .execute();
    const statuses = new Set(rows.map((row) => Number(row.status)));
    return points.map((time) => {
      const counts: Record<number, Record<string, number>> = Object.fromEntries(
        [...statuses].map((status) => [status, {}]),
      );
      for (const row of rows) {
        const at = toDate(row.created_ts).getTime();
        // A point counts the changes of the step that ends at it, as Nebraska's query does.
        if (at < time - step || at >= time || row.version === null) continue;
        const byVersion = counts[Number(row.status)]!;
        byVersion[row.version] = (byVersion[row.version] ?? 0) + 1;
      }
      return { time: new Date(time), statuses: counts };
    });
  }

  // -------------------------------------------------------------------------------------------------- activity

  async addActivity(input: ActivityInput): Promise<Activity> {
    await this.requireApplication(this.db, input.appId);
    const id = await this.insertActivity(this.db, input, this.now());
    return this.readActivity(id);
  }

  private async insertActivity(ex: Db, input: ActivityInput, now: Date): Promise<number> {
    const row = await ex
      .insertInto('activity')
      .values({
        application_id: input.appId,
        group_id: input.groupId ?? null,
        channel_id: input.channelId ?? null,
        instance_id: input.instanceId ?? null,
        class: input.class,
        severity: input.severity,
        version: input.version,
        created_ts: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  private activityQuery() {
    return this.db
      .selectFrom('activity as a')
      .innerJoin('application as app', 'app.id', 'a.application_id')
      .leftJoin('groups as g', 'g.id', 'a.group_id')
      .leftJoin('channel as c', 'c.id', 'a.channel_id');
  }

  private async readActivity(id: number): Promise<Activity> {
    const row = await this.activityQuery()
      .selectAll('a')
      .select(['app.name as application_name', 'g.name as group_name', 'c.name as channel_name'])
      .where('a.id', '=', id)
      .executeTakeFirstOrThrow();
    return toActivity(row);
  }

  async listActivity(query: ActivityQuery = {}): Promise<Paged<Activity>> {
    const { limit, offset } = pagination(query);
    const now = this.now();
    const start = query.start ?? new Date(now.getTime() - 3 * DAY);
    let filtered = this.activityQuery().where('a.created_ts', '>=', start);
    // Without an end, nothing is cut: an entry written in this same millisecond belongs to "now" too.
    if (query.end !== undefined) filtered = filtered.where('a.created_ts', '<', query.end);
    if (query.appId !== undefined) filtered = filtered.where('a.application_id', '=', query.appId);
    if (query.groupId !== undefined) filtered = filtered.where('a.group_id', '=', query.groupId);
    if (query.channelId !== undefined) filtered = filtered.where('a.channel_id', '=', query.channelId);
    if (query.instanceId !== undefined) filtered = filtered.where('a.instance_id', '=', query.instanceId);
    if (query.version !== undefined) filtered = filtered.where('a.version', '=', query.version);
    if (query.severity !== undefined) filtered = filtered.where('a.severity', '=', query.severity);
    const total = await filtered.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await filtered
      .selectAll('a')
      .select(['app.name as application_name', 'g.name as group_name', 'c.name as channel_name'])
      .orderBy('a.created_ts', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return { total: count(total.n), items: rows.map(toActivity) };
  }

  async hasRecentActivity(query: RecentActivityQuery): Promise<boolean> {
    let select = this.db
      .selectFrom('activity')
      .select('id')
      .where('class', '=', query.class)
      .where('created_ts', '>', new Date(this.now().getTime() - DAY));
    if (query.appId !== undefined) select = select.where('application_id', '=', query.appId);
    if (query.groupId !== undefined) select = select.where('group_id', '=', query.groupId);
    if (query.channelId !== undefined) select = select.where('channel_id', '=', query.channelId);
    if (query.instanceId !== undefined) select = select.where('instance_id', '=', query.instanceId);
    if (query.version !== undefined) select = select.where('version', '=', query.version);
    if (query.severity !== undefined) select = select.where('severity', '=', query.severity);
    return (await select.limit(1).executeTakeFirst()) !== undefined;
  }

  // ------------------------------------------------------------------------------------------------ api tokens

  async createApiToken(input: ApiTokenInput): Promise<ApiToken> {
    if (input.name.trim() === '') throw invalidField('name', 'Must not be empty');
    if (input.role !== 'admin' && input.role !== 'viewer') throw invalidField('role', 'Must be admin or viewer');
    const id = randomUUID();
    await uniquely(
      () =>
        this.db
          .insertInto('api_token')
          .values({
            id,
            name: input.name,
            role: input.role,
            token_hash: input.tokenHash,
            created_ts: this.now(),
            last_used_ts: null,
          })
          .execute(),
      'A token with this hash exists',
      'DUPLICATE_TOKEN',
    );
    const row = await this.db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toApiToken(row);
  }

  async useApiToken(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.db
      .updateTable('api_token')
      .set({ last_used_ts: this.now() })
      .where('token_hash', '=', tokenHash)
      .returningAll()
      .executeTakeFirst();
    return row ? toApiToken(row) : undefined;
  }

  async listApiTokens(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_token').selectAll().orderBy('created_ts').orderBy('id').execute();
    return rows.map(toApiToken);
  }

  async deleteApiToken(tokenId: string): Promise<void> {
    const result = await this.db.deleteFrom('api_token').where('id', '=', tokenId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('API token', tokenId);
  }

  // ------------------------------------------------------------------------------------ machine provisioning

  listMachineProfiles(): Promise<MachineProfile[]> {
    return this.machines.listProfiles();
  }

  getMachineProfile(profileId: string): Promise<MachineProfile> {
    return this.machines.getProfile(profileId);
  }

  saveMachineProfile(input: MachineProfileInput, mode: SaveMode): Promise<Saved<MachineProfile>> {
    return this.machines.saveProfile(input, mode);
  }

  deleteMachineProfile(profileId: string): Promise<void> {
    return this.machines.deleteProfile(profileId);
  }

  listMachineGroups(): Promise<MachineGroup[]> {
    return this.machines.listGroups();
  }

  getMachineGroup(groupId: string): Promise<MachineGroup> {
    return this.machines.getGroup(groupId);
  }

  saveMachineGroup(input: MachineGroupInput, mode: SaveMode): Promise<Saved<MachineGroup>> {
    return this.machines.saveGroup(input, mode);
  }

  deleteMachineGroup(groupId: string): Promise<void> {
    return this.machines.deleteGroup(groupId);
  }

  // --------------------------------------------------------------------------------------------------- plumbing

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async requireApplication(ex: Db, appId: string): Promise<void> {
    const row = await ex.selectFrom('application').select('id').where('id', '=', appId).executeTakeFirst();
    if (!row) throw new NotFoundError('Application', appId);
  }

  private async loadPackages(ex: Db, rows: readonly Selectable<PackageTable>[]): Promise<Package[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [actions, files, blacklist] = await Promise.all([
      ex.selectFrom('flatcar_action').selectAll().where('package_id', 'in', ids).execute(),
      ex.selectFrom('package_file').selectAll().where('package_id', 'in', ids).orderBy('id').execute(),
      ex.selectFrom('package_channel_blacklist').selectAll().where('package_id', 'in', ids).execute(),
    ]);
    const actionByPackage = new Map<string, FlatcarAction>(
      actions.map((row) => [row.package_id, toFlatcarAction(row)]),
    );
    const filesByPackage = new Map<string, ExtraFile[]>();
    for (const row of files) {
      filesByPackage.set(row.package_id, [...(filesByPackage.get(row.package_id) ?? []), toExtraFile(row)]);
    }
    const blacklistByPackage = new Map<string, string[]>();
    for (const row of blacklist) {
      blacklistByPackage.set(row.package_id, [...(blacklistByPackage.get(row.package_id) ?? []), row.channel_id]);
    }
    return rows.map((row) =>
      toPackage(row, {
        flatcarAction: actionByPackage.get(row.id) ?? null,
        extraFiles: filesByPackage.get(row.id) ?? [],
        channelsBlacklist: (blacklistByPackage.get(row.id) ?? []).sort(),
      }),
    );
  }

  private async loadChannels(ex: Db, rows: readonly Selectable<ChannelTable>[]): Promise<Channel[]> {
    const packageIds = [...new Set(rows.flatMap((row) => (row.package_id === null ? [] : [row.package_id])))];
    const packageRows =
      packageIds.length === 0 ? [] : await ex.selectFrom('package').selectAll().where('id', 'in', packageIds).execute();
    const packages = new Map((await this.loadPackages(ex, packageRows)).map((pkg) => [pkg.id, pkg]));
    return rows.map((row) => toChannel(row, row.package_id === null ? null : (packages.get(row.package_id) ?? null)));
  }

  private async loadGroups(ex: Db, rows: readonly Selectable<GroupTable>[]): Promise<Group[]> {
    const channelIds = [...new Set(rows.flatMap((row) => (row.channel_id === null ? [] : [row.channel_id])))];
    const channelRows =
      channelIds.length === 0 ? [] : await ex.selectFrom('channel').selectAll().where('id', 'in', channelIds).execute();
    const channels = new Map((await this.loadChannels(ex, channelRows)).map((channel) => [channel.id, channel]));
    return rows.map((row) => toGroup(row, row.channel_id === null ? null : (channels.get(row.channel_id) ?? null)));
  }
}
