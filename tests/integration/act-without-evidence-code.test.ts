/**
 * A device that went offline before its service worker had cached the evidence code (src/sync/evidence.ts, a
 * chunk of its own: the photo outbox) still reports and acts on cases that name no photo or voice clip: moving the
 * blobs an event names into the outbox is the only thing that code does on a write, and a text-only event names
 * none. Seen in Chromium (tests/e2e/cohandle.test.ts): a helping unit's offline 记录协办情况 failed with 发生意外错误.
 * The app's data layer (createAuthService, fake-indexeddb, `ws`) against the real relay on port 0; the evidence
 * module cannot be imported here, as a chunk the browser cannot fetch.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Evidence from '../../src/sync/evidence.ts';
import { appDevice, appSignIn, disposeDevices } from './app-device.ts';
import { PASSWORD, startTestServer, type TestServer } from './relay-harness.ts';
import { until } from '../support/wait.ts';

// What the session's dynamic import of the chunk does offline without a cached copy: its promise rejects; once
// `chunk.cached`, the real module.
const chunk = vi.hoisted(() => ({ cached: false }));
vi.mock('../../src/sync/evidence.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Evidence>();
  return {
    ...real,
    startEvidence: (o: Parameters<typeof real.startEvidence>[0]) => {
      if (!chunk.cached) throw new Error('Failed to fetch dynamically imported module: evidence chunk (offline, not cached)');
      return real.startEvidence(o);
    },
  };
});

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await disposeDevices();
  await server?.stop();
});

describe('writing a case without the evidence code', () => {
  it('a text-only report and action are recorded and reach the relay; a write naming a photo fails and writes nothing; the code loads once it can', async () => {
    let online = true;
    const s = await appSignIn(appDevice(server.url, { online: () => online }), 'w0001', PASSWORD);
    await expect(s.startEvidence()).rejects.toThrow(/evidence chunk/);
    online = false;
    await until(() => s.status.value.connection !== 'online', 'offline');

    const d = await s.report({ category: '0101', description: '井盖缺失，夜间有人险些踩空', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' });
    if (!d.ok) throw new Error(`report: ${d.error} ${d.detail ?? ''}`);
    const acted = await s.act(d.event.caseId, { type: 'withdraw', reason: '重复上报，已在另一案件中处理' });
    if (!acted.ok) throw new Error(`act: ${acted.error} ${acted.detail ?? ''}`);
    expect(acted.event.type).toBe('withdrawn');
    expect(s.status.value.unsaved).toBeGreaterThan(0);

    // A report naming a photo needs that code to move the photo into the outbox: it fails and writes nothing.
    const before = await s.countCases({});
    const photo = { full: 'a'.repeat(64), thumb: 'b'.repeat(64) };
    await expect(s.report({ category: '0101', description: '路面塌陷', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', photos: [photo] })).rejects.toThrow();
    expect(await s.countCases({})).toBe(before);

    online = true;
    await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'saved on the relay');

    // A failed load is not kept: once the chunk can load, the next call loads it.
    chunk.cached = true;
    await expect(s.startEvidence()).resolves.toMatchObject({ uploader: expect.anything() });
  });
});
