import type { Io } from '../io.js';
import { UsageError } from '../usage-error.js';

const verbs: Record<
  string,
  { summary: string; load: () => Promise<{ run(args: readonly string[], io: Io): Promise<number> }> }
> = {
  create: { summary: 'create a sparse image with Flatcar’s partition layout', load: () => import('./disk-create.js') },
  show: {
    summary: 'list partitions and the USR slots’ priority, tries and successful',
    load: () => import('./disk-show.js'),
  },
  set: {
    summary: 'set a USR slot’s priority, tries and successful (as cgpt add)',
    load: () => import('./disk-set.js'),
  },
  boot: {
    summary: 'choose the slot to boot as GRUB’s gptprio.next, decrementing tries',
    load: () => import('./disk-boot.js'),
  },
};

const usage = `Usage: ballast disk <create|show|set|boot> IMAGE [options]

GPT disks with Flatcar's A/B USR slots (cgpt's priority, tries and successful attribute bits).

Commands:
${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(6)}  ${v.summary}`)
  .join('\n')}

Run \`ballast disk <command> --help\` for the options of a command.
`;

/** `ballast disk`: dispatches to create, show, set and boot. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(usage);
    return verb === undefined ? 2 : 0;
  }
  const command = verbs[verb];
  if (!command) throw new UsageError(`unknown command 'disk ${verb}'; try create, show, set or boot`);
  return (await command.load()).run(rest, io);
}
