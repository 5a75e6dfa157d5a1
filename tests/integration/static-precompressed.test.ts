// The relay serves the build's precompressed siblings (<file>.br, <file>.gz) when Accept-Encoding allows them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedEncodings } from '../../server/static.ts';
import { startTestServer, tempDir, type TestServer } from './relay-harness.ts';

let site: TestServer;
const tmp = tempDir('gridlink-precompressed-');
const dist = join(tmp.dir, 'dist');
const JS = `export const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, text: '网格通 case row' })))};\n`;
const CSS = `.case-row { padding: 1rem; }\n`.repeat(100);

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>网格通</title>');
  writeFileSync(join(dist, 'assets', 'index-AbC123.js'), JS);
  writeFileSync(join(dist, 'assets', 'index-AbC123.js.br'), brotliCompressSync(JS));
  writeFileSync(join(dist, 'assets', 'index-AbC123.js.gz'), gzipSync(JS));
  // Only a gzip sibling: brotli clients get the plain file.
  writeFileSync(join(dist, 'assets', 'style-XyZ.css'), CSS);
  writeFileSync(join(dist, 'assets', 'style-XyZ.css.gz'), gzipSync(CSS));
  writeFileSync(join(dist, 'assets', 'small-Q1.js'), 'console.log(1)');
  site = await startTestServer({ staticDir: dist });
});
afterAll(async () => {
  await site?.stop();
  tmp.remove();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: site.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('precompressed static files', () => {
  it('sends brotli when accepted, with its own length, ETag and Vary', async () => {
    const r = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['vary']).toBe('Accept-Encoding');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(Buffer.byteLength(JS) / 4);
    expect(brotliDecompressSync(r.body).toString()).toBe(JS);
    const again = await get('/assets/index-AbC123.js', { 'accept-encoding': 'br', 'if-none-match': String(r.headers['etag']) });
    expect(again.status).toBe(304);
  });

  it('sends gzip to a client without brotli, and the plain file to one that accepts neither', async () => {
    const gz = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gunzipSync(gz.body).toString()).toBe(JS);
    for (const ae of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const plain = await get('/assets/index-AbC123.js', ae === undefined ? {} : { 'accept-encoding': ae });
      expect(plain.headers['content-encoding'], ae).toBeUndefined();
      expect(plain.headers['vary'], ae).toBe('Accept-Encoding');
      expect(plain.body.toString(), ae).toBe(JS);
      expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(JS));
    }
    // Each representation has its own ETag: a cached gzip body never revalidates as the plain one.
    const plain = await get('/assets/index-AbC123.js');
    expect(plain.headers['etag']).not.toBe(gz.headers['etag']);
    expect((await get('/assets/index-AbC123.js', { 'if-none-match': String(gz.headers['etag']) })).status).toBe(200);
  });

  it('uses the sibling that exists, answers HEAD with the same headers, and leaves other files alone', async () => {
    const css = await get('/assets/style-XyZ.css', { 'accept-encoding': 'br, gzip' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(css.body).toString()).toBe(CSS);
    const head = await get('/assets/index-AbC123.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(brotliCompressSync(JS).length);
    expect(head.body.length).toBe(0);
    const small = await get('/assets/small-Q1.js', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers['vary']).toBeUndefined();
    expect(small.body.toString()).toBe('console.log(1)');
    const html = await get('/', { 'accept-encoding': 'br, gzip', accept: 'text/html' });
    expect(html.headers['content-encoding']).toBeUndefined();
  });

  it('reads Accept-Encoding with q-values and wildcards', () => {
    expect(acceptedEncodings('gzip, deflate, br')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('br;q=0, gzip')).toEqual(['gzip']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('*;q=0, gzip;q=0.5')).toEqual(['gzip']);
    expect(acceptedEncodings('identity')).toEqual([]);
    expect(acceptedEncodings(undefined)).toEqual([]);
    expect(acceptedEncodings(['gzip', 'BR'])).toEqual(['br', 'gzip']);
  });
});
