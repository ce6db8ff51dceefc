// The Omaha v3 documents as update_engine, go-omaha and Nebraska write them. Every attribute is optional unless
// the protocol requires it: a field is undefined when the attribute is absent and '' when it is present but empty
// (update_engine sends `oem=""`), so parse(build(x)) gives back x exactly.

/** The `<request>` a client posts. */
export interface OmahaRequest {
  /** Always "3.0"; parseRequest refuses anything else. */
  readonly protocol: string;
  /** The updater's name and version, e.g. "update_engine-0.4.10". */
  readonly version?: string;
  /** update_engine repeats `version` here. */
  readonly updaterVersion?: string;
  /** "scheduler" for periodic checks, "ondemandupdate" for `update_engine_client -check_for_update`. */
  readonly installSource?: string;
  /** 1 when the updater runs machine-wide; update_engine always sends 1. */
  readonly isMachine?: number;
  readonly requestId?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  readonly testSource?: string;
  readonly os?: OmahaOs;
  readonly apps: readonly OmahaAppRequest[];
}

/** The `<os>` element: update_engine sends platform "CoreOS", version "Chateau" and sp "<version>_<machine>". */
export interface OmahaOs {
  readonly platform?: string;
  readonly version?: string;
  /** Service pack; update_engine puts the OS version and `uname -m` here, e.g. "3815.2.0_x86_64". */
  readonly sp?: string;
  /** Go clients send it ("x64", "arm64"); update_engine does not. */
  readonly arch?: string;
}

/** One `<app>` of a request: the application, the machine, and what the client asks for. */
export interface OmahaAppRequest {
  /** Flatcar's is "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" (update_engine sends the braces, Go clients may not). */
  readonly appId: string;
  /** The running version (FLATCAR_RELEASE_VERSION). */
  readonly version?: string;
  /** The group, aka channel: GROUP from update.conf ("stable", "beta", a group id...). */
  readonly track?: string;
  /** Kernel boot id in braces: "{" + /proc/sys/kernel/random/boot_id + "}". */
  readonly bootId?: string;
  /** OEM id from oem-release. */
  readonly oem?: string;
  readonly oemVersion?: string;
  /** The first version this machine ran, kept by update_engine in its prefs. */
  readonly alephVersion?: string;
  /** /etc/machine-id, without braces. */
  readonly machineId?: string;
  /** MACHINE_ALIAS from update.conf; often empty. */
  readonly machineAlias?: string;
  readonly lang?: string;
  /** FLATCAR_RELEASE_BOARD, e.g. "amd64-usr"; Nebraska takes the architecture from it. */
  readonly board?: string;
  readonly hardwareClass?: string;
  /** update_engine writes "true"/"false"; Go clients write "true" or leave it out. */
  readonly deltaOkay?: boolean;
  readonly fromTrack?: string;
  readonly nextVersion?: string;
  readonly client?: string;
  readonly installAge?: string;
  /** Set by syncers that can take several manifests (floors and a target) in one answer. */
  readonly multiManifestOk?: boolean;
  readonly ping?: OmahaPingRequest;
  readonly updateCheck?: OmahaUpdateCheckRequest;
  readonly events: readonly OmahaEventRequest[];
}

/** `<ping>`: update_engine always sends `active="1"` and never the day counts. */
export interface OmahaPingRequest {
  readonly active?: number;
  /** `a`: days since the last active ping (-1 for never). */
  readonly lastActiveDays?: number;
  /** `r`: days since the last roll-call ping (-1 for never). */
  readonly lastRollCallDays?: number;
}

/** `<updatecheck>`: present when the client asks for an update. */
export interface OmahaUpdateCheckRequest {
  readonly targetVersionPrefix?: string;
}

