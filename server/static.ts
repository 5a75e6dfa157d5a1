/**
 * The built app (dist/) over HTTP.
 *
 * Contracts:
 * - Only files inside the static root are served: the path is decoded once, must not contain NUL or a `..`
 *   segment, and the resolved file must lie under the root (no traversal, encoded or not).
 * - Navigation GETs (Accept: text/html) for paths that are not files get index.html: the app routes itself.
 * - index.html, sw.js, the manifest and every other unhashed file: `Cache-Control: no-cache` (revalidate with the
 *   ETag every time, so a deploy is seen at once); hashed build output under /assets/: cached for a year, immutable.
 * - A file with a precompressed sibling (`<file>.br`, `<file>.gz`, written by the build: vite.config.ts) is sent
 *   as that sibling when the request's Accept-Encoding allows it (brotli first), with Content-Encoding, the
 *   sibling's Content-Length, an ETag of its own, and `Vary: Accept-Encoding` whatever was chosen.
 * - Every file goes with the app's Content-Security-Policy (headers.ts `appCsp`; an HTML file's with the hashes of
 *   its inline style blocks): the policy of a page, and of a worker, comes with its own file.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { appCsp, inlineStyleHashes } from './headers.ts';
import { pipeFile } from './httpio.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.pbf': 'application/x-protobuf',
  // Issue 14: the read-aloud clips (public/voice, Ogg Opus).
  '.opus': 'audio/ogg; codecs=opus',
};

export type StaticResult = 'served' | 'not_found' | 'bad_path';

export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): Promise<StaticResult> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return 'bad_path';
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((seg) => seg === '..')) return 'bad_path';
  const base = resolve(root);
  let file = resolve(join(base, decoded));
  if (file !== base && !file.startsWith(base + sep)) return 'bad_path';

  let st = await statOrNull(file);
  if (st?.isDirectory()) {
    file = join(file, 'index.html');
    st = await statOrNull(file);
  }
  if (!st?.isFile()) {
    // The app's own routes (/cases/123): a navigation gets the shell. Files that do not exist stay 404.
    const accept = req.headers.accept ?? '';
    if (!accept.includes('text/html') || extname(decoded) !== '') return 'not_found';
    file = join(base, 'index.html');
    st = await statOrNull(file);
    if (!st?.isFile()) return 'not_found';
  }

  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const html = type.startsWith('text/html');
  res.setHeader('Content-Security-Policy', appCsp(req.headers.host, html ? await inlineStyleHashes(file, st) : []));
  const variant = await precompressed(file, req.headers['accept-encoding']);
  if (variant.vary) res.setHeader('Vary', 'Accept-Encoding');
  if (variant.encoding) {
    file = variant.file;
    st = variant.stat;
    res.setHeader('Content-Encoding', variant.encoding);
  }
  const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}${variant.encoding ? `-${variant.encoding}` : ''}"`;
  const hashed = decoded.startsWith('/assets/');
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return 'served';
  }
  res.setHeader('Content-Length', st.size);
  res.statusCode = 200;
  if (req.method === 'HEAD') {
    res.end();
    return 'served';
  }
  await pipeFile(res, file);
  return 'served';
}

type Encoding = 'br' | 'gzip';
const SIBLING: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encodings an Accept-Encoding header allows, best first (brotli, then gzip). `q=0` refuses one; `*` stands
 * for every encoding the header does not name.
 */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const star = q.get('*');
  return (['br', 'gzip'] as const).filter((e) => (q.get(e) ?? star ?? 0) > 0);
}

type Variant = { encoding: null; vary: boolean } | { encoding: Encoding; vary: true; file: string; stat: Stats };

/** The precompressed sibling to send for `file`, if one exists and the client accepts its encoding. */
async function precompressed(file: string, acceptEncoding: string | string[] | undefined): Promise<Variant> {
  if (!/\.(?:js|mjs|css)$/.test(file)) return { encoding: null, vary: false };
  let vary = false;
  const accepted = new Set(acceptedEncodings(acceptEncoding));
  for (const encoding of ['br', 'gzip'] as const) {
    const sibling = file + SIBLING[encoding];
    const st = await statOrNull(sibling);
    if (!st?.isFile()) continue;
    vary = true;
    if (accepted.has(encoding)) return { encoding, vary, file: sibling, stat: st };
  }
  return { encoding: null, vary };
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}
