import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { HttpError, isDatabaseUnavailable, toErrorResponse } from './http-error.js';

describe('toErrorResponse', () => {
  it('maps domain errors to 404, 409 and 400 with the fields', () => {
    expect(toErrorResponse(new NotFoundError('Group', 'g'))).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND', message: 'Group g not found' },
    });
    expect(toErrorResponse(new ConflictError('taken', 'DUPLICATE_NAME'))).toMatchObject({
      status: 409,
      body: { error: 'DUPLICATE_NAME' },
    });
    const fields = [{ path: 'name', message: 'Required' }];
    expect(toErrorResponse(new InvalidInputError(fields))).toMatchObject({
      status: 400,
      body: { error: 'INVALID_INPUT', fields },
    });
  });

  it('answers 503 with Retry-After when the database cannot be reached, 500 without details otherwise', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(toErrorResponse(refused)).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, serverFault: true });
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused]))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    const internal = toErrorResponse(new TypeError('x is undefined'));
    expect(internal).toMatchObject({ status: 500, body: { error: 'INTERNAL', message: 'Internal server error' } });
    expect(JSON.stringify(internal.body)).not.toContain('undefined');
  });

  it('keeps an HttpError as it is', () => {
    expect(toErrorResponse(new HttpError(405, 'METHOD_NOT_ALLOWED', 'no', { allow: 'GET' }))).toMatchObject({
      status: 405,
      headers: { allow: 'GET' },
      serverFault: false,
    });
  });
});
