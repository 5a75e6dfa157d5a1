/**
 * The audit log as people read it (issue 15): the words for each action, the readable form of an entry's detail,
 * and the rows of its CSV export. One copy for the relay's GET /api/audit.csv (server/audithttp.ts) and the
 * 审计日志 screen (src/features/accounts/AuditLog.tsx).
 *
 * Contracts:
 *  - Every action the relay records (server/audit.ts AUDIT_ACTIONS) has a label here (tests/integration/audit-csv
 *    checks it); an action this table does not know (a newer relay) reads as its code, never as nothing.
 *  - A group is a prefix ending in '.', which the relay's filter takes as such (store.ts auditEntries).
 *  - Times are China Standard Time (exports.ts cstMinute, with seconds here: entries are often seconds apart).
 *  - The detail is shown as it was recorded: ids are named when the directory knows them, else shown as ids.
 * Pure: no I/O, no clock.
 */
import { CST_OFFSET_MS } from './cst.ts';
import type { Cell } from './exports.ts';
import type { OrgData, Role } from './org.ts';

export type AuditLang = 'zh' | 'en';
type Words = { zh: string; en: string };

/** The label of each action the relay records. */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, Words>> = {
  'login.ok': { zh: '登录成功', en: 'Signed in' },
  'login.failed': { zh: '登录失败', en: 'Sign-in failed' },
  'login.locked': { zh: '登录被锁定', en: 'Sign-in locked out' },
  logout: { zh: '退出登录', en: 'Signed out' },
  'token.refused': { zh: '凭证被拒绝', en: 'Token refused' },
  'account.created': { zh: '新建账号', en: 'Account created' },
  'account.changed': { zh: '修改账号', en: 'Account changed' },
  'account.disabled': { zh: '停用账号', en: 'Account disabled' },
  'account.enabled': { zh: '启用账号', en: 'Account enabled' },
  'account.password_reset': { zh: '重置密码', en: 'Password reset' },
  'account.password_changed': { zh: '本人修改密码', en: 'Own password changed' },
  'account.role_added': { zh: '增加身份', en: 'Role added' },
  'account.imported': { zh: '批量导入账号', en: 'Accounts imported' },
  'role.switched': { zh: '切换身份', en: 'Role switched' },
  'reference.changed': { zh: '修改基础数据', en: 'Reference data changed' },
  'boundaries.imported': { zh: '导入网格边界', en: 'Grid boundaries imported' },
  export: { zh: '导出文件', en: 'Export' },
  'idnumbers.read': { zh: '查看完整身份证号', en: 'Full ID numbers read' },
  'audit.read': { zh: '查看审计日志', en: 'Audit log read' },
};

/** Filter groups: a prefix of actions (the relay's `action=account.`). */
export const AUDIT_ACTION_GROUPS: ReadonlyArray<{ prefix: string } & Words> = [
  { prefix: 'account.', zh: '账号变更（全部）', en: 'Account changes (all)' },
  { prefix: 'login.', zh: '登录（全部）', en: 'Sign-ins (all)' },
];

export function auditActionLabel(action: string, lang: AuditLang): string {
  const w = AUDIT_ACTION_LABELS[action];
  return w ? w[lang] : action;
}

const REASONS: Record<string, Words> = {
  bad_credentials: { zh: '用户名或密码错误', en: 'wrong username or password' },
  disabled: { zh: '账号已停用', en: 'account disabled' },
  invalid_or_expired: { zh: '凭证无效或已过期', en: 'token invalid or expired' },
  unknown_user: { zh: '账号不存在', en: 'unknown account' },
  role_changed: { zh: '角色已变更', en: 'role changed' },
  revoked: { zh: '凭证已作废（改密码、重置或修改账号）', en: 'token revoked (password or account changed)' },
  password_change_required: { zh: '须先修改临时密码', en: 'temporary password must be changed first' },
};

