import { readFileSync, writeFileSync } from 'node:fs';
import { formatReportRaw, formatReports, translateButane } from '@ballast/config';
import { fsFilesDir } from '../fs-files-dir.js';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast butane [options] [input-file]

Translates a Butane config (variant flatcar, version 1.0.0 or 1.1.0) into an Ignition config, exactly as Butane
does. Reads standard input when no file is given.

Options:
  -c, --check              check config without producing output
      --color string       control color output: "auto", "always", or "never" (default "auto")
  -d, --files-dir string   allow embedding local files from this directory
  -h, --help               show usage and exit
  -o, --output string      write to output file instead of stdout
  -p, --pretty             output formatted json
      --raw-errors         show raw errors, rather than pretty printing them
  -s, --strict             fail on any warning
  -V, --version            print the version and exit
`;

const options = {
  check: { type: 'boolean', short: 'c' },
  color: { type: 'string' },
  'files-dir': { type: 'string', short: 'd' },
  output: { type: 'string', short: 'o' },
  pretty: { type: 'boolean', short: 'p' },
  'raw-errors': { type: 'boolean' },
  strict: { type: 'boolean', short: 's' },
  version: { type: 'boolean', short: 'V' },
} as const;

function wantsColor(flag: string | undefined): boolean {
  switch (flag ?? 'auto') {
    case 'always':
    case 'yes':
      return true;
    case 'never':
    case 'no':
      return false;
    case 'auto':
      return process.env.NO_COLOR === undefined && process.stderr.isTTY === true;
    default:
      throw new UsageError(`--color must be "auto", "always" or "never", not "${flag}"`);
  }
}

/** `ballast butane`: Butane's command line, flag for flag, with Butane's output and exit codes. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { usage, io, options });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout.write('ballast butane 0.1.0 (Butane variant flatcar 1.0.0, 1.1.0)\n');
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr.write(usage);
    return 2;
  }
  const color = wantsColor(values.color);
  const file = positionals[0];
  const filename = file ?? '<stdin>';
  let source: string;
  try {
    source = (file === undefined ? io.readStdin() : readFileSync(file)).toString('utf8');
  } catch (error) {
    io.stderr.write(`failed to read ${filename}: ${(error as Error).message}\n`);
    return 1;
  }

  const filesDir = values['files-dir'];
  const result = translateButane(source, {
    pretty: values.pretty === true,
    strict: values.strict === true,
    ...(filesDir === undefined ? {} : { filesDir: fsFilesDir(filesDir) }),
  });
  if (result.reports.length > 0) {
    io.stderr.write(
      values['raw-errors']
        ? result.reports.map((r) => `${formatReportRaw(r)}\n`).join('')
        : formatReports(result.reports, source, { filename, color }),
    );
  }
  if (result.json === undefined) {
    io.stderr.write(`${result.error ?? 'Error translating config'}\n`);
    return 1;
  }
  if (values.check) return 0;
  if (values.output === undefined) {
    io.stdout.write(result.json);
    return 0;
  }
  try {
    writeFileSync(values.output, result.json, { mode: 0o644 });
  } catch (error) {
    io.stderr.write(`failed to open ${values.output}: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
