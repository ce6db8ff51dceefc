import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlockDevice, DiskError, openDisk, slotState } from '@ballast/disk';
import {
  ActionExitCode,
  type ActionExitCodeFlagName,
  encodeErrorCode,
  type OfferedUpdate,
  UpdateEngineEvent,
  type UpdateEngineRequestKind,
  updateEngineErrorEvent,
} from '@ballast/omaha';
import { AgentError, type AgentErrorCode } from './agent-error.js';
import { type Clock, type Random, realSleep, type Sleep, systemClock, unixSeconds } from './clock.js';
import { type AgentConfig, PRODUCTION_SERVER, readAgentConfig } from './config/agent-config.js';
import { awaitHealth, healthProbes } from './health/health-checks.js';
import { msUntilWindow } from './lock/reboot-window.js';
import { requestParams, sendOmaha, verdictOf } from './omaha/omaha-client.js';
import { discardPayload, downloadPayload, readBackDigest } from './payload/download-payload.js';
import { PartitionTarget } from './payload/partition-target.js';
import { fetchSignature, readPublicKey, verifyPayloadSignature } from './payload/payload-signature.js';
import { commandReboot, type RebootAction } from './reboot/reboot-action.js';
import type { RebootLock } from './reboot/reboot-lock.js';
import { type CheckOutcome, firstCheck, followingCheck } from './schedule/check-schedule.js';
import { diskOfPartition, requireBootedPartUuid, type SlotPair, slotPair } from './slots/booted-slot.js';
import {
  disableSlot,
  makeSlotFirst,
  makeSlotGood,
  makeSlotNext,
  partitionBytes,
  readTable,
  slotOf,
} from './slots/slot-table.js';
import { type AgentState, type InstallProgress, type PendingBoot, VERSION_ZERO } from './state/agent-state.js';
import { acquireProcessLock, type ProcessLock } from './state/process-lock.js';
import { readState, STATE_DIR, writeState } from './state/state-file.js';

/** How an agent is set up: the node's root, its disk, and what tests replace (time, randomness, reboots). */
export interface AgentOptions {
  /** The node's root directory; every file the agent reads or writes is below it. `/` on a node. */
  readonly root: string;
  /** The disk holding the USR slots; by default the disk of the booted /usr partition. */
  readonly disk?: string;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly sleep?: Sleep;
  /** How to reboot; by default the configured REBOOT_COMMAND (`systemctl reboot`). */
  readonly reboot?: RebootAction;
  /** The fleet lock of the `etcd-lock` strategy. */
  readonly lock?: RebootLock;
  /** Never reboot; say instead that a reboot is needed. */
  readonly noReboot?: boolean;
  readonly log?: (line: string) => void;
  /** `uname -m` to report. */
  readonly machine?: string;
  /** The systemctl program the unit health check runs. */
  readonly systemctl?: string;
  /** Overrides DOWNLOAD_CHECKPOINT. */
  readonly checkpointBytes?: number;
  /** Consecutive failed transfers per payload URL before the next URL (default 3). */
  readonly attemptsPerUrl?: number;
}

/** What the after-boot step found and did. */
export type BootOutcome =
  /** No update to judge; the booted slot is good. */
  | { readonly kind: 'idle' }
  /** An update is installed and waits for its reboot. */
  | { readonly kind: 'waiting-reboot'; readonly version: string }
  /** The update's boot passed its health checks: its slot is marked good. */
  | { readonly kind: 'kept'; readonly version: string }
  /** A boot on trial without an update of ours (a slot prioritised by hand) passed and is marked good. */
  | { readonly kind: 'marked-good'; readonly version: string }
  /** The boot failed its health checks: its slot is marked bad and the node reboots into the other. */
  | { readonly kind: 'rolling-back'; readonly version: string; readonly problems: readonly string[] }
  /** Back on the previous slot after a rollback. */
  | { readonly kind: 'rolled-back'; readonly version: string }
  /** The boot loader fell back to the previous slot by itself: the update's boot never came up. */
  | { readonly kind: 'fell-back'; readonly version: string }
  /** The boot failed its health checks and no other slot is known good: nothing was changed. */
  | { readonly kind: 'unhealthy'; readonly problems: readonly string[] };

