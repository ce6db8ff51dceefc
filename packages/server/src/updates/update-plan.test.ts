import { describe, expect, it } from 'vitest';
import {
  Arch,
  type Channel,
  type Group,
  type Instance,
  InstanceStatus,
  type Package,
  PackageType,
} from '../store/index.js';
import { testGroup } from './group.test-helper.js';
import { Refusal } from './refusal.js';
import { planUpdateCheck } from './update-plan.js';

const pkg = (version: string, blacklist: string[] = []): Package => ({
  id: `pkg-${version}`,
  appId: 'a',
  type: PackageType.Flatcar,
  version,
  arch: Arch.AMD64,
  url: 'https://x/',
  filename: null,
  description: null,
  size: null,
  hash: null,
  hashSha256: null,
  flatcarAction: null,
  extraFiles: [],
  channelsBlacklist: blacklist,
  createdAt: new Date(0),
});

const channel = (target: Package | null, allowDowngrade = false): Channel => ({
  id: 'c',
  appId: 'a',
  name: 'stable',
  color: '',
  arch: Arch.AMD64,
  packageId: target?.id ?? null,
  package: target,
  allowDowngrade,
  createdAt: new Date(0),
});

const group = (c: Channel | null): Group => testGroup({ channelId: c?.id ?? null, channel: c });

const instance = (status: InstanceStatus | null, lastUpdateVersion: string | null = null): Instance => ({
  id: 'm',
  ip: '10.0.0.1',
  alias: '',
  oem: '',
  oemVersion: '',
  alephVersion: '',
  createdAt: new Date(0),
  lastSeenAt: new Date(0),
  application: {
    appId: 'a',
    groupId: 'g',
    version: '1.0.0',
    status,
    createdAt: new Date(0),
    lastCheckForUpdates: new Date(0),
    lastUpdateGrantedAt: null,
    lastUpdateVersion,
    updateInProgress: status === InstanceStatus.UpdateGranted,
  },
});

const v2 = pkg('2.0.0');

describe('planUpdateCheck', () => {
  it.each([InstanceStatus.Downloading, InstanceStatus.Downloaded, InstanceStatus.Installed])(
    'answers "update in progress" in status %i',
    (status) => {
      expect(planUpdateCheck({ instance: instance(status), group: group(channel(v2)), version: '1.0.0' })).toEqual({
        kind: 'refuse',
        reason: Refusal.UpdateInProgress,
      });
    },
  );

  it('answers "no package" without a channel or a package', () => {
    for (const g of [group(null), group(channel(null))]) {
      expect(planUpdateCheck({ instance: instance(null), group: g, version: '1.0.0' })).toEqual({
        kind: 'refuse',
        reason: Refusal.NoPackage,
      });
    }
  });

  it('offers a newer version, in any status that is not an update under way', () => {
    for (const status of [null, InstanceStatus.Undefined, InstanceStatus.Error, InstanceStatus.OnHold]) {
      expect(planUpdateCheck({ instance: instance(status), group: group(channel(v2)), version: '1.0.0' })).toEqual({
        kind: 'offer',
        package: v2,
        downgrade: false,
      });
    }
  });

  it('offers nothing to an instance at or past the version, by semver order', () => {
    for (const version of ['2.0.0', '2.0.1', '10.0.0']) {
      expect(planUpdateCheck({ instance: instance(null), group: group(channel(v2)), version })).toMatchObject({
        kind: 'noupdate',
        complete: false,
      });
    }
    expect(
      planUpdateCheck({ instance: instance(null), group: group(channel(pkg('2.0.0-beta.1'))), version: '2.0.0' }),
    ).toMatchObject({ kind: 'noupdate' });
  });

  it('offers a lower version when the channel allows downgrades', () => {
    expect(planUpdateCheck({ instance: instance(null), group: group(channel(v2, true)), version: '3.0.0' })).toEqual({
      kind: 'offer',
      package: v2,
      downgrade: true,
    });
  });

  it('offers nothing when the package is blacklisted for the channel', () => {
    expect(
      planUpdateCheck({ instance: instance(null), group: group(channel(pkg('2.0.0', ['c']))), version: '1.0.0' }),
    ).toMatchObject({ kind: 'noupdate', complete: false });
  });

  describe('an instance granted an update', () => {
    const granted = instance(InstanceStatus.UpdateGranted, '2.0.0');

    it('gets it again until it runs it', () => {
      expect(planUpdateCheck({ instance: granted, group: group(channel(v2)), version: '1.0.0' })).toEqual({
        kind: 'reoffer',
        package: v2,
      });
    });

    it('completes once it runs the granted version or a later one', () => {
      for (const version of ['2.0.0', '2.1.0']) {
        expect(planUpdateCheck({ instance: granted, group: group(channel(v2)), version })).toMatchObject({
          kind: 'noupdate',
          complete: true,
        });
      }
    });

    it('completes when the package became blacklisted or the grant has no version', () => {
      expect(
        planUpdateCheck({ instance: granted, group: group(channel(pkg('2.0.0', ['c']))), version: '1.0.0' }),
      ).toMatchObject({ kind: 'noupdate', complete: true });
      expect(
        planUpdateCheck({
          instance: instance(InstanceStatus.UpdateGranted, null),
          group: group(channel(v2)),
          version: '1.0.0',
        }),
      ).toMatchObject({ kind: 'noupdate', complete: true });
    });

    it('waits for a granted downgrade to be running, not for a version at or past it', () => {
      const downgrade = { instance: granted, group: group(channel(v2, true)) };
      expect(planUpdateCheck({ ...downgrade, version: '3.0.0' })).toEqual({ kind: 'reoffer', package: v2 });
      expect(planUpdateCheck({ ...downgrade, version: '2.0.0' })).toMatchObject({ kind: 'noupdate', complete: true });
    });
  });
});
