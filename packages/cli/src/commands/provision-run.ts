import { resolve } from 'node:path';
import { ProvisionError, runFirstBoot } from '@ballast/provision';
import type { Io } from '../io.js';
import { parseCommand } from './command-common.js';

const usage = `Usage: ballast provision run [options]

Flatcar's first-boot entry point. When the root holds /boot/flatcar/first_boot, finds the Ignition config where
Flatcar looks for it, applies it, and removes the flag after success; otherwise does nothing. The config comes
from, in order: --config FILE; ignition.config.url= on the kernel command line (<root>/proc/cmdline; http,
https, data and oem:/// URLs); QEMU's fw_cfg entry opt/org.flatcar-linux/config
(<root>/sys/firmware/qemu_fw_cfg/by_name/.../raw); --user-data-url. With none, an empty config is applied.

Options:
  -r, --root DIR             the root to provision (default /)
  -c, --config FILE          use this config file
      --user-data-url URL    a cloud metadata service's user-data URL, tried last
      --cmdline FILE         read the kernel command line from FILE instead of <root>/proc/cmdline
  -v, --verbose              print each operation on stderr
  -h, --help                 show usage and exit

Exit status: 0 when provisioned or not a first boot, 1 on failure (the flag stays), 2 on a usage error.
`;

/** `ballast provision run`: Flatcar's first-boot provisioning. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, {
    usage,
    io,
    allowPositionals: false,
    options: {
      root: { type: 'string', short: 'r' },
      config: { type: 'string', short: 'c' },
      'user-data-url': { type: 'string' },
      cmdline: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  const root = resolve(values.root ?? '/');
  const log = values.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
  try {
    const outcome = await runFirstBoot({
      root,
      ...(values.config !== undefined ? { configFile: values.config } : {}),
      ...(values['user-data-url'] !== undefined ? { userDataUrl: values['user-data-url'] } : {}),
      ...(values.cmdline !== undefined ? { cmdlineFile: values.cmdline } : {}),
      ...(log ? { log } : {}),
    });
    if (!outcome.applied) io.stdout.write(`${root}: not a first boot, nothing to do\n`);
    else io.stdout.write(`provisioned ${root} from ${outcome.source ?? 'an empty config (none provided)'}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    io.stderr.write(`ballast provision run: ${error.message} [${error.code}]\n`);
    return 1;
  }
}