/** What one update check did. */
export interface CheckReport {
  readonly kind: 'ping' | 'noupdate' | 'updated' | 'refused' | 'failed' | 'skipped';
  /** What the scheduler needs to place the next check. */
  readonly outcome: CheckOutcome;
  /** The version offered, when one was. */
  readonly version?: string;
  /** update_engine's error code (with flags) reported for a failure. */
  readonly code?: number;
  readonly error?: string;
}

/** What the reboot step did. */
export type RebootReport =
  | { readonly kind: 'not-needed' }
  | { readonly kind: 'off' }
  | { readonly kind: 'window'; readonly waitMs: number }
  | { readonly kind: 'lock-busy'; readonly error?: string }
  | { readonly kind: 'suppressed' }
  | { readonly kind: 'rebooted' };

/** What a manual rollback did. */
export type RollbackReport =
  /** An installed update that had not been booted was cancelled: its slot is unbootable again. */
  | { readonly kind: 'cancelled'; readonly version: string }
  /** The other slot is first; the node boots it at the next reboot (now, unless told not to). */
  | { readonly kind: 'rolled-back'; readonly partition: number; readonly rebooted: boolean };

/** One pass of `ballast agent run --once`. */
export interface RunOnceReport {
  readonly boot: BootOutcome;
  readonly check?: CheckReport;
  readonly reboot?: RebootReport;
}

interface NodeContext {
  readonly config: AgentConfig;
  readonly device: BlockDevice;
  readonly bootedGuid: string;
}

// The checks a payload can fail: such a payload is destroyed, never resumed; any other failure (the network, the
// disk, the key) leaves the download to resume from its last checkpoint.
const REJECTIONS = new Set<AgentErrorCode>([
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_SIZE_MISMATCH',
  'PAYLOAD_HASH_MISMATCH',
  'PAYLOAD_SIGNATURE_MISSING',
  'PAYLOAD_SIGNATURE_INVALID',
  'PAYLOAD_READBACK_MISMATCH',
]);

// update_engine's fields for no update under way.
const IDLE = { status: 'UPDATE_STATUS_IDLE', newVersion: VERSION_ZERO, newSize: 0, progress: 0 } as const;

const LOCK_RETRY_START_MS = 5_000;
const LOCK_RETRY_MAX_MS = 5 * 60_000;

/**
 * The node agent: what update_engine, flatcar-postinst, flatcar-setgoodroot and locksmithd do on a Flatcar node,
 * in one process. Every decision is recorded in one state file, written atomically, so a crash at any moment is
 * picked up where it happened.
 */
export class Agent {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly sleep: Sleep;
  private readonly log: (line: string) => void;
  private checkRequested = false;
  private wake: AbortController | undefined;

  constructor(private readonly options: AgentOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? realSleep;
    this.log = options.log ?? (() => undefined);
  }

  /** The state file below the root. */
  get statePath(): string {
    return join(this.options.root, STATE_DIR, 'state.json');
  }

  /** Makes this process the only agent on the node until `release`; `AGENT_BUSY` when another one runs. */
  lockProcess(): Promise<ProcessLock> {
    return acquireProcessLock(join(this.options.root, STATE_DIR, 'agent.pid'));
  }

  /** Reads the node's configuration. */
  config(): Promise<AgentConfig> {
    return readAgentConfig(this.options.root, this.options.machine ? { machine: this.options.machine } : {});
  }

  /** The agent's recorded state. */
  state(): Promise<AgentState> {
    return readState(this.statePath);
  }

  private save(state: AgentState): Promise<void> {
    return writeState(this.statePath, state);
  }

  private async withNode<T>(body: (node: NodeContext) => Promise<T>): Promise<T> {
    const config = await this.config();
    const bootedGuid = requireBootedPartUuid(config.cmdline);
    const path = this.options.disk ?? (await diskOfPartition(this.options.root, bootedGuid));
    const device = await openDisk(path, { writable: true });
    try {
      return await body({ config, device, bootedGuid });
    } finally {
      await device.close();
    }
  }

