import { describe, expect, it } from 'vitest';
import { DUPLICATE_RADIUS_M, findDuplicates, haversineM, type DuplicateInput } from '../../../src/domain/duplicates.ts';
import type { Status } from '../../../src/domain/workflow.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 10, 2);
const HERE = { lat: 41.23, lng: 121.99 };
/** A point `m` metres north (east when `east`) of HERE. */
const away = (m: number, east = false) =>
  east ? { lat: HERE.lat, lng: HERE.lng + m / (111_195 * Math.cos((HERE.lat * Math.PI) / 180)) } : { lat: HERE.lat + m / 111_195, lng: HERE.lng };

let n = 0;
function c(over: Partial<DuplicateInput> = {}): DuplicateInput {
  n++;
  return { id: `C${String(n).padStart(25, '0')}`, status: 'reported' as Status, category: '0604', location: HERE, reportedMs: NOW - DAY, ...over };
}

describe('haversineM', () => {
  it('measures great-circle distances', () => {
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195, -1);
    expect(haversineM(HERE, away(250))).toBeCloseTo(250, 0);
    expect(haversineM(HERE, away(250, true))).toBeCloseTo(250, 0);
    expect(haversineM(HERE, HERE)).toBe(0);
    expect(haversineM(HERE, away(100))).toBeCloseTo(haversineM(away(100), HERE), 9);
  });
});

describe('findDuplicates', () => {
  const candidate = { category: '0604', location: HERE, reportedMs: NOW };

  it('finds open cases of the same subcategory within 250 m reported in the last 7 days, nearest first', () => {
    const near = c({ location: away(40) });
    const edge = c({ location: away(249, true) });
    const nearest = c({ location: away(5) });
    const older = c({ location: away(40), reportedMs: NOW - 7 * DAY + 1000 });
    const got = findDuplicates(candidate, [edge, near, nearest, older]);
    expect(got.map((m) => m.case.id)).toEqual([nearest.id, near.id, older.id, edge.id]);
    expect(got[0]!.distanceM).toBeCloseTo(5, 0);
    expect(got.every((m) => m.distanceM <= DUPLICATE_RADIUS_M)).toBe(true);
  });

  it.each([
    ['too far (260 m)', { location: away(260) }],
    ['too far east (260 m)', { location: away(260, true) }],
    ['another subcategory', { category: '0605' }],
    ['another major category', { category: '0101' }],
    ['reported 8 days ago', { reportedMs: NOW - 8 * DAY }],
    ['reported after the candidate', { reportedMs: NOW + 1 }],
    ...(['closed', 'rejected', 'withdrawn', 'merged'] as Status[]).map((status) => [`${status}`, { status }] as [string, Partial<DuplicateInput>]),
  ])('leaves out a case %s', (_label, over) => {
    expect(findDuplicates(candidate, [c({ location: away(30), ...over })])).toEqual([]);
  });

  it('keeps open cases in every open status, and skips the candidate itself', () => {
    const open: Status[] = ['reported', 'accepted', 'dispatched', 'acknowledged', 'in_progress', 'returned', 'resolved', 'verification_failed', 'verified'];
    const cases = open.map((status, i) => c({ status, location: away(10 + i) }));
    expect(findDuplicates(candidate, cases)).toHaveLength(open.length);
    const self = cases[0]!;
    expect(findDuplicates({ ...candidate, id: self.id }, cases).map((m) => m.case.id)).not.toContain(self.id);
  });

  it('orders equal distances newest first, then by id', () => {
    const a = c({ location: away(50), reportedMs: NOW - 2 * DAY });
    const b = c({ location: away(50), reportedMs: NOW - DAY });
    const b2 = c({ location: away(50), reportedMs: NOW - DAY });
    expect(findDuplicates(candidate, [a, b2, b]).map((m) => m.case.id)).toEqual([b.id, b2.id, a.id]);
  });
});
