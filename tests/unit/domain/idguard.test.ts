// Issue 10 section 3: full resident ID numbers in text (src/domain/idguard.ts), the one rule the relay refuses writes
// by (server/privacy.ts) and the app can warn by. Every variant that reached the village secretary, a county-level
// unit or a party member must be found; phone numbers, dates, ids, stamps, amounts, hashes must pass.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idNumberLeak } from '../../../server/privacy.ts';
import { generateDemo } from '../../../server/demo/generate.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { carriesIdNumber, findIdNumber, idNumberInText, looksLikeIdBody, normaliseIdText } from '../../../src/domain/idguard.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { carriesFullIdNumber, maskIdNumber } from '../../../src/domain/people.ts';

const FULL = '211102198001011234';
const toFullWidth = (s: string) => s.replace(/[0-9X ]/g, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

/** The variants of issue 10 (each accepted by the relay before) and more of the same kinds. */
const VARIANTS: Array<[string, string]> = [
  ['plain', FULL],
  ['in a sentence', `核对身份证${FULL}无误`],
  ['lower-case check character', '身份证 21110319800101123x'],
  ['spaces (issue 10)', '2111 0219 8001 0112 34'],
  ['6-8-4 groups', '211102 19800101 1234'],
  ['dashes (issue 10)', '211102-19800101-1234'],
  ['dots', '211102.19800101.1234'],
  ['long dashes with spaces', '211102 — 19800101 — 1234'],
  ['full-width digits (issue 10)', toFullWidth(FULL)],
  ['full-width digits and ideographic spaces', toFullWidth('211102 19800101 1234')],
  ['full-width X', `21110319800101123${String.fromCharCode(0xff38)}`],
  ['zero-width spaces', '2111\u200b0219\u200b8001\u200b0112\u200b34'],
  ['soft hyphens', '211102\u00ad19800101\u00ad1234'],
  ['19 digits (issue 10)', `${FULL}5`],
  ['a digit before', `9${FULL}`],
  ['X prefix (issue 10)', `X${FULL}`],
  ['X prefix, lower case, spaced', `x 2111 0219 8001 0112 34`],
  ['letters around', `ID${FULL}NO`],
  ['inside a longer digit string', `000${FULL}999`],
  ['17 digits (the check character follows from them)', FULL.slice(0, 17)],
  ['18-character shape, not valid-looking', '123456789012345678'],
  ['Gansu (62) number', '620102198001011234'],
  ['foreign permanent residence ID (9 + province)', '921156198001011234'],
  ['leap day', '211102200002291234'],
];

/** Text that must pass: no ID number in any of it. */
const NEAR_MISSES: Array<[string, string]> = [
  ['mobile phone', '13800000000'],
  ['mobile phone, spaced', '138 0000 0000'],
  ['mobile phone, dashed', '138-0000-0000'],
  ['two phones', '电话 13800000000 13912345678'],
  ['three phones, commas', '13800000000,13912345678,13687654321'],
  ['landline', '0427-2812345'],
  ['date and time', '2024-05-06 10:30:00'],
  ['date in words', '1980年01月01日出生'],
  ['compact date', '19800101'],
  ['date and phone', '2024.05.06 13800000000'],
  ['amount', '¥1,234,567.89'],
  ['amount in yuan', '补贴 12345678.00 元'],
  ['masked number', '2111**********1234'],
  ['maskIdNumber of a number', maskIdNumber('21110319800101123X')],
  ['order number (22 digits, no birth date inside)', '订单号 1234567890123456789012'],
  ['16 digits', '1234567890123456'],
  ['17 digits, not valid-looking', '12345678901234567'],
  ['17 digits, no such province', '00110219800101123'],
  ['17 digits, month 13', '21110219801301123'],
  ['17 digits, 30 February', '21110219800230123'],
  ['17 digits, born 1850', '21110218500101123'],
  ['18-character shape inside letters, not valid-looking', 'A123456789012345678B'],
  ['UnionPay card, 19 digits, spaced', '6222 0212 3456 7890 128'],
  ['UnionPay card with a birth-date-like run', '6217001980010112346'],
  ['case id', '01JX0000000000000000000099'],
  ['HLC stamp', '1719201234567:0001:r2111'],
  ['grid household id', 'g0001h001r1'],
  ['photo hash', 'ac30c55fad80344399619870127434a9f976761b88a79da2c9485f4ce06bc67a'],
];

const rnd = seededRandom(10);
let ms = Date.UTC(2025, 5, 1);
const ev = (type: string, actor: string, data: unknown) => {
  ms += 1000;
  return { id: newId(ms, rnd.bytes), type, actor, at: formatHlc({ ms, counter: 0, node: 'r2111' }), data };
};
const visit = (note: string) => ev('visit_recorded', 'w0001', { householdId: 'g0001h001', note });

describe('idNumberInText: every variant is found', () => {
  it.each(VARIANTS)('%s', (_, text) => {
    expect(idNumberInText(text)).toBe(true);
    expect(carriesIdNumber({ data: { note: text } })).toBe(true);
  });

  it('normalises before checking: NFKC, no format characters, upper case', () => {
    expect(normaliseIdText(toFullWidth('2111 x'))).toBe('2111 X');
    expect(normaliseIdText('21\u200b11\u00ad')).toBe('2111');
  });

  it('the body rule: province code and a real birth date at characters 7-14', () => {
    expect(looksLikeIdBody('21110219800101123')).toBe(true);
    expect(looksLikeIdBody('21110219800229123')).toBe(true);
    expect(looksLikeIdBody('21110219800431123')).toBe(false);
    expect(looksLikeIdBody('20110219800101123')).toBe(false);
    expect(looksLikeIdBody('2111021980010112')).toBe(false);
  });
});

describe('idNumberInText: near misses pass', () => {
  it.each(NEAR_MISSES)('%s', (_, text) => {
    expect(idNumberInText(text)).toBe(false);
  });

  it('thousands of ids, stamps, phone lists, hashes and card numbers (seeded)', () => {
    const r = seededRandom(3);
    const int = (a: number, b: number) => a + Math.floor(r.next() * (b - a + 1));
    const phone = () => `1${[3, 5, 8][int(0, 2)]}${int(0, 9)}${String(int(0, 99_999_999)).padStart(8, '0')}`;
    const card = () => {
      const body = `62${String(int(0, 99_999_999)).padStart(8, '0')}${String(int(0, 99_999_999)).padStart(8, '0')}`;
      for (let d = 0; d < 10; d++) {
        const n = body + d;
        let sum = 0;
        for (let i = 0; i < n.length; i++) {
          const x = Number(n[n.length - 1 - i]);
          sum += i % 2 === 1 ? (x * 2 > 9 ? x * 2 - 9 : x * 2) : x;
        }
        if (sum % 10 === 0) return n.replace(/(\d{4})(?=\d)/g, '$1 ');
      }
      throw new Error('unreachable');
    };
    const found: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const t = Date.UTC(2020, 0, 1) + int(0, 2e11);
      for (const text of [
        newId(t, r.bytes),
        formatHlc({ ms: t, counter: int(0, 9999), node: `r${int(0, 99_999)}` }),
        `${phone()} ${phone()}, ${phone()}`,
        `${int(1990, 2030)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')} ${phone()}`,
        createHash('sha256').update(String(i)).digest('hex'),
        card(),
        `¥${int(0, 99_999_999).toLocaleString('en-US')}.${String(int(0, 99)).padStart(2, '0')}`,
      ]) {
        if (idNumberInText(text)) found.push(text);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('findIdNumber: one update, many values', () => {
  it('a number split across two visit notes of one update (issue 10)', () => {
    expect(findIdNumber([visit('身份证前半 2111021980'), visit('后半 01011234')])).toEqual({ value: 1, path: 'data.note (joined with the one before)' });
    expect(findIdNumber([visit('2111 0219 8001'), visit('0112 34')])).not.toBeNull();
    // A word with an X after the first half is no number of its own.
    expect(findIdNumber([visit('许 2111021980 (Xu)'), visit('01011234 后半')])).not.toBeNull();
    // Each half alone passes.
    expect(findIdNumber([visit('身份证前半 2111021980')])).toBeNull();
    expect(findIdNumber([visit('后半 01011234')])).toBeNull();
  });

  it('a number split across two neighbouring fields of one event, or two issues of a party visit', () => {
    expect(findIdNumber([ev('need_published', 'st01v01', { kind: 'resident', villageId: 't01v01', title: '王伟 211102198', detail: '001011234 申请' })])).not.toBeNull();
    expect(findIdNumber([ev('contact_visit', 'p0001', { householdId: 'h', gridId: 'g0001', note: '走访', issues: ['证号 2111021980', '01011234'] })])).not.toBeNull();
  });

  it('a number split across the descriptions of two reports of one update', () => {
    const report = (description: string) => ({ ...ev('reported', 'w0001', { category: '0101', description, location: { lat: 41, lng: 122 }, gridId: 'g0001', townId: 't01' }), caseId: newId(ms, rnd.bytes) });
    expect(findIdNumber([report('求助人证件 211102-1980'), report('0101-1234 无法办理')])).not.toBeNull();
  });

  it('does not join phone numbers, dates, ids or stamps of neighbouring values', () => {
    const residents = Array.from({ length: 400 }, (_, i) =>
      ev('resident_saved', 'w0001', { id: `g0001h${i}r1`, householdId: `g0001h${i}`, name: '王', phone: `13${String(i * 7919).padStart(9, '0')}`, idNumber: '2111**********1234', tags: [] }),
    );
    expect(findIdNumber(residents)).toBeNull();
    expect(findIdNumber([visit('电话 13800000000'), visit('2024-05-06 走访')])).toBeNull();
    expect(findIdNumber([visit('联系 13800000000'), visit('13912345678 再联系')])).toBeNull();
  });

  it('reads keys and every depth, and never echoes the number in the path', () => {
    expect(findIdNumber([{ data: { [FULL]: 1 } }])).toEqual({ value: 0, path: 'data.? (a key)' });
    let deep: unknown = `x ${FULL}`;
    for (let i = 0; i < 50; i++) deep = { a: [deep] };
    expect(findIdNumber(['ok', deep])?.value).toBe(1);
    expect(JSON.stringify(findIdNumber([{ data: { note: `2111 0219 8001 0112 34` } }]))).not.toMatch(/2111|1234/);
  });

  it('carriesFullIdNumber (people.ts) is the same rule', () => {
    for (const [, text] of VARIANTS) expect(carriesFullIdNumber(visit(text)), text).toBe(true);
    for (const [, text] of NEAR_MISSES) expect(carriesFullIdNumber(visit(text)), text).toBe(false);
  });
});

describe('the relay hook (server/privacy.ts): the doc kinds whose readers must not see full numbers', () => {
  it('people, cases and party docs are checked; idnumbers and org are not', () => {
    const values = [visit(`身份证 ${toFullWidth(FULL)}`)];
    expect(idNumberLeak({ kind: 'people', gridId: 'g0001' }, values)).toMatch(/^value 1 of the update, data\.note: a people doc holds no full ID numbers \(they go to idnumbers\.g0001/);
    expect(idNumberLeak({ kind: 'cases', townId: 't01', year: 2025 }, values)).toMatch(/case events hold no full ID numbers/);
    expect(idNumberLeak({ kind: 'party', townId: 't01' }, values)).toMatch(/a party doc holds no full ID numbers/);
    expect(idNumberLeak({ kind: 'idnumbers', gridId: 'g0001' }, [ev('id_number_saved', 'w0001', { residentId: 'r', idNumber: FULL })])).toBeNull();
    expect(idNumberLeak({ kind: 'org' }, values)).toBeNull();
    expect(idNumberLeak({ kind: 'cases', townId: 't01', year: 2025 }, [visit('电话 13800000000')])).toBeNull();
  });
});

describe('the demo county: no false positive, no miss', () => {
  const demo = generateDemo({ nowMs: Date.UTC(2026, 0, 1) });

  it('2,000 cases, 844 people docs, 13 party docs, the training doc, the first town\'s care, patrols, mediation and task docs, each read as one update, hold no full number', () => {
    expect(findIdNumber(demo.events)).toBeNull();
    let docs = 0;
    for (const [name, events] of demo.people!) {
      if (name.startsWith('idnumbers.')) continue;
      expect(findIdNumber(events), name).toBeNull();
      docs++;
    }
    const gridWork = [...demo.people!.keys()].filter((n) => /^(care|patrols|taskanswers)\./.test(n)).length;
    expect(gridWork).toBeGreaterThan(0);
    // issue 17: and mediation.t01 with three dispute docs, and tasks.t01
    expect(docs).toBe(844 + 13 + 1 + gridWork + 4 + 1);
  });

  it('every full number of every idnumbers doc is found, also spaced or full-width', () => {
    let n = 0;
    for (const [name, events] of demo.people!) {
      if (!name.startsWith('idnumbers.')) continue;
      for (const e of events) {
        const id = (e.data as { idNumber: string }).idNumber;
        expect(idNumberInText(id), id).toBe(true);
        expect(idNumberInText(`${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`), id).toBe(true);
        expect(idNumberInText(toFullWidth(id)), id).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10_000);
  });
});
