import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestArbitrary, responseArbitrary } from './arbitraries.test-helper.js';
import { buildRequest } from './build-request.js';
import { buildResponse } from './build-response.js';
import { parseRequest } from './parse-request.js';
import { parseResponse } from './parse-response.js';

const limits = { maxBytes: 1 << 20 };

describe('parse(build(x)) = x', () => {
  it('for any request', () => {
    fc.assert(
      fc.property(requestArbitrary(), (request) => {
        expect(parseRequest(buildRequest(request), { limits })).toEqual({ ok: true, value: request });
      }),
      { numRuns: 300 },
    );
  });

  it('for any response', () => {
    fc.assert(
      fc.property(responseArbitrary(), (response) => {
        expect(parseResponse(buildResponse(response), { limits })).toEqual({ ok: true, value: response });
      }),
      { numRuns: 300 },
    );
  });

  it('for requests and responses given as UTF-8 bytes', () => {
    fc.assert(
      fc.property(requestArbitrary(), responseArbitrary(), (request, response) => {
        const encoder = new TextEncoder();
        expect(parseRequest(encoder.encode(buildRequest(request)), { limits })).toEqual({ ok: true, value: request });
        expect(parseResponse(encoder.encode(buildResponse(response)), { limits })).toEqual({
          ok: true,
          value: response,
        });
      }),
      { numRuns: 100 },
    );
  });
});
