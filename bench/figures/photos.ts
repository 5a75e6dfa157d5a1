/**
 * Figure (issue 12), photo evidence on a weak link: 10 reports with 2 photos each, made offline by the grid worker
 * w0001 with the app's own session code in Node (createAuthService, SyncEngine, the evidence outbox
 * src/sync/uploads.ts; fake-indexeddb and `ws`), then the link returns through the shaping proxy (1,400 ms RTT,
 * 70 kbps, one SHARED link for every connection, as a phone's radio: parallel sockets get no extra bandwidth).
 *  - bytes sent up (everything: websocket sync, HTTP requests, blob bodies) against the compressed photo bytes
 *    (full photos + thumbnails); budget <= 1.1x (no re-sends, no base64);
 *  - time until the town center sees all 10 cases with their thumbnails (the center polls the relay directly over
 *    HTTP: GET /api/cases/<id> 200 and GET /api/blobs/<thumb> 200 for each); budget <= 30 s;
 *  - time until every full photo is stored (GET /api/blobs/<full> 200 as the center).
 * Reference in the same run: the same 20 photos (and thumbnails) as attachments of 10 PouchDB docs replicated to
 * pouchdb-server through the same kind of proxy.
 * Then: the link dropped at 50% of a photo, 5 times in a row (5 photos, each cut half way): bytes sent again per
 * drop, budget <= one chunk (CHUNK_BYTES).
 *
 * The photos are real compressed images: drawn once by Chromium's canvas (a synthetic scene with texture and noise,
 * 1280x960 JPEG of about 200 KB and a 320x240 thumbnail under 10 KB, the sizes of src/features/evidence/compress.ts)
 * and kept in bench/out/photos.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { townUserId } from '../../server/demo/generate.ts';
import { CHUNK_BYTES, blobPath } from '../../src/protocol/blobs.ts';
import { ROOT } from '../lib/build.ts';
import { launchBrowser } from '../lib/chrome.ts';
import { WORKER, WORKER_TOWN, countyData } from '../lib/county.ts';
import { BENCH_JWT_SECRET, BENCH_PASSWORD } from '../lib/datadir.ts';
import { peerImport, peerPath } from '../lib/peers.ts';
import { freePort, sleep, startServerProc, stopChild } from '../lib/proc.ts';
import { startProxy } from '../lib/proxy.ts';
import { figure, missing, peerFailures, type Result } from '../lib/results.ts';

const RTT = 1400;
const KBPS = 70;
const REPORTS = 10;
const PER_REPORT = 2;
const KB = 1000;
const OUT = join(ROOT, 'bench/out/photos');

interface Photo {
  full: Uint8Array;
  thumb: Uint8Array;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function until(f: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** n photos (full ~200 KB, thumbnail <= 10 KB), drawn by Chromium once and kept in bench/out/photos. */
