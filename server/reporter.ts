/**
 * The resident's view as the relay serves it: the rules are src/domain/reporter.ts (`publicReference`,
 * `reporterView`); here the reference's body as sent (JSON, gzip, ETag), built once per org snapshot.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { OrgData } from '../src/domain/org.ts';
import { publicReference } from '../src/domain/reporter.ts';

export { publicReference, reporterView, type PublicReference } from '../src/domain/reporter.ts';

/** The reference as sent (JSON, gzipped: about 145 kB -> 20 kB for the demo county, and its ETag), once per org snapshot. */
const bodies = new WeakMap<OrgData, { json: string; gzip: Buffer; etag: string }>();
export function publicReferenceBody(org: OrgData): { json: string; gzip: Buffer; etag: string } {
  let b = bodies.get(org);
  if (!b) {
    const json = JSON.stringify(publicReference(org));
    b = { json, gzip: gzipSync(json), etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
    bodies.set(org, b);
  }
  return b;
}
