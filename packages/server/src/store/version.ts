// Versions are semantic versions (Flatcar's are `3815.2.0`); Nebraska refuses anything else and so do we.

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether `version` is a semantic version (semver 2.0.0). */
export function isValidVersion(version: string): boolean {
  return SEMVER.test(version);
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return Math.sign(Number(a) - Number(b));
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two versions by semver precedence (negative, zero, positive). Text that is not a version sorts before any
 * version, so a bad row never hides a good one.
 */
export function compareVersions(a: string, b: string): number {
  // The usual case of an update check: the instance runs the channel's version.
  if (a === b) return 0;
  const left = SEMVER.exec(a);
  const right = SEMVER.exec(b);
  if (!left || !right) return left ? 1 : right ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const difference = Math.sign(Number(left[i]) - Number(right[i]));
    if (difference !== 0) return difference;
  }
  const leftPre = left[4];
  const rightPre = right[4];
  if (leftPre === undefined || rightPre === undefined) {
    return leftPre === rightPre ? 0 : leftPre === undefined ? 1 : -1;
  }
  const leftParts = leftPre.split('.');
  const rightParts = rightPre.split('.');
  for (let i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
    const l = leftParts[i];
    const r = rightParts[i];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const difference = compareIdentifiers(l, r);
    if (difference !== 0) return difference;
  }
  return 0;
}
