// Issue 13: the public, anonymised view of cases near a point (src/domain/publiccases.ts), pure.
import { describe, expect, it } from 'vitest';
import { NEARBY_LIMIT, publicNearby } from '../../../src/domain/publiccases.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';

const NOW = Date.UTC(2026, 11, 6, 2, 0, 0);
const DAY = 86_400_000;
const AT = { lat: 41.12, lng: 122.07 };
let n = 0;
function state(p: Partial<CaseState> = {}): CaseState {
  n++;
  return {
    id: `01J0000000000000000000${String(n).padStart(4, '0')}`,
    status: 'accepted',
    townId: 't01',
    gridId: 'g0001',
    category: '0602',
    description: '王大爷家门口的坑',
    location: { lat: 41.12123, lng: 122.07156 },
    photos: [],
    reporter: 'resident01',
    reportedAt: '',
    reportedMs: NOW - DAY,
    updatedAt: '',
    extensionHours: 0,
    checklist: [],
    supervisions: [],
    timeline: [],
    superseded: [],
    address: '一村三组',
    ...p,
  } as CaseState;
}

describe('publicNearby', () => {
  it('gives category, rounded place, village, stage, CST day and distance to the rounded place, nothing else', () => {
    const out = publicNearby([state()], AT, 500, NOW, () => '一村');
    expect(out).toEqual([{ category: '0602', place: { lat: 41.121, lng: 122.072, village: '一村' }, stage: 'accepted', day: '2026-12-05', distanceM: 200 }]);
  });

  it('leaves out person-type categories, ended-otherwise cases, old ones, far ones and cases without a place', () => {
    const cases = [
      state({ category: '0101' }), // 党的建设
      state({ category: '0501' }), // 社会救助
      state({ category: '1501' }), // 矛盾纠纷
      state({ status: 'withdrawn' }),
      state({ status: 'rejected' }),
      state({ status: 'merged' }),
      state({ reportedMs: NOW - 31 * DAY }),
      state({ location: { lat: 41.2, lng: 122.1 } }),
    ];
    expect(publicNearby(cases, AT, 1000, NOW)).toEqual([]);
    // 供电线路 of 其他 is about a place.
    expect(publicNearby([state({ category: '1701', status: 'closed' })], AT, 1000, NOW).map((c) => c.stage)).toEqual(['closed']);
  });

  it('sorts nearest first, then newest, and stops at the limit', () => {
    const near = state({ location: { lat: 41.1201, lng: 122.0701 }, reportedMs: NOW - 3 * DAY });
    const newer = state({ location: { lat: 41.1201, lng: 122.0701 }, reportedMs: NOW - DAY, category: '0701' });
    const far = state({ location: { lat: 41.124, lng: 122.07 } });
    expect(publicNearby([far, near, newer], AT, 1000, NOW).map((c) => c.category)).toEqual(['0701', '0602', '0602']);
    const many = Array.from({ length: NEARBY_LIMIT + 5 }, () => state());
    expect(publicNearby(many, AT, 1000, NOW)).toHaveLength(NEARBY_LIMIT);
  });
});
