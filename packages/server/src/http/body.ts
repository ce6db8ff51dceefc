import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../errors.js';
import { HttpError } from './http-error.js';
import { jsonErrorOffset, lineColumn } from './json-error-position.js';

/** Largest JSON body the REST API reads. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a whole request body, refusing (413) one longer than `limit` bytes: by its Content-Length before reading
 * anything, or as soon as the bytes read pass the limit. A connection closed before the body ended rejects.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  // Plain listeners rather than an async iterator: an update check is one small chunk, read thousands of times a
  // second, and the iterator's machinery would cost more than the read.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        done();
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(
        Object.assign(new Error('The client closed the connection before the request body ended'), {
          code: 'ECONNRESET',
        }),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);
}

/**
 * Reads a JSON object body. Malformed JSON is a 400 saying where parsing stopped; a body that is not an object is a
 * 400 naming the body; a Content-Type other than JSON is a 415.
 */
export async function readJsonObject(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\s*(;|$)/i.test(type) && !/^text\/plain\s*(;|$)/i.test(type)) {
    req.resume();
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected application/json, got ${type}`);
  }
  const raw = await readBody(req, limit);
  const text = raw.toString('utf8');
  if (text.trim() === '')
    throw new InvalidInputError([{ path: '', message: 'Request body is empty; expected a JSON object' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = jsonErrorOffset(text);
    const where = offset === undefined ? '' : ` at ${lineColumn(text, offset)}`;
    throw new HttpError(400, 'INVALID_JSON', `Malformed JSON${where}: ${message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError([{ path: '', message: 'Expected a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
