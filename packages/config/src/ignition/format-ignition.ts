import { marshalGo } from '../schema/marshal-go.js';
import { type AnyIgnitionConfig, IGNITION_SPECS, type IgnitionVersion } from './ignition-version.js';

/**
 * Encodes a config as Ignition's tools write it (github.com/clarketm/json: Go field order, empty fields left
 * out), compact or indented by two spaces, with the trailing newline the CLI writes after it.
 */
export function formatIgnition(
  config: AnyIgnitionConfig,
  version: IgnitionVersion,
  options: { pretty: boolean },
): string {
  return `${marshalGo(config, IGNITION_SPECS[version], { pretty: options.pretty })}\n`;
}
