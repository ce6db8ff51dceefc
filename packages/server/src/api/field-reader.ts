import { type InvalidField, InvalidInputError } from '../errors.js';

/** JSON type names for error messages. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Options of the scalar readers. */
interface ScalarOptions {
  readonly required?: boolean;
  /** Accept JSON null (returned as null). */
  readonly nullable?: boolean;
}

/** Options of the string readers. */
interface StringOptions {
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly nonEmpty?: boolean;
}

/**
 * Reads typed fields out of a parsed JSON object, collecting one error per bad field (named by its JSON path, e.g.
 * `extra_files.0.name`) instead of stopping at the first, so a 400 tells a client everything it got wrong at once.
 * A missing key reads as undefined.
 */
export class FieldReader {
  constructor(
    private readonly body: Readonly<Record<string, unknown>>,
    readonly errors: InvalidField[] = [],
    private readonly prefix = '',
  ) {}

  private path(key: string): string {
    return `${this.prefix}${key}`;
  }

  private fail(key: string, message: string): undefined {
    this.errors.push({ path: this.path(key), message });
    return undefined;
  }

  /** Whether the body has this key at all (for PUT, where only the keys sent are changed). */
  has(key: string): boolean {
    return Object.hasOwn(this.body, key);
  }

  private raw(key: string, options: ScalarOptions): { value: unknown } | undefined {
    if (!this.has(key) || this.body[key] === undefined) {
      if (options.required) this.fail(key, 'Required');
      return undefined;
    }
    return { value: this.body[key] };
  }

  /** A string; JSON null is an error. */
  string(key: string, options: StringOptions = {}): string | undefined {
    const value = this.anyString(key, { ...options, nullable: false });
    return value === null ? undefined : value;
  }

  /** A string or JSON null. */
  nullableString(key: string, options: StringOptions = {}): string | null | undefined {
    return this.anyString(key, { ...options, nullable: true });
  }

  private anyString(key: string, options: StringOptions & ScalarOptions): string | null | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'string') return this.fail(key, `Expected a string, got ${typeName(value)}`);
    if (options.nonEmpty && value.trim() === '') return this.fail(key, 'Must not be empty');
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      return this.fail(key, `Longer than ${options.maxLength} characters`);
    }
    return value;
  }

  boolean(key: string, options: ScalarOptions = {}): boolean | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    if (typeof found.value !== 'boolean') return this.fail(key, `Expected true or false, got ${typeName(found.value)}`);
    return found.value;
  }

  integer(key: string, options: ScalarOptions & { readonly min?: number } = {}): number | null | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return this.fail(key, `Expected a whole number, got ${typeName(value)}`);
    }
    if (options.min !== undefined && value < options.min) return this.fail(key, `Must be at least ${options.min}`);
    return value;
  }

  number(key: string, options: ScalarOptions = {}): number | null | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return this.fail(key, `Expected a number, got ${typeName(value)}`);
    }
    return value;
  }

  /** An array of strings; JSON null reads as an empty array when `nullable`. */
  strings(key: string, options: ScalarOptions = {}): string[] | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return [];
    if (!Array.isArray(value)) return this.fail(key, `Expected an array of strings, got ${typeName(value)}`);
    let ok = true;
    value.forEach((item, index) => {
      if (typeof item !== 'string') {
        this.fail(`${key}.${index}`, `Expected a string, got ${typeName(item)}`);
        ok = false;
      }
    });
    return ok ? (value as string[]) : undefined;
  }

  /** A nested object, read with its own reader whose errors land here under `key.`. */
  object(key: string, options: ScalarOptions = {}): FieldReader | null | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return null;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(key, `Expected an object, got ${typeName(value)}`);
    }
    return new FieldReader(value as Record<string, unknown>, this.errors, `${this.path(key)}.`);
  }

  /** An array of objects, each read with its own reader (`key.0.`, `key.1.`, ...). */
  objects(key: string, options: ScalarOptions = {}): FieldReader[] | undefined {
    const found = this.raw(key, options);
    if (!found) return undefined;
    const { value } = found;
    if (value === null && options.nullable) return [];
    if (!Array.isArray(value)) return this.fail(key, `Expected an array, got ${typeName(value)}`);
    const readers: FieldReader[] = [];
    value.forEach((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.fail(`${key}.${index}`, `Expected an object, got ${typeName(item)}`);
      } else {
        readers.push(new FieldReader(item as Record<string, unknown>, this.errors, `${this.path(key)}.${index}.`));
      }
    });
    return readers;
  }

  /** Adds an error of the caller's own check. */
  invalid(key: string, message: string): void {
    this.fail(key, message);
  }

  /** Throws InvalidInputError naming every bad field, if there was any. */
  done(): void {
    if (this.errors.length > 0) throw new InvalidInputError(this.errors);
  }
}
