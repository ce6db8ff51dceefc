import { readFileSync, writeFileSync } from 'node:fs';
import {
  type AnyIgnitionConfig,
  formatIgnition,
  formatReportLine,
  IGNITION_VERSIONS,
  type IgnitionVersion,
  mergeIgnition,
  parseIgnition,
  upgradeIgnition,
} from '@ballast/config';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast ignition merge [options] PARENT CHILD...

Merges child Ignition configs into a parent, in order, with the semantics Ignition applies to
\`ignition.config.merge\`: lists keyed by path, name or device take the child's entry, other fields are replaced by
the child's when it sets them. Configs of older 3.x specs are first upgraded to the newest spec among the inputs.

Options:
  -o, --output FILE   write to FILE instead of standard output
  -p, --pretty        indent the JSON
  -h, --help          show usage and exit
`;

/** `ballast ignition merge`: parent and children in, one merged config out. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    options: { output: { type: 'string', short: 'o' }, pretty: { type: 'boolean', short: 'p' } },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length < 2) throw new UsageError('name a parent config and at least one child config');

  const configs: { config: AnyIgnitionConfig; version: IgnitionVersion }[] = [];
  for (const file of positionals) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      io.stderr.write(`couldn't read config ${file}: ${(error as Error).message}\n`);
      return 1;
    }
    const result = parseIgnition(source);
    for (const report of result.reports) io.stderr.write(`${file}: ${formatReportLine(report)}\n`);
    if (result.config === undefined || result.version === undefined) {
      io.stderr.write(`${file}: couldn't parse config: ${result.error ?? 'config is not valid'}\n`);
      return 1;
    }
    configs.push({ config: result.config, version: result.version });
  }

  const target = IGNITION_VERSIONS[Math.max(...configs.map((c) => IGNITION_VERSIONS.indexOf(c.version)))]!;
  const [parent, ...children] = configs.map((c) => upgradeIgnition(c.config, c.version, target));
  const merged = children.reduce((acc, child) => mergeIgnition(acc, child, target), parent!);
  const json = formatIgnition(merged, target, { pretty: values.pretty === true });
  if (values.output === undefined) {
    io.stdout.write(json);
    return 0;
  }
  try {
    writeFileSync(values.output, json);
  } catch (error) {
    io.stderr.write(`couldn't write ${values.output}: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
