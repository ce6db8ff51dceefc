import type {
  Activity,
  ActivityClass,
  ActivitySeverity,
  ApiToken,
  ApiTokenRole,
  ApplicationDetails,
  Arch,
  Channel,
  Duration,
  Group,
  GroupUpdateStats,
  Instance,
  InstanceEvent,
  InstanceStatus,
  InstanceStatusHistoryEntry,
  InstancesStatusStats,
  Package,
  PackageType,
  Paged,
  StatusTimelinePoint,
  VersionBreakdownEntry,
  VersionOutcome,
  VersionTimelinePoint,
} from './model.js';

/** Page selection for lists; pages count from 1 and default to Nebraska's 10 items. */
export interface PageQuery {
  readonly page?: number;
  readonly perPage?: number;
}

/** Fields of a new application. */
export interface ApplicationInput {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly productId?: string | null;
}

/** Fields of a new group; the policy fields default to Nebraska's. */
export interface GroupInput {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  /** Defaults to the group's id, as in Nebraska. */
  readonly track?: string;
  readonly channelId?: string | null;
  readonly policyUpdatesEnabled?: boolean;
  readonly policySafeMode?: boolean;
  readonly policyOfficeHours?: boolean;
  readonly policyTimezone?: string | null;
  readonly policyPeriodInterval?: string;
  readonly policyMaxUpdatesPerPeriod?: number;
  readonly policyUpdateTimeout?: string;
  readonly maintenanceWindows?: readonly string[];
  readonly failureHaltThreshold?: number | null;
  readonly canaryGroupId?: string | null;
  readonly canarySuccessShare?: number | null;
}

/** Fields of a new channel. */
export interface ChannelInput {
  readonly id?: string;
  readonly name: string;
  readonly color?: string;
  readonly arch?: Arch;
  readonly packageId?: string | null;
  readonly allowDowngrade?: boolean;
}

/** The Flatcar postinstall action of a package; only `sha256` is required. */
export interface FlatcarActionInput {
  readonly event?: string;
  readonly chromeosVersion?: string;
  readonly sha256: string;
  readonly needsAdmin?: boolean;
  readonly isDelta?: boolean;
  readonly disablePayloadBackoff?: boolean;
  readonly metadataSignatureRsa?: string;
  readonly metadataSize?: string;
  readonly deadline?: string;
}

/** An extra file of a package; `id` names an existing file to keep or change on update. */
export interface ExtraFileInput {
  readonly id?: number;
  readonly name: string;
  readonly size?: string | null;
  readonly hash?: string | null;
  readonly hash256?: string | null;
}

/** Fields of a new package. */
export interface PackageInput {
  readonly id?: string;
  readonly type?: PackageType;
  readonly version: string;
  readonly arch?: Arch;
  readonly url: string;
  readonly filename?: string | null;
  readonly description?: string | null;
  readonly size?: string | null;
  readonly hash?: string | null;
  readonly hashSha256?: string | null;
  readonly flatcarAction?: FlatcarActionInput | null;
  readonly extraFiles?: readonly ExtraFileInput[];
  readonly channelsBlacklist?: readonly string[];
}

/** What an update check tells about the machine and the application on it. */
export interface RegisterInstanceInput {
  readonly instanceId: string;
  readonly appId: string;
  readonly groupId: string;
  readonly version: string;
  readonly ip: string;
  /** Empty or missing values keep what is stored, as Nebraska does. */
  readonly alias?: string;
  readonly oem?: string;
  readonly oemVersion?: string;
  readonly alephVersion?: string;
  /**
   * The instance as the caller read it just before (null: not there), so an unchanged check-in needs no second
   * read; undefined: the store reads it.
   */
  readonly current?: Instance | null;
}

/** Nebraska's instance list parameters. */
export interface InstanceQuery extends PageQuery {
  readonly appId: string;
  readonly groupId: string;
  /** Undefined (1) matches instances without a recorded status. */
  readonly status?: InstanceStatus;
  readonly version?: string;
  readonly sortBy?: 'alias' | 'ip' | 'lastCheckForUpdates';
  readonly sortOrder?: 'asc' | 'desc';
  readonly searchFilter?: 'All' | 'alias' | 'id' | 'ip';
  readonly searchValue?: string;
  /** Only instances that checked in within this span; defaults to 1d. */
  readonly duration?: Duration;
}

