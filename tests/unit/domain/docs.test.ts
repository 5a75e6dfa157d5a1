import { describe, expect, it } from 'vitest';
import { caseYear, casesDocName, docAccess, docsForUser, liveYears, parseDocName } from '../../../src/domain/docs.ts';
import { user } from './fixture.ts';

const TOWNS = ['t01', 't02'];
const YEARS = [2024, 2025];
const names = (id: string) => docsForUser(user(id), TOWNS, YEARS).map((g) => `${g.name}:${g.access}`);

describe('docsForUser', () => {
  it.each([
    ['admin', ['org:write', 'cases.t01.2024:write', 'cases.t01.2025:write', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['county', ['org:write', 'cases.t01.2024:write', 'cases.t01.2025:write', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['town01', ['org:read', 'cases.t01.2024:write', 'cases.t01.2025:write']],
    ['town02', ['org:read', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['w0001', ['org:read', 'cases.t01.2024:write', 'cases.t01.2025:write']],
    ['w0003', ['org:read', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['st01v01', ['org:read', 'cases.t01.2024:write', 'cases.t01.2025:write']],
    ['unit001', ['org:read', 'cases.t01.2024:write', 'cases.t01.2025:write', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['unit003', ['org:read', 'cases.t02.2024:write', 'cases.t02.2025:write']],
    ['trainer01', ['org:read']],
    ['resident01', []],
  ])('%s syncs %j', (id, expected) => {
    expect(names(id)).toEqual(expected);
  });

  it('a town-scoped role without a town gets no case docs', () => {
    expect(docsForUser({ id: 'x', username: 'x', name: 'x', role: 'town' }, TOWNS, YEARS)).toEqual([{ name: 'org', access: 'read' }]);
  });
});

describe('docAccess', () => {
  it('grants a user its own docs, for any year', () => {
    expect(docAccess(user('town01'), 'cases.t01.2025', TOWNS)).toBe('write');
    expect(docAccess(user('town01'), 'cases.t01.2019', TOWNS)).toBe('write');
    expect(docAccess(user('w0001'), 'cases.t01.2024', TOWNS)).toBe('write');
    expect(docAccess(user('unit001'), 'cases.t02.2025', TOWNS)).toBe('write');
    expect(docAccess(user('county'), 'cases.t02.2025', TOWNS)).toBe('write');
  });

  it('refuses other towns and unknown towns', () => {
    expect(docAccess(user('town01'), 'cases.t02.2025', TOWNS)).toBeNull();
    expect(docAccess(user('w0001'), 'cases.t02.2025', TOWNS)).toBeNull();
    expect(docAccess(user('st01v01'), 'cases.t02.2025', TOWNS)).toBeNull();
    expect(docAccess(user('unit003'), 'cases.t01.2025', TOWNS)).toBeNull();
    expect(docAccess(user('admin'), 'cases.t03.2025', TOWNS)).toBeNull();
    expect(docAccess(user('trainer01'), 'cases.t01.2025', TOWNS)).toBeNull();
    expect(docAccess(user('resident01'), 'cases.t01.2025', TOWNS)).toBeNull();
  });

  it('org is writable by admins, and by the county for its care levels only (refchanges.ts roleMayChange)', () => {
    expect(docAccess(user('admin'), 'org', TOWNS)).toBe('write');
    expect(docAccess(user('county'), 'org', TOWNS)).toBe('write');
    expect(docAccess(user('town01'), 'org', TOWNS)).toBe('read');
    expect(docAccess(user('w0001'), 'org', TOWNS)).toBe('read');
  });

  it.each(['', 'orgs', 'cases', 'cases.t1.2025', 'cases.t01.25', 'cases.t01.2025.x', 'cases.T01.2025', 'people.g0001', '../org'])(
    'refuses the malformed doc name %j',
    (name) => {
      expect(parseDocName(name)).toBeNull();
      expect(docAccess(user('admin'), name, TOWNS)).toBeNull();
    },
  );

  it('names and parses case docs', () => {
    expect(casesDocName('t07', 2025)).toBe('cases.t07.2025');
    expect(parseDocName('cases.t07.2025')).toEqual({ kind: 'cases', townId: 't07', year: 2025 });
    expect(parseDocName('org')).toEqual({ kind: 'org' });
  });
});

describe('caseYear (China Standard Time, UTC+8)', () => {
  it('turns at midnight in Beijing, which is 16:00 UTC on 31 December', () => {
    expect(caseYear(Date.UTC(2024, 11, 31, 15, 59, 59, 999))).toBe(2024);
    expect(caseYear(Date.UTC(2024, 11, 31, 16, 0, 0, 0))).toBe(2025);
    expect(caseYear(Date.UTC(2025, 0, 1, 0, 0, 0))).toBe(2025);
    expect(caseYear(Date.UTC(2025, 11, 31, 23, 0, 0))).toBe(2026);
  });

  it('keeps the current and previous years live', () => {
    expect(liveYears(Date.UTC(2024, 11, 31, 16, 0, 0))).toEqual([2024, 2025]);
    expect(liveYears(Date.UTC(2024, 11, 31, 15, 0, 0))).toEqual([2023, 2024]);
  });
});