  private slots(node: NodeContext): Promise<SlotPair> {
    return readTable(node.device).then((table) => slotPair(table, node.bootedGuid));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // After a boot: keep the update or roll back.

  /**
   * Judges the boot, as flatcar-setgoodroot does but gated on health: a boot of a freshly installed update (or any
   * boot on trial) runs the health checks; healthy marks its slot good and releases the reboot lock, unhealthy
   * marks it bad and reboots into the previous slot. Runs before any update check.
   */
  async afterBoot(signal?: AbortSignal): Promise<BootOutcome> {
    return this.withNode(async (node) => {
      const { config } = node;
      let state = await this.state();
      const pending = state.pending;
      const waiting = awaitingReboot(pending, config.bootId);
      if (waiting) return { kind: 'waiting-reboot', version: waiting.toVersion };
      if (state.status === 'UPDATE_STATUS_UPDATED_NEED_REBOOT') {
        // The reboot happened (update_engine's marker in /run is gone after one).
        state = { ...state, ...IDLE };
      }
      const { booted, other } = await this.slots(node);

      if (pending?.rollingBack) {
        if (booted.number === pending.fromPartition) {
          state = this.settled(state, booted.number, config.version);
          await this.save(state);
          await this.releaseLock(config);
          this.log(`Rolled back to ${config.version} on partition ${booted.number}`);
          return { kind: 'rolled-back', version: config.version };
        }
        if (pending.rollbackBootId === config.bootId) {
          await this.save(state);
          await this.rebootNow(config, `rolling back from ${pending.toVersion}`);
          return { kind: 'rolling-back', version: pending.toVersion, problems: [] };
        }
      } else if (pending && booted.number === pending.toPartition) {
        return this.judge(node, state, pending, signal);
      } else if (pending && booted.number === pending.fromPartition) {
        state = this.settled({ ...state, refusedHashes: refuse(state, pending.hash) }, booted.number, config.version);
        await this.save(state);
        await this.releaseLock(config);
        this.log(`The boot loader fell back to ${config.version}: ${pending.toVersion} did not boot`);
        return { kind: 'fell-back', version: config.version };
      }

      if (!slotState(booted.attributes).successful) {
        // A boot on trial that is not ours (a slot prioritised by hand): judge it the same way.
        const trial: PendingBoot = {
          fromVersion: state.slotVersions[other.number] ?? '',
          toVersion: config.version,
          fromPartition: other.number,
          toPartition: booted.number,
          toGuid: booted.guid,
          hash: '',
          installBootId: '',
        };
        return this.judge(node, state, trial, signal);
      }
      state = this.settled(state, booted.number, config.version);
      await this.save(state);
      // locksmithd gives back a lock this machine still holds whenever it starts.
      await this.releaseLock(config);
      return { kind: 'idle' };
    });
  }

  private settled(state: AgentState, partition: number, version: string): AgentState {
    const { pending: _, ...rest } = state;
    return { ...rest, slotVersions: { ...state.slotVersions, [partition]: version } };
  }

  private async judge(
    node: NodeContext,
    start: AgentState,
    pending: PendingBoot,
    signal: AbortSignal | undefined,
  ): Promise<BootOutcome> {
    const { config, device } = node;
    const startedAt = pending.healthStartedAt ?? unixSeconds(this.clock);
    let state: AgentState = { ...start, pending: { ...pending, healthStartedAt: startedAt } };
    await this.save(state);
    const probes = healthProbes(config.health, this.options.systemctl ? { systemctl: this.options.systemctl } : {});
    this.log(`Checking the health of ${config.version}: ${probes.map((p) => p.name).join('; ') || 'no checks'}`);
    const verdict = await awaitHealth(probes, {
      deadlineMs: config.health.deadlineMs,
      intervalMs: config.health.intervalMs,
      clock: this.clock,
      sleep: this.sleep,
      startedAt: new Date(startedAt * 1000),
      log: this.log,
      ...(signal ? { signal } : {}),
    });
    if (verdict.healthy) {
      await makeSlotGood(device, pending.toPartition);
      state = this.settled(state, pending.toPartition, config.version);
      await this.save(state);
      await this.releaseLock(config);
      this.log(`${config.version} is healthy; partition ${pending.toPartition} is marked good`);
      return pending.installBootId === ''
        ? { kind: 'marked-good', version: config.version }
        : { kind: 'kept', version: config.version };
    }
    const table = await readTable(device);
    if (!slotOf(table, pending.fromPartition).successful) {
      this.log(`${config.version} is unhealthy, but partition ${pending.fromPartition} never booted well: staying`);
      return { kind: 'unhealthy', problems: verdict.problems };
    }
    await disableSlot(device, pending.toPartition);
    await makeSlotFirst(device, pending.fromPartition);
    state = {
      ...state,
      status: 'UPDATE_STATUS_IDLE',
      // After the reboot the old version runs again, equal to this: the next check reports the rollback (44).
      ...(pending.fromVersion !== '' ? { previousVersion: pending.fromVersion } : {}),
      refusedHashes: refuse(state, pending.hash),
      pending: { ...pending, healthStartedAt: startedAt, rollingBack: true, rollbackBootId: config.bootId },
      lastError: {
        code: ActionExitCode.RollbackError,
        message: `Health checks failed: ${verdict.problems.join('; ')}`,
        at: unixSeconds(this.clock),
      },
    };
    await this.save(state);
    this.log(`${config.version} is unhealthy (${verdict.problems.join('; ')}); rolling back`);
    await this.rebootNow(config, `health checks of ${config.version} failed`);
    return { kind: 'rolling-back', version: config.version, problems: verdict.problems };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Update checks and installs.

  /**
   * One update check as update_engine makes it, and when an update is offered the whole download, verification
   * and installation into the other slot. While an installed update waits for its reboot, only pings.
   */
  async checkForUpdate(options: { readonly interactive?: boolean } = {}): Promise<CheckReport> {
    return this.withNode(async (node) => {
      const { config } = node;
      let state = await this.state();
      if (state.alephVersion === undefined) state = { ...state, alephVersion: config.version };
      const params = requestParams(config, {
        alephVersion: state.alephVersion,
        interactive: options.interactive ?? false,
      });
      const idle: CheckOutcome = { pollInterval: 0, serverFailed: false };
      const pending = state.pending;
      const { booted } = await this.slots(node);
      if (pending || !slotState(booted.attributes).successful) {
        // Waiting for a reboot, or running a slot not yet judged good (the other may be the only good one):
        // update_engine then only pings, so the server keeps counting the node as alive.
        await this.save(state);
        const ping = await sendOmaha(config, params, { kind: 'ping' });
        const reason = pending ? `an update to ${pending.toVersion} is installed` : 'the booted slot is on trial';
        this.log(`Pinged the update server (HTTP ${ping.httpStatus ?? 'none'}): ${reason}`);
        return { kind: pending ? 'ping' : 'skipped', outcome: idle };
      }

      state = { ...state, status: 'UPDATE_STATUS_CHECKING_FOR_UPDATE' };
      await this.save(state);
      const exchange = await sendOmaha(config, params, {
        kind: 'updatecheck',
        previousVersion: state.previousVersion,
      });
      // update_engine empties previous-version once it has put it into a request; the agent waits for an answer,
      // so a report lost to a network failure is sent again.
      if (exchange.httpStatus !== undefined) state = { ...state, previousVersion: '' };
      const verdict = verdictOf(exchange);
      const serverFailed = exchange.httpStatus === undefined || exchange.httpStatus >= 500;
      if (verdict.kind === 'error') {
        const reason = exchange.error ?? verdict.reason;
        const code = await this.reportError(config, state, verdict.code, false);
        state = this.failed(state, code, `Update check failed: ${reason}`);
        await this.save(state);
        this.log(`Update check failed (code ${verdict.code}): ${reason}`);
        return { kind: 'failed', outcome: { pollInterval: 0, serverFailed }, code, error: reason };
      }
      state = { ...state, lastCheckedTime: unixSeconds(this.clock) };
      const outcome: CheckOutcome = { pollInterval: verdict.pollInterval, serverFailed: false };
      if (verdict.kind === 'noupdate') {
        state = { ...state, status: 'UPDATE_STATUS_IDLE' };
        await this.save(state);
        return { kind: 'noupdate', outcome };
      }
      if (state.refusedHashes.includes(verdict.hash)) {
        state = { ...state, status: 'UPDATE_STATUS_IDLE' };
        await this.save(state);
        this.log(`Not installing ${verdict.displayVersion} again: its boot failed on this node`);
        return { kind: 'refused', outcome, version: verdict.displayVersion };
      }
      return this.install(node, state, verdict, outcome);
    });
  }

  private async install(
    node: NodeContext,
    start: AgentState,
    offer: OfferedUpdate,
    outcome: CheckOutcome,
  ): Promise<CheckReport> {
    const { config, device } = node;
    const table = await readTable(device);
    const { booted, other } = slotPair(table, node.bootedGuid);
    const bytes = partitionBytes(table, other);
    const target = new PartitionTarget(
      device,
      bytes.offset,
      bytes.length,
      `partition ${other.number} (${other.label})`,
    );
    let progress = startOrResume(start.install, offer, other);
    let state: AgentState = {
      ...start,
      status: 'UPDATE_STATUS_UPDATE_AVAILABLE',
      newVersion: offer.displayVersion,
      newSize: offer.size,
      install: progress,
    };
    const save = async (patch: Partial<AgentState>) => {
      state = { ...state, ...patch, install: progress };
      await this.save(state);
    };
    try {
      // Nothing may boot a slot while it is being written: it is unbootable before its first byte changes.
      await disableSlot(device, other.number);
      await save({});
      this.log(
        `Installing ${offer.displayVersion} (${offer.size} bytes) into ${target.name}` +
          (progress.resumed ? `, resuming at ${progress.written} bytes (${progress.phase})` : ''),
      );
      const key = await this.publicKey(config);
      await this.event(config, state, UpdateEngineEvent.DownloadStarted);
      if (progress.phase === 'download') {
        await save({ status: 'UPDATE_STATUS_DOWNLOADING', progress: progress.written / offer.size });
        const result = await downloadPayload({
          target,
          offer: { urls: offer.payloadUrls, size: offer.size, hash: offer.hash },
          written: progress.written,
          checkpointBytes: this.options.checkpointBytes ?? config.checkpointBytes,
          ...(this.options.attemptsPerUrl !== undefined ? { attemptsPerUrl: this.options.attemptsPerUrl } : {}),
          checkpoint: async (written) => {
            progress = { ...progress, written };
            await save({ progress: written / offer.size });
          },
          // update_engine tells its clients at every 1%: so does the state file (the recorded position stays
          // the last durable checkpoint).
          progress: async (received) => {
            const share = received / offer.size;
            if (share - state.progress >= 0.01) await save({ progress: share });
          },
        });
        const signature = key ? await this.checkSignature(offer.payloadUrls, result.digest, key) : undefined;
        progress = {
          ...progress,
          written: offer.size,
          phase: 'verify',
          ...(signature !== undefined ? { signature } : {}),
        };
        await save({ progress: 0 });
        await this.event(config, state, UpdateEngineEvent.DownloadFinished);
      }
      if (progress.phase === 'verify') {
        await save({ status: 'UPDATE_STATUS_VERIFYING' });
        await verifyWritten(target, progress, key);
        progress = { ...progress, phase: 'finalize' };
        await save({});
      }
      await save({ status: 'UPDATE_STATUS_FINALIZING' });
      await makeSlotNext(device, other.number);
      const { install: _, ...rest } = state;
      state = {
        ...rest,
        status: 'UPDATE_STATUS_UPDATED_NEED_REBOOT',
        progress: 0,
        previousVersion: config.version,
        pending: {
          fromVersion: config.version,
          toVersion: offer.displayVersion,
          fromPartition: booted.number,
          toPartition: other.number,
          toGuid: other.guid,
          hash: offer.hash,
          installBootId: config.bootId,
        },
        slotVersions: { ...state.slotVersions, [other.number]: offer.displayVersion },
      };
      await this.save(state);
      await this.event(config, state, UpdateEngineEvent.Installed);
      this.log(`${offer.displayVersion} is installed in ${target.name}; it boots after the next reboot`);
      return { kind: 'updated', outcome, version: offer.displayVersion };
    } catch (error) {
      const failure = asAgentError(error);
      const rejected = REJECTIONS.has(failure.code);
      if (rejected && progress.written > 0) {
        // A payload that failed a check is never installed and never resumed: destroy what is in the slot.
        await discardPayload(target, progress.written).catch((e) => this.log(`Discarding: ${(e as Error).message}`));
      }
      const { install: _, ...rest } = state;
      state = rejected ? rest : { ...state, install: progress };
      const code = await this.reportError(config, state, failure.exitCode ?? ActionExitCode.Error, progress.resumed);
      state = this.failed(state, code, failure.message);
      await this.save(state);
      this.log(`Installing ${offer.displayVersion} failed (code ${failure.exitCode}): ${failure.message}`);
      return { kind: 'failed', outcome, version: offer.displayVersion, code, error: failure.message };
    }
  }

  private async publicKey(config: AgentConfig): Promise<KeyObject | undefined> {
    if (config.allowUnsigned) return undefined;
    const path = join(config.root, config.publicKeyPath);
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (error) {
      throw new AgentError(
        'PUBLIC_KEY_INVALID',
        `No payload public key at ${path} (${(error as Error).message}); set PAYLOAD_PUBLIC_KEY`,
        ActionExitCode.DownloadPayloadPubKeyVerificationError,
      );
    }
    try {
      return readPublicKey(pem, path);
    } catch (error) {
      throw new AgentError(
        'PUBLIC_KEY_INVALID',
        (error as Error).message,
        ActionExitCode.DownloadPayloadPubKeyVerificationError,
      );
    }
  }

  private async checkSignature(urls: readonly string[], digest: Buffer, key: KeyObject): Promise<string> {
    const signature = (await fetchSignature(urls)).trim();
    if (!verifyPayloadSignature(digest, signature, key)) {
      throw new AgentError(
        'PAYLOAD_SIGNATURE_INVALID',
        'The payload signature does not verify with the configured public key',
        ActionExitCode.DownloadPayloadPubKeyVerificationError,
      );
    }
    return signature;
  }

  private async event(config: AgentConfig, state: AgentState, what: UpdateEngineRequestKind): Promise<void> {
    const params = requestParams(config, { alephVersion: state.alephVersion });
    // Events are best effort, as update_engine's: a server that does not hear one does not stop the update.
    await sendOmaha(config, params, what);
  }

  /** Sends update_engine's error event for `code` with its flags; returns the code as sent. */
  private async reportError(config: AgentConfig, state: AgentState, code: number, resumed: boolean): Promise<number> {
    const flags: ActionExitCodeFlagName[] = [];
    if (resumed) flags.push('Resumed');
    if (config.devMode) flags.push('TestImage');
    if (config.server !== PRODUCTION_SERVER) flags.push('TestOmahaUrl');
    const sent = encodeErrorCode(code, flags);
    await this.save({ ...state, status: 'UPDATE_STATUS_REPORTING_ERROR_EVENT' });
    await this.event(config, state, updateEngineErrorEvent(sent));
    return sent;
  }

  private failed(state: AgentState, code: number, message: string): AgentState {
    return {
      ...state,
      ...IDLE,
      lastError: { code, message, at: unixSeconds(this.clock) },
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rebooting.

  /**
   * Reboots into an installed update when the strategy allows it now: never for `off`; inside the reboot window;
   * for `etcd-lock` only once this machine holds a slot of the fleet lock (locksmithd's behaviour).
   */
  async rebootIfNeeded(): Promise<RebootReport> {
    const config = await this.config();
    const state = await this.state();
    const pending = awaitingReboot(state.pending, config.bootId);
    if (state.status !== 'UPDATE_STATUS_UPDATED_NEED_REBOOT' || !pending) {
      return { kind: 'not-needed' };
    }
    const version = pending.toVersion;
    if (config.rebootStrategy === 'off') {
      this.log(`REBOOT_STRATEGY=off: ${version} boots at the next reboot`);
      return { kind: 'off' };
    }
    const waitMs = config.rebootWindow ? msUntilWindow(config.rebootWindow, this.clock) : 0;
    if (waitMs > 0) {
      this.log(`Rebooting into ${version} when the reboot window opens, in ${Math.ceil(waitMs / 60_000)} min`);
      return { kind: 'window', waitMs };
    }
    if (this.options.noReboot) {
      this.log(`A reboot into ${version} is needed`);
      return { kind: 'suppressed' };
    }
    if (config.rebootStrategy === 'etcd-lock') {
      const lock = this.options.lock;
      if (!lock) throw new AgentError('LOCK_UNAVAILABLE', 'REBOOT_STRATEGY=etcd-lock, but no reboot lock is set up');
      let error: string | undefined;
      try {
        if (await lock.acquire()) error = '';
      } catch (failure) {
        error = (failure as Error).message;
      }
      if (error !== '') {
        this.log(`Not rebooting into ${version} yet: ${error ?? 'every slot of the reboot lock is taken'}`);
        return error === undefined ? { kind: 'lock-busy' } : { kind: 'lock-busy', error };
      }
    }
    await this.rebootNow(config, `update to ${pending.toVersion}`);
    return { kind: 'rebooted' };
  }

  private async rebootNow(config: AgentConfig, reason: string): Promise<void> {
    if (this.options.noReboot) {
      this.log(`A reboot is needed (${reason})`);
      return;
    }
    this.log(`Rebooting: ${reason}`);
    await (this.options.reboot ?? commandReboot(config.rebootCommand))(reason);
  }

  private async releaseLock(config: AgentConfig): Promise<void> {
    if (config.rebootStrategy !== 'etcd-lock' || !this.options.lock) return;
    try {
      await this.options.lock.release();
    } catch (error) {
      this.log(`Releasing the reboot lock failed (retried at the next start): ${(error as Error).message}`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Manual rollback.

  /**
   * Rolls back by hand. An installed update not yet booted is cancelled (its slot unbootable again, as
   * `update_engine_client -reset_status` plus the cgpt command it prints). Otherwise the other slot, if it ever
   * booted well, is put first and the node reboots into it (unless `reboot` is false).
   */
  async rollback(options: { readonly reboot?: boolean } = {}): Promise<RollbackReport> {
    return this.withNode(async (node) => {
      const { config, device } = node;
      let state = await this.state();
      const pending = state.pending;
      const table = await readTable(device);
      const { booted, other } = slotPair(table, node.bootedGuid);
      const waiting = awaitingReboot(pending, config.bootId);
      if (waiting) {
        await disableSlot(device, waiting.toPartition);
        const { pending: _, ...rest } = state;
        await this.save({ ...rest, ...IDLE });
        return { kind: 'cancelled', version: waiting.toVersion };
      }
      if (!slotOf(table, other.number).successful) {
        throw new AgentError(
          'ROLLBACK_UNAVAILABLE',
          `Partition ${other.number} (${other.label}) has never booted successfully; there is nothing to roll back to`,
        );
      }
      if (!slotOf(table, booted.number).successful) await disableSlot(device, booted.number);
      await makeSlotFirst(device, other.number);
      const { pending: _, ...rest } = state;
      const target = state.slotVersions[other.number];
      state = {
        ...rest,
        status: 'UPDATE_STATUS_IDLE',
        ...(target !== undefined ? { previousVersion: target } : {}),
        refusedHashes: pending ? refuse(state, pending.hash) : state.refusedHashes,
      };
      await this.save(state);
      const reboot = options.reboot ?? true;
      if (reboot) await this.rebootNow(config, `rollback to partition ${other.number}`);
      return { kind: 'rolled-back', partition: other.number, rebooted: reboot && !this.options.noReboot };
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Running.

  /** `ballast agent run --once`: judge the boot, check (and install) once, reboot if the strategy says so. */
  async runOnce(options: { readonly interactive?: boolean } = {}): Promise<RunOnceReport> {
    const boot = await this.afterBoot();
    if (boot.kind === 'rolling-back' || boot.kind === 'unhealthy') return { boot };
    const check = await this.checkForUpdate(options);
    const reboot = await this.rebootIfNeeded();
    return { boot, check, reboot };
  }

  /** Asks a running daemon for an update check now (`ballast agent check-now`, SIGUSR1). */
  requestCheck(): void {
    this.checkRequested = true;
    this.wake?.abort();
  }

  /**
   * The daemon: judges the boot, then checks on update_engine's schedule (7 minutes after start, then every 45
   * minutes ± 5, backing off to 4 hours while the server fails, or the server's poll interval), and reboots into
   * installed updates as the strategy, the window and the lock allow. Returns when `signal` aborts.
   */
  async runDaemon(signal: AbortSignal): Promise<void> {
    await this.guard('After boot', () => this.afterBoot(signal), undefined);
    const first = firstCheck(this.random);
    let lastInterval = first.interval;
    let nextCheckAt = this.clock.now().getTime() + first.delay * 1000;
    this.log(`First update check in ${first.delay} s`);
    let lockRetryMs = LOCK_RETRY_START_MS;
    let rebootRequested = false;
    while (!signal.aborted) {
      let wakeAt = nextCheckAt;
      if (!rebootRequested) {
        const reboot = await this.guard('Reboot', () => this.rebootIfNeeded(), { kind: 'not-needed' } as const);
        const now = this.clock.now().getTime();
        if (reboot.kind === 'window') wakeAt = Math.min(wakeAt, now + reboot.waitMs);
        if (reboot.kind === 'lock-busy') {
          wakeAt = Math.min(wakeAt, now + lockRetryMs);
          lockRetryMs = Math.min(lockRetryMs * 2, LOCK_RETRY_MAX_MS);
        }
        if (reboot.kind === 'rebooted') rebootRequested = true;
      }
      if (!this.checkRequested) {
        this.wake = new AbortController();
        const stop = () => this.wake?.abort();
        signal.addEventListener('abort', stop, { once: true });
        await this.sleep(Math.max(0, wakeAt - this.clock.now().getTime()), this.wake.signal);
        signal.removeEventListener('abort', stop);
        this.wake = undefined;
      }
      if (signal.aborted) break;
      const due = this.clock.now().getTime() >= nextCheckAt;
      if (!due && !this.checkRequested) continue;
      const interactive = this.checkRequested && !due;
      this.checkRequested = false;
      const failed: CheckReport = { kind: 'failed', outcome: { pollInterval: 0, serverFailed: false } };
      const report = await this.guard('Update check', () => this.checkForUpdate({ interactive }), failed);
      if (report.kind === 'updated') lockRetryMs = LOCK_RETRY_START_MS;
      if (due) {
        const next = followingCheck(lastInterval, report.outcome, this.random);
        lastInterval = next.interval;
        nextCheckAt = this.clock.now().getTime() + next.delay * 1000;
        this.log(`Next update check in ${next.delay} s`);
      }
    }
  }

  private async guard<T>(what: string, body: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await body();
    } catch (error) {
      this.log(`${what} failed: ${(error as Error).message}`);
      return fallback;
    }
  }
}

/**
 * Where an install of `offer` into the `other` slot starts: where the last one stopped when that was the same payload
 * into the same partition (a resumed install reports its errors with update_engine's Resumed flag), else from byte 0.
 */
function startOrResume(
  previous: InstallProgress | undefined,
  offer: OfferedUpdate,
  other: SlotPair['other'],
): InstallProgress {
  const resumable =
    previous !== undefined &&
    previous.hash === offer.hash &&
    previous.size === offer.size &&
    previous.partition === other.number &&
    previous.partitionGuid === other.guid;
  if (resumable) {
    return {
      ...previous,
      urls: offer.payloadUrls,
      resumed: previous.resumed || previous.written > 0 || previous.phase !== 'download',
    };
  }
  return {
    version: offer.displayVersion,
    hash: offer.hash,
    size: offer.size,
    urls: offer.payloadUrls,
    partition: other.number,
    partitionGuid: other.guid,
    written: 0,
    phase: 'download',
    resumed: false,
  };
}

/**
 * Reads the whole payload back from the slot: its SHA-256 must be the offer's, and with a public key, the signature
 * checked at download must verify over it (so a resumed verify needs no network).
 */
async function verifyWritten(target: PartitionTarget, progress: InstallProgress, key: KeyObject | undefined) {
  const digest = await readBackDigest(target, progress.size);
  if (!digest.equals(Buffer.from(progress.hash, 'base64'))) {
    throw new AgentError(
      'PAYLOAD_READBACK_MISMATCH',
      `${target.name} reads back with SHA-256 ${digest.toString('base64')}, not the ${progress.hash} written`,
      ActionExitCode.NewRootfsVerificationError,
    );
  }
  if (key && (progress.signature === undefined || !verifyPayloadSignature(digest, progress.signature, key))) {
    throw new AgentError(
      'PAYLOAD_SIGNATURE_INVALID',
      `${target.name} holds a payload whose signature does not verify`,
      ActionExitCode.DownloadPayloadPubKeyVerificationError,
    );
  }
}

/** `pending` when it is an update installed during the boot `bootId`, so still waiting for its reboot. */
function awaitingReboot(pending: PendingBoot | undefined, bootId: string): PendingBoot | undefined {
  return pending && !pending.rollingBack && pending.installBootId === bootId ? pending : undefined;
}

function refuse(state: AgentState, hash: string): readonly string[] {
  if (hash === '' || state.refusedHashes.includes(hash)) return state.refusedHashes;
  return [...state.refusedHashes, hash].slice(-16);
}

function asAgentError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  if (error instanceof DiskError) {
    return new AgentError('PAYLOAD_WRITE_FAILED', error.message, ActionExitCode.DownloadWriteError);
  }
  return new AgentError('PAYLOAD_WRITE_FAILED', (error as Error).message ?? String(error), ActionExitCode.Error);
}
