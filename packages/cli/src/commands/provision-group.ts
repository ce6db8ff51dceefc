import type { MachineGroupJson } from '@ballast/server';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import {
  connectionHelp,
  connectionOptions,
  parseCommandArgs,
  readJsonFile,
  runResourceCommand,
  type VerbContext,
} from './provision-common.js';

const usage = `Usage: ballast provision group list [options]
       ballast provision group show ID [options]
       ballast provision group put ID --profile PROFILE [--selector LABEL=VALUE...] [--metadata FILE]
                                     [--set KEY=VALUE...] [--name NAME] [options]
       ballast provision group put ID --file GROUP.json [options]
       ballast provision group delete ID [options]
       ballast provision group match [--mac MAC] [--uuid UUID] [--label LABEL=VALUE...] [options]

Machine groups of the Ballast server, as matchbox keeps them: a selector over the labels machines send
(mac, uuid, hostname, serial or any other), the profile they get, and the metadata its template is rendered
with. The group with the most matching selector labels wins; a group without a selector is the default.
match shows what a machine with these labels would get.

Options:
      --profile ID           the profile of the group
      --selector LABEL=VALUE a label machines must have (repeat for more; none makes the default group)
      --metadata FILE        template variables, a JSON object
      --set KEY=VALUE        a string variable, over --metadata (repeat for more)
      --name NAME            a name for people (default: the id)
      --file FILE            the whole group as the API's JSON ({"profile": ..., "selector": {...}, ...})
      --mac MAC, --uuid UUID, --label LABEL=VALUE
                             the labels of a machine (match)
${connectionHelp}

Exit status: 0 ok (match: the machine gets a valid config), 1 when the server refused or the config is invalid,
2 on a usage error.
`;

function pairs(items: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${option} wants KEY=VALUE, got '${item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** A group's selector as LABEL=VALUE words. */
function selectorWords(group: MachineGroupJson): string[] {
  return Object.entries(group.selector).map(([key, value]) => `${key}=${value}`);
}

function printGroup(group: MachineGroupJson, io: Io): void {
  io.stdout.write(
    `id:       ${group.id}\nname:     ${group.name}\nprofile:  ${group.profile}\nselector: ${selectorWords(group).join(' ') || '(none: the default group)'}\nupdated:  ${group.updated_ts}\nmetadata: ${JSON.stringify(group.metadata, null, 2)}\n`,
  );
}

/** `match`: what a machine with the labels given would get, and the reports of rendering it. */
async function match(
  { rest, client, json, io }: VerbContext,
  machine: { readonly mac?: string; readonly uuid?: string; readonly label?: readonly string[] },
): Promise<number> {
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const labels = {
    ...pairs(machine.label, '--label'),
    ...(machine.mac !== undefined && { mac: machine.mac }),
    ...(machine.uuid !== undefined && { uuid: machine.uuid }),
  };
  const result = await client.render(labels);
  if (json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    io.stderr.write(
      `Group ${result.group}, profile ${result.profile}${result.ties.length > 0 ? ` (tied with ${result.ties.join(', ')}: the lowest id wins)` : ''}\n`,
    );
    for (const report of result.reports) {
      const at =
        report.template_line === undefined ? '' : ` (template ${report.template_line}:${report.template_column})`;
      io.stderr.write(`${report.severity}: ${report.path}: ${report.message}${at}\n`);
    }
    if (result.ok) io.stdout.write(`${JSON.stringify(result.ignition, null, 2)}\n`);
  }
  return result.ok ? 0 : 1;
}

/** `ballast provision group list|show|put|delete|match`: machine groups through the server's REST API. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...connectionOptions,
    profile: { type: 'string', short: 'p' },
    selector: { type: 'string', multiple: true },
    metadata: { type: 'string' },
    set: { type: 'string', multiple: true },
    name: { type: 'string' },
    file: { type: 'string', short: 'f' },
    mac: { type: 'string' },
    uuid: { type: 'string' },
    label: { type: 'string', multiple: true },
  });
  return runResourceCommand(
    { values, positionals, io },
    {
      name: 'group',
      usage,
      api: (client) => ({
        list: () => client.listGroups(),
        get: (id) => client.getGroup(id),
        put: (id, body) => client.putGroup(id, body),
        delete: (id) => client.deleteGroup(id),
      }),
      columns: ['ID', 'PROFILE', 'SELECTOR'],
      row: (g: MachineGroupJson) => [g.id, g.profile, selectorWords(g).join(',') || '(default)'],
      print: printGroup,
      inFile: {
        names: 'the profile and selector',
        given: values.profile !== undefined || values.selector !== undefined,
      },
      body: () => {
        if (values.profile === undefined) throw new UsageError('group put needs --profile ID (or --file GROUP.json)');
        const metadata = {
          ...(values.metadata === undefined ? {} : readJsonFile(values.metadata, 'metadata')),
          ...pairs(values.set, '--set'),
        };
        return {
          profile: values.profile,
          selector: pairs(values.selector, '--selector'),
          metadata,
          ...(values.name !== undefined && { name: values.name }),
        };
      },
      verbs: { match: (context) => match(context, values) },
    },
  );
}
