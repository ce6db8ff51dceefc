import type { Command } from '../main.js';
import { groupCommand, verbLines } from './command-common.js';

const verbs: Record<string, Command> = {
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
${verbLines(verbs)}

Run \`ballast disk <command> --help\` for the options of a command.
`;

/** `ballast disk`: dispatches to create, show, set and boot. */
export const run = groupCommand({ name: 'disk', usage, verbs });
