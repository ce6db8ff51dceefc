import type { MachineProfileJson } from '@ballast/server';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import {
  connectionHelp,
  connectionOptions,
  parseCommandArgs,
  readArgumentFile,
  runResourceCommand,
} from './provision-common.js';

const usage = `Usage: ballast provision profile list [options]
       ballast provision profile show ID [options]
       ballast provision profile put ID --config FILE [--format butane|ignition] [--name NAME]
                                       [--kernel URL --initrd URL... --arg ARG...] [options]
       ballast provision profile put ID --file PROFILE.json [options]
       ballast provision profile delete ID [options]

Machine profiles of the Ballast server, as matchbox keeps them: a Butane (or Ignition) template that machines
fetch from GET /ignition, rendered with their group's metadata, and the kernel and initrd they network boot with
from GET /ipxe. put creates the profile or replaces it.

Options:
      --config FILE    the template: Butane YAML, or Ignition JSON (*.ign, *.ignition, *.json)
      --format FORMAT  butane or ignition (default: from the file name, else butane)
      --name NAME      a name for people (default: the id)
      --kernel URL     kernel to network boot, e.g. .../flatcar_production_pxe.vmlinuz
      --initrd URL     an initramfs, e.g. .../flatcar_production_pxe_image.cpio.gz (repeat for more)
      --arg ARG        a kernel argument, e.g. console=ttyS0 (repeat for more)
      --file FILE      the whole profile as the API's JSON ({"config": ..., "boot": {...}})
${connectionHelp}

Exit status: 0 ok, 1 when the server refused (each bad field is named), 2 on a usage error.
`;

function formatOf(path: string): 'butane' | 'ignition' {
  return /\.(ign|ignition|json)$/i.test(path) ? 'ignition' : 'butane';
}

function printProfile(profile: MachineProfileJson, io: Io): void {
  io.stdout.write(`id:      ${profile.id}\nname:    ${profile.name}\nformat:  ${profile.config_format}\n`);
  if (profile.boot) {
    io.stdout.write(`kernel:  ${profile.boot.kernel}\n`);
    for (const initrd of profile.boot.initrd) io.stdout.write(`initrd:  ${initrd}\n`);
    if (profile.boot.args.length > 0) io.stdout.write(`args:    ${profile.boot.args.join(' ')}\n`);
  } else {
    io.stdout.write('boot:    none (not network booted)\n');
  }
  io.stdout.write(`updated: ${profile.updated_ts}\n\n${profile.config}${profile.config.endsWith('\n') ? '' : '\n'}`);
}

/** `ballast provision profile list|show|put|delete`: machine profiles through the server's REST API. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...connectionOptions,
    config: { type: 'string' },
    format: { type: 'string' },
    name: { type: 'string' },
    kernel: { type: 'string' },
    initrd: { type: 'string', multiple: true },
    arg: { type: 'string', multiple: true },
    file: { type: 'string', short: 'f' },
  });
  return runResourceCommand(
    { values, positionals, io },
    {
      name: 'profile',
      usage,
      api: (client) => ({
        list: () => client.listProfiles(),
        get: (id) => client.getProfile(id),
        put: (id, body) => client.putProfile(id, body),
        delete: (id) => client.deleteProfile(id),
      }),
      columns: ['ID', 'FORMAT', 'BOOT', 'NAME'],
      row: (p: MachineProfileJson) => [p.id, p.config_format, p.boot ? 'ipxe' : '-', p.name],
      print: printProfile,
      inFile: { names: '--config and --kernel', given: values.config !== undefined || values.kernel !== undefined },
      body: () => {
        if (values.config === undefined)
          throw new UsageError('profile put needs --config FILE (or --file PROFILE.json)');
        const format = values.format ?? formatOf(values.config);
        if (format !== 'butane' && format !== 'ignition') throw new UsageError('--format is butane or ignition');
        if (values.kernel === undefined && (values.initrd !== undefined || values.arg !== undefined)) {
          throw new UsageError('--initrd and --arg need --kernel');
        }
        return {
          config: readArgumentFile(values.config, 'config'),
          config_format: format,
          ...(values.name !== undefined && { name: values.name }),
          boot:
            values.kernel === undefined
              ? null
              : { kernel: values.kernel, initrd: values.initrd ?? [], args: values.arg ?? [] },
        };
      },
    },
  );
}
