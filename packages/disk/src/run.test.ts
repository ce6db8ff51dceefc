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

  it('names a program that is not installed, without a way to install it that may not fit this machine', async () => {
    const failure = await run('no-such-tool-ballast', ['--flag']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ToolError);
    expect(failure).toMatchObject({ tool: 'no-such-tool-ballast', args: ['--flag'], exitCode: null });
    expect((failure as ToolError).message).toBe(
      'no-such-tool-ballast --flag failed (exit null): no-such-tool-ballast not found in PATH',
    );
    await expect(run('/nonexistent/ballast-tool', [])).rejects.toThrow(
      /failed \(exit null\): \/nonexistent\/ballast-tool not found$/,
    );
  });

  it('reports the last line of stderr of a failing program', async () => {
    const failure = await run('/bin/sh', ['-c', 'echo out; echo first >&2; echo last >&2; exit 3']).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ToolError);
    expect(failure).toMatchObject({ exitCode: 3, stderr: 'first\nlast\n' });
    expect((failure as ToolError).message).toBe(
      '/bin/sh -c echo out; echo first >&2; echo last >&2; exit 3 failed (exit 3): last',
    );
  });

  it('reports stdout when a failing program printed nothing on stderr', async () => {
    const failure = await run('/bin/sh', ['-c', 'echo only on stdout; exit 2']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ToolError);
    expect(failure).toMatchObject({ exitCode: 2, stderr: 'only on stdout\n' });
    expect((failure as ToolError).message).toMatch(/failed \(exit 2\): only on stdout$/);
  });

  it('stops a program that takes longer than its timeout', async () => {
    const started = Date.now();
    const failure = await run('sleep', ['10'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(ToolError);
    expect(failure).toMatchObject({ tool: 'sleep', args: ['10'], exitCode: null });
  });

  it("gives the program the environment it is told to, or else this process's own", async () => {
    const script = ['-c', 'printf %s "$BALLAST_RUN_TEST"'];
    await expect(run('/bin/sh', script, { env: { BALLAST_RUN_TEST: 'given' } })).resolves.toMatchObject({
      stdout: 'given',
    });
    process.env.BALLAST_RUN_TEST = 'inherited';
    try {
      await expect(run('/bin/sh', script)).resolves.toMatchObject({ stdout: 'inherited' });
    } finally {
      delete process.env.BALLAST_RUN_TEST;
    }
  });
});
