import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { captureIo } from './test-io.js';

describe('ballast', () => {
  it('lists the commands with --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: ballast <command>/);
  });

  it('exits 2 with usage on no arguments', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.out()).toContain('Commands:');
  });

  it('names an unknown command and exits 2', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });

  it('treats toString, constructor and __proto__ as unknown commands and verbs', async () => {
    for (const args of [['toString'], ['constructor'], ['disk', 'toString'], ['agent', 'lock', '__proto__']]) {
      const io = captureIo();
      expect([args, await main(args, io)]).toEqual([args, 2]);
      expect(io.err()).toMatch(/unknown command/);
    }
  });
});
