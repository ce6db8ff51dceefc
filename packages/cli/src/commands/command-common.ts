import { parseArgs } from 'node:util';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { type ArgOptions, type ArgValues, UsageError } from '../usage-error.js';

/** Runs an argument parser (`node:util` parseArgs), turning what it throws into a usage error. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses options and positionals, turning parseArgs's errors into usage errors. */
export function parseCommandArgs<const O extends ArgOptions>(
  args: readonly string[],
  options: O,
): { values: ArgValues<O>; positionals: string[] } {
  return usageErrors(() => {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options });
    return { values: values as unknown as ArgValues<O>, positionals };
  });
}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** What a command is called with, and what it says to `--help`. */
export interface CommandLine<O extends ArgOptions> {
  /** Its options; `-h, --help` is added. */
  readonly options: O;
  readonly usage: string;
  readonly io: Io;
  /** False when it takes no positionals: parseArgs refuses them. */
  readonly allowPositionals?: false;
}

/** A command's options and positionals; undefined when `--help` asked for the usage, which is printed then. */
export function parseCommand<const O extends ArgOptions>(
  args: readonly string[],
  command: CommandLine<O>,
): { values: ArgValues<O> & ArgValues<typeof helpOption>; positionals: string[] } | undefined {
  const options = { ...command.options, ...helpOption };
  const parsed = usageErrors(() =>
    parseArgs({ args: [...args], allowPositionals: command.allowPositionals ?? true, options }),
  );
  const values = parsed.values as unknown as ArgValues<O> & ArgValues<typeof helpOption>;
  if (values.help) {
    command.io.stdout.write(command.usage);
    return undefined;
  }
  return { values, positionals: parsed.positionals };
}

/** A command made of verbs (`ballast disk create|show|...`): its name, its usage and its verbs' commands. */
export interface CommandGroup {
  /** The words before the verb: `disk`, `agent lock`. */
  readonly name: string;
  readonly usage: string;
  readonly verbs: Readonly<Record<string, Command>>;
}

/** The verbs and their summaries as the lines of a group's usage, the summaries aligned. */
export function verbLines(verbs: CommandGroup['verbs']): string {
  const width = Math.max(...Object.keys(verbs).map((name) => name.length));
  return Object.entries(verbs)
    .map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`)
    .join('\n');
}

/** `run` of a group: the usage without a verb (exit 2) or for help (0), a usage error for an unknown verb. */
export function groupCommand(group: CommandGroup): (args: readonly string[], io: Io) => Promise<number> {
  return async (args, io) => {
    const [verb, ...rest] = args;
    if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
      io.stdout.write(group.usage);
      return verb === undefined ? 2 : 0;
    }
    // Own verbs only: `toString` or `constructor` are no verbs, whatever an object inherits.
    const command = Object.hasOwn(group.verbs, verb) ? group.verbs[verb] : undefined;
    if (!command) {
      const known = Object.keys(group.verbs);
      throw new UsageError(
        `unknown command '${group.name} ${verb}'; try ${known.slice(0, -1).join(', ')} or ${known.at(-1)}`,
      );
    }
    return (await command.load()).run(rest, io);
  };
}
