import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { followsOnBehalf, normalizePhone, OnBehalfSchema, reportChannel } from '../../../src/domain/citizens.ts';
import { parseEvent } from '../../../src/domain/events.ts';

describe('citizens: phones, 代报, channels', () => {
  it('normalises Chinese mobile and landline numbers and refuses the rest', () => {
    expect(normalizePhone('138 1234 5678')).toBe('13812345678');
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePhone('0086 13812345678')).toBe('13812345678');
    expect(normalizePhone('８６13812345678')).toBe('13812345678');
    expect(normalizePhone('0427-2812345')).toBe('04272812345');
    expect(normalizePhone('12812345678')).toBeNull();
    expect(normalizePhone('1381234567')).toBeNull();
    expect(normalizePhone('abc')).toBeNull();
  });

  it('stores the normalised number in a report made on a resident\'s behalf, and refuses a bad one', () => {
    const ok = v.safeParse(OnBehalfSchema, { name: ' 王秀英 ', phone: '+86 139 0000 1111', via: 'phone' });
    expect(ok.success && ok.output).toEqual({ name: '王秀英', phone: '13900001111', via: 'phone' });
    expect(v.safeParse(OnBehalfSchema, { name: '王秀英', phone: '12345', via: 'phone' }).success).toBe(false);
    expect(v.safeParse(OnBehalfSchema, { name: '王秀英', via: 'fax' }).success).toBe(false);
    const e = parseEvent({
      id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
      caseId: '01JAAAAAAAAAAAAAAAAAAAAAAB',
      type: 'reported',
      actor: 'w0001',
      at: '1796529600000:0000:n1',
      data: { category: '0101', description: 'x', location: { lat: 41, lng: 122 }, gridId: 'g0001', townId: 't01', onBehalf: { name: '王秀英', via: 'visit' }, attributes: { depth: '10cm' } },
    });
    expect(e.ok).toBe(true);
  });

  it('lets a resident follow a case reported for them only with a verified phone', () => {
    const c = { onBehalf: { phone: '13900001111' } };
    expect(followsOnBehalf({ role: 'resident', phone: '139 0000 1111', phoneVerified: true }, c)).toBe(true);
    expect(followsOnBehalf({ role: 'resident', phone: '13900001111' }, c)).toBe(false);
    expect(followsOnBehalf({ role: 'worker', phone: '13900001111', phoneVerified: true }, c)).toBe(false);
    expect(followsOnBehalf({ role: 'resident', phone: '13900002222', phoneVerified: true }, c)).toBe(false);
  });

  it('names the channel a case came in by', () => {
    expect(reportChannel({ channel: 'open311' })).toBe('open311');
    expect(reportChannel({ onBehalf: { via: 'phone' }, reporterRole: 'worker' })).toBe('proxy_phone');
    expect(reportChannel({ channel: 'app', reporterRole: 'resident' })).toBe('resident_app');
    expect(reportChannel({ reporterRole: 'worker' })).toBe('staff');
  });
});
