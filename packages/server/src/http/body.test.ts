import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from './body.js';
import { HttpError } from './http-error.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A server that hands each request to `read` and answers with what it resolved to. */
async function serve(read: (req: IncomingMessage) => Promise<unknown>): Promise<{ port: number; seen: unknown[] }> {
  const seen: unknown[] = [];
  server = createServer((req, res) => {
    read(req).then(
      (value) => {
        seen.push(value);
        res.end('ok');
      },
      (error: unknown) => {
        seen.push(error);
        res.end('error');
      },
    );
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { port: (server!.address() as { port: number }).port, seen };
}

/** Sends raw bytes in pieces, a few milliseconds apart, then optionally cuts the connection. */
async function send(port: number, pieces: readonly string[], cut = false): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((done) => socket.once('connect', done));
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((done) => setTimeout(done, 10));
  }
  if (cut) socket.destroy();
  else await new Promise((done) => socket.once('data', done));
  socket.destroy();
}

const head = (length: number) => `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`;

describe('readBody', () => {
  it('joins a body that arrives in pieces', async () => {
    const { port, seen } = await serve((req) => readBody(req, 100).then((body) => body.toString()));
    await send(port, [head(11), 'hello', ' world']);
    expect(seen).toEqual(['hello world']);
  });

  it('refuses by Content-Length before reading, and by bytes read without one', async () => {
    const { port, seen } = await serve((req) => readBody(req, 4));
    await send(port, [head(5), 'hello']);
    await send(port, [
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      '3\r\nabc\r\n',
      '3\r\ndef\r\n0\r\n\r\n',
    ]);
    expect(seen).toHaveLength(2);
    for (const error of seen) expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(seen[0]).toBeInstanceOf(HttpError);
  });

  it('rejects when the client goes away before the body ended', async () => {
    const { port, seen } = await serve((req) => readBody(req, 100));
    await send(port, [head(50), 'partial'], true);
    await new Promise((done) => setTimeout(done, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Error);
    expect((seen[0] as { code?: string }).code).toBe('ECONNRESET');
  });
});