export async function benchPhotos(n: number, log: (m: string) => void = () => {}): Promise<Photo[]> {
  const files = Array.from({ length: n }, (_, i) => [join(OUT, `p${i}.jpg`), join(OUT, `p${i}.thumb.jpg`)] as const);
  if (!files.every(([a, b]) => existsSync(a) && existsSync(b))) {
    log(`  drawing ${n} photos with Chromium's canvas ...`);
    mkdirSync(OUT, { recursive: true });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
      await page.goto('about:blank');
      for (let i = 0; i < n; i++) {
        const [full, thumb] = (await page.evaluate(async (seed: number) => {
          let s = seed * 9301 + 49297;
          const rnd = () => ((s = (s * 9301 + 49297) % 233280) / 233280);
          const big = new OffscreenCanvas(1280, 960);
          const g = big.getContext('2d')!;
          // A scene: sky and ground gradients, buildings, a road, then fine noise (what makes a photo a photo).
          const sky = g.createLinearGradient(0, 0, 0, 480);
          sky.addColorStop(0, `hsl(${200 + rnd() * 20},60%,${60 + rnd() * 20}%)`);
          sky.addColorStop(1, '#dde');
          g.fillStyle = sky;
          g.fillRect(0, 0, 1280, 480);
          g.fillStyle = `hsl(${30 + rnd() * 60},30%,40%)`;
          g.fillRect(0, 480, 1280, 480);
          for (let k = 0; k < 40; k++) {
            g.fillStyle = `hsl(${rnd() * 360},${20 + rnd() * 40}%,${30 + rnd() * 50}%)`;
            const w = 40 + rnd() * 200;
            const h = 60 + rnd() * 300;
            g.fillRect(rnd() * 1280, 480 - h + rnd() * 200, w, h);
          }
          g.fillStyle = '#555';
          g.beginPath();
          g.moveTo(500, 960);
          g.lineTo(620, 520);
          g.lineTo(660, 520);
          g.lineTo(900, 960);
          g.fill();
          const img = g.getImageData(0, 0, 1280, 960);
          for (let p = 0; p < img.data.length; p += 4) {
            const d = (rnd() - 0.5) * 34;
            img.data[p] = img.data[p]! + d;
            img.data[p + 1] = img.data[p + 1]! + d;
            img.data[p + 2] = img.data[p + 2]! + d;
          }
          g.putImageData(img, 0, 0);
          const encode = async (c: OffscreenCanvas, target: number): Promise<number[]> => {
            let lo = 0.05;
            let hi = 0.95;
            let best: Blob | null = null;
            for (let k = 0; k < 8; k++) {
              const q = (lo + hi) / 2;
              const b = await c.convertToBlob({ type: 'image/jpeg', quality: q });
              if (b.size <= target) {
                best = b;
                lo = q;
              } else hi = q;
            }
            best ??= await c.convertToBlob({ type: 'image/jpeg', quality: 0.05 });
            return [...new Uint8Array(await best.arrayBuffer())];
          };
          const small = new OffscreenCanvas(320, 240);
          small.getContext('2d')!.drawImage(big, 0, 0, 320, 240);
          return [await encode(big, 200_000), await encode(small, 8_000)];
        }, i + 1)) as [number[], number[]];
        writeFileSync(files[i]![0], Uint8Array.from(full));
        writeFileSync(files[i]![1], Uint8Array.from(thumb));
      }
    } finally {
      await browser.close();
    }
  }
  return files.map(([a, b]) => ({ full: new Uint8Array(readFileSync(a)), thumb: new Uint8Array(readFileSync(b)) }));
}

interface PouchDB {
  put(doc: unknown): Promise<unknown>;
  replicate: { to(url: string, opts?: unknown): Promise<unknown> };
  destroy(): Promise<unknown>;
}
type PouchCtor = new (name: string, opts?: unknown) => PouchDB;

