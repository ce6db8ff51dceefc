/**
 * Stable identifiers of everything that can be wrong with an Omaha document. The server answers `XML_TOO_LARGE`
 * with 413 and every other code with 400; tests match on the code, never on the message.
 */
export type OmahaErrorCode =
  /** The document is larger than the size limit (64 KiB unless the caller passes another). */
  | 'XML_TOO_LARGE'
  /** The bytes are not well-formed UTF-8 XML 1.0. */
  | 'XML_MALFORMED'
  /** The document carries a DOCTYPE or another markup declaration; we never read DTDs or expand entities. */
  | 'XML_DTD_FORBIDDEN'
  /** The document nests too deep, has too many elements or an element has too many attributes. */
  | 'XML_LIMIT_EXCEEDED'
  /** The root element is not the one expected (`request` or `response`). */
  | 'OMAHA_WRONG_ROOT'
  /** The request does not say `protocol="3.0"`. */
  | 'OMAHA_UNSUPPORTED_PROTOCOL'
  /** A required attribute is absent. */
  | 'OMAHA_MISSING_ATTRIBUTE'
  /** An attribute has a value of the wrong kind (not an integer, not a boolean, out of range). */
  | 'OMAHA_INVALID_ATTRIBUTE'
  /** An element that may appear once appears twice, so two readers could disagree on which one counts. */
  | 'OMAHA_DUPLICATE_ELEMENT';

/** What is wrong with a document and where: `path` names the element or attribute, line and column the source. */
export interface OmahaError {
  readonly code: OmahaErrorCode;
  /** Capitalised, no trailing period. */
  readonly message: string;
  /** XPath-like location, e.g. `/request/app[0]/event[1]/@eventtype`; empty for document-level errors. */
  readonly path: string;
  /** 1-based line of the offending character, when known. */
  readonly line?: number;
  /** 1-based column (in UTF-16 code units) of the offending character, when known. */
  readonly column?: number;
}

/** A value, or the one error that made it impossible; parsers never throw on bad input. */
export type OmahaResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: OmahaError };

/** Builds a failed result. */
export function fail<T>(
  code: OmahaErrorCode,
  message: string,
  where: { path?: string; line?: number; column?: number } = {},
): OmahaResult<T> {
  const error: { -readonly [K in keyof OmahaError]: OmahaError[K] } = { code, message, path: where.path ?? '' };
  if (where.line !== undefined) error.line = where.line;
  if (where.column !== undefined) error.column = where.column;
  return { ok: false, error };
}
