/**
 * The exports' cells (src/domain/exports.ts): formula-injection escaping, CSV framing, CST times, and the labels the
 * domain keeps for the relay (no locale there) held equal to the app's locales.
 */
import { describe, expect, it } from 'vitest';
import { cohandleEn } from '../../../src/app/locales/cohandle.en.ts';
import { cohandleZh } from '../../../src/app/locales/cohandle.zh.ts';
import { statsEn } from '../../../src/app/locales/stats.en.ts';
import { statsZh } from '../../../src/app/locales/stats.zh.ts';
import { wfZh } from '../../../src/app/locales/wf.zh.ts';
import { zh } from '../../../src/app/locales/zh.ts';
import { assess } from '../../../src/domain/assessment.ts';
import { REPORT_CHANNELS } from '../../../src/domain/citizens.ts';
import { ASSIST_COLUMNS, CHANNEL_LABELS, csvField, cstMinute, escapeFormula, SATISFACTION_LABELS, STATUS_LABELS, statsTables, toCsv } from '../../../src/domain/exports.ts';
import { STATUSES } from '../../../src/domain/workflow.ts';

describe('escapeFormula', () => {
  it('prefixes an apostrophe to text a spreadsheet would read as a formula', () => {
    for (const s of ['=1+1', '+86 138', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) expect(escapeFormula(s)).toBe(`'${s}`);
  });
  it('leaves other text as it is', () => {
    for (const s of ['', '1+1', ' =1', "'=1", '街道', 'a=b', '\nx']) expect(escapeFormula(s)).toBe(s);
  });
});

describe('csv', () => {
  it('escapes, quotes when needed, keeps numbers as numbers', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=a,"b"')).toBe(`"'=a,""b"""`);
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });
  it('starts with a byte order mark and ends lines with CRLF', () => {
    expect(toCsv(['名称', '数'], [['-x', 1], ['y', null]])).toBe("\uFEFF名称,数\r\n'-x,1\r\ny,\r\n");
  });
});

describe('cstMinute', () => {
  it('is China Standard Time, whatever the machine is set to', () => {
    expect(cstMinute(Date.parse('2026-11-19T16:05:59Z'))).toBe('2026-11-20 00:05');
    expect(cstMinute(Date.parse('2026-12-31T15:59:00Z'))).toBe('2026-12-31 23:59');
  });
});

describe('statsTables', () => {
  const f = assess([], { kind: 'county' }, { fromMs: 0, toMs: 1 }, 1);
  const names = { scope: '全县', town: (id: string) => `T${id}`, unit: (id: string) => `U${id}`, grid: (id: string) => `G${id}` };
  it('has towns only when the answer has them, Table 1 only when present', () => {
    expect(statsTables({ scope: { kind: 'town', id: 't01' }, figures: f, units: {}, grids: { g1: f } }, names).map((t) => t.key)).toEqual(['figures', 'units', 'grids']);
    const county = statsTables({ scope: { kind: 'county', id: 'county' }, figures: f, towns: { t01: f }, units: {}, grids: {}, table1: [] }, names);
    expect(county.map((t) => t.key)).toEqual(['figures', 'towns', 'units', 'grids', 'table1']);
    expect(county[1]!.rows[0]!.slice(0, 3)).toEqual(['t01', 'Tt01', 0]);
    expect(county[0]!.columns.length).toBe(county[0]!.rows[0]!.length);
  });
  it('credits each unit with its 协办 in the units table only, the figures the 考核 computes (issue 17)', () => {
    const helped = { ...f, assists: 3, assistsConfirmed: 2, assistsOnTime: 1, assistsReleased: 1, assistsOpen: 0 };
    const tables = statsTables({ scope: { kind: 'county', id: 'county' }, figures: f, towns: { t01: f }, units: { u001: helped, u002: f }, grids: { g1: f } }, names);
    const units = tables.find((x) => x.key === 'units')!;
    const at = (label: string) => units.columns.findIndex((c) => c.label === label);
    expect(units.columns.filter((c) => c.assist).map((c) => c.label)).toEqual(['协办', '协办已确认', '按期确认', '被释放', '协办未完成']);
    expect(units.rows.map((r) => [r[0], r[at('协办')], r[at('协办已确认')], r[at('按期确认')], r[at('被释放')], r[at('协办未完成')]])).toEqual([
      ['u001', 3, 2, 1, 1, 0],
      ['u002', 0, 0, 0, 0, 0],
    ]);
    expect(units.rows[0]!.length).toBe(units.columns.length);
    for (const x of tables.filter((t) => t.key !== 'units')) expect(x.columns.some((c) => c.assist), x.key).toBe(false);
  });
});

describe('labels kept in the domain for the relay', () => {
  it('equal the app locales', () => {
    for (const s of STATUSES) expect(STATUS_LABELS[s]).toBe(zh[`status.${s}`]);
    for (const c of REPORT_CHANNELS) {
      expect(CHANNEL_LABELS[c].zh).toBe(statsZh[`channel.${c}`]);
      expect(CHANNEL_LABELS[c].en).toBe(statsEn[`channel.${c}`]);
    }
    // Issue 17: the 协办 columns read as the 考核 screen's AssistsCard heads them.
    for (const c of ASSIST_COLUMNS) {
      expect(c.label).toBe(cohandleZh[`assess.${c.key}`]);
      expect(c.labelEn).toBe(cohandleEn[`assess.${c.key}`]);
    }
    for (const [k, v] of Object.entries(SATISFACTION_LABELS)) expect(v).toBe((wfZh as Record<string, string>)[`satisfaction.${k}`]);
  });
});
