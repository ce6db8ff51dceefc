import { createHash } from 'node:crypto';

/**
 * The hash under which an API token is stored and looked up. Tokens are long random secrets, so one SHA-256 is
 * enough: nothing to brute-force, and a lookup per request stays cheap.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
