import { describe, expect, it } from 'vitest';
import { compareEvents, parseEvent } from '../../../src/domain/events.ts';
import { DATA, ev, REPORT } from './fixture.ts';

const good = () => JSON.parse(JSON.stringify(ev('reported', 'w0001', 0))) as Record<string, unknown>;
const withData = (data: Record<string, unknown>) => ({ ...good(), data: { ...REPORT, ...data } });

describe('parseEvent: accepts', () => {
  it('a valid event of every type, as plain JSON', () => {
    for (const type of ['reported', 'accepted', 'rejected', 'dispatched', 'resolved', 'verified', 'closed'] as const) {
      const e = JSON.parse(JSON.stringify(ev(type, 'w0001', 0)));
      const r = parseEvent(e);
      expect(r.ok, type).toBe(true);
      if (r.ok) expect(r.event).toEqual(e);
    }
  });

  it('optional report fields within their limits, normalising text', () => {
    const photo = 'a'.repeat(64);
    const r = parseEvent(withData({ description: '  漏水  ', address: '一组', photos: Array(9).fill(photo), channel: 'open311' }));
    expect(r.ok).toBe(true);
    if (r.ok && r.event.type === 'reported') {
      expect(r.event.data.description).toBe('漏水');
      expect(r.event.data.photos).toHaveLength(9);
    }
  });
});

describe('parseEvent: rejects malformed envelopes', () => {
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'event'],
    ['an array', [good()]],
    ['an extra envelope field', { ...good(), extra: 1 }],
    ['a missing id', { ...good(), id: undefined }],
    ['a lower-case id', { ...good(), id: String(good().id).toLowerCase() }],
    ['a 25-character id', { ...good(), id: String(good().id).slice(1) }],
    ['an id with I', { ...good(), id: 'I'.repeat(26) }],
    ['a bad caseId', { ...good(), caseId: 'case-1' }],
    ['an unknown type', { ...good(), type: 'deleted' }],
    ['an actor with a space', { ...good(), actor: 'w 0001' }],
    ['an empty actor', { ...good(), actor: '' }],
    ['an ISO date as at', { ...good(), at: '2025-06-01T02:00:00.000Z' }],
    ['at with a 3-digit counter', { ...good(), at: '1748743200000:000:n1' }],
    ['at with a colon in the node', { ...good(), at: '1748743200000:0000:n:1' }],
    ['at as a number', { ...good(), at: 1748743200000 }],
    ['data missing', { ...good(), data: undefined }],
    ['data as a string', { ...good(), data: 'x' }],
    ['data as an array', { ...good(), data: [] }],
  ];
  it.each(cases)('%s', (_label, input) => {
    const r = parseEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail.length).toBeGreaterThan(0);
  });
});

describe('parseEvent: rejects malformed data', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an extra data field', withData({ priority: 'high' }), 'reported'],
    ['lat above 90', withData({ location: { lat: 90.5, lng: 121 } }), 'reported.location.lat'],
    ['lat below -90', withData({ location: { lat: -91, lng: 121 } }), 'reported.location.lat'],
    ['lat NaN', withData({ location: { lat: Number.NaN, lng: 121 } }), 'reported.location.lat'],
    ['lat Infinity', withData({ location: { lat: Infinity, lng: 121 } }), 'reported.location.lat'],
    ['lat as a string', withData({ location: { lat: '41.2', lng: 121 } }), 'reported.location.lat'],
    ['lng above 180', withData({ location: { lat: 41, lng: 180.1 } }), 'reported.location.lng'],
    ['an extra location field', withData({ location: { lat: 41, lng: 121, acc: 5 } }), 'reported.location'],
    ['an empty description', withData({ description: '' }), 'reported.description'],
    ['a blank description', withData({ description: ' \n\t ' }), 'reported.description'],
    ['a description over 2000 characters', withData({ description: '水'.repeat(2001) }), 'reported.description'],
    ['a 3-digit category', withData({ category: '604' }), 'reported.category'],
    ['a missing gridId', withData({ gridId: undefined }), 'reported'],
    ['a bad photo hash', withData({ photos: ['A'.repeat(64)] }), 'reported.photos'],
    ['ten photos', withData({ photos: Array(10).fill('a'.repeat(64)) }), 'reported.photos'],
    ['an unknown channel', withData({ channel: 'sms' }), 'reported.channel'],
    ['a reject without reason', { ...good(), type: 'rejected', data: {} }, 'rejected.reason'],
    ['a dispatch with dueHours 0', { ...good(), type: 'dispatched', data: { unitId: 'u001', dueHours: 0 } }, 'dispatched.dueHours'],
    ['a dispatch with fractional dueHours', { ...good(), type: 'dispatched', data: { unitId: 'u001', dueHours: 1.5 } }, 'dispatched.dueHours'],
    ['a dispatch with a bad unit id', { ...good(), type: 'dispatched', data: { unitId: 'u 1' } }, 'dispatched.unitId'],
    ['a resolve with an empty note', { ...good(), type: 'resolved', data: { note: '  ' } }, 'resolved.note'],
    ['an accept with a numeric note', { ...good(), type: 'accepted', data: { note: 5 } }, 'accepted.note'],
    ['a close with an extra field', { ...good(), type: 'closed', data: { ...DATA.closed, by: 'x' } }, 'closed'],
  ];
  it.each(cases)('%s', (_label, input, detail) => {
    const r = parseEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail.startsWith(detail)).toBe(true);
  });
});

describe('compareEvents', () => {
  it('orders by at, then by id', () => {
    const a = { at: '1748743200000:0000:a', id: 'B' };
    const b = { at: '1748743200000:0001:a', id: 'A' };
    const c = { at: '1748743200000:0001:a', id: 'C' };
    expect([c, b, a].sort(compareEvents)).toEqual([a, b, c]);
    expect(compareEvents(a, { ...a })).toBe(0);
  });
});
