// Issue 17: photos on patrol check-ins and task answers: the schema (what a check-in may name), the fold keeps
// them, and `recordBlobHashes` is the one rule (device outbox, relay index) for which blobs an event names.
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { foldPatrols, MAX_CHECKIN_PHOTOS, parsePatrolEvent } from '../../../src/domain/patrols.ts';
import { recordBlobHashes } from '../../../src/domain/recordblobs.ts';
import { parseAnswerEvent } from '../../../src/domain/towntasks.ts';

const T0 = Date.UTC(2026, 10, 2, 1);
const h = (c: string) => c.repeat(64);
const id = (n: number) => `01JE${String(n).padStart(22, '0')}`;
const env = (n: number, type: string, data: unknown) => ({ id: id(n), type, actor: 'w0001', at: formatHlc({ ms: T0 + n * 60_000, counter: 0, node: 'n1' }), data });
const fix = { lat: 41.23, lng: 121.99, accuracyM: 10, fixMs: T0 };
const checkin = (n: number, photos?: unknown) => env(n, 'checkin_recorded', { patrolId: id(1), fix, ...(photos === undefined ? {} : { photos }) });

describe('check-in photos: schema', () => {
  it('takes up to MAX_CHECKIN_PHOTOS {full, thumb} hashes, or none', () => {
    expect(parsePatrolEvent(checkin(2)).ok).toBe(true);
    expect(parsePatrolEvent(checkin(2, [{ full: h('a'), thumb: h('b') }])).ok).toBe(true);
    const max = Array.from({ length: MAX_CHECKIN_PHOTOS }, () => ({ full: h('a'), thumb: h('b') }));
    expect(parsePatrolEvent(checkin(2, max)).ok).toBe(true);
    expect(parsePatrolEvent(checkin(2, [...max, { full: h('c'), thumb: h('d') }])).ok).toBe(false);
  });

  it('refuses an empty list, a bare hash, a hash of the wrong form, extra keys', () => {
    for (const photos of [[], [h('a')], [{ full: 'A'.repeat(64), thumb: h('b') }], [{ full: h('a'), thumb: h('b').slice(1) }], [{ full: h('a'), thumb: h('b'), url: 'x' }], [{ full: h('a') }], 'x']) {
      expect(parsePatrolEvent(checkin(2, photos)).ok, JSON.stringify(photos)).toBe(false);
    }
  });

  it('the fold keeps the photos on the check-in', () => {
    const s = foldPatrols([env(1, 'patrol_started', { patrolId: id(1) }), checkin(2, [{ full: h('a'), thumb: h('b') }]), checkin(3)]);
    const p = s.patrols.get(id(1))!;
    expect(p.checkins.map((c) => c.photos)).toEqual([[{ full: h('a'), thumb: h('b') }], undefined]);
  });
});

describe('recordBlobHashes', () => {
  it("a check-in's photos, thumbnails first, without repeats; other patrol events name none", () => {
    const e = checkin(2, [
      { full: h('a'), thumb: h('b') },
      { full: h('c'), thumb: h('b') },
    ]);
    expect(recordBlobHashes('patrols', e)).toEqual([h('b'), h('a'), h('c')]);
    expect(recordBlobHashes('patrols', checkin(2))).toEqual([]);
    expect(recordBlobHashes('patrols', env(1, 'patrol_started', { patrolId: id(1) }))).toEqual([]);
  });

  it("a saved entry's photo values; removals and completions name none", () => {
    const saved = env(4, 'entry_saved', { taskId: id(9), entryId: id(8), label: '张家', values: { f1: { full: h('a'), thumb: h('b') }, f2: 3, f3: true, f4: h('c') } });
    expect(parseAnswerEvent(saved).ok).toBe(true);
    // A text answer that happens to look like a hash is text, not a blob.
    expect(recordBlobHashes('taskanswers', saved)).toEqual([h('b'), h('a')]);
    expect(recordBlobHashes('taskanswers', env(5, 'entry_removed', { taskId: id(9), entryId: id(8) }))).toEqual([]);
    expect(recordBlobHashes('taskanswers', env(6, 'task_completed', { taskId: id(9) }))).toEqual([]);
  });

  it('names nothing for another doc kind, or a value that does not parse', () => {
    const e = checkin(2, [{ full: h('a'), thumb: h('b') }]);
    expect(recordBlobHashes('care', e)).toEqual([]);
    expect(recordBlobHashes('taskanswers', e)).toEqual([]);
    expect(recordBlobHashes('patrols', { ...e, actor: 'bad actor!' })).toEqual([]);
    expect(recordBlobHashes('patrols', null)).toEqual([]);
  });
});
