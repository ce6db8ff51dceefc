import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { captureIo } from '../test-io.js';
import { UsageError } from '../usage-error.js';
import { groupCommand, parseCommand, verbLines } from './command-common.js';

describe('parseCommand', () => {
  const options = { json: { type: 'boolean' }, name: { type: 'string', short: 'n' } } as const;

  it('gives the options and positionals', () => {
    const io = captureIo();
    expect(parseCommand(['a', '--json', '-n', 'x', 'b'], { options, usage: 'Usage\n', io })).toEqual({
      values: { json: true, name: 'x' },
      positionals: ['a', 'b'],
    });
    expect(io.out()).toBe('');
  });

  it('prints the usage for -h and --help, even with other arguments, and gives undefined', () => {
    for (const args of [['--help'], ['-h'], ['a', '--json', '-h']]) {
      const io = captureIo();
      expect(parseCommand(args, { options, usage: 'Usage\n', io })).toBeUndefined();
      expect(io.out()).toBe('Usage\n');
    }
  });

  it("turns parseArgs's errors into usage errors, before looking at --help", () => {
    const io = captureIo();
    expect(() => parseCommand(['--bogus', '--help'], { options, usage: 'Usage\n', io })).toThrow(UsageError);
    expect(() => parseCommand(['--name'], { options, usage: 'Usage\n', io })).toThrow(/argument missing/);
    expect(() => parseCommand(['a'], { options, usage: 'Usage\n', io, allowPositionals: false })).toThrow(
      /^Unexpected argument 'a'/,
    );
    expect(io.out()).toBe('');
  });
});

describe('groupCommand', () => {
  const ran: { verb: string; args: readonly string[] }[] = [];
  const verb = (name: string) => ({
    summary: `the ${name} verb`,
    load: async () => ({
      run: async (args: readonly string[], _io: Io) => {
        ran.push({ verb: name, args });
        return 7;
      },
    }),
  });
  const verbs = { one: verb('one'), three: verb('three'), 'fifty-five': verb('fifty-five') };
  const run = groupCommand({ name: 'thing', usage: 'Usage: thing\n', verbs });

  it('lists the verbs with their summaries aligned', () => {
    expect(verbLines(verbs)).toBe(
      '  one         the one verb\n  three       the three verb\n  fifty-five  the fifty-five verb',
    );
  });

  it('prints the usage: exit 2 without a verb, 0 when asked', async () => {
    for (const [args, code] of [
      [[], 2],
      [['--help'], 0],
      [['-h'], 0],
      [['help'], 0],
    ] as const) {
      const io = captureIo();
      expect(await run(args, io)).toBe(code);
      expect(io.out()).toBe('Usage: thing\n');
    }
  });

  it('runs a verb with the arguments after it and answers its exit status', async () => {
    ran.length = 0;
    expect(await run(['three', 'x', '--help'], captureIo())).toBe(7);
    expect(ran).toEqual([{ verb: 'three', args: ['x', '--help'] }]);
  });

  it('refuses an unknown verb, naming the known ones', async () => {
    await expect(run(['four'], captureIo())).rejects.toThrow(
      new UsageError("unknown command 'thing four'; try one, three or fifty-five"),
    );
  });
});
