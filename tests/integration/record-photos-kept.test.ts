/**
 * Issue 17: a patrol check-in's photo is never lost when the tab closes between the check-in's save and its photo's
 * move into the upload outbox (RecordSync appends, then `attachBlobs` runs: not one transaction). The app's data
 * layer (createAuthService, fake-indexeddb, `ws`) against the real relay on port 0: the device holds the photo as a
 * draft and a saved check-in of its user naming it (here written by the same worker's other tab, which is what a
 * cut-short move leaves), then signs in again two days later, when an abandoned draft would be deleted. The photo
 * must reach the relay (src/app/session.ts keepNamedRecordBlobs; src/sync/blobcache.ts `beforeExpire`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDevice, appSignIn, disposeDevices } from './app-device.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { getBlob, jpeg, png, sha } from './blob-harness.ts';
import { login, PASSWORD, recordEvent as ev, startTestServer, SyncClient, type TestServer } from './relay-harness.ts';
import { until } from '../support/wait.ts';

const DAY = 86_400_000;
let server: TestServer;
let nowMs = Date.now();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await disposeDevices();
  await server?.stop();
});

const device = (namespace: string) => appDevice(server.url, { namespace, now: () => nowMs });

describe('a check-in photo whose move into the outbox was cut short', () => {
  it('is uploaded at the next sign-in, two days later, not deleted as an abandoned draft', async () => {
    const ns = `kept${Date.now().toString(36)}`;
    const first = device(ns);
    const s1 = await appSignIn(first, 'w0001', PASSWORD);
    await s1.startEvidence();
    const full = jpeg(30_000);
    const thumb = png(7);
    await s1.evidence.keep([
      { hash: sha(full), kind: 'photo', type: 'image/jpeg', bytes: full },
      { hash: sha(thumb), kind: 'thumb', type: 'image/png', bytes: thumb },
    ]);
    // The saved check-in naming it reaches this device's patrol doc; nothing moves the photo out of the drafts.
    const token = await login(server.url, 'w0001');
    const started = ev('patrol_started', 'w0001', { patrolId: 'X' });
    (started as unknown as { data: { patrolId: string } }).data.patrolId = started.id;
    const checkin = ev('checkin_recorded', 'w0001', { patrolId: started.id, fix: { lat: 41.12, lng: 122.07, accuracyM: 10, fixMs: nowMs }, note: '河堤巡查', photos: [{ full: sha(full), thumb: sha(thumb) }] });
    const tab = new SyncClient(server.wsBase, 'patrols.g0001', token);
    await tab.synced('the other tab');
    tab.append(started as CaseEvent, checkin as CaseEvent);
    await tab.allSaved();
    tab.destroy();
    await until(() => s1.recordSync?.events('patrols.g0001').length === 2, 'the check-in on the device');
    expect((await s1.engine.db.blobs.get(sha(full)))?.state).toBe('draft');
    expect((await getBlob(server.url, token, sha(full))).status).toBe(404);
    await first.dispose();

    // Two days later (a draft is abandoned after one), the same device.
    nowMs += 2 * DAY;
    const s2 = await appSignIn(device(ns), 'w0001', PASSWORD);
    await s2.startEvidence();
    await until(async () => (await getBlob(server.url, token, sha(full))).status === 200, 'the photo on the relay');
    await until(async () => (await getBlob(server.url, token, sha(thumb))).status === 200, 'the thumbnail on the relay');
    expect((await s2.engine.db.blobs.get(sha(full)))?.state).not.toBe('draft');
  });
});
