import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.js';
import { parseRange, payloadPath } from './payload-files.js';

describe('parseRange', () => {
  it.each([
    [undefined, undefined],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-1', undefined],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
  ])('reads %s of a 1000-byte file', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it('never returns a range outside the file', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(10_000), (header, size) => {
        const range = parseRange(header, size);
        if (range && range !== 'unsatisfiable') {
          expect(range.start).toBeGreaterThanOrEqual(0);
          expect(range.end).toBeLessThan(size);
          expect(range.start).toBeLessThanOrEqual(range.end);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('payloadPath', () => {
  it('resolves plain names below the root', () => {
    expect(payloadPath('/srv/payloads', '4081.2.0/flatcar_production_update.gz')).toBe(
      '/srv/payloads/4081.2.0/flatcar_production_update.gz',
    );
    expect(payloadPath('/srv/payloads', '1.0.0%2Bbuild/u.gz')).toBe('/srv/payloads/1.0.0+build/u.gz');
    expect(() => payloadPath('/srv/payloads', 'a%20b')).toThrow(HttpError);
  });

  it.each([
    '',
    '..',
    '../x',
    'a/../../x',
    '%2e%2e/x',
    '..%2fx',
    'a%2f..%2f..%2fx',
    '.hidden',
    'a/.git/config',
    '%00',
    'a%5c..%5cx',
    '%E0%A4%A',
  ])('refuses %j', (path) => {
    expect(() => payloadPath('/srv/payloads', path)).toThrow(HttpError);
  });

  it('never leaves the root, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2f', '%5c', '/', 'a', '%00', '~'), fc.string()), {
          maxLength: 8,
        }),
        (parts) => {
          try {
            const path = payloadPath('/srv/payloads', parts.join('/'));
            expect(path.startsWith('/srv/payloads/')).toBe(true);
            expect(path.split('/')).not.toContain('..');
          } catch (error) {
            expect(error).toBeInstanceOf(HttpError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
