// Issue 13: service fields (Open311 attributes) are checked by the workflow's `reported` step, so decide() and the
// fold (every replica, the relay's inspection) refuse an unknown code or value the same way.
import { describe, expect, it } from 'vitest';
import { decide, type DecideContext } from '../../../src/domain/commands.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { missingRequired, SERVICE_FIELDS, serviceFields } from '../../../src/domain/servicedefs.ts';
import { badAttribute, FIELD_RULES, follows } from '../../../src/domain/servicefields.ts';
import { CASE_ID, freshId, IDX, REPORT, T0, user } from './fixture.ts';

const ctx = (): DecideContext => ({ actor: user('w0001'), org: IDX, at: formatHlc({ ms: T0, counter: 0, node: 'sf' }), eventId: freshId(T0), caseId: CASE_ID });
const report = (attributes?: Record<string, string>) => ({ type: 'report', ...REPORT, ...(attributes ? { attributes } : {}) });

describe('service fields', () => {
  it('are well formed: codes the attribute schema takes, list values unique, number ranges set', () => {
    for (const [code, fields] of Object.entries(SERVICE_FIELDS)) {
      expect(code).toMatch(/^\d{4}$/);
      expect(new Set(fields.map((f) => f.code)).size).toBe(fields.length);
      for (const f of fields) {
        expect(f.code).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
        if (f.type === 'singlevaluelist') expect(new Set(f.values!.map((x) => x.key)).size).toBe(f.values!.length);
        if (f.type === 'number') expect(f.min! <= f.max!).toBe(true);
      }
    }
    expect(serviceFields('0604').map((f) => f.code)).toEqual(['severity']);
    expect(serviceFields('0101')).toEqual([]);
    expect(serviceFields('constructor')).toEqual([]);
  });

  it('the rules (in the fold) and the definitions (for people) describe the same fields', () => {
    expect(Object.keys(FIELD_RULES).sort()).toEqual(Object.keys(SERVICE_FIELDS).sort());
    for (const [code, fields] of Object.entries(SERVICE_FIELDS)) {
      const rules = FIELD_RULES[code]!;
      expect(Object.keys(rules).sort(), code).toEqual(fields.map((f) => f.code).sort());
      for (const f of fields) {
        const rule = rules[f.code]!;
        if (f.type === 'singlevaluelist') expect(rule, `${code}.${f.code}`).toEqual(f.values!.map((x) => x.key));
        if (f.type === 'number') expect(rule, `${code}.${f.code}`).toEqual([f.min, f.max]);
        if (f.type === 'string') expect(rule, `${code}.${f.code}`).toBe(f.maxLength);
      }
    }
  });

  it('values: list keys, numbers in range, bounded strings', () => {
    const r = FIELD_RULES['0602']!;
    expect(follows(r.size!, 'large')).toBe(true);
    expect(follows(r.size!, 'huge')).toBe(false);
    expect(follows(r.depth_cm!, '12.5')).toBe(true);
    for (const bad of ['-1', '501', '1e3', 'abc', '', ' 3']) expect(follows(r.depth_cm!, bad), bad).toBe(false);
    const pole = FIELD_RULES['0603']!.pole_number!;
    expect(follows(pole, 'A-12')).toBe(true);
    expect(follows(pole, 'x'.repeat(31))).toBe(false);
    expect(follows(pole, '')).toBe(false);
    expect(badAttribute('0602', { size: 'small', depth_cm: '3' })).toBeNull();
    expect(badAttribute('0602', { size: 'small', colour: 'red' })).toBe('colour');
    expect(badAttribute('0101', { size: 'small' })).toBe('size');
    expect(badAttribute('0602', { toString: 'x' })).toBe('toString');
    expect(badAttribute('constructor', { size: 'small' })).toBe('size');
    expect(missingRequired('0602', { depth_cm: '3' })).toEqual(['size']);
    expect(missingRequired('0603', {})).toEqual([]);
  });

  it("decide() accepts a subcategory's own attributes and refuses unknown codes and values (bad_attribute)", () => {
    const ok = decide(null, report({ severity: 'burst' }), ctx());
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.state.attributes).toEqual({ severity: 'burst' });
    expect(decide(null, report({ severity: 'flood' }), ctx())).toMatchObject({ ok: false, error: 'bad_attribute' });
    expect(decide(null, report({ size: 'large' }), ctx())).toMatchObject({ ok: false, error: 'bad_attribute' });
    // A required field is not the step's business (a later "required" must not refuse older reports).
    expect(decide(null, report(), ctx()).ok).toBe(true);
  });

  it('the fold refuses a forged reported event with a bad attribute (any replica, the relay)', () => {
    const good = decide(null, report({ severity: 'drip' }), ctx());
    if (!good.ok) throw new Error('setup');
    const forged = { ...good.event, data: { ...good.event.data, attributes: { severity: 'everything' } } } as CaseEvent;
    expect(foldCase([forged], IDX)).toBeNull();
    expect(foldCase([good.event], IDX)?.attributes).toEqual({ severity: 'drip' });
  });
});
