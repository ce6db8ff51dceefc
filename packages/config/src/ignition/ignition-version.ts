import type { GoTypeNames } from '../schema/decode-json.js';
import type { GoStruct } from '../schema/model.js';
import { type Config3_0, Ignition3_0 } from './ignition3-0.js';
import { type Config3_1, Ignition3_1 } from './ignition3-1.js';
import { type Config3_2, Ignition3_2 } from './ignition3-2.js';
import { type Config3_3, Ignition3_3 } from './ignition3-3.js';
import { type Config3_4, Ignition3_4 } from './ignition3-4.js';

/** The Ignition spec versions we parse, validate, merge and upgrade. */
export const IGNITION_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'] as const;

/** One Ignition spec version, e.g. `'3.3.0'`. */
export type IgnitionVersion = (typeof IGNITION_VERSIONS)[number];

/** The decoded config type of each spec version. */
export interface IgnitionConfigs {
  '3.0.0': Config3_0;
  '3.1.0': Config3_1;
  '3.2.0': Config3_2;
  '3.3.0': Config3_3;
  '3.4.0': Config3_4;
}

/** A decoded config of any supported spec version. */
export type AnyIgnitionConfig = IgnitionConfigs[IgnitionVersion];

/** The Go type model of each spec version's root `Config` struct. */
export const IGNITION_SPECS: { readonly [V in IgnitionVersion]: GoStruct } = {
  '3.0.0': Ignition3_0,
  '3.1.0': Ignition3_1,
  '3.2.0': Ignition3_2,
  '3.3.0': Ignition3_3,
  '3.4.0': Ignition3_4,
};

/**
 * How encoding/json names Ignition's types in its messages: structs are in package `types`, and some lists hold
 * named string types (`type Device string`) that the model keeps as plain strings.
 */
export const IGNITION_TYPE_NAMES: GoTypeNames = {
  pkg: 'types',
  namedStrings: {
    'Raid.devices': 'Device',
    'Raid.options': 'RaidOption',
    'Filesystem.options': 'FilesystemOption',
    'Filesystem.mountOptions': 'MountOption',
    'PasswdUser.groups': 'Group',
    'PasswdUser.sshAuthorizedKeys': 'SSHAuthorizedKey',
    'Proxy.noProxy': 'NoProxyItem',
    'KernelArguments.shouldExist': 'KernelArgument',
    'KernelArguments.shouldNotExist': 'KernelArgument',
    'Luks.options': 'LuksOption',
    'Luks.openOptions': 'OpenOption',
  },
};

/** True for a string that names a supported spec version. */
export function isIgnitionVersion(value: string): value is IgnitionVersion {
  return (IGNITION_VERSIONS as readonly string[]).includes(value);
}

/** A version as github.com/coreos/go-semver parses it (the parser Ignition uses). */
export interface Semver {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly preRelease: string;
  readonly metadata: string;
}

const IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits only, within int64.
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > INT64_MAX || value < INT64_MIN ? undefined : value;
}

function splitOff(input: string, delimiter: string): [rest: string, value: string] {
  const at = input.indexOf(delimiter);
  return at < 0 ? [input, ''] : [input.slice(0, at), input.slice(at + 1)];
}

/**
 * Parses a version the way go-semver's NewVersion does, which is looser than semver.org: `03.0.0` and `3.0.0-`
 * are 3.0.0. Returns undefined where Ignition reports "invalid config version (couldn't parse)".
 */
export function parseSemver(text: string): Semver | undefined {
  const [withoutMetadata, metadata] = splitOff(text, '+');
  const [core, preRelease] = splitOff(withoutMetadata, '-');
  const parts = splitN(core, '.', 3);
  if (parts.length !== 3) return undefined;
  if (preRelease !== '' && !IDENTIFIER.test(preRelease)) return undefined;
  if (metadata !== '' && !IDENTIFIER.test(metadata)) return undefined;
  const numbers = parts.map(parseInt64);
  const [major, minor, patch] = numbers;
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, preRelease, metadata };
}

// strings.SplitN: at most n parts, the last one keeping the remaining separators.
function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** The supported spec version a parsed version is exactly equal to (pre-release and metadata included), if any. */
export function supportedVersionOf(version: Semver): IgnitionVersion | undefined {
  if (version.preRelease !== '' || version.metadata !== '' || version.major !== 3n || version.patch !== 0n) {
    return undefined;
  }
  const candidate = `3.${version.minor}.0`;
  return isIgnitionVersion(candidate) ? candidate : undefined;
}
