import { ConflictError } from '../errors.js';

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** A unique or primary-key violation, as PostgreSQL (23505) or SQLite reports it. */
function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A foreign-key violation, as PostgreSQL (23503) or SQLite reports it. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Runs a write, turning a unique-constraint violation into a ConflictError with `message` and `code`. */
export async function uniquely<T>(write: () => Promise<T>, message: string, code: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, code);
    throw error;
  }
}
