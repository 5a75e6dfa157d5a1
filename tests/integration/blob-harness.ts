// Helpers of the blob tests (issue 12): sample blobs of each kind, the protocol's requests over real HTTP, a request
// cut mid-body, and what DATA_DIR/blobs holds on disk.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { encodePng } from '../../scripts/png.ts';
import { blobPath, BLOBS_PATH, CHUNK_BYTES, contentRange, uploadStatusPath, type UploadStatus } from '../../src/protocol/blobs.ts';

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A JPEG as checkBlob sees one (SOI + APP0 header, random body, EOI), `size` bytes, never the same twice. */
export function jpeg(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(randomBytes(size));
  b.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  // No stray 0xFF D9 / zero padding confusion at the end: the last two bytes are the end-of-image marker.
  b[size - 3] = 0x11;
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}

/** A real small PNG (scripts/png.ts), different for each `seed`. */
export function png(seed: number, side = 24): Uint8Array<ArrayBuffer> {
  const px = new Uint8Array(side * side * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + seed * 13) & 0xff;
  return new Uint8Array(encodePng(side, side, px, 3));
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

/** One PUT of `bytes[first..last]` with its Content-Range (total defaults to the whole blob). */
export async function putChunk(base: string, token: string, hash: string, bytes: Uint8Array, first: number, last: number, total = bytes.length): Promise<Answer> {
  const res = await fetch(base + blobPath(hash), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-range': contentRange(first, last, total), 'content-type': 'application/octet-stream' },
    body: bytes.slice(first, last + 1),
  });
  return answer(res);
}

/** A whole upload in CHUNK_BYTES chunks from `from`; returns the last answer. */
export async function upload(base: string, token: string, bytes: Uint8Array, hash = sha(bytes), from = 0): Promise<Answer> {
  let last: Answer | null = null;
  for (let at = from; at < bytes.length; at += CHUNK_BYTES) {
    last = await putChunk(base, token, hash, bytes, at, Math.min(bytes.length, at + CHUNK_BYTES) - 1);
    if (last.status !== 200 && last.status !== 201) return last;
  }
  return last!;
}

export async function status(base: string, token: string, hash: string): Promise<UploadStatus & { error?: string }> {
  const res = await fetch(base + uploadStatusPath(hash), { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as UploadStatus;
}

export async function getBlob(base: string, token: string, hash: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(base + blobPath(hash), { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

/**
 * A PUT whose link drops mid-body: the Content-Range and Content-Length announce `bytes[first..last]`, only `sent`
 * bytes go out, then the socket is destroyed. Resolves once the socket is closed.
 */
export function cutPut(base: string, token: string, hash: string, bytes: Uint8Array, first: number, last: number, sent: number): Promise<void> {
  const url = new URL(base + blobPath(hash));
  return new Promise<void>((done) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-range': contentRange(first, last, bytes.length), 'content-length': String(last - first + 1) },
    });
    req.on('error', () => done());
    req.on('close', () => done());
    req.write(bytes.slice(first, first + sent), () => setTimeout(() => req.destroy(), 150));
  });
}

/** Files under DATA_DIR/blobs: stored blobs (`ab/<hash>`) and partial uploads (`partial/...`). */
export function blobFiles(dataDir: string): { stored: string[]; partial: string[] } {
  const root = join(dataDir, 'blobs');
  const stored: string[] = [];
  if (!existsSync(root)) return { stored, partial: [] };
  for (const sub of readdirSync(root)) if (sub !== 'partial') for (const f of readdirSync(join(root, sub))) stored.push(f);
  const partial = existsSync(join(root, 'partial')) ? readdirSync(join(root, 'partial')) : [];
  return { stored, partial };
}

/** Poll until `pred` holds (server-side work after a cut finishes asynchronously). */
export async function until<T>(get: () => Promise<T>, pred: (v: T) => boolean, label: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out: ${label} (last ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A PUT that sends `sent` bytes of its chunk and then hangs with the socket open (a link dead without a FIN). */
export function hungPut(base: string, token: string, hash: string, bytes: Uint8Array, first: number, last: number, sent: number): { written: Promise<void>; closed: Promise<void>; abort(): void } {
  const url = new URL(base + blobPath(hash));
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-range': contentRange(first, last, bytes.length), 'content-length': String(last - first + 1) },
  });
  const closed = new Promise<void>((done) => {
    req.on('error', () => done());
    req.on('close', () => done());
  });
  const written = new Promise<void>((done) => req.write(bytes.slice(first, first + sent), () => done()));
  return { written, closed, abort: () => req.destroy() };
}

/** A POST /api/blobs whose link drops after `sent` bytes of `body`. Resolves once the socket is closed. */
export function cutBatch(base: string, token: string, body: Uint8Array, sent: number): Promise<void> {
  const url = new URL(base + BLOBS_PATH);
  return new Promise<void>((done) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-length': String(body.length) } });
    req.on('error', () => done());
    req.on('close', () => done());
    req.write(body.slice(0, sent), () => setTimeout(() => req.destroy(), 150));
  });
}
