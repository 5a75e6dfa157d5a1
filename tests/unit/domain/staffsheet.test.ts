// The staff sheet's rules (src/domain/staffsheet.ts) without a relay: the CSV reader, role names, places by name
// inside a town, the row check's problems, and rows written so that they read back to the same account.
import { describe, expect, it } from 'vitest';
import { escapeFormula } from '../../../src/domain/exports.ts';
import type { OrgData } from '../../../src/domain/org.ts';
import { checkSheet, parseCsv, parseRole, PlaceFinder, SHEET_COLUMNS, staffRow } from '../../../src/domain/staffsheet.ts';

const ORG: Pick<OrgData, 'towns' | 'villages' | 'grids' | 'units'> = {
  towns: [
    { id: 't01', name: '一镇', nameEn: 'One', center: [0, 0] },
    { id: 't02', name: '二镇', nameEn: 'Two', center: [0, 0] },
  ],
  villages: [
    { id: 't01v01', townId: 't01', name: '新村', kind: 'village' },
    { id: 't02v01', townId: 't02', name: '新村', kind: 'village' },
    // Two villages of one town with one name: only their ids tell them apart.
    { id: 't02v02', townId: 't02', name: '东村', kind: 'village' },
    { id: 't02v03', townId: 't02', name: '东村', kind: 'village' },
  ],
  grids: [
    { id: 'g0001', villageId: 't01v01', townId: 't01', name: '第一网格', workerId: 'w0001', center: [0, 0] },
    { id: 'g0002', villageId: 't02v01', townId: 't02', name: '第一网格', workerId: 'w0002', center: [0, 0] },
  ],
  units: [
    { id: 'u001', name: '县水务局', level: 'county', categories: [] },
    { id: 'u002', name: '派出所', level: 'town', townId: 't01', categories: [] },
    { id: 'u003', name: '派出所', level: 'town', townId: 't02', categories: [] },
  ],
};

const HEADER = SHEET_COLUMNS.map((c) => c.label);
const admin = { role: 'admin' as const };
const check = (rows: string[][], manager: { role: 'admin' | 'town'; townId?: string } = admin, taken: string[] = []) =>
  checkSheet([HEADER, ...rows], { org: ORG, manager, taken: (u) => taken.includes(u.toLowerCase()) });

