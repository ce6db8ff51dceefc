/**
 * Reads a `KEY=VALUE` file (update.conf, the release file, os-release) exactly as update_engine does: every line
 * that has an `=` counts, split at the first one; nothing is trimmed; a value wrapped in one pair of matching double
 * or single quotes loses them; a later line wins over an earlier one with the same key. Comments are not special,
 * so `#KEY=1` defines the key `#KEY`.
 */
export function parseKeyValue(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0) continue;
    let value = line.slice(at + 1);
    if (
      value.length >= 2 &&
      ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))
    ) {
      value = value.slice(1, -1);
    }
    values.set(line.slice(0, at), value);
  }
  return values;
}
