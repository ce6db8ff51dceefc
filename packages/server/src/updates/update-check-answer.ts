import type { OmahaAction, OmahaPackage, OmahaUpdateCheckResponse } from '@ballast/omaha';
import { UpdateStatus } from '@ballast/omaha';
import { type Package, PackageType } from '../store/index.js';

/** `<updatecheck status="noupdate">` with Nebraska's empty `<urls>`. */
export const NO_UPDATE: OmahaUpdateCheckResponse = { status: UpdateStatus.NoUpdate, urls: [], manifests: [] };

/** `<updatecheck status="error-internal">`: how Nebraska answers every check it refuses. */
export const UPDATE_INTERNAL_ERROR: OmahaUpdateCheckResponse = {
  status: UpdateStatus.InternalError,
  urls: [],
  manifests: [],
};

// Go's strconv.ParseUint: a size that is no number is logged and left at zero.
function size(text: string | null): number {
  return text !== null && /^\d+$/.test(text) ? Number(text) : 0;
}

function postinstall(pkg: Package): OmahaAction | undefined {
  const action = pkg.flatcarAction;
  if (!action) return undefined;
  // go-omaha writes every attribute but `event` only when it is set (omitempty), in its own order.
  const out: { -readonly [K in keyof OmahaAction]: OmahaAction[K] } = { event: action.event };
  if (action.chromeosVersion !== '') out.displayVersion = action.chromeosVersion;
  if (action.sha256 !== '') out.sha256 = action.sha256;
  if (action.needsAdmin) out.needsAdmin = true;
  if (action.isDelta) out.isDeltaPayload = true;
  if (action.disablePayloadBackoff) out.disablePayloadBackoff = true;
  if (action.metadataSignatureRsa !== '') out.metadataSignatureRsa = action.metadataSignatureRsa;
  if (action.metadataSize !== '') out.metadataSize = action.metadataSize;
  if (action.deadline !== '') out.deadline = action.deadline;
  return out;
}

/**
 * The `<updatecheck status="ok">` offering `pkg`, as Nebraska's `prepareUpdateCheck` writes it: the package URL as
 * the one codebase, a manifest with the payload (name, SHA-1, size, required) and the package's extra files, and for
 * Flatcar packages the postinstall action carrying the payload's SHA-256 that update_engine checks. Undefined when a
 * Flatcar package has no action: Nebraska then answers `error-internal` rather than an update update_engine cannot
 * verify.
 */
export function updateCheckFor(pkg: Package): OmahaUpdateCheckResponse | undefined {
  const packages: OmahaPackage[] = [
    { name: pkg.filename ?? '', hash: pkg.hash ?? '', size: size(pkg.size), required: true },
  ];
  for (const file of pkg.extraFiles) {
    const extra: { -readonly [K in keyof OmahaPackage]: OmahaPackage[K] } = { name: file.name, hash: '' };
    if (file.hash !== null) {
      extra.hash = file.hash;
      if (file.hash256) extra.hashSha256 = file.hash256;
    }
    extra.size = size(file.size === '' ? null : file.size);
    extra.required = false;
    packages.push(extra);
  }
  const actions: OmahaAction[] = [];
  if (pkg.type === PackageType.Flatcar) {
    const action = postinstall(pkg);
    if (!action) return undefined;
    actions.push(action);
  }
  return {
    status: UpdateStatus.Ok,
    urls: [pkg.url],
    manifests: [{ version: pkg.version, packages, actions }],
  };
}