describe('parseCsv', () => {
  it('byte order mark, quotes, doubled quotes, line breaks inside quotes, CRLF, LF and CR line ends', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x,1","say ""hi"""\n"two\r\nlines",\rlast,row')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['two\r\nlines', ''],
      ['last', 'row'],
    ]);
    expect(parseCsv('a,b\r\n')).toEqual([['a', 'b']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a,"open\r\n')).toBeNull();
    // A quote inside an unquoted field stays as it is.
    expect(parseCsv('5"3,x')).toEqual([['5"3', 'x']]);
  });
});

describe('parseRole', () => {
  it('the app’s names, the usual aliases and the English ids', () => {
    expect(parseRole('网格员')).toBe('worker');
    expect(parseRole(' 乡镇中心 ')).toBe('town');
    expect(parseRole('镇街指导中心')).toBe('town');
    expect(parseRole('责任单位')).toBe('unit');
    expect(parseRole('Secretary')).toBe('secretary');
    expect(parseRole('居民')).toBeNull();
    expect(parseRole('resident')).toBeNull();
  });
});

describe('checkSheet', () => {
  it('a village name is looked up inside the town; a name several places share is ambiguous, saying which', () => {
    const { accounts, problems } = check([
      ['a1', '甲', '村书记', '', '二镇', '新村', '', ''],
      ['a2', '乙', '村书记', '', '', '新村', '', ''],
      ['a3', '丙', '村书记', '', '二镇', '东村', '', ''],
      ['a4', '丁', '网格员', '', '一镇', '', '第一网格', ''],
      ['a5', '戊', '职能部门', '', '二镇', '', '', '派出所'],
    ]);
    expect(accounts.map((a) => [a.username, a.scope])).toEqual([
      ['a1', { townId: 't02', villageId: 't02v01' }],
      ['a4', { townId: 't01', villageId: 't01v01', gridId: 'g0001' }],
      ['a5', { townId: 't02', unitId: 'u003' }],
    ]);
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [3, '村', 'ambiguous'],
      [4, '村', 'ambiguous'],
    ]);
    expect(problems[0]!.message).toContain('一镇新村（t01v01）');
    expect(problems[1]!.message).toContain('t02v03');
  });

  it('every problem of a row is listed; wholly empty rows are skipped; usernames compare without case', () => {
    const { problems } = check(
      [
        ['Dup', '甲', '培训员', '', 't01', '', '', ''],
        ['', '', '', '', '', '', '', ''],
        ['dup', '', '队长', '123', '', '', '', ''],
        ['Old', '乙', '县指挥中心', '', '', '', '', ''],
      ],
      admin,
      ['old'],
    );
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [4, '用户名', 'duplicate'],
      [4, '姓名', 'required'],
      [4, '手机号', 'invalid'],
      [4, '角色', 'invalid'],
      [5, '用户名', 'taken'],
    ]);
  });

  it('a town center: its own town only, no county roles, no county units', () => {
    const { problems } = check(
      [
        ['b1', '甲', '网格员', '', '', '', 'g0002', ''],
        ['b2', '乙', '系统管理员', '', '', '', '', ''],
        ['b3', '丙', '职能部门', '', '', '', '', 'u001'],
        ['b4', '丁', '培训员', '', '一镇', '', '', ''],
      ],
      { role: 'town', townId: 't01' },
    );
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [2, '网格', 'outside_scope'],
      [3, '角色', 'outside_scope'],
      [4, '单位', 'outside_scope'],
    ]);
  });

  it('headers: any order; unknown, missing and repeated ones are problems of row 1', () => {
    const reordered = checkSheet([[...HEADER].reverse(), ['', '', '', 't01', '', '培训员', '丙', 'c1']], { org: ORG, manager: admin, taken: () => false });
    expect(reordered.problems).toEqual([]);
    expect(reordered.accounts).toEqual([{ row: 2, username: 'c1', name: '丙', role: 'trainer', scope: { townId: 't01' } }]);
    const bad = checkSheet([['用户名', '用户名', '备注'], ['x']], { org: ORG, manager: admin, taken: () => false });
    expect(bad.problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [1, '用户名', 'repeated_column'],
      [1, '备注', 'unknown_column'],
      ...HEADER.slice(1).map((h) => [1, h, 'missing_column']),
    ]);
  });

  it('a cell escaped against formulas reads back without the apostrophe', () => {
    const { accounts } = check([['f1', escapeFormula('=1+1'), '培训员', '', '一镇', '', '', '']]);
    expect(accounts[0]!.name).toBe('=1+1');
  });
});

describe('staffRow', () => {
  it('writes names, or the id where the name would not find the place again, and reads back the same scope', () => {
    const places = new PlaceFinder(ORG);
    const rows = [
      staffRow({ username: 's1', name: '甲', role: 'secretary', townId: 't02', villageId: 't02v01' }, places),
      staffRow({ username: 's2', name: '乙', role: 'secretary', townId: 't02', villageId: 't02v03' }, places),
      staffRow({ username: 'w1', name: '丙', role: 'worker', townId: 't02', villageId: 't02v01', gridId: 'g0002', phone: '13800000000' }, places),
      staffRow({ username: 'u1', name: '丁', role: 'unit', townId: 't01', unitId: 'u002' }, places),
    ];
    expect(rows).toEqual([
      ['s1', '甲', '村书记', '', '二镇', '新村', '', ''],
      ['s2', '乙', '村书记', '', '二镇', 't02v03', '', ''],
      ['w1', '丙', '网格员', '13800000000', '二镇', '新村', '第一网格', ''],
      ['u1', '丁', '职能部门', '', '一镇', '', '', '派出所'],
    ]);
    const back = check(rows.map((r) => r.map(String)));
    expect(back.problems).toEqual([]);
    expect(back.accounts.map((a) => a.scope)).toEqual([
      { townId: 't02', villageId: 't02v01' },
      { townId: 't02', villageId: 't02v03' },
      { townId: 't02', villageId: 't02v01', gridId: 'g0002' },
      { townId: 't01', unitId: 'u002' },
    ]);
  });
});
