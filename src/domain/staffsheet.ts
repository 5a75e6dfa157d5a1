/**
 * The staff sheet (issue 15): the one format of the bulk import of staff accounts, its template and its export
 * (server/accountsimport.ts), which the app can show as help too.
 *
 * Contracts:
 *  - Columns (a header row, in any order, each exactly once): 用户名, 姓名, 角色, 手机号, 乡镇, 村, 网格, 单位
 *    (SHEET_COLUMNS). A missing, unknown or repeated header is a problem of row 1.
 *  - 角色: the Chinese name the app shows (ROLE_LABELS), a common alias (乡镇中心, 责任单位...) or the English id.
 *  - Places by id (t01, t01v01, g0001, u001) or by exact Chinese name. A village name is unique only within its
 *    town and a grid name within its village: a name is looked up inside the row's 乡镇 (and 村) when those are
 *    filled; a name that still names several places is `ambiguous` (the message says which ones).
 *    Only the role's own place is needed (domain accounts.ts resolveScope); the others may be filled and must
 *    then agree with it.
 *  - Every data row is checked before anything is imported, and every problem is reported as {row (1-based sheet
 *    row, header = 1), column (the header label, or null for the whole sheet), code, message (Chinese)}.
 *    Wholly empty rows are skipped (their numbers still count). At most MAX_SHEET_ROWS data rows.
 *  - A text cell written with a leading apostrophe against formula injection (exports.ts escapeFormula) reads
 *    back without it (unescapeFormula), so an exported sheet re-imports as it was.
 * Pure: no I/O.
 */
import { mayManageAccount, PHONE_PATTERN, resolveScope, scopeFieldOf, STAFF_ROLES, USERNAME_PATTERN, type Scope, type ScopeField, type StaffRole } from './accounts.ts';
import { unescapeFormula, type Cell } from './exports.ts';
import { ROLE_NAMES_ZH, type OrgData, type UserInfo } from './org.ts';

export const MAX_SHEET_ROWS = 10_000;
/** The largest file the relay takes (server/accountsimport.ts IMPORT_LIMITS.maxBytes; 413 above it). */
export const MAX_SHEET_BYTES = 5 * 1024 * 1024;
/** The longest name an account may have (as AccountInputSchema). */
const NAME_MAX = 60;

export type SheetKey = 'username' | 'name' | 'role' | 'phone' | 'town' | 'village' | 'grid' | 'unit';

export interface SheetColumn {
  key: SheetKey;
  label: string;
  /** What goes in it (the template's 说明 sheet, the app's help). */
  help: string;
}

export const SHEET_COLUMNS: readonly SheetColumn[] = [
  { key: 'username', label: '用户名', help: '必填。2-32 位字母、数字或 _ . -，以字母或数字开头；不区分大小写，不能与已有账号或本表其他行重复。' },
  { key: 'name', label: '姓名', help: '必填，最多 60 字。' },
  { key: 'role', label: '角色', help: '必填：网格员、村书记、镇街指导中心（乡镇中心）、职能部门（责任单位）、培训员、党员、县指挥中心、系统管理员。' },
  { key: 'phone', label: '手机号', help: '可不填；填写时为 11 位数字，以 1 开头。' },
  { key: 'town', label: '乡镇', help: '镇街指导中心、培训员必填。填乡镇名称或编号（如 t01）。' },
  { key: 'village', label: '村', help: '村书记必填。填村名或编号（如 t01v01）；村名只在本乡镇内唯一，同名时请同时填乡镇。' },
  { key: 'grid', label: '网格', help: '网格员、党员必填。填网格名称或编号（如 g0001）；同名时请同时填乡镇和村。' },
  { key: 'unit', label: '单位', help: '职能部门必填。填单位名称或编号（如 u001）。' },
];

/**
 * The sheet's rules in words (the template's 说明 sheet and the app's 表格说明), one sentence each; `town`: the
 * reader is a town center (one more rule: its own town only).
 */
