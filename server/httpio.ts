/**
 * The pieces every HTTP route of the relay shares (http.ts, geohttp.ts, peoplehttp.ts, static.ts; the bearer token
 * also relay.ts's upgrade): the bearer token, request bodies, JSON answers and file streams.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../src/domain/org.ts';

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/** The user behind the request's bearer token, or null (no token, or one `authenticate` refuses). */
export async function bearerUser(
  req: IncomingMessage,
  ctx: { authenticate(token: string, from?: string | null, opts?: { allowMustChange?: boolean }): Promise<UserInfo | null> },
  opts?: { allowMustChange?: boolean },
): Promise<UserInfo | null> {
  const token = bearerToken(req.headers.authorization);
  return token ? ctx.authenticate(token, req.socket.remoteAddress ?? null, opts) : null;
}

/** The request body as bytes, or null when it is (or declares to be) larger than `max` bytes. */
export async function readBytes(req: IncomingMessage, max: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > max) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request body as UTF-8 text, or null when it is (or declares to be) larger than `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return (await readBytes(req, max))?.toString('utf8') ?? null;
}

/** A route's answer other than its success: thrown inside `answer`, sent as `{"error", ...extra}`. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}

export const refuse = (status: number, error: string, extra: Record<string, unknown> = {}): Refusal => new Refusal(status, { error, ...extra });

/** Run a route's body; a thrown Refusal is its answer (413 also closes the connection: the body was not read). */
export async function answer(res: ServerResponse, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    if (e.status === 413) res.setHeader('Connection', 'close');
    sendJson(res, e.status, e.body);
  }
}

/**
 * A JSON answer, never cached, without the ETag a route may have set for the content it meant to send. No body to a
 * HEAD request; once headers went out (a stream failed midway) the connection is cut instead.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.removeHeader('ETag');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Stream a file (or the inclusive byte range `start`-`end` of it) as the body; resolves when done or cut off. */
export function pipeFile(res: ServerResponse, path: string, range?: { start: number; end: number }): Promise<void> {
  return new Promise<void>((done) => {
    const stream = createReadStream(path, range);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}