/** Parameters of the activity feed; `start` defaults to three days ago; no `end` means up to now. */
export interface ActivityQuery extends PageQuery {
  readonly appId?: string;
  readonly groupId?: string;
  readonly channelId?: string;
  readonly instanceId?: string;
  readonly version?: string;
  readonly severity?: ActivitySeverity;
  readonly start?: Date;
  readonly end?: Date;
}

/** A new activity entry. */
export interface ActivityInput {
  readonly appId: string;
  readonly class: ActivityClass;
  readonly severity: ActivitySeverity;
  readonly version: string;
  readonly groupId?: string | null;
  readonly channelId?: string | null;
  readonly instanceId?: string | null;
}

/** Looks for an activity entry of a class within the last 24 hours (Nebraska's `hasRecentActivity`). */
export interface RecentActivityQuery {
  readonly class: ActivityClass;
  readonly appId?: string;
  readonly groupId?: string;
  readonly channelId?: string;
  readonly instanceId?: string;
  readonly version?: string;
  readonly severity?: ActivitySeverity;
}

/** An Omaha event to record. */
export interface RecordEventInput {
  readonly instanceId: string;
  readonly appId: string;
  readonly type: number;
  readonly result: number;
  readonly previousVersion?: string | null;
  readonly errorCode?: string | null;
  /**
   * The status the event moves the instance to. Missing: Nebraska's mapping ({@link statusForEvent}); null: the
   * event changes no status.
   */
  readonly status?: InstanceStatus | null;
  /** An activity entry to write in the same transaction (e.g. "instance update failed"). */
  readonly activity?: Omit<ActivityInput, 'appId'>;
}

/** The recorded event and the instance after it. */
export interface RecordedEvent {
  readonly event: InstanceEvent;
  readonly previousStatus: InstanceStatus | null;
  readonly instance: Instance;
}

/** An update the server is about to hand out. */
export interface GrantRequest {
  readonly instanceId: string;
  readonly appId: string;
  readonly groupId: string;
  readonly version: string;
  /**
   * The instance as the caller just registered it, so a decision taken without the group's lock needs no read of
   * its own; undefined: the store reads it. A decision under the lock always reads it again.
   */
  readonly current?: Instance;
}

/** What a grant decision sees, read under the group's lock. */
export interface GrantContext {
  readonly group: Group;
  readonly instance: Instance;
  readonly stats: GroupUpdateStats;
  readonly now: Date;
  readonly version: string;
}

/** Why a grant was refused: Nebraska's reasons, or any reason of a caller's own decision. */
export type GrantRefusal =
  | 'UPDATES_DISABLED'
  | 'MAX_UPDATES_PER_PERIOD'
  | 'MAX_CONCURRENT_UPDATES'
  | 'MAX_TIMED_OUT_UPDATES'
  | (string & {});

/** A decision on a grant; a refusal may put the instance on hold and pause the group. */
export type GrantDecision =
  | { readonly grant: true }
  | {
      readonly grant: false;
      readonly reason: GrantRefusal;
      /** Record the instance as on hold (Nebraska does for every limit). */
      readonly hold?: boolean;
      /** Pause the group's updates, with this reason, and say so in the activity feed. */
      readonly pause?: string;
    };

/** Decides on a grant from fresh numbers; runs while the group is locked, so keep it quick. */
export type GrantDecider = (context: GrantContext) => GrantDecision | Promise<GrantDecision>;

/** The result of a grant attempt. */
export type GrantOutcome =
  | { readonly granted: true; readonly instance: Instance }
  | { readonly granted: false; readonly reason: GrantRefusal; readonly instance: Instance };

/** Options of {@link Store.getVersionOutcome}. */
export interface VersionOutcomeQuery {
  readonly groupId: string;
  readonly version: string;
  /** Count only history from this time on (e.g. since the group was resumed). */
  readonly since?: Date;
}

/** A new API token: the caller makes the secret and passes its hash ({@link hashApiToken}). */
export interface ApiTokenInput {
  readonly name: string;
  readonly role: ApiTokenRole;
  readonly tokenHash: string;
}

/** How a machine profile's template is written: Butane YAML (translated per request) or Ignition JSON. */
export type MachineConfigFormat = 'butane' | 'ignition';

/** Network boot settings of a machine profile, rendered into an iPXE script. */
export interface NetBoot {
  /** URL of the kernel, e.g. `.../flatcar_production_pxe.vmlinuz`. */
  readonly kernel: string;
  /** URLs of the initramfs images, e.g. `.../flatcar_production_pxe_image.cpio.gz`. */
  readonly initrd: readonly string[];
  /** Kernel arguments, each one word (`console=ttyS0`, `flatcar.autologin`). */
  readonly args: readonly string[];
}

