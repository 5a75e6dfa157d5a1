// Issue 15: the account rules both the relay and the account screens use (src/domain/accounts.ts).
import { describe, expect, it } from 'vitest';
import { mayManageAccount, resolveScope, rolesManagedBy, scopeFieldOf, staffPasswordProblem, STAFF_ROLES } from '../../../src/domain/accounts.ts';
import { ORG_INDEX, FIXTURE_ORG } from '../../integration/relay-harness.ts';

const org = { grid: ORG_INDEX.grid, village: ORG_INDEX.village, unit: ORG_INDEX.unit, townIds: FIXTURE_ORG.towns.map((t) => t.id) };

describe('resolveScope', () => {
  it('derives what the named place lies in', () => {
    expect(resolveScope('worker', { gridId: 'g0002' }, org)).toEqual({ ok: true, scope: { townId: 't02', villageId: 't02v01', gridId: 'g0002' } });
    expect(resolveScope('member', { gridId: 'g0001' }, org)).toEqual({ ok: true, scope: { townId: 't01', villageId: 't01v01', gridId: 'g0001' } });
    expect(resolveScope('secretary', { villageId: 't01v01' }, org)).toEqual({ ok: true, scope: { townId: 't01', villageId: 't01v01' } });
    expect(resolveScope('town', { townId: 't02' }, org)).toEqual({ ok: true, scope: { townId: 't02' } });
    expect(resolveScope('trainer', { townId: 't01' }, org)).toEqual({ ok: true, scope: { townId: 't01' } });
    expect(resolveScope('unit', { unitId: 'u002' }, org)).toEqual({ ok: true, scope: { townId: 't01', unitId: 'u002' } });
    expect(resolveScope('unit', { unitId: 'u001' }, org)).toEqual({ ok: true, scope: { unitId: 'u001' } });
    expect(resolveScope('admin', {}, org)).toEqual({ ok: true, scope: {} });
  });

  it('accepts a derived field typed the same, refuses one that disagrees or that the role does not name', () => {
    expect(resolveScope('worker', { gridId: 'g0001', townId: 't01', villageId: 't01v01' }, org).ok).toBe(true);
    expect(resolveScope('worker', { gridId: 'g0001', townId: 't02' }, org)).toEqual({ ok: false, problem: { field: 'townId', code: 'not_allowed' } });
    expect(resolveScope('county', { townId: 't01' }, org)).toEqual({ ok: false, problem: { field: 'townId', code: 'not_allowed' } });
    expect(resolveScope('town', { townId: 't01', unitId: 'u002' }, org)).toEqual({ ok: false, problem: { field: 'unitId', code: 'not_allowed' } });
  });

  it('names the missing or unknown field', () => {
    for (const role of STAFF_ROLES) {
      const field = scopeFieldOf(role);
      if (!field) continue;
      expect(resolveScope(role, {}, org), role).toEqual({ ok: false, problem: { field, code: 'required' } });
      expect(resolveScope(role, { [field]: 'nowhere' }, org), role).toEqual({ ok: false, problem: { field, code: 'unknown' } });
    }
  });
});

describe('mayManageAccount', () => {
  it('an administrator manages every staff account, no resident', () => {
    for (const role of STAFF_ROLES) expect(mayManageAccount({ role: 'admin' }, { role })).toBe(true);
    expect(mayManageAccount({ role: 'admin' }, { role: 'resident', townId: 't01' })).toBe(false);
  });

  it("a town center manages its own town's staff, not the county's or another town's", () => {
    const town = { role: 'town' as const, townId: 't01' };
    expect(mayManageAccount(town, { role: 'worker', townId: 't01' })).toBe(true);
    expect(mayManageAccount(town, { role: 'town', townId: 't01' })).toBe(true);
    expect(mayManageAccount(town, { role: 'worker', townId: 't02' })).toBe(false);
    expect(mayManageAccount(town, { role: 'unit' })).toBe(false);
    expect(mayManageAccount(town, { role: 'admin', townId: 't01' })).toBe(false);
    expect(mayManageAccount(town, { role: 'county', townId: 't01' })).toBe(false);
    expect(mayManageAccount({ role: 'town' }, { role: 'worker' })).toBe(false);
  });

  it('nobody else manages accounts', () => {
    for (const role of ['county', 'unit', 'worker', 'secretary', 'trainer', 'member', 'resident'] as const) {
      expect(mayManageAccount({ role, townId: 't01' }, { role: 'worker', townId: 't01' }), role).toBe(false);
      expect(rolesManagedBy({ role }), role).toEqual([]);
    }
    expect(rolesManagedBy({ role: 'town' })).not.toContain('admin');
    expect(rolesManagedBy({ role: 'admin' })).toContain('admin');
  });
});

describe('staffPasswordProblem', () => {
  it('asks for 8 characters, 4 different ones, and not the username', () => {
    expect(staffPasswordProblem('short1', 'w1')).toBe('too_short');
    expect(staffPasswordProblem('aaaabbbb', 'w1')).toBe('too_simple');
    expect(staffPasswordProblem('xxW0001yy', 'w0001')).toBe('contains_username');
    expect(staffPasswordProblem('river-stone-42', 'w0001')).toBeNull();
    // Characters, not UTF-16 units: 8 Chinese characters will do.
    expect(staffPasswordProblem('春眠不觉晓处处', '')).toBe('too_short');
    expect(staffPasswordProblem('春眠不觉晓处处闻', '')).toBeNull();
  });
});