export function sheetRules(opts: { town: boolean; maxBytes?: number }): string[] {
  const mb = Math.round((opts.maxBytes ?? MAX_SHEET_BYTES) / 1024 / 1024);
  return [
    '第 1 行为表头（列的顺序不限），从第 2 行起每行一个账号；“账号”表中的示例行请改成真实人员或删除。',
    `一次最多 ${MAX_SHEET_ROWS} 行、文件不超过 ${mb} MB；可上传本表（.xlsx）或另存为 CSV（UTF-8）。`,
    '导入前检查每一行：有任何问题都不导入，并逐行逐列列出问题；改正后重新上传。全部无误时一次导入全部账号。',
    '每个新账号有一个临时密码，只在导入结果中出现一次；首次登录须改密码。',
    ...(opts.town ? ['镇街指导中心只能导入本乡镇的账号（不含县级单位、县指挥中心和系统管理员）。'] : []),
  ];
}

/** The role names of the sheet: the ones the app shows (src/domain/org.ts ROLE_NAMES_ZH). */
export const ROLE_LABELS: Readonly<Record<StaffRole, string>> = ROLE_NAMES_ZH;

/** Other names people write for a role. */
const ROLE_ALIASES: Readonly<Record<string, StaffRole>> = {
  管理员: 'admin',
  县指挥中心: 'county',
  县级指挥中心: 'county',
  乡镇中心: 'town',
  镇街中心: 'town',
  乡镇指导中心: 'town',
  责任单位: 'unit',
  职能单位: 'unit',
  党员: 'member',
};

/** The role a sheet cell names (Chinese name, alias or English id), or null. */
export function parseRole(cell: string): StaffRole | null {
  const s = cell.trim();
  for (const r of STAFF_ROLES) if (ROLE_LABELS[r] === s || r === s.toLowerCase()) return r;
  return ROLE_ALIASES[s] ?? null;
}

export const SHEET_PROBLEM_CODES = [
  'empty_sheet',
  'too_many_rows',
  'missing_column',
  'unknown_column',
  'repeated_column',
  'required',
  'invalid',
  'too_long',
  'duplicate',
  'taken',
  'unknown',
  'ambiguous',
  'not_allowed',
  'outside_scope',
] as const;

export interface SheetProblem {
  /** The sheet row (the header is row 1). */
  row: number;
  /** The header label of the cell's column; null for the whole sheet. */
  column: string | null;
  code: (typeof SHEET_PROBLEM_CODES)[number];
  message: string;
}

/** An account a clean row describes: its scope complete (derived as resolveScope derives it). */
export interface SheetAccount {
  row: number;
  username: string;
  name: string;
  role: StaffRole;
  phone?: string;
  scope: Scope;
}

// ------------------------------------------------------------------ CSV

/**
 * Rows of a CSV file (RFC 4180): a leading byte order mark dropped, fields separated by commas, double quotes
 * around fields that hold commas, quotes (doubled) or line breaks; CRLF, LF or CR line ends; no row after a final
 * line end. A quote inside an unquoted field is kept as it is. Null when a quoted field is never closed.
 */
export function parseCsv(text: string): string[][] | null {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let rowStarted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    rowStarted = true;
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      rowStarted = false;
    } else field += ch;
  }
  if (quoted) return null;
  if (rowStarted) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ------------------------------------------------------------------ places

type Place = { id: string; name: string; townId?: string | undefined; villageId?: string };
type Found = { id: string } | { problem: 'unknown' | 'ambiguous'; message: string };
type OrgPlaces = Pick<OrgData, 'towns' | 'villages' | 'grids' | 'units'>;

const KIND_NAME = { town: '乡镇', village: '村', grid: '网格', unit: '单位' } as const;
type PlaceKind = keyof typeof KIND_NAME;

/** Places by id or exact name, names looked up inside a town (and village) when the row gives one. */
export class PlaceFinder {
  private readonly byId = { town: new Map<string, Place>(), village: new Map<string, Place>(), grid: new Map<string, Place>(), unit: new Map<string, Place>() };
  private readonly byName = { town: new Map<string, Place[]>(), village: new Map<string, Place[]>(), grid: new Map<string, Place[]>(), unit: new Map<string, Place[]>() };