/** A machine profile: the config template machines of its groups get, and how they network boot. */
export interface MachineProfile {
  readonly id: string;
  readonly name: string;
  readonly configFormat: MachineConfigFormat;
  /** The template text (see docs/provision-serve.md for its `{{.variable}}` language). */
  readonly config: string;
  readonly boot: NetBoot | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Fields of a machine profile to create or replace. */
export interface MachineProfileInput {
  readonly id: string;
  /** Defaults to the id. */
  readonly name?: string;
  /** Defaults to `butane`. */
  readonly configFormat?: MachineConfigFormat;
  readonly config: string;
  readonly boot?: NetBoot | null;
}

/** A machine group: which machines (by their labels) get which profile, with what metadata. */
export interface MachineGroup {
  readonly id: string;
  readonly name: string;
  readonly profileId: string;
  /** Label to value; a machine matches when it has every one. Empty for a default group. */
  readonly selector: Readonly<Record<string, string>>;
  /** Template variables for the profile. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Fields of a machine group to create or replace; selectors are stored as given (normalise them first). */
export interface MachineGroupInput {
  readonly id: string;
  /** Defaults to the id. */
  readonly name?: string;
  readonly profileId: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** `create` refuses an existing id (409); `put` creates or replaces, as matchbox's ProfilePut and GroupPut do. */
export type SaveMode = 'create' | 'put';

/** A saved profile or group, and whether it is new. */
export interface Saved<T> {
  readonly value: T;
  readonly created: boolean;
}

/**
 * Everything the update server keeps: Nebraska's applications, packages, channels, groups, instances, events and
 * activity, and Ballast's API tokens. One interface, a SQLite and a PostgreSQL implementation, one contract suite.
 * Lookups of a missing id throw NotFoundError, clashes ConflictError, bad fields InvalidInputError.
 */
export interface Store {
  /** Which database is behind the store. */
  readonly dialect: 'sqlite' | 'postgres';

  // Applications
  listApplications(page?: PageQuery): Promise<Paged<ApplicationDetails>>;
  /** Every application's id and product id, and nothing else: what resolving an Omaha app id needs. */
  listApplicationKeys(): Promise<{ readonly id: string; readonly productId: string | null }[]>;
  getApplication(appId: string): Promise<ApplicationDetails>;
  /** Creates an application; `cloneFrom` copies another application's channels (without packages) and groups. */
  createApplication(input: ApplicationInput, options?: { readonly cloneFrom?: string }): Promise<ApplicationDetails>;
  updateApplication(appId: string, patch: Partial<Omit<ApplicationInput, 'id'>>): Promise<ApplicationDetails>;
  deleteApplication(appId: string): Promise<void>;

  // Groups
  listGroups(appId: string, page?: PageQuery): Promise<Paged<Group>>;
  getGroup(groupId: string): Promise<Group>;
  /** The newest group of the application with this track whose channel has this architecture, if any. */
  findGroupByTrack(query: {
    readonly appId: string;
    readonly track: string;
    readonly arch: Arch;
  }): Promise<Group | undefined>;
  createGroup(appId: string, input: GroupInput): Promise<Group>;
  updateGroup(groupId: string, patch: Partial<Omit<GroupInput, 'id'>>): Promise<Group>;
  deleteGroup(groupId: string): Promise<void>;
  setGroupRolloutInProgress(groupId: string, inProgress: boolean): Promise<void>;
  /** Disables the group's updates on the server's own account and writes a GroupPaused activity entry. */
  pauseGroup(groupId: string, pause: { readonly reason: string; readonly version: string }): Promise<Group>;
  /** Enables a paused group's updates again and writes a GroupResumed activity entry. */
  resumeGroup(groupId: string): Promise<Group>;

  // Channels
  listChannels(appId: string, page?: PageQuery): Promise<Paged<Channel>>;
  getChannel(channelId: string): Promise<Channel>;
  createChannel(appId: string, input: ChannelInput): Promise<Channel>;
  /** Changes a channel; pointing it at another package writes a ChannelPackageUpdated activity entry. */
  updateChannel(channelId: string, patch: Partial<Omit<ChannelInput, 'id' | 'arch'>>): Promise<Channel>;
  deleteChannel(channelId: string): Promise<void>;

