/** One field of a request that failed validation, named by its JSON path (`policy_period_interval`, `extra_files.0.name`). */
export interface InvalidField {
  readonly path: string;
  readonly message: string;
}

/** The thing asked for does not exist; the HTTP layer answers 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';

  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** The request clashes with what is stored (a duplicate name, a blacklisted channel); the HTTP layer answers 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';

  constructor(
    message: string,
    /** Stable UPPER_SNAKE reason, e.g. `DUPLICATE_NAME` or `CHANNEL_BLACKLISTED`. */
    readonly code: string = 'CONFLICT',
  ) {
    super(message);
  }
}

/** The request is malformed; the HTTP layer answers 400 and names each bad field. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly code = 'INVALID_INPUT';

  constructor(readonly fields: readonly InvalidField[]) {
    super(`Invalid input: ${fields.map((field) => `${field.path}: ${field.message}`).join('; ')}`);
  }
}

/** Builds an InvalidInputError for a single bad field. */
export function invalidField(path: string, message: string): InvalidInputError {
  return new InvalidInputError([{ path, message }]);
}
