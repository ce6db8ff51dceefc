import type { OmahaAppRequest, OmahaOs } from '@ballast/omaha';
import { Arch } from '../store/index.js';

// Nebraska's archStringData: its own name, the Omaha `os@arch` name and the CoreOS board name of each architecture.
const BOARD: Readonly<Record<string, Arch>> = { 'amd64-usr': Arch.AMD64, 'arm64-usr': Arch.AArch64 };
const OMAHA: Readonly<Record<string, Arch>> = { x64: Arch.AMD64, arm: Arch.AArch64, x86: Arch.X86 };
const OWN: Readonly<Record<string, Arch>> = { all: Arch.All, amd64: Arch.AMD64, aarch64: Arch.AArch64, x86: Arch.X86 };

function lookup(table: Readonly<Record<string, Arch>>, key: string | undefined): Arch | undefined {
  return key !== undefined && key !== '' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * The architecture of a request as Nebraska's `getArch` works it out: the app's `board` (`amd64-usr`, `arm64-usr`,
 * what update_engine sends), else `os@arch` by its Omaha name (`x64`, `arm`, `x86`) or Nebraska's own (`amd64`,
 * `aarch64`), else amd64.
 */
export function requestArch(os: OmahaOs | undefined, app: OmahaAppRequest): Arch {
  return lookup(BOARD, app.board) ?? lookup(OMAHA, os?.arch) ?? lookup(OWN, os?.arch) ?? Arch.AMD64;
}

/**
 * Group ids that CoreOS hard-coded as `GROUP` values and that old machines still send as their track; Nebraska
 * maps them to the track names.
 */
export const COREOS_GROUP_TRACKS: Readonly<Record<string, string>> = {
  '5b810680-e36a-4879-b98a-4f989e80b899': 'alpha',
  '3fe10490-dd73-4b49-b72a-28ac19acfcdc': 'beta',
  '9a2deb70-37be-4026-853f-bfdd6b347bbe': 'stable',
  '72834a2b-ad86-4d6d-b498-e08a19ebe54e': 'edge',
  'e641708d-fb48-4260-8bdf-ba2074a1147a': 'alpha',
  'd112ec01-ba34-4a9e-9d4b-9814a685f266': 'beta',
  '11a585f6-9418-4df0-8863-78b2fd3240f8': 'stable',
  'b4b2fa22-c1ea-498c-a8ac-c1dc0b1d7c17': 'edge',
};

/** The track to look a group up by: the request's track, with CoreOS's hard-coded group ids turned into names. */
export function requestTrack(app: OmahaAppRequest): string {
  const track = app.track ?? '';
  return Object.hasOwn(COREOS_GROUP_TRACKS, track) ? COREOS_GROUP_TRACKS[track]! : track;
}

/**
 * An application id or product id as Nebraska's `GetAppID` compares it: trimmed, without surrounding braces,
 * lower-case (update_engine sends `{e96281a6-...}`, Go clients the bare id).
 */
export function normalizeAppId(text: string): string {
  let id = text.trim();
  if (id.length > 2 && id.startsWith('{') && id.endsWith('}')) id = id.slice(1, -1).trim();
  return id.toLowerCase();
}
