/**
 * Photo and voice evidence in the domain (issue 12): events name blobs by hash, the fold carries before and after
 * photos, the plan's after-photo rule refuses a resolve without a photo (offline too: it is the fold's rule), and
 * that rule is the one the plan had at dispatch (the receipt's snapshot), whatever the plan says later.
 */
import { describe, expect, it } from 'vitest';
import { checkBlob, hex, sniffType } from '../../../src/domain/blobs.ts';
import { decide } from '../../../src/domain/commands.ts';
import { parseEvent, type CaseEvent } from '../../../src/domain/events.ts';
import { fixDistanceM } from '../../../src/domain/distance.ts';
import { blobHashesOf, photoRefs } from '../../../src/domain/evidence.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { indexOrg, type OrgData } from '../../../src/domain/org.ts';
import { contextFrom, makeReceipt, parseReceipt, type Receipt } from '../../../src/domain/receipts.ts';
import { BatchReader, encodeBatch, parseContentRange } from '../../../src/protocol/blobs.ts';
import { CASE_ID, IDX, ORG, ev, user } from './fixture.ts';

const h = (c: string) => c.repeat(64);
const PHOTO = { full: h('a'), thumb: h('b') };
const AFTER = { full: h('c'), thumb: h('d') };

function withAfterPhotoPlan(on: boolean): OrgData {
  const data = structuredClone(ORG);
  Object.assign(data.plans.find((p) => p.id === 'P001')!, on ? { afterPhoto: true } : { afterPhoto: undefined });
  return data;
}

function history(resolvedData: CaseEvent<'resolved'>['data']): CaseEvent[] {
  return [
    ev('reported', 'w0001', 0, { data: { ...ev('reported', 'w0001', 0).data, photos: [PHOTO], voice: { hash: h('e'), seconds: 12 } } }),
    ev('accepted', 'town01', 1),
    ev('dispatched', 'town01', 2),
    ev('resolved', 'unit002', 3, { data: resolvedData }),
  ];
}

describe('events name their evidence by content hash', () => {
  it('accepts photos {full, thumb}, legacy bare hashes and a voice note; refuses a 10th photo, a bad hash, a 61 s clip', () => {
    const base = ev('reported', 'w0001', 0);
    const ok = parseEvent({ ...base, data: { ...base.data, photos: [PHOTO, h('f')], voice: { hash: h('e'), seconds: 60 } } });
    expect(ok.ok).toBe(true);
    expect(parseEvent({ ...base, data: { ...base.data, photos: Array.from({ length: 10 }, () => PHOTO) } }).ok).toBe(false);
    expect(parseEvent({ ...base, data: { ...base.data, photos: [{ full: 'x', thumb: h('b') }] } }).ok).toBe(false);
    expect(parseEvent({ ...base, data: { ...base.data, photos: [{ ...PHOTO, extra: 1 }] } }).ok).toBe(false);
    expect(parseEvent({ ...base, data: { ...base.data, voice: { hash: h('e'), seconds: 61 } } }).ok).toBe(false);
  });

  it('blobHashesOf lists thumbnails first, then full photos, then the voice clip, once each', () => {
    const e = history({ note: 'x' })[0]!;
    expect(blobHashesOf(e)).toEqual([h('b'), h('a'), h('e')]);
    const legacy = { ...e, data: { ...e.data, photos: [h('f'), h('f')] } } as CaseEvent;
    delete (legacy.data as { voice?: unknown }).voice;
    expect(blobHashesOf(legacy)).toEqual([h('f')]);
    expect(blobHashesOf(ev('accepted', 'town01', 1))).toEqual([]);
  });

  it('a legacy bare hash is its own thumbnail', () => {
    expect(photoRefs([h('f'), PHOTO])).toEqual([{ full: h('f'), thumb: h('f') }, PHOTO]);
  });
});

describe('the fold carries before and after photos', () => {
  it('report photos, voice, the fix’s photos and where the fix was made', () => {
    const s = foldCase(history({ note: '已修复', photos: [AFTER], location: { lat: 41.2001, lng: 122.0 } }), contextFrom(new Map(), IDX))!;
    expect(s.status).toBe('resolved');
    expect(s.photos).toEqual([PHOTO]);
    expect(s.voice).toEqual({ hash: h('e'), seconds: 12 });
    expect(s.afterPhotos).toEqual([AFTER]);
    expect(s.fixLocation).toEqual({ lat: 41.2001, lng: 122.0 });
    expect(fixDistanceM({ lat: 41.2, lng: 122.0 }, s.fixLocation)).toBe(11);
    expect(fixDistanceM({ lat: 41.2, lng: 122.0 }, undefined)).toBeUndefined();
  });
});

