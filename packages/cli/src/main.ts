#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { type Io, processIo } from './io.js';
import { ExitError, UsageError } from './usage-error.js';

/** A command: `run` returns the exit status. Modules load lazily so `ballast --help` starts fast. */
export interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(args: readonly string[], io: Io): Promise<number> }>;
}

/** Every command, keyed by the words that select it (`ballast ignition validate`). */
export const commands: Readonly<Record<string, Command>> = {
  butane: {
    summary: 'Translate a Butane config into an Ignition config, exactly as Butane does',
    load: () => import('./commands/butane.js'),
  },
  'config schema': {
    summary: 'Print the JSON Schema of a Butane config, for editors',
    load: () => import('./commands/config-schema.js'),
  },
  'ignition validate': {
    summary: 'Validate Ignition configs (spec 3.0.0 to 3.4.0) as ignition-validate does',
    load: () => import('./commands/ignition-validate.js'),
  },
  'ignition merge': {
    summary: 'Merge child Ignition configs into a parent, as Ignition does',
    load: () => import('./commands/ignition-merge.js'),
  },
  server: {
    summary: 'Run the update server: Omaha endpoint for Flatcar nodes and a Nebraska-compatible REST API',
    load: () => import('./commands/server.js'),
  },
  'provision apply': {
    summary: "Apply an Ignition config to a root directory, as Ignition's files stage does",
    load: () => import('./commands/provision-apply.js'),
  },
  'provision run': {
    summary: 'First boot: find the Ignition config where Flatcar looks for it and apply it once',
    load: () => import('./commands/provision-run.js'),
  },
  'provision profile': {
    summary: "Manage the server's machine profiles (Butane or Ignition templates for bare metal)",
    load: () => import('./commands/provision-profile.js'),
  },
  'provision group': {
    summary: "Manage the server's machine groups (which machines get which profile, with which variables)",
    load: () => import('./commands/provision-group.js'),
  },
  agent: {
    summary: 'The node agent: run (daemon, --once), check-now, status, rollback, lock (as update_engine and locksmith)',
    load: () => import('./commands/agent.js'),
  },
  disk: {
    summary: 'GPT disks and the A/B USR slots: create, show, set, boot (as cgpt and gptprio)',
    load: () => import('./commands/disk.js'),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: ballast <command> [options]',
    '',
    'Day-2 operations for fleets of immutable container hosts.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `ballast <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** Finds the longest command name that the arguments start with. */
function select(args: readonly string[]): { name: string; rest: readonly string[] } | undefined {
  for (let n = Math.min(args.length, 3); n > 0; n--) {
    const name = args.slice(0, n).join(' ');
    if (Object.hasOwn(commands, name)) return { name, rest: args.slice(n) };
  }
  return undefined;
}

/** Runs the CLI and returns the exit status: 0 ok, 1 failure, 2 usage error. */
export async function main(args: readonly string[], io: Io = processIo): Promise<number> {
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    io.stdout.write(help());
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] === '--version' || args[0] === '-V') {
    io.stdout.write('ballast 0.1.0\n');
    return 0;
  }
  const selected = select(args);
  if (!selected) {
    const group = Object.keys(commands).filter((k) => k.startsWith(`${args[0]} `));
    const hint = group.length > 0 ? `; try ${group.map((g) => `\`ballast ${g}\``).join(', ')}` : '';
    io.stderr.write(`ballast: unknown command '${args.join(' ')}'${hint}\nRun \`ballast --help\` for the commands.\n`);
    return 2;
  }
  try {
    const command = await commands[selected.name]!.load();
    return await command.run(selected.rest, io);
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    if (error instanceof UsageError) {
      io.stderr.write(`ballast ${selected.name}: ${error.message}\nRun \`ballast ${selected.name} --help\`.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ballast ${selected.name}: ${message}\n`);
    return 1;
  }
}

/**
 * Whether this module is the program (`node packages/cli/dist/main.js`, or the workspace's `ballast` link to it)
 * rather than imported by tests or run by bin/ballast. Told from the entry's real path, as the CLI is also bundled
 * into a CommonJS script, where `import.meta` does not exist.
 */
function isProgram(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return /[\\/]cli[\\/]dist[\\/]main\.js$/.test(realpathSync(entry));
  } catch {
    return false;
  }
}

if (isProgram()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
