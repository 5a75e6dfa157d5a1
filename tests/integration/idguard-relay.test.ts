// Issue 10 section 3 against the real relay: full resident ID numbers, in every form that was accepted before
// (spaces, dashes, full-width digits, 19 digits, an X prefix, a number split across two values of one update),
// written by an insider with a valid token into a people doc (visit notes), a cases doc (report descriptions) and a
// party doc (needs). Each is refused as invalid_event, nothing of it is stored, and the readers (the village
// secretary; a county-level unit, a party member and a secretary; party members) never receive it. The rule is
// src/domain/idguard.ts, applied by server/privacy.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { Actor, casesDoc, recordEvent, login, ORG_WITH_MEMBER, seedFixture, startTestServer, storedText, SyncClient, tempDir, USERS, waitFor, type TestServer } from './relay-harness.ts';

const FULL = '211102198001011234';
const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Each variant as the text of one value, or of two values of one update (split). */
const VARIANTS: Array<{ name: string; texts: [string] | [string, string] }> = [
  { name: 'plain', texts: [`身份证 ${FULL}`] },
  { name: 'spaces', texts: ['身份证 2111 0219 8001 0112 34'] },
  { name: 'dashes', texts: ['身份证 211102-19800101-1234'] },
  { name: 'full-width digits', texts: [`身份证 ${fullWidth(FULL)}`] },
  { name: '19 digits', texts: [`编号 ${FULL}5`] },
  { name: 'X prefix', texts: [`编号 X${FULL}`] },
  { name: 'split across two values', texts: ['身份证前半 2111021980', '01011234 是后半'] },
];

/** A marker per refused write, to look for in the store and on the readers' devices (no digits: it joins nothing). */
const marker = (doc: string, i: number, part: number) => `leak_${doc}_${'abcdefgh'[i]}${'xy'[part]}`;

const ev = recordEvent;

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], ORG_WITH_MEMBER);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['w0001', 'st01v01', 'town01', 'unit001', 'p0001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

interface DocCase {
  /** Short name for markers. */
  key: string;
  doc: () => string;
  writer: string;
  readers: string[];
  /** The events carrying these texts (one per text; the writer appends them in one update). */
  events: (texts: string[]) => CaseEvent[];
}

const worker = new Actor(USERS.w0001);
const DOCS: DocCase[] = [
  {
    key: 'people',
    doc: () => 'people.g0001',
    writer: 'w0001',
    readers: ['st01v01', 'town01'],
    events: (texts) => texts.map((note) => ev('visit_recorded', 'w0001', { householdId: 'g0001h001', note })),
  },
  {
    key: 'cases',
    doc: () => casesDoc('t01'),
    writer: 'w0001',
    // A county-level unit, a party member and a village secretary of the town read the town's cases.
    readers: ['unit001', 'p0001', 'st01v01'],
    // As a modified app would send them: the app's own decide() refuses a full number before saving.
    events: (texts) =>
      texts.map((description) => {
        const clean = worker.report('g0001', '路灯损坏').event as CaseEvent<'reported'>;
        return { ...clean, data: { ...clean.data, description } };
      }),
  },
  {
    key: 'party',
    doc: () => 'party.t01',
    writer: 'town01',
    readers: ['p0001', 'st01v01'],
    events: (texts) => texts.map((detail) => ev('need_published', 'town01', { kind: 'resident', villageId: 't01v01', title: '助老', detail })),
  },
];

describe('full ID numbers in every variant are refused in people, cases and party docs', () => {
  for (const d of DOCS) {
    it(`${d.doc()}: REFUSED invalid_event, nothing stored, the readers (${d.readers.join(', ')}) never receive it`, async () => {
      const readers = d.readers.map((who) => new SyncClient(server.wsBase, d.doc(), tokens[who]!));
      try {
        await Promise.all(readers.map((r, k) => r.synced(`${d.readers[k]} sync`)));
        // A clean write goes through (the control: the same writer, doc and kind of event).
        const ok = new SyncClient(server.wsBase, d.doc(), tokens[d.writer]!);
        await ok.synced();
        const [clean] = d.events(['走访正常，电话 13800000000，2024-05-06 复查']);
        ok.append(clean!);
        await ok.allSaved('the clean write');
        ok.destroy();

        const markers: string[] = [];
        for (const [i, v] of VARIANTS.entries()) {
          const texts = v.texts.map((t, part) => `${t} ${marker(d.key, i, part)}`);
          markers.push(...texts.map((_, part) => marker(d.key, i, part)));
          const bad = new SyncClient(server.wsBase, d.doc(), tokens[d.writer]!);
          await bad.synced(`${v.name}: sync`);
          bad.append(...d.events(texts)); // one update, however many values
          // Refused or acknowledged, whichever comes: an acknowledged leak fails at once, naming the variant.
          await waitFor(bad, () => bad.refusals.length > 0 || bad.saved, `${v.name}: REFUSED or ACK`);
          expect(bad.saved, `${v.name}: acknowledged`).toBe(false);
          const r = bad.refusals[0]!;
          expect(r.code, v.name).toBe('invalid_event');
          expect(r.detail, v.name).toMatch(/no full ID numbers/);
          expect(r.detail, `${v.name}: the answer does not echo the number`).not.toMatch(/1980|0219|２/);
          bad.destroy();
        }

        // A barrier: a clean write after the refused ones reaches every reader; by then nothing refused has.
        const after = new SyncClient(server.wsBase, d.doc(), tokens[d.writer]!);
        await after.synced();
        const [last] = d.events(['复查完毕']);
        after.append(last!);
        await after.allSaved('the write after');
        after.destroy();
        for (const [k, r] of readers.entries()) {
          await r.hasEvents([clean!.id, last!.id], `${d.readers[k]} receives the clean writes`);
          const seen = JSON.stringify(r.events);
          for (const m of markers) expect(seen, `${d.readers[k]} received ${m}`).not.toContain(m);
          expect(seen).not.toContain(FULL);
          expect(r.events).toHaveLength(2);
        }

        const stored = storedText(server.dataDir, d.doc(), 'utf8');
        expect(stored, 'the clean writes are stored').toContain('复查完毕');
        for (const m of markers) expect(stored, `stored ${m}`).not.toContain(m);
        expect(stored).not.toContain(FULL);
        expect(stored).not.toContain(fullWidth(FULL));
        expect(stored).not.toContain('2111 0219 8001 0112 34');
        expect(stored).not.toContain('211102-19800101-1234');
      } finally {
        for (const r of readers) r.destroy();
      }
    });
  }
});

describe('the one place full numbers belong', () => {
  it('idnumbers.g0001 still takes a full number (the grid worker writes it)', async () => {
    const c = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens.w0001!);
    await c.synced();
    c.append(ev('id_number_saved', 'w0001', { residentId: 'g0001h001r1', idNumber: FULL }));
    await c.allSaved();
    c.destroy();
    expect(storedText(server.dataDir, 'idnumbers.g0001', 'utf8')).toContain(FULL);
  });
});
