import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPublicKey, signPayloadDigest, verifyPayloadSignature } from './payload-signature.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('payload signatures', () => {
  const digest = createHash('sha256').update('a payload').digest();

  it('verifies its own signatures and nothing else', () => {
    const key = readPublicKey(publicPem, 'key.pem');
    const signature = signPayloadDigest(digest, privatePem);
    expect(verifyPayloadSignature(digest, `${signature}\n`, key)).toBe(true);
    const other = createHash('sha256').update('another payload').digest();
    expect(verifyPayloadSignature(other, signature, key)).toBe(false);
    const flipped = Buffer.from(signature, 'base64');
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyPayloadSignature(digest, flipped.toString('base64'), key)).toBe(false);
    expect(verifyPayloadSignature(digest, 'not base64', key)).toBe(false);
    const stranger = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(verifyPayloadSignature(digest, signPayloadDigest(digest, stranger), key)).toBe(false);
  });

  it('accepts a signature made with the openssl command line, as docs/agent.md shows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ballast-sig-'));
    try {
      await writeFile(join(dir, 'payload'), 'a payload');
      await writeFile(join(dir, 'key.pem'), privatePem);
      const signature = execFileSync(
        '/bin/sh',
        [
          '-c',
          'openssl dgst -sha256 -binary -out payload.sha256 payload && ' +
            'openssl pkeyutl -sign -inkey key.pem -rawin -in payload.sha256 | base64 -w0',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(verifyPayloadSignature(digest, signature, readPublicKey(publicPem, 'key.pem'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses keys that are not Ed25519 public keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => readPublicKey(rsa.toString(), 'rsa.pem')).toThrow(
      expect.objectContaining({ code: 'PUBLIC_KEY_INVALID' }),
    );
    expect(() => readPublicKey('garbage', 'x.pem')).toThrow(expect.objectContaining({ code: 'PUBLIC_KEY_INVALID' }));
  });
});
