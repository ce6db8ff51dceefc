import { readFileSync } from 'node:fs';
import { ProvisioningApiError, ProvisioningClient } from '@ballast/server';
import type { Io } from '../io.js';
import { type ArgValues, UsageError } from '../usage-error.js';

export { parseCommandArgs } from './command-common.js';

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

/** A command line as parsed (the connection options and `--file`, then the verb and its arguments), and where to print. */
export interface Invocation {
  readonly values: ArgValues<typeof connectionOptions> & { readonly file?: string };
  readonly positionals: readonly string[];
  readonly io: Io;
}

/** The server's REST calls for one kind of thing it keeps; `put` answers the thing under the kind's name. */
export interface ResourceApi<N extends string, T extends { readonly id: string }> {
  list(): Promise<T[]>;
  get(id: string): Promise<T>;
  put(id: string, body: Record<string, unknown>): Promise<{ created: boolean } & Record<N, T>>;
  delete(id: string): Promise<void>;
}

/** What a further verb (beyond list, show, put and delete) is given. */
export interface VerbContext {
  /** The arguments after the verb. */
  readonly rest: readonly string[];
  readonly client: ProvisioningClient;
  readonly json: boolean;
  readonly io: Io;
}

/** One kind of thing `ballast provision KIND` manages: what differs between profiles and groups. */
export interface ProvisionResource<N extends string, T extends { readonly id: string }> {
  /** `profile` or `group`: the command's name, and `machine profile` in its messages. */
  readonly name: N;
  readonly usage: string;
  api(client: ProvisioningClient): ResourceApi<N, T>;
  /** The columns of `list`: a heading and a row per item. */
  readonly columns: readonly string[];
  row(item: T): readonly string[];
  /** Prints one for people (`show` without `--json`). */
  print(item: T, io: Io): void;
  /** What `put ID` sends when `--file` does not hold it. */
  body(): Record<string, unknown>;
  /** The options `--file` stands in for, as its refusal names them (`the profile and selector`), and whether any was given. */
  readonly inFile: { readonly names: string; readonly given: boolean };
  /** Verbs besides list, show, put and delete. */
  readonly verbs?: Readonly<Record<string, (context: VerbContext) => Promise<number>>>;
}

/** Runs `ballast provision KIND VERB`: usage, the list/show/put/delete verbs and the resource's own, API errors. */
export async function runResourceCommand<N extends string, T extends { readonly id: string }>(
  invocation: Invocation,
  resource: ProvisionResource<N, T>,
): Promise<number> {
  const { values, io } = invocation;
  const { name } = resource;
  const [verb, ...rest] = invocation.positionals;
  if (values.help || verb === undefined || verb === 'help') {
    io.stdout.write(resource.usage);
    return values.help || verb === 'help' ? 0 : 2;
  }
  const client = clientOf(values);
  const api = resource.api(client);
  const json = values.json === true;
  const printJson = (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  const oneId = () => {
    if (rest.length !== 1) throw new UsageError(`${name} ${verb} takes one ${name} id`);
    return rest[0]!;
  };
  const verbs = resource.verbs ?? {};
  return reportingApiErrors(`provision ${name} ${verb}`, io, async () => {
    switch (verb) {
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const items = await api.list();
        if (json) printJson(items);
        else if (items.length === 0)
          io.stderr.write(`No machine ${name}s yet; add one with \`ballast provision ${name} put\`\n`);
        else io.stdout.write(`${table([resource.columns, ...items.map((item) => resource.row(item))])}\n`);
        return 0;
      }
      case 'show': {
        const item = await api.get(oneId());
        if (json) printJson(item);
        else resource.print(item, io);
        return 0;
      }
      case 'put': {
        const id = oneId();
        let body: Record<string, unknown>;
        if (values.file !== undefined) {
          if (resource.inFile.given) {
            throw new UsageError(`--file holds the whole ${name}; give ${resource.inFile.names} in it instead`);
          }
          body = readJsonFile(values.file, name);
        } else {
          body = resource.body();
        }
        const saved = await api.put(id, body);
        if (json) printJson(saved[name]);
        else io.stdout.write(`${saved.created ? 'Created' : 'Replaced'} machine ${name} ${saved[name].id}\n`);
        return 0;
      }
      case 'delete':
        await api.delete(oneId());
        if (!json) io.stdout.write(`Deleted machine ${name} ${rest[0]}\n`);
        return 0;
      default: {
        if (Object.hasOwn(verbs, verb)) return verbs[verb]!({ rest, client, json, io });
        const known = ['list', 'show', 'put', 'delete', ...Object.keys(verbs)];
        throw new UsageError(
          `unknown command 'provision ${name} ${verb}'; try ${known.slice(0, -1).join(', ')} or ${known.at(-1)}`,
        );
      }
    }
  });
}
