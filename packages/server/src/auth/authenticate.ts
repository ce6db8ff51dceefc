import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/http-error.js';
import type { Access, Principal } from '../http/router.js';
import { type ApiToken, type ApiTokenRole, hashApiToken, type Store } from '../store/index.js';

/** How the REST API is protected: bearer tokens, or nothing at all (local demos only). */
export type AuthMode = 'token' | 'none';

/** Prefix of every API token, so a leaked one is recognisable (and greppable) as Ballast's. */
export const API_TOKEN_PREFIX = 'ballast_';

/** A new random API token secret: 256 bits, URL-safe. */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A created token: the stored record and the secret, which is shown once and never stored. */
export interface CreatedApiToken {
  readonly token: ApiToken;
  readonly secret: string;
}

/** Creates an API token with a role; only its hash is stored. */
export async function createApiToken(
  store: Store,
  input: { readonly name: string; readonly role: ApiTokenRole },
): Promise<CreatedApiToken> {
  const secret = generateApiToken();
  const token = await store.createApiToken({ name: input.name, role: input.role, tokenHash: hashApiToken(secret) });
  return { token, secret };
}

const ANONYMOUS_ADMIN: Principal = { role: 'admin', tokenId: 'anonymous' };

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'UNAUTHORIZED', message, { 'www-authenticate': 'Bearer realm="ballast"' });
}

/** The bearer token of a request, from `Authorization: Bearer ...`. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Works out who is calling a protected route and whether they may: a valid token of any role may read, only an
 * admin token may write. With `--auth none` everyone is an admin.
 */
export async function authorize(
  req: IncomingMessage,
  options: { readonly mode: AuthMode; readonly store: Store; readonly access: Access },
): Promise<Principal | undefined> {
  if (options.access === 'public') return undefined;
  if (options.mode === 'none') return ANONYMOUS_ADMIN;
  const secret = bearerToken(req);
  if (secret === undefined) {
    throw unauthorized(
      req.headers.authorization === undefined
        ? 'This endpoint needs an API token: send "Authorization: Bearer <token>"'
        : 'The Authorization header is not "Bearer <token>"',
    );
  }
  const token = await options.store.useApiToken(hashApiToken(secret));
  if (!token) throw unauthorized('Unknown or revoked API token');
  if (options.access === 'write' && token.role !== 'admin') {
    throw new HttpError(403, 'FORBIDDEN', `Token "${token.name}" has the ${token.role} role, which may only read`);
  }
  return { role: token.role, tokenId: token.id };
}
