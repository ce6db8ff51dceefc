import type { ExtraFileInput, PackageInput } from './store.js';

// Two encodings of a SHA-256 meet in a package, as in Nebraska and the Omaha protocol:
// - the postinstall action's `sha256` is base64 (44 characters): update_engine base64-encodes the SHA-256 of the
//   payload it downloaded (OmahaHashCalculator) and compares the strings, so any other spelling fails every update
//   after the whole download (kActionCodePayloadHashMismatchError);
// - a package's `hash_sha256` (Omaha's attribute, Nebraska's extra-file `hash256`, a varchar(64)) is hex: Nebraska's
//   syncer checks downloads against it with hex.EncodeToString.
// A value in the other encoding is recognisable beyond doubt (64 hex digits are never a base64 SHA-256, and a
// 44-character base64 of 32 bytes holds characters hex has not), so the store turns it into the right one instead
// of keeping a hash no client can match. Anything else is kept as given, as Nebraska keeps it.

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** A SHA-256 as update_engine compares it (base64); 64 hex digits are converted, anything else kept. */
export function sha256AsBase64(value: string): string {
  const trimmed = value.trim();
  return HEX_SHA256.test(trimmed) ? Buffer.from(trimmed, 'hex').toString('base64') : value;
}

/** A SHA-256 as the Omaha `hash_sha256` attribute carries it (lower-case hex); a base64 SHA-256 is converted. */
export function sha256AsHex(value: string): string {
  const trimmed = value.trim();
  if (HEX_SHA256.test(trimmed)) return trimmed.toLowerCase();
  return BASE64_SHA256.test(trimmed) ? Buffer.from(trimmed, 'base64').toString('hex') : value;
}

/** A package's input with each SHA-256 in the encoding its field is read in. */
export function withCanonicalHashes<T extends Partial<PackageInput>>(input: T): T {
  const hex = (value: string | null | undefined) =>
    value === undefined || value === null ? value : sha256AsHex(value);
  const file = (extra: ExtraFileInput): ExtraFileInput =>
    extra.hash256 === undefined || extra.hash256 === null ? extra : { ...extra, hash256: sha256AsHex(extra.hash256) };
  return {
    ...input,
    ...(input.hashSha256 !== undefined && { hashSha256: hex(input.hashSha256) }),
    ...(input.flatcarAction && {
      flatcarAction: { ...input.flatcarAction, sha256: sha256AsBase64(input.flatcarAction.sha256) },
    }),
    ...(input.extraFiles !== undefined && { extraFiles: input.extraFiles.map(file) }),
  };
}
