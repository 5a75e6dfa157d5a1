/**
 * HTTP routes of the grid boundaries (wired in http.ts):
 *
 *   GET|HEAD /api/geo/<grids|villages|towns>.geojson   Bearer -> 200 GeoJSON FeatureCollection (geostore.ts);
 *            strong ETag, `If-None-Match` -> 304, `Cache-Control: private, no-cache` (the app's service worker keeps
 *            a copy for offline use and revalidates it), gzip when Accept-Encoding allows. Grids carry `gridId`,
 *            `villageId`, `townId`, `workerId`, `name`, `villageName`, `townName`, `center`.
 *            The towns file also says whether the relay has a basemap (`"basemap": true|false`, a foreign member):
 *            the app asks for basemap.pmtiles only when it is true, so a county without one logs no 404; its ETag
 *            changes when a basemap is put in place or removed.
 *   POST     /api/geo/grids   admin, a grids FeatureCollection (at most 16 MiB) -> 200 {"ok":true,"grids":n,
 *            "withoutGeometry":[grid ids of the org that the file leaves out]}; every problem -> 400
 *            {"error":"invalid_geometry","problems":[{code, feature, gridId, otherGridId?, message}]} and nothing
 *            changes (codes: src/domain/geovalidate.ts); not admin -> 403.
 *   GET|HEAD /api/geo/basemap.pmtiles   Bearer -> the administrator's DATA_DIR/basemap.pmtiles with byte ranges
 *            (`Range: bytes=a-b` -> 206, unsatisfiable -> 416; `If-Range`), a strong ETag of the file's bytes (SHA-256,
 *            computed once per version of the file), `If-None-Match` -> 304 (the app's service worker revalidates
 *            its whole copy with it: a few hundred bytes when the administrator has not replaced the file; the
 *            former ETag, `"<size>-<mtime>"` in hex, still matches while both do);
 *            404 when there is none (the service worker then drops its copy).
 *
 * The token is required because the files name the accounts of grid workers.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GeoLayer } from '../src/domain/geo.ts';
import { validateGrids } from '../src/domain/geovalidate.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, pipeFile, readBody, sendJson } from './httpio.ts';
import { clientAddress } from './audit.ts';

const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export async function geoFile(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, layer: GeoLayer): Promise<void> {
  if (!(await bearerUser(req, ctx))) return sendJson(res, 401, { error: 'unauthorized' });
  const f = ctx.geo.file(layer, ctx.org().data);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('ETag', f.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Content-Type', 'application/geo+json; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (matches(req.headers['if-none-match'], f.etag)) {
    res.statusCode = 304;
    return void res.end();
  }
  const gzip = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? f.gzip : f.body;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function importGrids(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const u = await bearerUser(req, ctx);
  if (!u) return sendJson(res, 401, { error: 'unauthorized' });
  if (u.role !== 'admin') return sendJson(res, 403, { error: 'forbidden' });
  const text = await readBody(req, MAX_IMPORT_BYTES);
  if (text === null) {
    res.setHeader('Connection', 'close');
    return sendJson(res, 413, { error: 'too_large' });
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'invalid_geometry', problems: [{ code: 'invalid_geojson', message: 'the body is not JSON' }] });
  }
  const org = ctx.org().data;
  const result = validateGrids(input, new Map(org.villages.map((v) => [v.id, v.townId])));
  if (!result.ok) return sendJson(res, 400, { error: 'invalid_geometry', problems: result.problems });
  ctx.geo.replaceGrids(result.grids);
  const have = new Set(result.grids.map((g) => g.gridId));
  ctx.log.info(`${u.id} imported ${result.grids.length} grid boundaries`);
  ctx.audit.record({ actor: u.id, action: 'boundaries.imported', target: 'grids', ip: clientAddress(req), detail: { grids: result.grids.length } });
  sendJson(res, 200, { ok: true, grids: result.grids.length, withoutGeometry: org.grids.map((g) => g.id).filter((id) => !have.has(id)) });
}

export async function basemap(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (!(await bearerUser(req, ctx))) return sendJson(res, 401, { error: 'unauthorized' });
  const file = ctx.geo.basemap();
  if (!file) return sendJson(res, 404, { error: 'not_found' });
  let etag: string;
  try {
    etag = await basemapEtag(file.path);
  } catch {
    return sendJson(res, 404, { error: 'not_found' });
  }
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', 'application/vnd.pmtiles');
  // A copy kept before the ETag was a hash names the file by size and mtime ("size-mtime", hex): taken as the same
  // file while both match, so devices updating the app do not download an unchanged basemap once more.
  const legacy = `"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  if (matches(req.headers['if-none-match'], etag) || matches(req.headers['if-none-match'], legacy)) {
    res.statusCode = 304;
    return void res.end();
  }
  let start = 0;
  let end = file.size - 1;
  const range = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (range && (!ifRange || ifRange === etag)) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const parsed = m ? parseRange(m[1]!, m[2]!, file.size) : null;
    if (!parsed) {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      return sendJson(res, 416, { error: 'bad_request' });
    }
    [start, end] = parsed;
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  } else {
    res.statusCode = 200;
  }
  res.setHeader('Content-Length', end - start + 1);
  if (req.method === 'HEAD' || file.size === 0) return void res.end();
  await pipeFile(res, file.path, { start, end });
}

const basemapTags = new Map<string, { version: string; etag: Promise<string> }>();

/**
 * The basemap's ETag: a hash of its bytes, so a copy of the same file (a re-upload, `touch`, a restored backup)
 * keeps its ETag and no device downloads it again, while any change of content changes it, even with the same
 * size and a preserved mtime (`cp -p`, rsync). Hashed once per version of the file on disk (inode, size, mtime,
 * ctime: a replacement changes at least ctime), then remembered.
 */
async function basemapEtag(path: string): Promise<string> {
  const st = await stat(path);
  const version = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = basemapTags.get(path);
  if (known?.version === version) return known.etag;
  const etag = new Promise<string>((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(`"${hash.digest('base64url').slice(0, 27)}"`));
  });
  basemapTags.set(path, { version, etag });
  etag.catch(() => {
    if (basemapTags.get(path)?.etag === etag) basemapTags.delete(path);
  });
  return etag;
}

/** [start, end] (inclusive) of a single byte range, or null when it cannot be satisfied. */
export function parseRange(from: string, to: string, size: number): [number, number] | null {
  if (from === '' && to === '') return null;
  if (from === '') {
    const n = Number(to);
    if (n === 0 || size === 0) return null;
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return null;
  return [start, end];
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}
