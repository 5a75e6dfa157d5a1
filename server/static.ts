/**
 * The built app (dist/) over HTTP.
 *
 * Contracts:
 * - Only files inside the static root are served: the path is decoded once, must not contain NUL or a `..`
 *   segment, and the resolved file must lie under the root (no traversal, encoded or not).
 * - Navigation GETs (Accept: text/html) for paths that are not files get index.html: the app routes itself.
 * - index.html, sw.js, the manifest and every other unhashed file: `Cache-Control: no-cache` (revalidate with the
 *   ETag every time, so a deploy is seen at once); hashed build output under /assets/: cached for a year, immutable.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

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

  const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const hashed = decoded.startsWith('/assets/');
  res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
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
  await new Promise<void>((done) => {
    const stream = createReadStream(file);
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
  return 'served';
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}
