// The update server's data, as Nebraska models it (backend/pkg/api), plus Ballast's own rollout fields.
// Field names are camelCase here; the REST layer maps them to Nebraska's snake_case JSON keys.

/** Flatcar Container Linux's Omaha application id, stored without braces and lower-case as Nebraska does. */
export const FLATCAR_APP_ID = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

/** Instance status codes, numbered as Nebraska's `InstanceStatus*` constants (the REST API exposes the numbers). */
export const InstanceStatus = {
  Undefined: 1,
  UpdateGranted: 2,
  Error: 3,
  Complete: 4,
  Installed: 5,
  Downloaded: 6,
  Downloading: 7,
  OnHold: 8,
} as const;
/** One of the {@link InstanceStatus} codes. */
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

/** Package architectures, numbered as Nebraska's `Arch` (0 means any). */
export const Arch = { All: 0, AMD64: 1, AArch64: 2, X86: 3 } as const;
/** One of the {@link Arch} codes. */
export type Arch = (typeof Arch)[keyof typeof Arch];

/** Package types, numbered as Nebraska's `PkgType*`. */
export const PackageType = { Flatcar: 1, Docker: 2, Rocket: 3, Other: 4 } as const;
/** One of the {@link PackageType} codes. */
export type PackageType = (typeof PackageType)[keyof typeof PackageType];

/** Activity classes: Nebraska's first six, then Ballast's own from 100 on so they never collide with a future Nebraska one. */
export const ActivityClass = {
  PackageNotFound: 1,
  RolloutStarted: 2,
  RolloutFinished: 3,
  RolloutFailed: 4,
  InstanceUpdateFailed: 5,
  ChannelPackageUpdated: 6,
  GroupPaused: 100,
  GroupResumed: 101,
  CanaryGateWaiting: 102,
} as const;
/** One of the {@link ActivityClass} codes. */
export type ActivityClass = (typeof ActivityClass)[keyof typeof ActivityClass];

/** Activity severities, numbered as Nebraska's. */
export const ActivitySeverity = { Success: 1, Info: 2, Warning: 3, Error: 4 } as const;
/** One of the {@link ActivitySeverity} codes. */
export type ActivitySeverity = (typeof ActivitySeverity)[keyof typeof ActivitySeverity];

/** API token roles: viewers may only read. */
export type ApiTokenRole = 'admin' | 'viewer';

/** The time spans Nebraska's instance lists and timelines accept. */
export type Duration = '1h' | '1d' | '7d' | '30d';

/** An Omaha application (Flatcar is one). */
export interface Application {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly productId: string | null;
  readonly createdAt: Date;
}

/** An application with its groups, channels and the number of instances seen in the last day. */
export interface ApplicationDetails extends Application {
  readonly groups: readonly Group[];
  readonly channels: readonly Channel[];
  readonly instanceCount: number;
}

/** The postinstall action Flatcar's update_engine reads from an update response. */
export interface FlatcarAction {
  readonly id: string;
  readonly event: string;
  readonly chromeosVersion: string;
  /** Base64 SHA-256 of the payload, as update_engine checks it. */
  readonly sha256: string;
  readonly needsAdmin: boolean;
  readonly isDelta: boolean;
  readonly disablePayloadBackoff: boolean;
  readonly metadataSignatureRsa: string;
  readonly metadataSize: string;
  readonly deadline: string;
  readonly createdAt: Date;
}

/** A file shipped next to the main payload (Nebraska's `extra_files`). */
export interface ExtraFile {
  readonly id: number;
  readonly name: string;
  readonly size: string | null;
  /** Base64 SHA-1. */
  readonly hash: string | null;
  /** SHA-256 as Nebraska stores it. */
  readonly hash256: string | null;
  readonly createdAt: Date;
}

/** A release of an application for one architecture. */
export interface Package {
  readonly id: string;
  readonly appId: string;
  readonly type: PackageType;
  readonly version: string;
  readonly arch: Arch;
  readonly url: string;
  readonly filename: string | null;
  readonly description: string | null;
  /** Bytes, as a decimal string (Nebraska keeps it a string). */
  readonly size: string | null;
  /** Base64 SHA-1 of the payload (Omaha `package@hash`). */
  readonly hash: string | null;
  /** Hex SHA-256 of the payload (Omaha `package@hash_sha256`). */
  readonly hashSha256: string | null;
  readonly flatcarAction: FlatcarAction | null;
  readonly extraFiles: readonly ExtraFile[];
  /** Channels that must never point at this package. */
  readonly channelsBlacklist: readonly string[];
  readonly createdAt: Date;
}

/** A named pointer to a package for one architecture (alpha, beta, stable, lts, ...). */
export interface Channel {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly color: string;
  readonly arch: Arch;
  readonly packageId: string | null;
  readonly package: Package | null;
  /** When set, instances newer than the channel's package are offered it (Nebraska never serves downgrades). */
  readonly allowDowngrade: boolean;
  readonly createdAt: Date;
}

