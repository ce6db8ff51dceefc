import { encodeBase64 } from './base64.js';
import { escapeDataUrl, escapedDataLength } from './escape.js';
import { gzipGo } from './gzip.js';

/** What Butane is told about a resource's contents when it turns them into a data URL. */
export interface MakeDataUrlOptions {
  /** The resource's `compression` from the config; `undefined` when the config does not set it. */
  readonly compression: string | undefined;
  /** False under Butane's `--no-resource-auto-compression` (`NoResourceAutoCompression`). */
  readonly allowCompression: boolean;
}

/** A data URL and the `compression` value the resource gets with it. */
export interface DataUrlChoice {
  readonly url: string;
  /**
   * `''` when the contents were not compressed by the user and stay uncompressed (Butane writes it explicitly so a
   * child config does not inherit a parent's compression), `'gzip'` when Butane compressed them, or the user's
   * own value, unchanged, when the config already set one.
   */
  readonly compression: string;
}

/**
 * Butane's MakeDataURL: the shortest of URL-escaped, base64 and (when allowed and the user has not compressed the
 * contents already) gzip+base64, where gzip must beat the others by more than the 4 characters of "gzip".
 */
export function makeDataUrl(contents: Uint8Array, options: MakeDataUrlOptions): DataUrlChoice {
  const userCompressed = options.compression !== undefined && options.compression !== '';
  let compression = userCompressed ? (options.compression as string) : '';

  // Lengths first, so a large file builds only the string that wins. On equal lengths the URL-escaped form
  // wins, and base64 wins over gzip.
  const escapedLength = 1 + escapedDataLength(contents);
  const base64Length = ';base64,'.length + 4 * Math.ceil(contents.length / 3);
  let opaque: string | undefined;
  const shortestPlain = Math.min(escapedLength, base64Length);

  if (!userCompressed && options.allowCompression) {
    const gzipped = `;base64,${encodeBase64(gzipGo(contents))}`;
    if (gzipped.length + 'gzip'.length < shortestPlain) {
      opaque = gzipped;
      compression = 'gzip';
    }
  }
  if (opaque === undefined) {
    opaque = base64Length < escapedLength ? `;base64,${encodeBase64(contents)}` : `,${escapeDataUrl(contents)}`;
  }
  return { url: `data:${opaque}`, compression };
}