/** The kind of item a reference change sets (its target's prefix, src/domain/refchanges.ts changeSubject). */
const REF_KINDS: Record<string, Words> = {
  town: { zh: '乡镇', en: 'town' },
  village: { zh: '村（社区）', en: 'village' },
  grid: { zh: '网格', en: 'grid' },
  category: { zh: '大类', en: 'category' },
  subcategory: { zh: '小类', en: 'subcategory' },
  plan: { zh: '预案', en: 'plan' },
  unit: { zh: '单位', en: 'unit' },
  calendar: { zh: '节假日与调休', en: 'holidays and working days' },
};

const FIELDS: Record<string, Words> = {
  name: { zh: '姓名', en: 'name' },
  role: { zh: '角色', en: 'role' },
  phone: { zh: '电话', en: 'phone' },
  townId: { zh: '乡镇', en: 'town' },
  villageId: { zh: '村（社区）', en: 'village' },
  gridId: { zh: '网格', en: 'grid' },
  unitId: { zh: '单位', en: 'unit' },
  username: { zh: '用户名', en: 'username' },
};

/** What an entry's detail needs named: people, places and roles (the caller's language). */
export interface AuditNames {
  user(id: string): string | undefined;
  town(id: string): string;
  village(id: string): string;
  grid(id: string): string;
  unit(id: string): string;
  role(r: Role): string;
}

/** Names from the org directory (ids stay ids where it does not know them). */
export function auditNames(org: Pick<OrgData, 'towns' | 'villages' | 'grids' | 'units' | 'users'>, role: (r: Role) => string): AuditNames {
  const users = new Map(org.users.map((u) => [u.id, u.name]));
  const towns = new Map(org.towns.map((x) => [x.id, x.name]));
  const villages = new Map(org.villages.map((x) => [x.id, x.name]));
  const grids = new Map(org.grids.map((x) => [x.id, x]));
  const units = new Map(org.units.map((x) => [x.id, x.name]));
  return {
    user: (id) => users.get(id),
    town: (id) => towns.get(id) ?? id,
    village: (id) => villages.get(id) ?? id,
    grid: (id) => {
      const g = grids.get(id);
      if (!g) return id;
      const v = villages.get(g.villageId);
      return v ? `${v} · ${g.name}` : g.name;
    },
    unit: (id) => units.get(id) ?? id,
    role,
  };
}

/** "Name (id)" when the directory knows the id, else the id; '' for nobody (a failed sign-in has no actor). */
export function auditPerson(id: string | null, names: AuditNames): string {
  if (!id) return '';
  const n = names.user(id);
  return n && n !== id ? `${n}（${id}）` : id;
}

function value(field: string, v: unknown, names: AuditNames, lang: AuditLang): string {
  if (v === null || v === undefined || v === '') return lang === 'zh' ? '（无）' : '(none)';
  const s = String(v);
  switch (field) {
    case 'role':
      return names.role(s as Role);
    case 'townId':
      return names.town(s);
    case 'villageId':
      return names.village(s);
    case 'gridId':
      return names.grid(s);
    case 'unitId':
      return names.unit(s);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : s;
  }
}

const label = (field: string, lang: AuditLang) => FIELDS[field]?.[lang] ?? field;