/** A group of instances following a channel under one rollout policy. */
export interface Group {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly description: string;
  readonly track: string;
  readonly channelId: string | null;
  readonly channel: Channel | null;
  readonly rolloutInProgress: boolean;
  readonly policyUpdatesEnabled: boolean;
  readonly policySafeMode: boolean;
  readonly policyOfficeHours: boolean;
  readonly policyTimezone: string | null;
  /** A PostgreSQL-style interval such as `15 minutes`, as Nebraska stores it. */
  readonly policyPeriodInterval: string;
  readonly policyMaxUpdatesPerPeriod: number;
  /** A PostgreSQL-style interval such as `60 minutes`. */
  readonly policyUpdateTimeout: string;
  /** Weekly windows in the group's time zone, e.g. `Sat 02:00-06:00`; empty means any time. */
  readonly maintenanceWindows: readonly string[];
  /** Share (0..1] of failed updates among those granted the current version that pauses the group; null disables. */
  readonly failureHaltThreshold: number | null;
  /** Group whose instances must have completed a version before this group is offered it. */
  readonly canaryGroupId: string | null;
  /** Share (0..1] of the canary group that must have completed the version without failure. */
  readonly canarySuccessShare: number | null;
  /** Why updates were paused by the server itself (failure halt, safe mode), null when not paused that way. */
  readonly pausedReason: string | null;
  readonly pausedAt: Date | null;
  /** When an operator last resumed a paused group: failure counts for a halt start again from here. */
  readonly resumedAt: Date | null;
  readonly createdAt: Date;
}

/** The state of one application on one instance (Nebraska's `instance_application`). */
export interface InstanceApplication {
  readonly appId: string;
  readonly groupId: string | null;
  readonly version: string;
  /** Null until the server recorded a status, which Nebraska shows as "undefined". */
  readonly status: InstanceStatus | null;
  readonly createdAt: Date;
  readonly lastCheckForUpdates: Date;
  readonly lastUpdateGrantedAt: Date | null;
  readonly lastUpdateVersion: string | null;
  readonly updateInProgress: boolean;
}

/** A machine that checks in, as seen through one application. */
export interface Instance {
  /** The machine id update_engine sends. */
  readonly id: string;
  readonly ip: string;
  readonly alias: string;
  readonly oem: string;
  readonly oemVersion: string;
  readonly alephVersion: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly application: InstanceApplication;
}

/** One status change of an instance, kept for its history and the timelines. */
export interface InstanceStatusHistoryEntry {
  readonly id: number;
  readonly status: InstanceStatus;
  readonly version: string | null;
  readonly createdAt: Date;
  readonly instanceId: string;
  readonly appId: string;
  readonly groupId: string | null;
  /** For error entries: the error code of the event that caused it. */
  readonly errorCode: string | null;
}

/** An Omaha event an instance reported. */
export interface InstanceEvent {
  readonly id: number;
  readonly instanceId: string;
  readonly appId: string;
  readonly groupId: string | null;
  readonly type: number;
  readonly result: number;
  readonly previousVersion: string | null;
  readonly errorCode: string | null;
  readonly createdAt: Date;
}

/** An entry of the activity feed. */
export interface Activity {
  readonly id: number;
  readonly appId: string;
  readonly groupId: string | null;
  readonly channelId: string | null;
  readonly instanceId: string | null;
  readonly class: ActivityClass;
  readonly severity: ActivitySeverity;
  readonly version: string;
  readonly createdAt: Date;
  readonly applicationName: string;
  readonly groupName: string | null;
  readonly channelName: string | null;
}

/** A stored API token; the secret itself is never stored, only its hash. */
export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: ApiTokenRole;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** Nebraska's `UpdatesStats` of a group: what its rollout policy is checked against. */
export interface GroupUpdateStats {
  /** Instances of the group seen in the last day. */
  readonly totalInstances: number;
  /** Version of the group's channel package, or null when it has none. */
  readonly currentVersion: string | null;
  readonly updatesToCurrentVersionGranted: number;
  readonly updatesToCurrentVersionAttempted: number;
  readonly updatesToCurrentVersionSucceeded: number;
  readonly updatesToCurrentVersionFailed: number;
  readonly updatesGrantedInLastPeriod: number;
  /** Granted and not finished, within the update timeout. */
  readonly updatesInProgress: number;
  /** Granted and not finished, past the update timeout. */
  readonly updatesTimedOut: number;
}

/** How a version fared in a group, from the status history: for failure halt and canary gates. */
export interface VersionOutcome {
  /** Instances of the group seen in the last day. */
  readonly activeInstances: number;
  /** Distinct instances granted the version. */
  readonly granted: number;
  /** Distinct instances that completed the version. */
  readonly completed: number;
  /** Distinct instances that reported an error while on their way to the version. */
  readonly failed: number;
  /** Distinct instances that completed the version and never failed on it. */
  readonly completedWithoutFailure: number;
}

/** One line of a group's version breakdown. */
export interface VersionBreakdownEntry {
  readonly version: string;
  readonly instances: number;
  readonly percentage: number;
}

/** Nebraska's `InstancesStatusStats` of a group. */
export interface InstancesStatusStats {
  readonly total: number;
  readonly undefined: number;
  readonly updateGranted: number;
  readonly error: number;
  readonly complete: number;
  readonly installed: number;
  readonly downloaded: number;
  readonly downloading: number;
  readonly onHold: number;
  readonly otherVersions: number;
  readonly timedOut: number;
}

/** Instance counts per version at one point of a timeline. */
export interface VersionTimelinePoint {
  readonly time: Date;
  readonly versions: Readonly<Record<string, number>>;
}

/** Status changes per status and version in the span ending at one point of a timeline. */
export interface StatusTimelinePoint {
  readonly time: Date;
  readonly statuses: Readonly<Record<number, Readonly<Record<string, number>>>>;
}

/** A page of a longer list, with the size of the whole list. */
export interface Paged<T> {
  readonly total: number;
  readonly items: readonly T[];
}
