import { readFileSync } from 'node:fs';
import { ignitionValidateOutput, parseIgnition } from '@ballast/config';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast ignition validate [options] FILE...

Validates Ignition configs of spec 3.0.0 to 3.4.0 with every rule Ignition applies, and prints each finding as
ignition-validate does (\`error at $.storage.files.0.path, line 1 col 61: path not absolute\`). With several files,
each line starts with the file's name. The file \`-\` is standard input.

Options:
  -s, --strict   fail on warnings too
  -h, --help     show usage and exit

Exit status: 0 when every config is valid, 1 when any is not or cannot be read, 2 on a usage error.
`;

const prefixLines = (text: string, prefix: string) => text.replace(/^(?=.)/gm, prefix);

/** `ballast ignition validate`: ignition-validate for one or more files, with the same findings and messages. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options: { strict: { type: 'boolean', short: 's' } } });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('name at least one config file (or - for standard input)');

  let failed = false;
  for (const file of positionals) {
    const prefix = positionals.length > 1 ? `${file}: ` : '';
    let source: string;
    try {
      source = (file === '-' ? io.readStdin() : readFileSync(file)).toString('utf8');
    } catch (error) {
      io.stderr.write(`${prefix}couldn't read config: ${(error as Error).message}\n`);
      failed = true;
      continue;
    }
    const result = parseIgnition(source);
    const output = ignitionValidateOutput(result);
    io.stdout.write(prefixLines(output.stdout, prefix));
    io.stderr.write(prefixLines(output.stderr, prefix));
    if (output.exitCode !== 0 || (values.strict === true && result.reports.length > 0)) failed = true;
  }
  return failed ? 1 : 0;
}