  constructor(org: OrgPlaces) {
    const add = (kind: keyof typeof KIND_NAME, p: Place) => {
      this.byId[kind].set(p.id, p);
      const list = this.byName[kind].get(p.name) ?? [];
      list.push(p);
      this.byName[kind].set(p.name, list);
    };
    for (const t of org.towns) add('town', { id: t.id, name: t.name });
    for (const v of org.villages) add('village', { id: v.id, name: v.name, townId: v.townId });
    for (const g of org.grids) add('grid', { id: g.id, name: g.name, townId: g.townId, villageId: g.villageId });
    for (const u of org.units) add('unit', { id: u.id, name: u.name, townId: u.townId });
  }

  name(kind: keyof typeof KIND_NAME, id: string): string {
    return this.byId[kind].get(id)?.name ?? id;
  }

  /** The place a cell names; `within`: the row's town and village, when known, narrow a name. */
  find(kind: keyof typeof KIND_NAME, cell: string, within: { townId?: string | undefined; villageId?: string | undefined } = {}): Found {
    if (this.byId[kind].has(cell)) return { id: cell };
    const all = this.byName[kind].get(cell) ?? [];
    let found = all;
    // A county-level unit has no town: a town in the row does not rule it out (resolveScope judges the pair).
    if (within.townId) found = found.filter((p) => p.townId === within.townId || (kind === 'unit' && !p.townId));
    if (within.villageId && kind === 'grid') found = found.filter((p) => p.villageId === within.villageId);
    if (found.length === 1) return { id: found[0]!.id };
    const what = KIND_NAME[kind];
    if (found.length === 0) {
      const where = within.villageId && kind === 'grid' ? this.name('village', within.villageId) : within.townId ? this.name('town', within.townId) : '';
      return { problem: 'unknown', message: all.length && where ? `${where}没有名为“${cell}”的${what}` : `没有编号或名称为“${cell}”的${what}` };
    }
    const listed = found.map((p) => `${this.where(p)}${p.name}（${p.id}）`).join('、');
    const hint = kind === 'village' ? '请同时填写乡镇，或改填村编号' : kind === 'grid' ? '请同时填写乡镇和村，或改填网格编号' : '请改填编号';
    return { problem: 'ambiguous', message: `名为“${cell}”的${what}有 ${found.length} 个：${listed}；${hint}` };
  }

  private where(p: Place): string {
    const parts: string[] = [];
    if (p.townId) parts.push(this.name('town', p.townId));
    if (p.villageId) parts.push(this.name('village', p.villageId));
    return parts.length ? `${parts.join('')}` : '';
  }
}

// ------------------------------------------------------------------ checking a sheet

export interface SheetContext {
  org: OrgPlaces & { townIds?: readonly string[] };
  /** The importer: a town center imports its own town's staff only (accounts.ts mayManageAccount). */
  manager: Pick<UserInfo, 'role' | 'townId'>;
  /** Is the username taken by an existing account (case-insensitive, as the store compares)? */
  taken(username: string): boolean;
}

const FIELD_COLUMN: Record<ScopeField | 'role', SheetKey> = { townId: 'town', villageId: 'village', gridId: 'grid', unitId: 'unit', role: 'role' };
const KEY_LABEL = Object.fromEntries(SHEET_COLUMNS.map((c) => [c.key, c.label])) as Record<SheetKey, string>;
const LABELS = new Map(SHEET_COLUMNS.flatMap((c) => [[c.label, c.key] as const, [c.key, c.key] as const]));
const ROLE_LIST = STAFF_ROLES.map((r) => ROLE_LABELS[r]).join('、');

/** A cell as text: trimmed, the anti-formula apostrophe removed. */
export function cellText(c: unknown): string {
  if (c === null || c === undefined) return '';
  return unescapeFormula(String(c).trim());
}

/**
 * Check a whole sheet (`rows[0]` the header). Every problem is listed; `accounts` are the clean rows (all of them
 * when `problems` is empty; import only then).
 */
