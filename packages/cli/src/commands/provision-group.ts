import type { MachineGroupJson } from '@ballast/server';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import {
  clientOf,
  connectionHelp,
  connectionOptions,
  parseCommandArgs,
  readJsonFile,
  reportingApiErrors,
  table,
} from './provision-profile.js';

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

function printGroup(io: Io, group: MachineGroupJson, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(group, null, 2)}\n`);
    return;
  }
  const selector = Object.entries(group.selector).map(([key, value]) => `${key}=${value}`);
  io.stdout.write(
    `id:       ${group.id}\nname:     ${group.name}\nprofile:  ${group.profile}\nselector: ${selector.join(' ') || '(none: the default group)'}\nupdated:  ${group.updated_ts}\nmetadata: ${JSON.stringify(group.metadata, null, 2)}\n`,
  );
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
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === 'help') {
    io.stdout.write(usage);
    return values.help || verb === 'help' ? 0 : 2;
  }
  const client = clientOf(values);
  const json = values.json === true;
  const oneId = () => {
    if (rest.length !== 1) throw new UsageError(`group ${verb} takes one group id`);
    return rest[0]!;
  };
  return reportingApiErrors(`provision group ${verb}`, io, async () => {
    switch (verb) {
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const groups = await client.listGroups();
        if (json) io.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
        else if (groups.length === 0)
          io.stderr.write('No machine groups yet; add one with `ballast provision group put`\n');
        else
          io.stdout.write(
            `${table([
              ['ID', 'PROFILE', 'SELECTOR'],
              ...groups.map((g) => [
                g.id,
                g.profile,
                Object.entries(g.selector)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(',') || '(default)',
              ]),
            ])}\n`,
          );
        return 0;
      }
      case 'show':
        printGroup(io, await client.getGroup(oneId()), json);
        return 0;
      case 'put': {
        const id = oneId();
        let body: Record<string, unknown>;
        if (values.file !== undefined) {
          if (values.profile !== undefined || values.selector !== undefined) {
            throw new UsageError('--file holds the whole group; give the profile and selector in it instead');
          }
          body = readJsonFile(values.file, 'group');
        } else {
          if (values.profile === undefined) throw new UsageError('group put needs --profile ID (or --file GROUP.json)');
          const metadata = {
            ...(values.metadata === undefined ? {} : readJsonFile(values.metadata, 'metadata')),
            ...pairs(values.set, '--set'),
          };
          body = {
            profile: values.profile,
            selector: pairs(values.selector, '--selector'),
            metadata,
            ...(values.name !== undefined && { name: values.name }),
          };
        }
        const saved = await client.putGroup(id, body);
        if (json) io.stdout.write(`${JSON.stringify(saved.group, null, 2)}\n`);
        else io.stdout.write(`${saved.created ? 'Created' : 'Replaced'} machine group ${saved.group.id}\n`);
        return 0;
      }
      case 'delete':
        await client.deleteGroup(oneId());
        if (!json) io.stdout.write(`Deleted machine group ${rest[0]}\n`);
        return 0;
      case 'match': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const labels = {
          ...pairs(values.label, '--label'),
          ...(values.mac !== undefined && { mac: values.mac }),
          ...(values.uuid !== undefined && { uuid: values.uuid }),
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
      default:
        throw new UsageError(`unknown command 'provision group ${verb}'; try list, show, put, delete or match`);
    }
  });
}
