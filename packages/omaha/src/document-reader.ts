import { fail, type OmahaErrorCode, type OmahaResult } from './omaha-error.js';
import { lineColumn, readXml, type XmlElement, type XmlLimits } from './xml/xml-reader.js';

/** Options of parseRequest and parseResponse. */
export interface ParseOptions {
  /** Limits of the XML reader; `maxBytes` defaults to 64 KiB as in Nebraska. */
  readonly limits?: Partial<XmlLimits>;
}

class DocumentFailure {
  constructor(
    readonly code: OmahaErrorCode,
    readonly message: string,
    readonly path: string,
    readonly offset: number,
  ) {}
}

/** Reads `input` as XML, checks the root's name, and runs `build` over it; turns any failure into a result. */
export function readDocument<T>(
  input: string | Uint8Array,
  options: ParseOptions & { readonly root: string; readonly build: (root: ElementReader) => T },
): OmahaResult<T> {
  const read = readXml(input, options.limits);
  if (!read.ok) return read;
  const document = read.value;
  const root = document.root;
  if (root.name !== options.root) {
    return fail('OMAHA_WRONG_ROOT', `Expected a <${options.root}> document, not <${root.name}>`, {
      path: `/${root.name}`,
      ...lineColumn(document.source, root.offset),
    });
  }
  try {
    return { ok: true, value: options.build(new ElementReader(root, `/${root.name}`)) };
  } catch (error) {
    if (error instanceof DocumentFailure) {
      return fail(error.code, error.message, { path: error.path, ...lineColumn(document.source, error.offset) });
    }
    throw error;
  }
}

const integer = /^[+-]?[0-9]+$/;
const trueWords = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Typed access to one element's attributes and children, failing with the element's path and position. */
export class ElementReader {
  constructor(
    readonly element: XmlElement,
    readonly path: string,
  ) {}

  /** The attribute's value, or undefined when it is absent. */
  string(name: string): string | undefined {
    return this.element.attributes.get(name);
  }

  /** The attribute's value; fails with OMAHA_MISSING_ATTRIBUTE when it is absent. */
  required(name: string): string {
    const value = this.element.attributes.get(name);
    if (value === undefined) {
      this.fail('OMAHA_MISSING_ATTRIBUTE', `<${this.element.name}> needs a ${name} attribute`, `${this.path}/@${name}`);
    }
    return value;
  }

  /** A decimal integer in [min, max], read as Go's encoding/xml does (surrounding spaces allowed). */
  integer(name: string, min: number, max: number): number | undefined {
    const value = this.element.attributes.get(name);
    if (value === undefined) return undefined;
    const text = value.trim();
    const parsed = integer.test(text) ? Number(text) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) {
      this.fail(
        'OMAHA_INVALID_ATTRIBUTE',
        `${name}="${value}" is not an integer from ${min} to ${max}`,
        `${this.path}/@${name}`,
      );
    }
    return parsed === 0 ? 0 : parsed; // no -0
  }

  /** A required integer. */
  requiredInteger(name: string, min: number, max: number): number {
    this.required(name);
    return this.integer(name, min, max)!;
  }

  /** A boolean in the words Go's strconv.ParseBool accepts ("true", "false", "1", "0", ...). */
  boolean(name: string): boolean | undefined {
    const value = this.element.attributes.get(name);
    if (value === undefined) return undefined;
    const text = value.trim();
    if (trueWords.has(text)) return true;
    if (falseWords.has(text)) return false;
    return this.fail('OMAHA_INVALID_ATTRIBUTE', `${name}="${value}" is not a boolean`, `${this.path}/@${name}`);
  }

  /** Child elements named `name`, each with its indexed path. */
  children(name: string): ElementReader[] {
    const found: ElementReader[] = [];
    for (const child of this.element.children) {
      if (child.name === name) found.push(new ElementReader(child, `${this.path}/${name}[${found.length}]`));
    }
    return found;
  }

  /** The one child named `name`, or undefined; fails with OMAHA_DUPLICATE_ELEMENT when there are more. */
  single(name: string): ElementReader | undefined {
    let found: ElementReader | undefined;
    for (const child of this.element.children) {
      if (child.name !== name) continue;
      if (found) {
        throw new DocumentFailure(
          'OMAHA_DUPLICATE_ELEMENT',
          `<${this.element.name}> has more than one <${name}>`,
          `${this.path}/${name}`,
          child.offset,
        );
      }
      found = new ElementReader(child, `${this.path}/${name}`);
    }
    return found;
  }

  /** Grandchildren `inner` of every child `outer`, in document order (Go's `outer>inner` and XPath's `outer/inner`). */
  nested(outer: string, inner: string): ElementReader[] {
    const found: ElementReader[] = [];
    for (const wrapper of this.children(outer)) found.push(...wrapper.children(inner));
    return found;
  }

  fail(code: OmahaErrorCode, message: string, path: string = this.path): never {
    throw new DocumentFailure(code, message, path, this.element.offset);
  }
}

/** Copies the entries of `fields` that are not undefined, so optional properties stay absent rather than undefined. */
export function defined<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): T {
  // for-in over a fresh literal: no entry arrays, which matters at thousands of update checks a second.
  const out: Record<string, unknown> = {};
  const source = fields as Record<string, unknown>;
  for (const key in source) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}
