import { describe, expect, it } from 'vitest';
import { run, ToolError } from './run.js';

describe('run', () => {
  it('returns what the program printed', async () => {
    const result = await run('sgdisk', ['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/GPT fdisk \(sgdisk\) version/);
  });

  it('says which program, which arguments, which exit code and its last line of stderr when it fails', async () => {
    const failure = await run('cgpt', ['show', '/nonexistent/disk.img']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ToolError);
    expect(failure).toMatchObject({ tool: 'cgpt', args: ['show', '/nonexistent/disk.img'], exitCode: 1 });
    expect((failure as ToolError).message).toMatch(/^cgpt show \/nonexistent\/disk\.img failed \(exit 1\): .+/);
  });

  it('accepts the exit codes it is told are fine', async () => {
    await expect(run('cgpt', ['show', '/nonexistent/disk.img'], { okExitCodes: [0, 1] })).resolves.toMatchObject({
      exitCode: 1,
    });
  });

  it('names a program that is not installed and where to get it', async () => {
    await expect(run('no-such-tool-ballast', [])).rejects.toThrow(
      /no-such-tool-ballast not found: install it with scripts\/setup/,
    );
  });
});
