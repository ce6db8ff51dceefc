import { decodeUtf8AsGo, encodeGoJsonString, type GoJsonValue, goFoldKey, parseGoJson } from './go-json.js';
import { LockError } from './lock-error.js';

/**
 * locksmith's reboot semaphore. `holders` is `null` where locksmith's Go slice is nil (a freshly initialised
 * semaphore), so that writing it back gives the same bytes locksmith would write.
 */
export interface Semaphore {
  /** How many more holders may take the lock; locksmith trusts this counter, not `max - holders.length`. */
  readonly semaphore: number;
  readonly max: number;
  /** Machine ids holding the lock, in byte order as locksmith keeps them. */
  readonly holders: readonly string[] | null;
}

/** The key of the default group's semaphore. */
export const SEMAPHORE_KEY = 'coreos.com/updateengine/rebootlock/semaphore';

const KEY_PREFIX = 'coreos.com/updateengine/rebootlock';

// Go's url.QueryEscape: everything but ALPHA / DIGIT / - _ . ~ is escaped, and a space becomes '+'.
function queryEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The etcd key of a group's semaphore, as locksmith names it; the empty group is the default key. */
export function semaphoreKey(group = ''): string {
  if (group === '') return SEMAPHORE_KEY;
  // locksmith joins with path.Join, which cleans the path. An escaped group never holds a '/', so only the groups
  // "." and ".." are cleaned away; ".." lands on the default key, as it does in locksmith.
  const escaped = queryEscape(group);
  if (escaped === '.') return `${KEY_PREFIX}/groups/semaphore`;
  if (escaped === '..') return SEMAPHORE_KEY;
  return `${KEY_PREFIX}/groups/${escaped}/semaphore`;
}

/** The semaphore locksmith creates when the key does not exist yet: one slot, free. */
export function newSemaphore(): Semaphore {
  return { semaphore: 1, max: 1, holders: null };
}

/** The JSON locksmith writes for a semaphore, byte for byte (Go's json.Marshal of its struct). */
export function formatSemaphore(sem: Semaphore): string {
  const holders = sem.holders === null ? 'null' : `[${sem.holders.map(encodeGoJsonString).join(',')}]`;
  return `{"semaphore":${sem.semaphore},"max":${sem.max},"holders":${holders}}`;
}

function describe(value: GoJsonValue): string {
  return value.kind === 'bool' ? 'bool' : value.kind;
}

// Go's json.Unmarshal into an int: only an integer literal within 64 bits, no fraction and no exponent.
function goInt(value: GoJsonValue, field: string): number | undefined {
  if (value.kind === 'null') return undefined;
  if (value.kind !== 'number') throw new Error(`cannot unmarshal ${describe(value)} into field ${field} of type int`);
  if (!/^-?\d+$/.test(value.literal)) throw new Error(`cannot unmarshal number ${value.literal} into field ${field}`);
  const n = BigInt(value.literal);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    // Go would accept up to 64 bits; no real semaphore comes near either limit.
    throw new Error(`number ${value.literal} of field ${field} is out of range`);
  }
  return Number(n);
}

function goStrings(value: GoJsonValue): string[] | null | undefined {
  if (value.kind === 'null') return null;
  if (value.kind !== 'array')
    throw new Error(`cannot unmarshal ${describe(value)} into field holders of type []string`);
  return value.items.map((item) => {
    // Go leaves a null element at the zero value, the empty string.
    if (item.kind === 'null') return '';
    if (item.kind !== 'string') throw new Error(`cannot unmarshal ${describe(item)} into field holders of type string`);
    return item.value;
  });
}

/**
 * Reads a semaphore value as locksmith does (Go's json.Unmarshal into its struct: unknown fields ignored, names
 * matched without regard to case, missing fields zero). Throws `LOCK_VALUE_INVALID` naming `where`.
 */
export function parseSemaphore(bytes: Uint8Array | string, where = 'semaphore'): Semaphore {
  const raw = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let semaphore = 0;
  let max = 0;
  let holders: string[] | null = null;
  try {
    const doc = parseGoJson(raw);
    if (doc.kind === 'null') return { semaphore, max, holders };
    if (doc.kind !== 'object') throw new Error(`cannot unmarshal ${describe(doc)} into a semaphore`);
    for (const [key, value] of doc.entries) {
      switch (goFoldKey(key)) {
        case 'semaphore':
          semaphore = goInt(value, 'semaphore') ?? semaphore;
          break;
        case 'max':
          max = goInt(value, 'max') ?? max;
          break;
        case 'holders': {
          const list = goStrings(value);
          if (list !== undefined) holders = list;
          break;
        }
      }
    }
  } catch (error) {
    const shown = decodeUtf8AsGo(raw.subarray(0, 200));
    throw new LockError(
      'LOCK_VALUE_INVALID',
      `${where} holds no valid semaphore (${(error as Error).message}): ${shown}`,
    );
  }
  return { semaphore, max, holders };
}

// Go's sort.SearchStrings compares UTF-8 bytes; JavaScript's < compares UTF-16 units, which orders some
// characters differently.
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Where locksmith would insert `holder`: the first index whose id is not below it (a binary search). */
function searchHolders(holders: readonly string[], holder: string): number {
  let lo = 0;
  let hi = holders.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byteCompare(holders[mid]!, holder) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The outcome of taking the lock in a semaphore: the new value to write, or why not. */
export type LockOutcome =
  | { readonly ok: true; readonly next: Semaphore }
  | { readonly ok: false; readonly reason: 'held' | 'full' };

/**
 * Adds `holder` as locksmith's Semaphore.Lock does: refused while no slot is left, holders kept in byte order.
 * A holder already in the list gets `held`, which callers treat as success.
 */
export function lockSemaphore(sem: Semaphore, holder: string): LockOutcome {
  const holders = sem.holders ?? [];
  // Checked before the counter: locksmith answers "semaphore is at 0" to a holder re-locking a full lock, which
  // made its daemon retry a lock it already had.
  if (holders.includes(holder)) return { ok: false, reason: 'held' };
  if (sem.semaphore <= 0) return { ok: false, reason: 'full' };
  const at = searchHolders(holders, holder);
  const next = [...holders.slice(0, at), holder, ...holders.slice(at)];
  return { ok: true, next: { semaphore: sem.semaphore - 1, max: sem.max, holders: next } };
}

/** Removes `holder` as locksmith's Semaphore.Unlock does; `undefined` when it does not hold the lock. */
export function unlockSemaphore(sem: Semaphore, holder: string): Semaphore | undefined {
  const holders = sem.holders ?? [];
  const at = holders.indexOf(holder);
  if (at < 0) return undefined;
  // Go's append(s[:i], s[i+1:]...) leaves an empty, non-nil slice: `[]`, never `null`.
  return { semaphore: sem.semaphore + 1, max: sem.max, holders: [...holders.slice(0, at), ...holders.slice(at + 1)] };
}

/** Changes the maximum as locksmith's SetMax does: the free count moves by the same amount; holders stay. */
export function setSemaphoreMax(sem: Semaphore, max: number): Semaphore {
  const diff = sem.max - max;
  return { semaphore: sem.semaphore - diff, max, holders: sem.holders };
}