/** The same photos as attachments of PouchDB docs, pushed to pouchdb-server through the shaped link. */
async function pouchReference(photos: Photo[], log: (m: string) => void): Promise<{ ms: number; up: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gridlink-bench-pouch-photos-'));
  const port = await freePort();
  const server = spawn(process.execPath, [peerPath('pouchdb-server/bin/pouchdb-server'), '--in-memory', '--port', String(port), '--host', '127.0.0.1', '--no-color'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`pouchdb-server did not start: ${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/has started on/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`pouchdb-server exited with ${code}: ${out}`)));
    });
    const PouchDB = (await peerImport<{ default: PouchCtor }>('pouchdb')).default;
    await new PouchDB(`http://127.0.0.1:${port}/photos`).put({ _id: '_local/init' }).catch(() => {});
    const phone = new PouchDB(join(dir, 'phone'));
    for (let r = 0; r < REPORTS; r++) {
      const attachments: Record<string, unknown> = {};
      for (let k = 0; k < PER_REPORT; k++) {
        const p = photos[r * PER_REPORT + k]!;
        attachments[`photo${k}.jpg`] = { content_type: 'image/jpeg', data: Buffer.from(p.full) };
        attachments[`thumb${k}.jpg`] = { content_type: 'image/jpeg', data: Buffer.from(p.thumb) };
      }
      await phone.put({ _id: `case${r}`, category: '0101', description: `随手拍第${r + 1}条：路灯损坏`, _attachments: attachments });
    }
    const proxy = await startProxy({ host: '127.0.0.1', port }, { rttMs: RTT, kbps: KBPS, shared: true });
    try {
      proxy.reset();
      const t0 = performance.now();
      // One doc per request: a bigger batch (several MB) takes longer at 70 kbps than Node's 300 s request timeout on
      // the pouchdb-server side, which then drops it.
      await phone.replicate.to(`${proxy.url}/photos`, { batch_size: 1 });
      const ms = performance.now() - t0;
      await sleep(RTT);
      log(`  PouchDB push of ${REPORTS} docs with ${REPORTS * PER_REPORT} photos + thumbnails: ${(ms / 1000).toFixed(1)} s, ${(proxy.bytes().up / KB).toFixed(0)} kB up`);
      return { ms, up: proxy.bytes().up };
    } finally {
      await proxy.close();
      await phone.destroy();
    }
  } finally {
    await stopChild(server, 3000);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function photosFigure(opts: { quick: boolean; log: (m: string) => void }): Promise<Result[]> {
  const { log } = opts;
  const results: Result[] = [];
  const photos = await benchPhotos(REPORTS * PER_REPORT + 5, log);
  const used = photos.slice(0, REPORTS * PER_REPORT);
  const photoBytes = used.reduce((n, p) => n + p.full.length + p.thumb.length, 0);
  const thumbMax = Math.max(...used.map((p) => p.thumb.length));
  const fullAvg = used.reduce((n, p) => n + p.full.length, 0) / used.length;
  log(`  ${used.length} photos: full ${(fullAvg / KB).toFixed(0)} kB on average, thumbnails <= ${(thumbMax / KB).toFixed(1)} kB; ${(photoBytes / KB).toFixed(0)} kB in all`);

  let pouch: { ms: number; up: number } | null = null;
  let pouchError = '';
  const pouchPhase = async () => {
    try {
      pouch = await pouchReference(used, log);
    } catch (e) {
      pouchError = String(e);
      log(`  PouchDB failed: ${pouchError}`);
    }
  };

  let measured: { up: number; thumbsMs: number; fullMs: number } | null = null;
  let drops: number[] = [];
  let error = '';
  const gridlinkPhase = async () => {
    const data = await countyData({ workerCases: 20, perTown: 0, name: 'photos' });
    const relay = await startServerProc(join(ROOT, 'bench/servers/gridlink.ts'), { DATA_DIR: data.dataDir, STATIC_DIR: join(ROOT, 'bench/out/none'), JWT_SECRET: BENCH_JWT_SECRET }, { name: 'gridlink relay' });
    const proxy = await startProxy({ host: '127.0.0.1', port: relay.port }, { rttMs: RTT, kbps: KBPS, shared: true });
    try {
      const fakeIdb = 'fake-indexeddb/auto';
      await import(fakeIdb);
      const { WebSocket } = await import('ws');
      const { createAuthService } = await import('../../src/app/session.ts');
      let online = true;
      const auth = createAuthService({ baseUrl: proxy.url, fetch: globalThis.fetch, WebSocketPolyfill: WebSocket, online: () => online, namespace: `benchphotos${Date.now().toString(36)}`, pollMs: 50, pbkdf2Iterations: 1000 });
      try {
        const r = await auth.login(WORKER, BENCH_PASSWORD);
        if (!r.ok) throw new Error(`login failed: ${r.error}`);
        const s = r.session;
        await s.engine.whenSynced();
        await s.startEvidence();
        // Offline: 10 reports with 2 photos each, kept and reported as the report form does.
        online = false;
        await until(() => s.status.value.connection === 'offline', 10_000, 'offline');
        await sleep(300);
        const grid = data.org.grids.find((g) => g.workerId === WORKER)!;
        const cases: Array<{ id: string; thumbs: string[]; fulls: string[] }> = [];
        for (let i = 0; i < REPORTS; i++) {
          const mine = used.slice(i * PER_REPORT, (i + 1) * PER_REPORT);
          await s.evidence.keep(mine.flatMap((p) => [
            { hash: sha(p.thumb), kind: 'thumb' as const, type: 'image/jpeg', bytes: p.thumb },
            { hash: sha(p.full), kind: 'photo' as const, type: 'image/jpeg', bytes: p.full },
          ]));
          const d = await s.report({
            category: '0101',
            description: `随手拍第${i + 1}条：村口路灯损坏，夜间出行不便`,
            location: { lat: grid.center[1], lng: grid.center[0] },
            gridId: grid.id,
            photos: mine.map((p) => ({ full: sha(p.full), thumb: sha(p.thumb) })),
          });
          if (!d.ok) throw new Error(`offline report refused: ${d.error} ${d.detail ?? ''}`);
          cases.push({ id: d.event.caseId, thumbs: mine.map((p) => sha(p.thumb)), fulls: mine.map((p) => sha(p.full)) });
        }
        // The outbox is recounted after each report (asynchronously): wait for the last count.
        await until(() => s.evidence.uploads.value.photos === REPORTS * PER_REPORT, 10_000, 'every photo in the outbox').catch(() => {});
        const waiting = s.evidence.uploads.value;
        log(`  offline: ${s.status.value.unsaved} events unsaved, ${waiting.photos} photos waiting (${(waiting.bytes / KB).toFixed(0)} kB)`);
        if (waiting.photos !== REPORTS * PER_REPORT) throw new Error(`expected ${REPORTS * PER_REPORT} photos waiting, the outbox says ${waiting.photos}`);

        // The town center, on a good link (directly to the relay).
        const center = await loginDirect(relay.url, townUserId(WORKER_TOWN));
        const ok = async (path: string) => {
          const res = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${center}` } });
          await res.arrayBuffer();
          return res.status === 200;
        };
        const seen = new Set<string>();
        const stored = new Set<string>();
        proxy.reset();
        const t0 = performance.now();
        online = true;
        let thumbsMs = NaN;
        await until(
          async () => {
            for (const c of cases) {
              if (!seen.has(c.id) && (await ok(`/api/cases/${c.id}`)) && (await Promise.all(c.thumbs.map((h) => ok(blobPath(h))))).every(Boolean)) seen.add(c.id);
            }
            if (seen.size === cases.length && Number.isNaN(thumbsMs)) thumbsMs = performance.now() - t0;
            return seen.size === cases.length;
          },
          600_000,
          'the center to see every case with its thumbnails',
        );
        await until(
          async () => {
            for (const h of cases.flatMap((c) => c.fulls)) if (!stored.has(h) && (await ok(blobPath(h)))) stored.add(h);
            return stored.size === REPORTS * PER_REPORT;
          },
          900_000,
          'every full photo stored',
        );
        const fullMs = performance.now() - t0;
        await until(() => s.evidence.uploads.value.photos === 0 && s.status.value.unsaved === 0, 60_000, 'the outbox and the events saved');
        await sleep(RTT);
        measured = { up: proxy.bytes().up, thumbsMs, fullMs };
        log(`  Gridlink: center sees all ${REPORTS} cases with thumbnails after ${(thumbsMs / 1000).toFixed(1)} s; every full photo stored after ${(fullMs / 1000).toFixed(1)} s; ${(measured.up / KB).toFixed(0)} kB up (${(measured.up / photoBytes).toFixed(3)}x the photo bytes)`);

        // The link dropped at 50% of a photo, 5 times in a row (5 photos: each cut half way through).
        const { Uploader } = await import('../../src/sync/uploads.ts');
        const { UserDb } = await import('../../src/storage/schema.ts');
        const db = new UserDb(`benchphotos-drop-${Date.now().toString(36)}`);
        const token = await loginDirect(relay.url, WORKER);
        const up = new Uploader({
          db,
          fetch: (path, init) => fetch(`${proxy.url}${path}`, { method: init?.method ?? 'GET', ...(init?.body ? { body: init.body as Uint8Array<ArrayBuffer> } : {}), headers: { ...init?.headers, authorization: `Bearer ${token}` } }),
          online: () => true,
          unauthorized: () => {},
          paused: () => false,
          backoffMs: { min: 500, max: 2000 },
        });
        drops = [];
        for (const p of photos.slice(REPORTS * PER_REPORT, REPORTS * PER_REPORT + 5)) {
          await db.blobs.put({ hash: sha(p.full), kind: 'photo', type: 'image/jpeg', bytes: p.full, size: p.full.length, state: 'unsent', caseId: 'drop', confirmed: 0, createdMs: Date.now(), usedMs: Date.now() });
          proxy.reset();
          // Half the photo plus the request heads before it (a few hundred bytes each) have gone up.
          proxy.cutAtUp(Math.round(p.full.length / 2) + 600);
          await up.kick();
          await until(async () => (await db.blobs.get(sha(p.full)))?.state === 'sent', 300_000, 'the cut photo to be sent');
          await up.idle();
          await sleep(RTT);
          // On the wire: everything that went up for this photo beyond its own bytes (the part of the cut chunk that
          // is sent again, and every request's head: the PUTs and the status request).
          drops.push(proxy.bytes().up - p.full.length);
        }
        await up.stop();
        db.close();
        log(`  link dropped at 50% of a photo, 5 times: bytes sent again ${drops.join(', ')} (chunk ${CHUNK_BYTES})`);
      } finally {
        await auth.dispose();
      }
    } catch (e) {
      error = String(e);
      log(`  Gridlink photos failed: ${error}`);
    } finally {
      await proxy.close();
      await relay.stop();
    }
  };
  await Promise.all([opts.quick ? Promise.resolve() : pouchPhase(), gridlinkPhase()]);
  const quickNote = opts.quick ? ' (PouchDB not run in --quick; the full run measures it)' : '';
  const failed = !opts.quick && (pouchError || !pouch) ? peerFailures({ 'PouchDB/pouchdb-server': pouchError || 'not measured' }) : undefined;
  const link = `2G shaping proxy (${RTT} ms RTT, ${KBPS} kbps, one link shared by every connection)`;
  const m = measured as { up: number; thumbsMs: number; fullMs: number } | null;
  const p = pouch as { ms: number; up: number } | null;
  if (m) {
    results.push(
      figure({
        name: `photos: ${REPORTS} offline reports x ${PER_REPORT} photos, center sees all with thumbnails`,
        value: m.thumbsMs / 1000,
        unit: 's',
        budget: '<= 30',
        reference: p ? p.ms / 1000 : null,
        failed,
        note: `from the link's return; the center polls the relay (GET /api/cases/<id> and each thumbnail 200); ${link}; reference: PouchDB pushing the same photos as attachments to pouchdb-server (all of them, it has no thumbnail-first order)${quickNote}`,
      }),
      figure({
        name: `photos: ${REPORTS} offline reports x ${PER_REPORT} photos, every full photo stored`,
        value: m.fullMs / 1000,
        unit: 's',
        reference: p ? p.ms / 1000 : null,
        failed,
        note: `${(photoBytes / KB).toFixed(0)} kB of compressed photos and thumbnails; reference: PouchDB push${quickNote}`,
      }),
      figure({
        name: 'photos: bytes sent up / compressed photo bytes',
        value: m.up / photoBytes,
        unit: 'x',
        budget: '<= 1.1',
        reference: p ? p.up / photoBytes : null,
        failed,
        note: `${(m.up / KB).toFixed(0)} kB up (events, HTTP heads, blob bodies) for ${(photoBytes / KB).toFixed(0)} kB of photos; reference: PouchDB ${p ? `${(p.up / KB).toFixed(0)} kB` : 'not measured'}${quickNote}`,
      }),
    );
  } else {
    results.push(missing(`photos: ${REPORTS} offline reports x ${PER_REPORT} photos, center sees all with thumbnails`, 's', '<= 30', error || 'not measured'));
  }
  if (drops.length === 5) {
    results.push(
      figure({
        name: 'photos: link dropped at 50% of a photo (5 times), most bytes sent again per drop',
        value: Math.max(...drops) / KB,
        unit: 'kB',
        budget: `<= ${(CHUNK_BYTES / KB).toFixed(1)}`,
        note: `per drop: ${drops.map((d) => (d / KB).toFixed(1)).join(', ')} kB, bytes up on the wire beyond the photo's own (the cut chunk's part sent again + every request head); resumes from the relay's offset (GET .../upload), which keeps a cut chunk's bytes; ${link}`,
      }),
    );
  } else {
    results.push(missing('photos: link dropped at 50% of a photo (5 times), most bytes sent again per drop', 'kB', `<= ${(CHUNK_BYTES / KB).toFixed(1)}`, error || 'not measured'));
  }
  return results;
}

async function loginDirect(base: string, username: string): Promise<string> {
  const r = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: BENCH_PASSWORD }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  return ((await r.json()) as { token: string }).token;
}
