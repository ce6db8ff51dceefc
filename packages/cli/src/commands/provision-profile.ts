import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type MachineProfileJson, ProvisioningApiError, ProvisioningClient } from '@ballast/server';
import type { Io } from '../io.js';
import { type ArgOptions, type ArgValues, UsageError } from '../usage-error.js';

/** The server a provisioning command talks to when neither `--server` nor `BALLAST_SERVER` says. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** Options every `ballast provision profile|group` command takes. */
export const connectionOptions = {
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The `--server`/`--token` help lines. */
export const connectionHelp = `  -s, --server URL   the Ballast server (default $BALLAST_SERVER or ${DEFAULT_SERVER})
      --token TOKEN  an API token, admin to change things (default $BALLAST_TOKEN)
      --json         print JSON
  -h, --help         show usage and exit`;

/** A client for the server the options and environment name. */
export function clientOf(values: { readonly server?: string | undefined; readonly token?: string | undefined }) {
  return new ProvisioningClient({
    url: values.server ?? process.env.BALLAST_SERVER ?? DEFAULT_SERVER,
    token: values.token ?? process.env.BALLAST_TOKEN,
  });
}

/** Parses arguments, turning node's errors into usage errors. */
export function parseCommandArgs<const O extends ArgOptions>(
  args: readonly string[],
  options: O,
): { values: ArgValues<O>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options });
    return { values: values as unknown as ArgValues<O>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs a verb, printing a server's error answer (with each field it named) and returning exit status 1. */
export async function reportingApiErrors(command: string, io: Io, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ProvisioningApiError)) throw error;
    io.stderr.write(`ballast ${command}: ${error.message}${error.status > 0 ? ` [${error.code}]` : ''}\n`);
    for (const field of error.fields) io.stderr.write(`  ${field.path || '(body)'}: ${field.message}\n`);
    return 1;
  }
}

/** Reads a file named on the command line, or fails with its name. */
export function readArgumentFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/** Reads `--x FILE` holding a JSON object. */
export function readJsonFile(path: string, what: string): Record<string, unknown> {
  const text = readArgumentFile(path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${what} ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Formats rows as aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]!.length))) ?? [];
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

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

function printProfile(io: Io, profile: MachineProfileJson, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return;
  }
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
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === 'help') {
    io.stdout.write(usage);
    return values.help || verb === 'help' ? 0 : 2;
  }
  const client = clientOf(values);
  const json = values.json === true;
  const oneId = () => {
    if (rest.length !== 1) throw new UsageError(`profile ${verb} takes one profile id`);
    return rest[0]!;
  };
  return reportingApiErrors(`provision profile ${verb}`, io, async () => {
    switch (verb) {
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const profiles = await client.listProfiles();
        if (json) io.stdout.write(`${JSON.stringify(profiles, null, 2)}\n`);
        else if (profiles.length === 0)
          io.stderr.write('No machine profiles yet; add one with `ballast provision profile put`\n');
        else
          io.stdout.write(
            `${table([
              ['ID', 'FORMAT', 'BOOT', 'NAME'],
              ...profiles.map((p) => [p.id, p.config_format, p.boot ? 'ipxe' : '-', p.name]),
            ])}\n`,
          );
        return 0;
      }
      case 'show':
        printProfile(io, await client.getProfile(oneId()), json);
        return 0;
      case 'put': {
        const id = oneId();
        let body: Record<string, unknown>;
        if (values.file !== undefined) {
          if (values.config !== undefined || values.kernel !== undefined) {
            throw new UsageError('--file holds the whole profile; give --config and --kernel in it instead');
          }
          body = readJsonFile(values.file, 'profile');
        } else {
          if (values.config === undefined)
            throw new UsageError('profile put needs --config FILE (or --file PROFILE.json)');
          const format = values.format ?? formatOf(values.config);
          if (format !== 'butane' && format !== 'ignition') throw new UsageError('--format is butane or ignition');
          if (values.kernel === undefined && (values.initrd !== undefined || values.arg !== undefined)) {
            throw new UsageError('--initrd and --arg need --kernel');
          }
          body = {
            config: readArgumentFile(values.config, 'config'),
            config_format: format,
            ...(values.name !== undefined && { name: values.name }),
            boot:
              values.kernel === undefined
                ? null
                : { kernel: values.kernel, initrd: values.initrd ?? [], args: values.arg ?? [] },
          };
        }
        const saved = await client.putProfile(id, body);
        if (json) io.stdout.write(`${JSON.stringify(saved.profile, null, 2)}\n`);
        else io.stdout.write(`${saved.created ? 'Created' : 'Replaced'} machine profile ${saved.profile.id}\n`);
        return 0;
      }
      case 'delete':
        await client.deleteProfile(oneId());
        if (!json) io.stdout.write(`Deleted machine profile ${rest[0]}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command 'provision profile ${verb}'; try list, show, put or delete`);
    }
  });
}
