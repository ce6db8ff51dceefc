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

/** The option declarations `node:util` parseArgs takes, named here so exported helpers can declare their types. */
export type ArgOptions = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean | string[] | boolean[] }
>;

type ArgValue<T extends ArgOptions[string]> = T['type'] extends 'string'
  ? T['multiple'] extends true
    ? string[]
    : string
  : T['multiple'] extends true
    ? boolean[]
    : boolean;

/** What parseArgs returns for `ArgOptions`: options with a default are always there, the others may be missing. */
export type ArgValues<O extends ArgOptions> = {
  [K in keyof O as O[K] extends { default: unknown } ? K : never]: ArgValue<O[K]>;
} & {
  [K in keyof O as O[K] extends { default: unknown } ? never : K]?: ArgValue<O[K]>;
};
