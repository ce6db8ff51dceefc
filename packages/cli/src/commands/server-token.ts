import {
  createApiToken,
  DEFAULT_DB,
  NotFoundError,
  openPostgresStore,
  openSqliteStore,
  parseDatabase,
  type Store,
} from '@ballast/server';
import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseCommandArgs } from './command-common.js';

const usage = `Usage: ballast server token create --role admin|viewer [--name NAME] [--db DB]
       ballast server token list [--db DB]
       ballast server token delete ID [--db DB]

API tokens for the update server's REST API, stored hashed in its database: admins may change everything,
viewers may only read. The secret is printed once, by create. Send it as "Authorization: Bearer TOKEN".

Options:
      --db DB        sqlite:PATH or postgres://... (default ${DEFAULT_DB}), as given to \`ballast server\`
      --role ROLE    admin or viewer (create)
      --name NAME    a name to recognise the token by (create; default: the role)
      --json         print JSON (create, list)
  -h, --help         show usage and exit
`;

async function openStore(db: string): Promise<Store> {
  const target = parseDatabase(db);
  return target.kind === 'postgres'
    ? openPostgresStore(target.url, { maxConnections: 1 })
    : openSqliteStore(target.path);
}

/** `ballast server token create|list|delete`. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    db: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === 'help') {
    io.stdout.write(usage);
    return values.help || verb === 'help' ? 0 : 2;
  }
  const db = values.db ?? DEFAULT_DB;
  const json = values.json === true;
  switch (verb) {
    case 'create': {
      const { role } = values;
      if (role !== 'admin' && role !== 'viewer')
        throw new UsageError('token create needs --role admin or --role viewer');
      if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
      const store = await openStore(db);
      try {
        const created = await createApiToken(store, { name: values.name ?? role, role });
        io.stdout.write(
          json
            ? `${JSON.stringify({ id: created.token.id, name: created.token.name, role, token: created.secret })}\n`
            : `${created.secret}\n`,
        );
        if (!json)
          io.stderr.write(
            `Created ${role} token "${created.token.name}" (id ${created.token.id}); it is not shown again.\n`,
          );
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'list': {
      const store = await openStore(db);
      try {
        const tokens = await store.listApiTokens();
        if (json) {
          io.stdout.write(`${JSON.stringify(tokens)}\n`);
        } else {
          for (const token of tokens) {
            const used = token.lastUsedAt ? token.lastUsedAt.toISOString() : 'never used';
            io.stdout.write(`${token.id}  ${token.role.padEnd(6)}  ${token.name}  (${used})\n`);
          }
        }
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'delete': {
      if (rest.length !== 1) throw new UsageError('token delete takes one token id (see `ballast server token list`)');
      const store = await openStore(db);
      try {
        await store.deleteApiToken(rest[0]!);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        io.stderr.write(`ballast server token delete: no token ${rest[0]}\n`);
        return 1;
      } finally {
        await store.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command 'server token ${verb}'; try create, list or delete`);
  }
}