/** `<event>`: a step of an update, reported to the server. */
export interface OmahaEventRequest {
  /** See `EventType`: 3 update complete, 13 download started, 14 download finished. */
  readonly type: number;
  /** See `EventResult`: 0 error, 1 success, 2 success and rebooted, 9 deferred. */
  readonly result: number;
  /** update_engine's `ActionExitCode` with flag bits (see `decodeErrorCode`); sent when the result is not success. */
  readonly errorCode?: number;
  /** On the first check after a reboot: the version before the update ("0.0.0.0" on a first boot). */
  readonly previousVersion?: string;
  readonly nextVersion?: string;
}

/** The `<response>` a server answers with. */
export interface OmahaResponse {
  /** "3.0". */
  readonly protocol?: string;
  /** The server's name ("nebraska"); update_engine ignores it. */
  readonly server?: string;
  readonly dayStart?: OmahaDayStart;
  readonly apps: readonly OmahaAppResponse[];
}

/** `<daystart>`; update_engine accepts any value, even a missing or non-numeric one. */
export interface OmahaDayStart {
  readonly elapsedSeconds?: string;
}

/** One `<app>` of a response. */
export interface OmahaAppResponse {
  readonly appId?: string;
  /** See `AppStatus` and `NebraskaAppStatus`. */
  readonly status?: string;
  /** `<ping status="ok">`, answering a ping. */
  readonly ping?: OmahaStatusAnswer;
  readonly updateCheck?: OmahaUpdateCheckResponse;
  /** One `<event status="ok">` per event of the request. */
  readonly events: readonly OmahaStatusAnswer[];
}

/** An element that only carries a `status` (the answers to ping and event). */
export interface OmahaStatusAnswer {
  readonly status?: string;
}

/** `<updatecheck>` of a response. */
export interface OmahaUpdateCheckResponse {
  /** See `UpdateStatus`: update_engine accepts "ok" and "noupdate" only. */
  readonly status?: string;
  /** `PollInterval` in seconds; update_engine reads it, no server we know sends it. */
  readonly pollInterval?: number;
  /** The `codebase` of each `<urls><url>`: a base URL that the package name is appended to. */
  readonly urls: readonly string[];
  /** One manifest; several only for syncers that said `multi_manifest_ok` (floors first, then the target). */
  readonly manifests: readonly OmahaManifest[];
}

/** `<manifest>`: the version offered, its packages and its actions. */
export interface OmahaManifest {
  readonly version?: string;
  /** Nebraska's multi-step updates: this version must be installed on the way to the target. */
  readonly isFloor?: boolean;
  readonly floorReason?: string;
  readonly isTarget?: boolean;
  readonly packages: readonly OmahaPackage[];
  readonly actions: readonly OmahaAction[];
}

/** `<package>`: a downloadable file; update_engine takes the first one only. */
export interface OmahaPackage {
  readonly name?: string;
  /** `hash`: base64 SHA-1 of the file (update_engine does not check it; it checks the action's sha256). */
  readonly hash?: string;
  /** `hash_sha256`: hex SHA-256 of the file (Nebraska keeps it in a varchar(64) and its syncer compares it as hex). */
  readonly hashSha256?: string;
  /** Bytes; update_engine refuses a response whose first package has no positive size. */
  readonly size?: number;
  readonly required?: boolean;
}

/** `<action>`: update_engine reads the one with `event="postinstall"`, where its own attributes live. */
export interface OmahaAction {
  readonly event?: string;
  readonly displayVersion?: string;
  /** Base64 SHA-256 of the payload: the hash update_engine verifies the download against. */
  readonly sha256?: string;
  readonly needsAdmin?: boolean;
  readonly isDeltaPayload?: boolean;
  /** Tells update_engine not to back off between failed downloads. */
  readonly disablePayloadBackoff?: boolean;
  /** Failures to tolerate per URL before trying the next (update_engine's default: 10). */
  readonly maxFailureCountPerUrl?: number;
  readonly metadataSignatureRsa?: string;
  readonly metadataSize?: string;
  readonly deadline?: string;
  readonly moreInfo?: string;
  readonly prompt?: boolean;
}
