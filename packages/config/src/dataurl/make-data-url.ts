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
 * The shortest stream gzipGo writes is 23 bytes, for the empty input: the 10-byte header, then the final empty stored
 * block that always ends Go's DEFLATE stream (a byte holding its 3 header bits, then LEN and NLEN, 4 bytes), then the
 * 8-byte trailer; any other input only adds to it. Its URL is thus at least ";base64," plus 32 base64 characters, 40
 * in all, and it must beat the plain forms by more than the 4 characters of "gzip": gzip cannot win when the shorter
 * plain form is at most 44 characters long, so it is not even computed then.
 */
const GZIP_NEVER_WINS_AT_OR_BELOW = ';base64,'.length + 4 * Math.ceil(23 / 3) + 'gzip'.length;

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

  if (!userCompressed && options.allowCompression && shortestPlain > GZIP_NEVER_WINS_AT_OR_BELOW) {
    const gzipped = gzipGo(contents);
    if (';base64,'.length + 4 * Math.ceil(gzipped.length / 3) + 'gzip'.length < shortestPlain) {
      opaque = `;base64,${encodeBase64(gzipped)}`;
      compression = 'gzip';
    }
  }
  if (opaque === undefined) {
    opaque = base64Length < escapedLength ? `;base64,${encodeBase64(contents)}` : `,${escapeDataUrl(contents)}`;
  }
  return { url: `data:${opaque}`, compression };
}