describe('a plan may require a photo of the fix', () => {
  const strict = indexOrg(withAfterPhotoPlan(true));

  it('decide refuses resolve without a photo (photo_required), accepts it with one', () => {
    const state = foldCase(history({ note: 'x' }).slice(0, 3), contextFrom(new Map(), strict))!;
    expect(state.afterPhotoRequired).toBe(true);
    const ctx = { actor: user('unit002'), org: strict, at: ev('resolved', 'unit002', 3).at, eventId: '01JX0000000000000000000077', caseId: CASE_ID };
    const refused = decide(state, { type: 'resolve', note: '修好了' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: 'photo_required' });
    expect(decide(state, { type: 'resolve', note: '修好了', photos: [] }, ctx)).toMatchObject({ ok: false, error: 'photo_required' });
    const accepted = decide(state, { type: 'resolve', note: '修好了', photos: [AFTER] }, ctx);
    expect(accepted.ok).toBe(true);
  });

  it('a plan without the rule takes a resolve without photos', () => {
    const s = foldCase(history({ note: 'x' }), contextFrom(new Map(), IDX))!;
    expect(s.status).toBe('resolved');
    expect(s.afterPhotoRequired).toBeUndefined();
  });

  it('the rule is the plan’s at dispatch: receipts keep it, a later plan edit does not rewrite history', () => {
    const events = history({ note: 'x' });
    // Accepted by the relay while P001 had no photo rule: the resolve without a photo stands, even after the
    // plan is changed to require one.
    const relaxed = new Map<string, Receipt>(events.map((e) => [e.id, makeReceipt(e, IDX, Number(e.at.slice(0, 13)))]));
    expect(foldCase(events, contextFrom(relaxed, strict))!.status).toBe('resolved');
    // Dispatched while P001 required one: the resolve without a photo had no effect, even after the rule is dropped.
    const strictReceipts = new Map<string, Receipt>(events.map((e) => [e.id, makeReceipt(e, strict, Number(e.at.slice(0, 13)))]));
    const dispatchReceipt = strictReceipts.get(events[2]!.id)!;
    expect(dispatchReceipt.x?.pp).toBe(1);
    expect(parseReceipt(JSON.parse(JSON.stringify(dispatchReceipt)))).toEqual(dispatchReceipt);
    const s = foldCase(events, contextFrom(strictReceipts, IDX))!;
    expect(s.status).toBe('dispatched');
    expect(s.superseded.map((x) => x.reason)).toEqual(['photo_required']);
  });
});

describe('blob bytes are judged by their content', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(25).fill(0), 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Array<number>(40).fill(7), 0xff, 0xd9]);
  const webp = (() => {
    const b = new Uint8Array(30);
    b.set([...'RIFF'].map((c) => c.charCodeAt(0)));
    new DataView(b.buffer).setUint32(4, 22, true);
    b.set([...'WEBP'].map((c) => c.charCodeAt(0)), 8);
    return b;
  })();

  it('accepts whole JPEG, PNG and WebP; refuses empty, truncated, renamed text and oversized bytes', () => {
    expect(checkBlob(jpeg)).toEqual({ ok: true, type: 'image/jpeg' });
    expect(checkBlob(png)).toEqual({ ok: true, type: 'image/png' });
    expect(checkBlob(webp)).toEqual({ ok: true, type: 'image/webp' });
    expect(checkBlob(new Uint8Array(0))).toEqual({ ok: false, error: 'empty_blob' });
    expect(checkBlob(jpeg.subarray(0, 30))).toEqual({ ok: false, error: 'corrupt_blob' });
    expect(checkBlob(png.subarray(0, png.length - 3))).toEqual({ ok: false, error: 'corrupt_blob' });
    expect(checkBlob(webp.subarray(0, 25))).toEqual({ ok: false, error: 'corrupt_blob' });
    expect(checkBlob(new TextEncoder().encode('<html>not a photo.jpg</html>'))).toEqual({ ok: false, error: 'unsupported_type' });
    expect(checkBlob(new Uint8Array(4 * 1024 * 1024 + 1))).toEqual({ ok: false, error: 'too_large' });
    expect(sniffType(new TextEncoder().encode('OggS\0\0\0\0\0\0\0\0'))).toBe('audio/ogg');
  });

  it('hex is the lowercase sha256 form', () => {
    expect(hex(Uint8Array.from([0, 15, 255]))).toBe('000fff');
  });
});

describe('the wire protocol helpers', () => {
  it('parses Content-Range and refuses inconsistent ones', () => {
    expect(parseContentRange('bytes 0-99/200')).toEqual({ first: 0, last: 99, total: 200 });
    expect(parseContentRange('bytes 100-99/200')).toBeNull();
    expect(parseContentRange('bytes 0-200/200')).toBeNull();
    expect(parseContentRange('bytes=0-1/2')).toBeNull();
    expect(parseContentRange(undefined)).toBeNull();
  });

  it('a batch read in arbitrary pieces gives back each blob once, in order', () => {
    const blobs = [
      { hash: h('1'), bytes: Uint8Array.from([1, 2, 3]) },
      { hash: h('2'), bytes: new Uint8Array(1000).fill(9) },
    ];
    const body = encodeBatch(blobs);
    const got: Array<{ hash: string; n: number }> = [];
    const r = new BatchReader((hash, bytes) => got.push({ hash, n: bytes.length }));
    for (let i = 0; i < body.length; i += 7) expect(r.push(body.subarray(i, i + 7))).toBeNull();
    expect(got).toEqual([
      { hash: h('1'), n: 3 },
      { hash: h('2'), n: 1000 },
    ]);
    expect(r.leftover).toBe(0);
    const cut = new BatchReader(() => {});
    cut.push(body.subarray(0, 50));
    expect(cut.leftover).toBe(50 - 39);
    const huge = new Uint8Array(36);
    new DataView(huge.buffer).setUint32(32, 10 * 1024 * 1024);
    expect(new BatchReader(() => {}).push(huge)).toBe('too_large');
  });
});
