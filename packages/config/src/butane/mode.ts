/**
 * Butane's guess that a mode was written in decimal: `mode: 644` is 0o1204, an odd mode, while reading its digits as
 * octal gives a typical one. Butane warns then; we apply the same judgement.
 */

/** True when `mode` looks like a decimal slip for an octal mode (Butane's `CheckForDecimalMode`). */
export function isDecimalModeSlip(mode: number, directory: boolean): boolean {
  const corrected = decimalDigitsAsOctal(mode);
  if (corrected === undefined) return false;
  return !isTypicalMode(mode, directory) && isTypicalMode(corrected, directory);
}

function decimalDigitsAsOctal(mode: number): number | undefined {
  if (mode < 0 || mode > 7777) return undefined;
  let result = 0;
  for (let divisor = 1000; divisor > 0; divisor = Math.floor(divisor / 10)) {
    const digit = Math.floor(mode / divisor) % 10;
    if (digit > 7) return undefined;
    result = result * 8 + digit;
  }
  return result;
}

function isTypicalMode(mode: number, directory: boolean): boolean {
  // No permissions at all is fine: root ignores mode bits.
  if (mode === 0) return true;
  let hadR = false;
  let hadW = false;
  let hadX = false;
  // other, group, user: a more specific class must have every bit a less specific one has
  for (const perm of [mode & 0o7, (mode >> 3) & 0o7, (mode >> 6) & 0o7]) {
    const r = (perm & 4) !== 0;
    const w = (perm & 2) !== 0;
    const x = (perm & 1) !== 0;
    if ((!r && hadR) || (!w && hadW) || (!x && hadX)) return false;
    if (x && hadR && !hadX) return false;
    if ((w || x) && !r) return false;
    hadR ||= r;
    hadW ||= w;
    hadX ||= x;
  }
  if (!hadR) return false;
  if (directory) {
    if (!hadX) return false;
    if ((mode & 0o4000) !== 0) return false;
    if ((mode & 0o3000) !== 0 && !hadW) return false;
  } else {
    if ((mode & 0o6000) !== 0) {
      if (!hadX) return false;
      if ((mode & 2) !== 0) return false;
    }
    if ((mode & 0o1000) !== 0) return false;
  }
  return true;
}
