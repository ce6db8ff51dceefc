import type { ServerResponse } from 'node:http';

/** Writes a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Writes a text or XML answer. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Writes an empty answer (204 for deletes, as Nebraska answers them). */
export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}
