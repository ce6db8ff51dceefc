import { writeFileSync } from 'node:fs';
import { butaneJsonSchema } from '@ballast/config';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast config schema [--version 1.0.0|1.1.0] [-o FILE]

Prints the JSON Schema of a Butane config (variant flatcar) for editors. With the YAML language server (VS Code's
YAML extension, Neovim, ...), start a Butane file with

  # yaml-language-server: $schema=butane-flatcar-1.1.0.json

to get completion, documentation on hover, and unknown keys underlined as you type.

Options:
      --version V     the Butane spec version: 1.0.0 or 1.1.0 (default 1.1.0)
  -o, --output FILE   write to FILE instead of standard output
  -h, --help          show usage and exit
`;

/** `ballast config schema`: the JSON Schema of a Butane version, generated from the same spec data as the translator. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    allowPositionals: false,
    options: { version: { type: 'string' }, output: { type: 'string', short: 'o' } },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  const version = values.version ?? '1.1.0';
  if (version !== '1.0.0' && version !== '1.1.0') {
    throw new UsageError(`--version must be 1.0.0 or 1.1.0, not ${version}`);
  }
  const text = `${JSON.stringify(butaneJsonSchema(version), null, 2)}\n`;
  if (values.output === undefined) {
    io.stdout.write(text);
  } else {
    writeFileSync(values.output, text);
  }
  return 0;
}
