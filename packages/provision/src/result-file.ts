import { readFile } from 'node:fs/promises';
import type { ApplyContext } from './context.js';
import { resolveInRoot } from './root-path.js';
import { writeFileAtomic } from './write-file.js';

/** Where Ignition records that it provisioned the root. */
export const RESULT_FILE_PATH = '/etc/.ignition-result.json';

// Go's encoding/json writes map keys in sorted order; the previous report is re-encoded the same way.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Writes `/etc/.ignition-result.json` as Ignition does at the end of the files stage: the boot ID, the time in
 * RFC 3339 (UTC, seconds), that a user config was provided, and the previous report when the root already had one;
 * mode 0600, owned by root. Returns the host path.
 */
export async function writeResultFile(
  context: ApplyContext,
  facts: { readonly bootId: string; readonly userConfigProvided: boolean },
): Promise<string> {
  const path = await resolveInRoot(context.root, RESULT_FILE_PATH);
  const report: Record<string, unknown> = {
    provisioningBootID: facts.bootId,
    provisioningDate: formatDate(context.clock.now()),
    userConfigProvided: facts.userConfigProvided,
  };
  try {
    const previous = await readFile(path, 'utf8');
    try {
      report.previousReport = sortKeys(JSON.parse(previous));
    } catch (error) {
      context.log(`couldn't unmarshal previous report output: ${(error as Error).message}`);
    }
  } catch {
    // No earlier report.
  }
  context.log(`writing file "${path}"`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o600, uid: 0, gid: 0 });
  return path;
}
