import { InvalidInputError } from '../errors.js';
import type { Duration } from '../store/index.js';

/** An optional integer query parameter; anything else than digits is a 400 naming the parameter. */
export function queryInt(
  query: URLSearchParams,
  name: string,
  options: { readonly min?: number } = {},
): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidInputError([{ path: name, message: `Expected a whole number, got "${text}"` }]);
  }
  const value = Number(text);
  if (options.min !== undefined && value < options.min) {
    throw new InvalidInputError([{ path: name, message: `Must be at least ${options.min}` }]);
  }
  return value;
}

/** Nebraska's `page` and `perpage` (pages count from 1; page 0 reads as 1, as Nebraska reads it). */
export function pageParams(query: URLSearchParams): { page?: number; perPage?: number } {
  const page = queryInt(query, 'page', { min: 0 });
  const perPage = queryInt(query, 'perpage', { min: 1 });
  return {
    ...(page !== undefined && { page: Math.max(1, page) }),
    ...(perPage !== undefined && { perPage: Math.min(perPage, 1000) }),
  };
}

const DURATIONS: readonly Duration[] = ['1h', '1d', '7d', '30d'];

/** Nebraska's `duration`: 1h, 1d, 7d or 30d (1d when missing). */
export function durationParam(query: URLSearchParams): Duration {
  const text = query.get('duration');
  if (text === null || text === '') return '1d';
  if (!(DURATIONS as readonly string[]).includes(text)) {
    throw new InvalidInputError([{ path: 'duration', message: `Must be one of ${DURATIONS.join(', ')}` }]);
  }
  return text as Duration;
}

/** An optional RFC 3339 time parameter. */
export function timeParam(query: URLSearchParams, name: string): Date | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new InvalidInputError([{ path: name, message: `Expected an RFC 3339 time, got "${text}"` }]);
  }
  return date;
}
