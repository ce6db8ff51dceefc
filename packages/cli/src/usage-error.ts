/** A mistake in how the command was called: printed with a hint at `--help`, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure already explained to the user on stderr: exit with this status and print nothing more. */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
