import { type Config3_4, mergeIgnition, parseIgnition } from '@ballast/config';
import { type ApplyContext, fetchSettingsOf, requestOf, toLatest } from './context.js';
import { ProvisionError } from './provision-error.js';

// Ignition follows references without a limit; a config that names itself would never finish.
const MAX_DEPTH = 10;

/**
 * Follows `ignition.config.replace` and `ignition.config.merge` as Ignition's engine does (renderConfig): a replace
 * reference swaps the whole config for the referenced one, which is rendered in turn; each merge reference is
 * fetched, rendered, and merged into the config in order. References are fetched with the referring config's
 * timeouts and proxies, and their hashes checked.
 */
export async function renderConfig(config: Config3_4, context: ApplyContext, level = 0): Promise<Config3_4> {
  if (level > MAX_DEPTH) {
    throw new ProvisionError(
      'CONFIG_INVALID',
      `more than ${MAX_DEPTH} levels of referenced configs`,
      'ignition.config',
    );
  }
  const settings = fetchSettingsOf(config, context);
  const replace = config.ignition.config.replace;
  if (replace.source !== undefined) {
    const child = await fetchConfig(requestOf(replace), 'ignition.config.replace', { context, settings });
    return renderConfig(child, context, level + 1);
  }
  let merged = config;
  for (const [index, reference] of config.ignition.config.merge.entries()) {
    const where = `ignition.config.merge.${index}`;
    const child = await fetchConfig(requestOf(reference), where, { context, settings });
    merged = mergeIgnition(merged, await renderConfig(child, context, level + 1), '3.4.0');
  }
  return merged;
}

async function fetchConfig(
  request: ReturnType<typeof requestOf>,
  where: string,
  using: { context: ApplyContext; settings: ReturnType<typeof fetchSettingsOf> },
): Promise<Config3_4> {
  let bytes: Uint8Array;
  try {
    bytes = await using.context.fetch(request, using.settings);
  } catch (error) {
    throw error instanceof ProvisionError ? error.at(where) : error;
  }
  using.context.log(`fetched referenced config at ${where}`);
  return parseConfigText(new TextDecoder().decode(bytes), where);
}

/** Parses and validates a config text, translated to spec 3.4.0; invalid configs answer CONFIG_INVALID. */
export function parseConfigText(text: string, where?: string): Config3_4 {
  const parsed = parseIgnition(text);
  const errors = parsed.reports.filter((r) => r.severity === 'error');
  if (parsed.config === undefined || errors.length > 0) {
    const detail = errors.map((r) => (r.path.length > 0 ? `${r.path.join('.')}: ${r.message}` : r.message));
    const reason = [parsed.error ?? 'config is not valid', ...detail].join('; ');
    throw new ProvisionError('CONFIG_INVALID', reason, where);
  }
  return toLatest(parsed.config);
}