export function checkSheet(rows: readonly (readonly unknown[])[], ctx: SheetContext): { accounts: SheetAccount[]; problems: SheetProblem[] } {
  const problems: SheetProblem[] = [];
  const header = (rows[0] ?? []).map(cellText);
  const dataRows = rows.slice(1);
  let lastFilled = dataRows.length;
  while (lastFilled > 0 && dataRows[lastFilled - 1]!.every((c) => cellText(c) === '')) lastFilled--;
  if (header.every((h) => h === '') || lastFilled === 0) {
    return { accounts: [], problems: [{ row: 1, column: null, code: 'empty_sheet', message: '表中没有账号：第 1 行为表头，从第 2 行起每行一个账号' }] };
  }
  if (lastFilled > MAX_SHEET_ROWS) {
    return { accounts: [], problems: [{ row: MAX_SHEET_ROWS + 2, column: null, code: 'too_many_rows', message: `一次最多导入 ${MAX_SHEET_ROWS} 行，请分成几个表` }] };
  }

  const index = new Map<SheetKey, number>();
  header.forEach((h, i) => {
    if (h === '') return;
    const key = LABELS.get(h) ?? LABELS.get(h.toLowerCase());
    if (!key) problems.push({ row: 1, column: h, code: 'unknown_column', message: `无法识别的列“${h}”；列应为：${SHEET_COLUMNS.map((c) => c.label).join('、')}` });
    else if (index.has(key)) problems.push({ row: 1, column: KEY_LABEL[key], code: 'repeated_column', message: `“${KEY_LABEL[key]}”列出现了不止一次` });
    else index.set(key, i);
  });
  for (const c of SHEET_COLUMNS) if (!index.has(c.key)) problems.push({ row: 1, column: c.label, code: 'missing_column', message: `缺少“${c.label}”列` });
  if (problems.length) return { accounts: [], problems };

  const places = new PlaceFinder(ctx.org);
  const grids = new Map(ctx.org.grids.map((g) => [g.id, g]));
  const villages = new Map(ctx.org.villages.map((v) => [v.id, v]));
  const units = new Map(ctx.org.units.map((u) => [u.id, u]));
  const lookups = { townIds: ctx.org.townIds ?? ctx.org.towns.map((t) => t.id), grid: (id: string) => grids.get(id), village: (id: string) => villages.get(id), unit: (id: string) => units.get(id) };
  const seen = new Map<string, number>();
  const accounts: SheetAccount[] = [];
  for (let i = 0; i < lastFilled; i++) {
    const raw = dataRows[i]!;
    if (raw.every((c) => cellText(c) === '')) continue;
    const rowNo = i + 2;
    const get = (k: SheetKey) => cellText(raw[index.get(k)!]);
    const before = problems.length;
    const problem = (k: SheetKey, code: SheetProblem['code'], message: string) => problems.push({ row: rowNo, column: KEY_LABEL[k], code, message });

    const username = get('username');
    if (!username) problem('username', 'required', '用户名不能为空');
    else if (!USERNAME_PATTERN.test(username)) problem('username', 'invalid', `用户名“${username}”不合规则：2-32 位字母、数字或 _ . -，以字母或数字开头`);
    else {
      const first = seen.get(username.toLowerCase());
      if (first !== undefined) problem('username', 'duplicate', `用户名“${username}”与第 ${first} 行重复`);
      else {
        seen.set(username.toLowerCase(), rowNo);
        if (ctx.taken(username)) problem('username', 'taken', `用户名“${username}”已被现有账号使用`);
      }
    }
    const name = get('name');
    if (!name) problem('name', 'required', '姓名不能为空');
    else if ([...name].length > NAME_MAX) problem('name', 'too_long', `姓名最多 ${NAME_MAX} 字`);
    const phone = get('phone');
    if (phone && !PHONE_PATTERN.test(phone)) problem('phone', 'invalid', `手机号“${phone}”应为 11 位数字，以 1 开头`);

    const roleCell = get('role');
    const role = roleCell ? parseRole(roleCell) : null;
    if (!roleCell) problem('role', 'required', `角色不能为空；可填：${ROLE_LIST}`);
    else if (!role) problem('role', 'invalid', `无法识别的角色“${roleCell}”；可填：${ROLE_LIST}`);

    let scope: Scope | null = null;
    if (role) {
      // The places as given, each looked up inside the town (and village) given before it.
      const given: Scope = {};
      let placesOk = true;
      for (const [k, field] of [
        ['town', 'townId'],
        ['village', 'villageId'],
        ['grid', 'gridId'],
        ['unit', 'unitId'],
      ] as const) {
        const cell = get(k);
        if (!cell) continue;
        const found = places.find(k, cell, { townId: given.townId, villageId: given.villageId });
        if ('problem' in found) {
          problem(k, found.problem, found.message);
          placesOk = false;
        } else given[field] = found.id;
      }
      if (placesOk) {
        const r = resolveScope(role, given, lookups);
        if (!r.ok) {
          const k = FIELD_COLUMN[r.problem.field];
          const own = scopeFieldOf(role);
          // What the role's own place implies: a field it has disagrees, a field it lacks is not the role's.
          const implied = own && given[own] ? resolveScope(role, { [own]: given[own] }, lookups) : null;
          const field = r.problem.field as ScopeField;
          if (r.problem.code === 'required') problem(k, 'required', `角色“${ROLE_LABELS[role]}”须填写${KEY_LABEL[k]}`);
          else if (own && implied?.ok && implied.scope[field]) {
            const ownKey = FIELD_COLUMN[own] as PlaceKind;
            problem(k, 'not_allowed', `${KEY_LABEL[k]}与所填${KEY_LABEL[ownKey]}不符：${places.name(ownKey, given[own]!)}在${places.name(k as PlaceKind, implied.scope[field])}`);
          } else problem(k, 'not_allowed', `角色“${ROLE_LABELS[role]}”不填${KEY_LABEL[k]}`);
        } else if (!mayManageAccount(ctx.manager, { role, townId: r.scope.townId })) {
          const own = scopeFieldOf(role);
          const town = ctx.manager.townId ? places.name('town', ctx.manager.townId) : '';
          if (!own) problem('role', 'outside_scope', `不能导入角色“${ROLE_LABELS[role]}”的账号`);
          else if (!r.scope.townId) problem(FIELD_COLUMN[own], 'outside_scope', `只能导入本乡镇（${town}）的账号：该${KEY_LABEL[FIELD_COLUMN[own]]}不属于任何乡镇`);
          else problem(FIELD_COLUMN[own], 'outside_scope', `只能导入本乡镇（${town}）的账号：所填${KEY_LABEL[FIELD_COLUMN[own]]}在${places.name('town', r.scope.townId)}`);
        } else scope = r.scope;
      }
    }
    if (problems.length === before && role && scope) accounts.push({ row: rowNo, username, name, role, ...(phone ? { phone } : {}), scope });
  }
  return { accounts, problems };
}

// ------------------------------------------------------------------ writing a sheet

/**
 * An account as a sheet row (the export and the template), cells in SHEET_COLUMNS order: places by name, or by id
 * where the name would not find the place again in that row (two villages of one town with one name).
 */
export function staffRow(u: Pick<UserInfo, 'username' | 'name' | 'role' | 'phone' | 'townId' | 'villageId' | 'gridId' | 'unitId'>, places: PlaceFinder): Cell[] {
  const label = (kind: 'town' | 'village' | 'grid' | 'unit', id: string | undefined, within: { townId?: string | undefined; villageId?: string | undefined }) => {
    if (!id) return '';
    const name = places.name(kind, id);
    const back = places.find(kind, name, within);
    return 'id' in back && back.id === id ? name : id;
  };
  return [
    u.username,
    u.name,
    ROLE_LABELS[u.role as StaffRole] ?? u.role,
    u.phone ?? '',
    label('town', u.townId, {}),
    label('village', u.villageId, { townId: u.townId }),
    label('grid', u.gridId, { townId: u.townId, villageId: u.villageId }),
    label('unit', u.unitId, { townId: u.townId }),
  ];
}
