import { compareVersions, type Group, type Instance, InstanceStatus, type Package } from '../store/index.js';
import { Refusal } from './refusal.js';

/** What an update check comes to before the rollout policies are asked. */
export type UpdatePlan =
  | { readonly kind: 'refuse'; readonly reason: typeof Refusal.UpdateInProgress | typeof Refusal.NoPackage }
  /** No update; `complete` marks the instance's granted update as complete first (it reached the version). */
  | { readonly kind: 'noupdate'; readonly complete: boolean; readonly why: string }
  /** The instance was granted an update it has not installed yet: offer it again, without counting a new grant. */
  | { readonly kind: 'reoffer'; readonly package: Package }
  /** A new update, subject to the rollout policies. */
  | { readonly kind: 'offer'; readonly package: Package; readonly downgrade: boolean };

/** The instance, its group and the version it runs now. */
export interface UpdatePlanInput {
  /** The instance as registered by this check. */
  readonly instance: Instance;
  readonly group: Group;
  /** The version the instance reports. */
  readonly version: string;
}

/**
 * Nebraska's `GetUpdatePackage` up to the policy check: an instance between download and reboot gets no answer
 * but "update in progress"; a group without a package gets "no package"; an instance already granted an update
 * gets it again until it runs that version (then the grant completes); an instance at or past the channel's
 * version gets no update, unless the channel allows downgrades (Ballast's addition), which offers a lower version
 * to an instance running a higher one.
 */
export function planUpdateCheck(input: UpdatePlanInput): UpdatePlan {
  const { instance, group, version } = input;
  const app = instance.application;
  if (
    app.status === InstanceStatus.Downloading ||
    app.status === InstanceStatus.Downloaded ||
    app.status === InstanceStatus.Installed
  ) {
    return { kind: 'refuse', reason: Refusal.UpdateInProgress };
  }
  const channel = group.channel;
  const target = channel?.package;
  if (!channel || !target) return { kind: 'refuse', reason: Refusal.NoPackage };
  const blacklisted = target.channelsBlacklist.includes(channel.id);

  if (app.status === InstanceStatus.UpdateGranted) {
    if (blacklisted) return { kind: 'noupdate', complete: true, why: 'the granted package is blacklisted' };
    const granted = app.lastUpdateVersion;
    // Old rows without the granted version: Nebraska completes them to force a fresh grant cycle.
    if (granted === null || granted === '') return { kind: 'noupdate', complete: true, why: 'no granted version' };
    const order = compareVersions(version, granted);
    const downgradeGrant =
      channel.allowDowngrade && target.version === granted && compareVersions(granted, version) < 0;
    if (order === 0 || (order > 0 && !downgradeGrant)) {
      return { kind: 'noupdate', complete: true, why: `reached the granted ${granted}` };
    }
    return { kind: 'reoffer', package: target };
  }

  const order = compareVersions(version, target.version);
  const downgrade = order > 0 && channel.allowDowngrade;
  if (order >= 0 && !downgrade) return { kind: 'noupdate', complete: false, why: `runs ${version}` };
  if (blacklisted) return { kind: 'noupdate', complete: false, why: 'the package is blacklisted for the channel' };
  return { kind: 'offer', package: target, downgrade };
}
