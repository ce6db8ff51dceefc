import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256AsBase64, sha256AsHex, withCanonicalHashes } from './hash-encoding.js';

// The two spellings of one digest as the tools update_engine and Nebraska build on make them: OpenSSL's base64 of
// the raw digest (update_engine's OmahaHashCalculator) and sha256sum's hex (Go's hex.EncodeToString spells the same).
const content = 'flatcar_production_update.gz';
const base64 = execFileSync('sh', ['-c', `printf %s '${content}' | openssl dgst -sha256 -binary | openssl base64 -A`])
  .toString()
  .trim();
const hex = execFileSync('sh', ['-c', `printf %s '${content}' | sha256sum`])
  .toString()
  .split(' ')[0]!;

describe('SHA-256 encodings', () => {
  it('turns the other encoding of a digest into the one each field is read in', () => {
    expect(base64).toHaveLength(44);
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256AsBase64(hex)).toBe(base64);
    expect(sha256AsBase64(hex.toUpperCase())).toBe(base64);
    expect(sha256AsBase64(base64)).toBe(base64);
    expect(sha256AsHex(base64)).toBe(hex);
    expect(sha256AsHex(hex.toUpperCase())).toBe(hex);
    expect(sha256AsHex(hex)).toBe(hex);
  });

  it('keeps anything that is not a SHA-256 in either encoding as given, as Nebraska keeps it', () => {
    for (const value of ['c2hhMjU2', '', 'not a hash', `${hex}00`, hex.slice(2), `${base64.slice(0, 43)}A`]) {
      expect(sha256AsBase64(value)).toBe(value);
      expect(sha256AsHex(value)).toBe(value);
    }
  });

  it('round-trips every digest, whichever encoding it came in', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const digest = Buffer.from(bytes);
        expect(sha256AsBase64(digest.toString('hex'))).toBe(digest.toString('base64'));
        expect(sha256AsHex(digest.toString('base64'))).toBe(digest.toString('hex'));
        expect(sha256AsHex(sha256AsBase64(digest.toString('hex')))).toBe(digest.toString('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('settles a package input field by field, leaving fields that were not given out', () => {
    expect(
      withCanonicalHashes({
        version: '1.0.0',
        url: '',
        hashSha256: base64,
        flatcarAction: { sha256: hex, isDelta: true },
        extraFiles: [{ name: 'oem.raw', hash: 'c2hhMQ==', hash256: base64 }, { name: 'plain' }],
      }),
    ).toEqual({
      version: '1.0.0',
      url: '',
      hashSha256: hex,
      flatcarAction: { sha256: base64, isDelta: true },
      extraFiles: [{ name: 'oem.raw', hash: 'c2hhMQ==', hash256: hex }, { name: 'plain' }],
    });
    expect(withCanonicalHashes({ description: 'x' })).toEqual({ description: 'x' });
    expect(withCanonicalHashes({ hashSha256: null, flatcarAction: null })).toEqual({
      hashSha256: null,
      flatcarAction: null,
    });
  });
});