  // Packages
  listPackages(appId: string, query?: PageQuery & { readonly searchVersion?: string }): Promise<Paged<Package>>;
  getPackage(packageId: string): Promise<Package>;
  findPackage(query: {
    readonly appId: string;
    readonly version: string;
    readonly arch: Arch;
  }): Promise<Package | undefined>;
  createPackage(appId: string, input: PackageInput): Promise<Package>;
  updatePackage(packageId: string, patch: Partial<Omit<PackageInput, 'id' | 'arch'>>): Promise<Package>;
  deletePackage(packageId: string): Promise<void>;

  // Instances
  /** Creates or refreshes an instance and its application state on an update check. */
  registerInstance(input: RegisterInstanceInput): Promise<Instance>;
  getInstance(instanceId: string, appId: string): Promise<Instance>;
  listInstances(query: InstanceQuery): Promise<Paged<Instance>>;
  /** Counts instances seen in the last day, of an application and optionally one group. */
  countInstances(query: { readonly appId: string; readonly groupId?: string }): Promise<number>;
  updateInstanceAlias(instanceId: string, alias: string): Promise<void>;
  /** Moves an instance to a status and records it in the history, in one transaction. */
  setInstanceStatus(instanceId: string, appId: string, status: InstanceStatus): Promise<Instance>;
  getInstanceStatusHistory(query: {
    readonly instanceId: string;
    readonly appId: string;
    readonly groupId: string;
    readonly limit?: number;
  }): Promise<InstanceStatusHistoryEntry[]>;
  /** Deletes instances not seen for `notSeenForMs`, with their state, history, events and activity. */
  pruneInstances(notSeenForMs: number): Promise<number>;

  // Rollout
  /**
   * Grants `version` to an instance if `decide` (by default Nebraska's limits, {@link checkGrantLimits}) allows it,
   * atomically across processes: the group is locked while the numbers are read and the grant written.
   */
  grantUpdate(request: GrantRequest, decide?: GrantDecider): Promise<GrantOutcome>;
  /** Records an event and the status change it causes, with its history entry, in one transaction. */
  recordEvent(input: RecordEventInput): Promise<RecordedEvent>;
  getGroupUpdateStats(groupId: string): Promise<GroupUpdateStats>;
  /**
   * Whether every instance of the group seen in the last day finished its update to the group's version
   * (Nebraska's "updates to current version succeeded = total instances"), answered without counting the group.
   */
  isRolloutFinished(groupId: string): Promise<boolean>;
  getVersionOutcome(query: VersionOutcomeQuery): Promise<VersionOutcome>;
  getGroupVersionBreakdown(groupId: string): Promise<VersionBreakdownEntry[]>;
  getGroupInstancesStats(groupId: string, duration: Duration): Promise<InstancesStatusStats>;
  getGroupVersionTimeline(groupId: string, duration: Duration): Promise<VersionTimelinePoint[]>;
  getGroupStatusTimeline(groupId: string, duration: Duration): Promise<StatusTimelinePoint[]>;

  // Activity
  addActivity(input: ActivityInput): Promise<Activity>;
  listActivity(query?: ActivityQuery): Promise<Paged<Activity>>;
  hasRecentActivity(query: RecentActivityQuery): Promise<boolean>;

  // API tokens
  createApiToken(input: ApiTokenInput): Promise<ApiToken>;
  /** The token with this hash, marking it used now; undefined when there is none. */
  useApiToken(tokenHash: string): Promise<ApiToken | undefined>;
  listApiTokens(): Promise<ApiToken[]>;
  deleteApiToken(tokenId: string): Promise<void>;

  // Machine provisioning (profiles and groups, as matchbox)
  listMachineProfiles(): Promise<MachineProfile[]>;
  getMachineProfile(profileId: string): Promise<MachineProfile>;
  /** Creates or replaces a profile; a duplicate id with `create` is a ConflictError `DUPLICATE_ID`. */
  saveMachineProfile(input: MachineProfileInput, mode: SaveMode): Promise<Saved<MachineProfile>>;
  /** Deletes a profile; one that a group uses is a ConflictError `PROFILE_IN_USE`. */
  deleteMachineProfile(profileId: string): Promise<void>;
  /** Every machine group, by id. */
  listMachineGroups(): Promise<MachineGroup[]>;
  getMachineGroup(groupId: string): Promise<MachineGroup>;
  /**
   * Creates or replaces a group. An unknown profile is an InvalidInputError on `profile`; a selector another group
   * already has is a ConflictError `DUPLICATE_SELECTOR`.
   */
  saveMachineGroup(input: MachineGroupInput, mode: SaveMode): Promise<Saved<MachineGroup>>;
  deleteMachineGroup(groupId: string): Promise<void>;

  /** Resolves when the database answers; for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
