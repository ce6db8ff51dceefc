import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apply, ProvisionError, parseConfigText } from '@ballast/provision';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast provision apply --root DIR [options] CONFIG

Applies an Ignition config (spec 3.0.0 to 3.4.0) to the root directory DIR as Ignition's files stage does:
groups and users, files, directories and links, systemd units and presets, referenced configs merged or
replacing it, and /etc/.ignition-result.json. Every resource is fetched and verified before the first write, and
every path stays inside DIR whatever links DIR or the config hold. CONFIG \`-\` is standard input.

Options:
  -r, --root DIR   the root to provision (required)
  -v, --verbose    print each operation on stderr
  -h, --help       show usage and exit

Exit status: 0 when the config was applied, 1 when it was not (the message names the config entry), 2 on a usage
error.
`;

/** `ballast provision apply`: applies an Ignition config to a root directory. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    options: { root: { type: 'string', short: 'r' }, verbose: { type: 'boolean', short: 'v' } },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.root === undefined) throw new UsageError('--root DIR is required');
  if (positionals.length !== 1) throw new UsageError('expected exactly one CONFIG file');
  const file = positionals[0] as string;
  let text: string;
  try {
    text = file === '-' ? io.readStdin().toString('utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    io.stderr.write(`ballast provision apply: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const root = resolve(values.root);
  const log = values.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
  try {
    const config = parseConfigText(text, file === '-' ? '<stdin>' : file);
    await apply(config, { root, ...(log ? { log } : {}) });
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    io.stderr.write(`ballast provision apply: ${error.message} [${error.code}]\n`);
    return 1;
  }
  io.stdout.write(`provisioned ${root} from ${file === '-' ? 'standard input' : file}\n`);
  return 0;
}
