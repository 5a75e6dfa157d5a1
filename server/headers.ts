/**
 * Security headers of every HTTP answer (app.ts sets the common ones before any route runs; static.ts replaces the
 * Content-Security-Policy on the app's own files).
 *
 * Contracts:
 * - Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`
 *   and, unless the app's policy replaces it, `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`
 *   (JSON, errors, GeoJSON, PMTiles: nothing in them may run or be framed).
 * - The app's files (HTML, its scripts and workers: a worker's policy comes with its script): `appCsp`. No inline
 *   script, no eval; styles from the app's origin plus the exact inline `<style>` blocks of the HTML (by SHA-256:
 *   index.html paints its first screen before any CSS file arrives); connections to the own origin, its websocket
 *   included (`'self'`, and ws:/wss: of the request's host for browsers whose `'self'` does not cover websockets);
 *   maplibre's worker from the origin or a `blob:` URL (its fallback), tiles and images as `data:`/`blob:`.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', API_CSP);
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The app's policy; `styleHashes` are `'sha256-...'` sources of the page's inline style blocks. */
export function appCsp(host: string | undefined, styleHashes: readonly string[] = []): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${styleHashes.map((h) => ` ${h}`).join('')}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** SHA-256 sources of an HTML file's inline `<style>` blocks, cached by file size and mtime. */
const hashCache = new Map<string, { key: string; hashes: string[] }>();

export async function inlineStyleHashes(file: string, st: Stats): Promise<string[]> {
  const key = `${st.size}-${st.mtimeMs}`;
  const hit = hashCache.get(file);
  if (hit?.key === key) return hit.hashes;
  const html = await readFile(file, 'utf8');
  const hashes = [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );
  hashCache.set(file, { key, hashes: [...new Set(hashes)] });
  return hashCache.get(file)!.hashes;
}
