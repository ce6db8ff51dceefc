import type { InvalidField } from '../errors.js';

/** Labels with a meaning of their own, as matchbox reserves them; a group naming one of these names machines. */
export const IDENTITY_LABELS: readonly string[] = ['mac', 'uuid', 'serial', 'hostname'];

/** Most labels a machine may send, longest label name and value: the query of a boot request is small. */
export const LABEL_LIMITS = { count: 64, key: 64, value: 1024 } as const;

/** Selector keys are template variables too, so they are names a template can write: `{{.rack}}`. */
const SELECTOR_KEY = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * A MAC address as Go's net.ParseMAC reads it (6, 8 or 20 octets as `aa:bb:..`, `aa-bb-..` or `aabb.ccdd.eeff`),
 * and also as bare hex digits (`5254008a1c0e`, as some BMCs print it); written lower-case with colons, as matchbox
 * writes it. Undefined when it is not a MAC address.
 */
export function normalizeMac(text: string): string | undefined {
  const value = text.trim();
  let octets: string[] | undefined;
  if (/^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2})*$/.test(value)) {
    octets = value.split(/[:-]/);
  } else if (/^[0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4})*$/.test(value)) {
    octets = value.split('.').flatMap((group) => [group.slice(0, 2), group.slice(2)]);
  } else if (/^[0-9A-Fa-f]+$/.test(value) && value.length % 2 === 0) {
    octets = value.match(/../g) ?? [];
  }
  if (!octets || ![6, 8, 20].includes(octets.length)) return undefined;
  return octets.join(':').toLowerCase();
}

/** The labels a request describes a machine by, or why they cannot be read. */
export interface MachineLabels {
  readonly labels: Readonly<Record<string, string>>;
  readonly errors: readonly InvalidField[];
}

/**
 * Reads a boot request's query as matchbox does (`mac`, `uuid`, `hostname`, `serial` and any other label), with
 * label names lower-cased, the first of repeated labels kept, empty ones dropped (iPXE sends `hostname=` when it has
 * none), the MAC address normalised and UUID and hostname lower-cased. Unlike matchbox, an unreadable MAC address is
 * an error rather than silently ignored, which would have matched the machine to a default group.
 */
export function machineLabels(query: URLSearchParams): MachineLabels {
  const labels: Record<string, string> = {};
  const errors: InvalidField[] = [];
  let count = 0;
  for (const [rawKey, rawValue] of query) {
    count += 1;
    if (count > LABEL_LIMITS.count) {
      errors.push({ path: rawKey.slice(0, LABEL_LIMITS.key), message: `More than ${LABEL_LIMITS.count} labels` });
      break;
    }
    const key = rawKey.toLowerCase();
    if (key.length > LABEL_LIMITS.key) {
      errors.push({
        path: key.slice(0, LABEL_LIMITS.key),
        message: `Label names are at most ${LABEL_LIMITS.key} characters`,
      });
      continue;
    }
    if (rawValue.length > LABEL_LIMITS.value) {
      errors.push({ path: key, message: `Longer than ${LABEL_LIMITS.value} characters` });
      continue;
    }
    if (rawValue === '' || Object.hasOwn(labels, key)) continue;
    const value = normalizeLabel(key, rawValue);
    if (value === undefined) {
      errors.push({ path: key, message: `Not a MAC address: "${rawValue}" (expected e.g. 52:54:00:89:d8:10)` });
      continue;
    }
    labels[key] = value;
  }
  return { labels, errors };
}

function normalizeLabel(key: string, value: string): string | undefined {
  if (key === 'mac') return normalizeMac(value);
  if (key === 'uuid' || key === 'hostname') return value.trim().toLowerCase();
  return value;
}

/**
 * Checks and normalises a group's selector: names a template can write, non-empty single-line values, a MAC address
 * written as machines will send it. `request` is refused: templates see the request under that name.
 */
export function normalizeSelector(
  selector: Readonly<Record<string, unknown>>,
  path = 'selector',
): { selector: Record<string, string>; errors: InvalidField[] } {
  const out: Record<string, string> = {};
  const errors: InvalidField[] = [];
  const entries = Object.entries(selector);
  if (entries.length > 32) errors.push({ path, message: 'At most 32 labels' });
  for (const [key, value] of entries.slice(0, 32)) {
    const at = `${path}.${key}`;
    if (!SELECTOR_KEY.test(key)) {
      errors.push({
        path: at,
        message: 'Label names are lower-case letters, digits and underscores, starting with a letter (at most 64)',
      });
      continue;
    }
    if (key === 'request') {
      errors.push({ path: at, message: '"request" is reserved: templates see the boot request under that name' });
      continue;
    }
    if (typeof value !== 'string') {
      errors.push({ path: at, message: 'Expected a string' });
      continue;
    }
    if (value === '' || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
      errors.push({ path: at, message: 'Must be 1 to 256 characters on one line' });
      continue;
    }
    const normalized = normalizeLabel(key, value);
    if (normalized === undefined) {
      errors.push({ path: at, message: `Not a MAC address: "${value}" (expected e.g. 52:54:00:89:d8:10)` });
      continue;
    }
    out[key] = normalized;
  }
  return { selector: out, errors };
}
