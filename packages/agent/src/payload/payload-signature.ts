import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { ActionExitCode } from '@ballast/omaha';
import { AgentError } from '../agent-error.js';
import { fetchHttp } from '../omaha/http-request.js';

// The scheme: an Ed25519 signature over the payload's 32-byte SHA-256 digest, base64 in a file named after the
// payload with `.sig` appended, next to it at the same URL. OpenSSL 3 makes one with
//   openssl dgst -sha256 -binary -out payload.sha256 payload
//   openssl pkeyutl -sign -inkey key.pem -rawin -in payload.sha256 | base64 -w0 > payload.sig

/** Where the signature of the payload at `payloadUrl` is fetched from. */
export function signatureUrl(payloadUrl: string): string {
  return `${payloadUrl}.sig`;
}

/** Reads an Ed25519 public key (PEM SubjectPublicKeyInfo); anything else is `PUBLIC_KEY_INVALID`. */
export function readPublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AgentError('PUBLIC_KEY_INVALID', `${where}: not a PEM public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AgentError('PUBLIC_KEY_INVALID', `${where}: a ${key.asymmetricKeyType} key, not Ed25519`);
  }
  return key;
}

/** True when `signature` (base64, surrounding whitespace allowed) is the key's signature over `digest`. */
export function verifyPayloadSignature(digest: Uint8Array, signature: string, key: KeyObject): boolean {
  const text = signature.trim();
  if (!/^[A-Za-z0-9+/]{86}==$/.test(text)) return false;
  return verify(null, digest, key, Buffer.from(text, 'base64'));
}

/** Signs a payload digest (for release tooling and tests): base64 of the Ed25519 signature. */
export function signPayloadDigest(digest: Uint8Array, privateKeyPem: string): string {
  return sign(null, digest, createPrivateKey(privateKeyPem)).toString('base64');
}

/**
 * Fetches the payload's signature from the first URL that has one. None found is `PAYLOAD_SIGNATURE_MISSING`,
 * reported as update_engine's SignedDeltaPayloadExpectedError (17).
 */
export async function fetchSignature(payloadUrls: readonly string[]): Promise<string> {
  const tried: string[] = [];
  for (const url of payloadUrls) {
    const at = signatureUrl(url);
    try {
      const answer = await fetchHttp(at, { idleTimeoutMs: 30_000, limit: 4096 });
      if (answer.status === 200) return answer.body.toString('utf8');
      tried.push(`${at}: HTTP ${answer.status}`);
    } catch (error) {
      tried.push(`${at}: ${(error as Error).message}`);
    }
  }
  throw new AgentError(
    'PAYLOAD_SIGNATURE_MISSING',
    `No signature for the payload: ${tried.join('; ')}`,
    ActionExitCode.SignedDeltaPayloadExpectedError,
  );
}