/** The readable detail of an entry: changed fields before → after, an export's file and rows, a refusal's reason. */
export function describeAuditDetail(e: { action: string; target: string | null; detail: Record<string, unknown> }, names: AuditNames, lang: AuditLang): string {
  const d = e.detail ?? {};
  const sep = lang === 'zh' ? '；' : '; ';
  const colon = lang === 'zh' ? '：' : ': ';
  const parts: string[] = [];
  const rest = { ...d };
  if (d.changed && typeof d.changed === 'object') {
    for (const [f, pair] of Object.entries(d.changed as Record<string, unknown>)) {
      const [before, after] = Array.isArray(pair) ? pair : [null, pair];
      parts.push(`${label(f, lang)}${colon}${value(f, before, names, lang)} → ${value(f, after, names, lang)}`);
    }
    delete rest.changed;
  }
  if (typeof d.reason === 'string') {
    parts.push(`${lang === 'zh' ? '原因' : 'reason'}${colon}${REASONS[d.reason]?.[lang] ?? d.reason}`);
    delete rest.reason;
  }
  if (e.action === 'account.created' || e.action === 'account.role_added') {
    for (const f of ['role', 'townId', 'villageId', 'gridId', 'unitId']) {
      if (d[f] === undefined) continue;
      parts.push(`${label(f, lang)}${colon}${value(f, d[f], names, lang)}`);
      delete rest[f];
    }
  }
  if (e.action === 'export') {
    if (e.target) parts.push(`${lang === 'zh' ? '文件' : 'file'}${colon}${e.target}`);
    const period = d.period as { from?: string; to?: string } | undefined;
    if (typeof d.scope === 'string') parts.push(`${lang === 'zh' ? '范围' : 'scope'}${colon}${d.scope === 'county' ? (lang === 'zh' ? '全县' : 'county') : names.town(d.scope)}`);
    if (period?.from && period.to) parts.push(`${lang === 'zh' ? '时段' : 'period'}${colon}${period.from} – ${period.to}`);
    const params = (d.params ?? d.filter) as Record<string, unknown> | undefined;
    const shown = params ? Object.entries(params).filter(([k]) => k !== 'scope' && k !== 'from' && k !== 'to' && k !== 'limit') : [];
    if (shown.length) parts.push(`${lang === 'zh' ? '筛选' : 'filter'}${colon}${shown.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
    if (typeof d.rows === 'number') parts.push(lang === 'zh' ? `${d.rows} 行` : `${d.rows} rows`);
    for (const k of ['scope', 'period', 'params', 'filter', 'rows']) delete rest[k];
  }
  if (e.action === 'reference.changed') {
    const [kind = '', key = ''] = (e.target ?? '').split(':');
    const what = REF_KINDS[kind]?.[lang] ?? kind;
    parts.push(`${what}${colon}${typeof d.name === 'string' ? `${d.name}（${key}）` : key}`);
    if (d.retired === true) parts.push(lang === 'zh' ? '停用' : 'retired');
    if (typeof d.change === 'string') parts.push(`${lang === 'zh' ? '变更编号' : 'change'}${colon}${d.change}`);
    for (const k of ['name', 'retired', 'change', 'type']) delete rest[k];
  }
  if (e.action === 'boundaries.imported' && typeof d.grids === 'number') {
    parts.push(lang === 'zh' ? `${d.grids} 个网格` : `${d.grids} grids`);
    delete rest.grids;
  }
  if (e.action === 'audit.read' && d.filter && typeof d.filter === 'object') {
    const f = Object.entries(d.filter as Record<string, unknown>).filter(([k]) => k !== 'limit');
    parts.push(f.length ? `${lang === 'zh' ? '筛选' : 'filter'}${colon}${f.map(([k, v]) => `${k}=${String(v)}`).join(', ')}` : lang === 'zh' ? '无筛选' : 'no filter');
    delete rest.filter;
  }
  if (typeof d.repeats === 'number') {
    parts.push(lang === 'zh' ? `此前 1 分钟内另有 ${d.repeats} 次相同记录` : `${d.repeats} more like it in the minute before`);
    delete rest.repeats;
  }
  // Whatever else was recorded is shown as it is rather than hidden.
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}${colon}${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.join(sep);
}

/** An instant as China Standard Time 'YYYY-MM-DD HH:mm:ss' (every device and server alike). */
export function cstSecond(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}


/** The CSV export's header (Chinese: the county's staff read it). */
export const AUDIT_CSV_HEADER = ['序号', '时间（北京时间）', '操作人', '操作', '操作代码', '对象', '地址', '详情'] as const;

/** What an entry acted on, named: an account by its person, anything else (a typed username, a file, a doc) as is. */
export function auditTarget(e: { action: string; target: string | null }, names: AuditNames): string {
  if (!e.target) return '';
  return e.action.startsWith('account.') ? auditPerson(e.target, names) : e.target;
}

export interface AuditRow {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

/** One entry as a CSV row (cells are escaped against formula injection by exports.ts toCsv). */
export function auditCsvRow(e: AuditRow, names: AuditNames): Cell[] {
  return [e.seq, cstSecond(e.at), auditPerson(e.actor, names), auditActionLabel(e.action, 'zh'), e.action, auditTarget(e, names), e.ip ?? '', describeAuditDetail(e, names, 'zh')];
}
