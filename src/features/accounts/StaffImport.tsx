/**
 * 批量导入 / 导出 of 账号管理 (issue 15): the relay's staff sheet routes (server/accountsimport.ts; format and rules in
 * src/domain/staffsheet.ts, shown here as 表格说明 from that one copy).
 *
 *  - 下载模板, 导出 Excel, 导出 CSV: files downloaded with the session's token (the exports' ExportButtons).
 *  - 导入: a file (.xlsx or .csv) is first sent as a dry run (`?dryRun=1`): either "共 N 行，检查通过" and a button to
 *    import, or every problem of the sheet in a table (行 / 列 / 问题), nothing imported. Confirming sends it again
 *    for real, asking for the .xlsx of temporary passwords, which is saved at once (its name from
 *    Content-Disposition) with the warning that it is the only copy, to be handed out in person and deleted.
 *  - Every refusal (409 busy, 413, 415, 400, 403) and a lost connection is said in words; offline the file picker
 *    is disabled with the reason next to it.
 */
import { Literal } from '../../ui/Foreign.tsx';
import { useRef, useState } from 'preact/hooks';
import { formatNumber, roleName, t } from '../../app/i18n.ts';
import '../../app/locales/staff.zh.ts';
import type { Session } from '../../app/services.ts';
import { STAFF_ROLES, type StaffRole } from '../../domain/accounts.ts';
import { MAX_SHEET_BYTES, SHEET_COLUMNS, sheetRules, type SheetProblem } from '../../domain/staffsheet.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { dispositionName, ExportButtons, saveBlob } from '../exports/ExportButtons.tsx';
import { call, errorOf, type Answer } from './api.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The most problems the table shows (a sheet of 10,000 bad rows would list tens of thousands). */
export const SHOWN_PROBLEMS = 500;

type Sheet = { name: string; bytes: Uint8Array; type: string };
type State =
  | { kind: 'idle' }
  | { kind: 'checking'; sheet: Sheet }
  | { kind: 'clean'; sheet: Sheet; rows: number; roles: Partial<Record<StaffRole, number>> }
  | { kind: 'problems'; sheet: Sheet; problems: SheetProblem[] }
  | { kind: 'importing'; sheet: Sheet; rows: number }
  | { kind: 'done'; rows: number; file: string }
  | { kind: 'error'; text: string; sheet?: Sheet; rows?: number };

/** The Content-Type the relay reads a file as, by its name (or the type the browser gives), or null. */
export function sheetType(file: { name: string; type: string }): string | null {
  const n = file.name.toLowerCase();
  if (n.endsWith('.xlsx') || file.type === XLSX_TYPE) return XLSX_TYPE;
  if (n.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  return null;
}

/** Problems in sheet order: by row, then by the sheet's column order (the whole sheet's first). */
export function sortProblems(problems: readonly SheetProblem[]): SheetProblem[] {
  const col = (c: string | null) => (c === null ? -1 : SHEET_COLUMNS.findIndex((x) => x.label === c));
  return problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.row - b.p.row || col(a.p.column) - col(b.p.column) || a.i - b.i).map((x) => x.p);
}

const megabytes = (bytes: number) => formatNumber(Math.round(bytes / 1024 / 1024));

/** The words for a refusal of the import (dry run or real), or null when it is a list of problems. */
function refusal(r: Answer, real: boolean): string | null {
  const { error } = errorOf(r);
  if (r.status === null) return t(real ? 'imp.networkReal' : 'imp.network');
  if ((r.status === 422 || r.status === 409) && error === 'invalid_sheet') return null;
  if (r.status === 409) return t('imp.busy');
  if (r.status === 413) {
    const max = (r.body as { maxBytes?: unknown } | null)?.maxBytes;
    return t('imp.tooLarge', { mb: megabytes(typeof max === 'number' ? max : MAX_SHEET_BYTES) });
  }
  if (r.status === 415) return t('imp.unsupported');
  if (r.status === 400) return t('imp.unreadable');
  if (r.status === 401 || r.status === 403) return t('imp.forbidden');
  return t('imp.failed', { status: r.status });
}

/** The temporary passwords as CSV, when the relay answered JSON instead of the .xlsx asked for. */
function passwordsCsv(accounts: readonly { username: string; temporaryPassword: string }[]): Blob {
  const lines = ['用户名,临时密码', ...accounts.map((a) => `${a.username},${a.temporaryPassword}`)];
  return new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
}

export function StaffImport({ session, onImported }: { session: Session; onImported: () => void }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const town = session.user.role === 'town';
  const offline = !session.api || session.status.value.connection === 'offline';
  const working = state.kind === 'checking' || state.kind === 'importing';

  const send = (sheet: Sheet, dryRun: boolean) =>
    call(session, `/api/accounts/import${dryRun ? '?dryRun=1' : ''}`, { method: 'POST', raw: { bytes: sheet.bytes, type: sheet.type }, ...(dryRun ? {} : { accept: XLSX_TYPE }) });

  const choose = async (file: File | undefined) => {
    if (!file || working) return;
    // The same file may be chosen again after it is fixed: the picker must fire again.
    if (input.current) input.current.value = '';
    const type = sheetType(file);
    if (!type) return setState({ kind: 'error', text: t('imp.unsupported') });
    if (file.size > MAX_SHEET_BYTES) return setState({ kind: 'error', text: t('imp.tooLarge', { mb: megabytes(MAX_SHEET_BYTES) }) });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      return setState({ kind: 'error', text: t('imp.readFailed') });
    }
    const sheet = { name: file.name, bytes, type };
    setState({ kind: 'checking', sheet });
    const r = await send(sheet, true);
    if (r.status === 200) {
      const b = r.body as { rows?: number; roles?: Partial<Record<StaffRole, number>> } | null;
      return setState({ kind: 'clean', sheet, rows: b?.rows ?? 0, roles: b?.roles ?? {} });
    }
    const text = refusal(r, false);
    if (text !== null) return setState({ kind: 'error', text });
    setState({ kind: 'problems', sheet, problems: sortProblems((r.body as { problems?: SheetProblem[] } | null)?.problems ?? []) });
  };

  const confirm = async (sheet: Sheet, rows: number) => {
    if (working) return;
    if (offline) return setState({ kind: 'error', text: t('imp.offline'), sheet, rows });
    setState({ kind: 'importing', sheet, rows });
    const r = await send(sheet, false);
    if (r.status === 201 && r.res) {
      const json = r.body as { created?: number; accounts?: { username: string; temporaryPassword: string }[] } | null;
      let blob: Blob;
      try {
        blob = json?.accounts ? passwordsCsv(json.accounts) : await r.res.blob();
      } catch {
        onImported();
        return setState({ kind: 'error', text: t('imp.passwordsLost') });
      }
      const name = json?.accounts ? `新账号临时密码.csv` : (dispositionName(r.res.headers.get('content-disposition')) ?? '新账号临时密码.xlsx');
      saveBlob(blob, name);
      onImported();
      return setState({ kind: 'done', rows: json?.created ?? rows, file: name });
    }
    const text = refusal(r, true);
    // A lost connection during the real import: it may have been committed; the list tells.
    if (r.status === null) onImported();
    if (text !== null) return setState({ kind: 'error', text, ...(r.status === 409 ? { sheet, rows } : {}) });
    setState({ kind: 'problems', sheet, problems: sortProblems((r.body as { problems?: SheetProblem[] } | null)?.problems ?? []) });
  };

  const cancel = () => {
    setState({ kind: 'idle' });
    input.current?.focus();
  };

  const roles = state.kind === 'clean' ? STAFF_ROLES.filter((r) => state.roles[r]).map((r) => `${roleName(r)} ${formatNumber(state.roles[r]!)}`) : [];
  const status =
    state.kind === 'checking'
      ? t('imp.checking', { name: state.sheet.name })
      : state.kind === 'importing'
        ? t('imp.importing', { n: formatNumber(state.rows) })
        : state.kind === 'clean'
          ? t('imp.clean', { n: formatNumber(state.rows) }) + (roles.length ? t('imp.cleanRoles', { roles: roles.join('、') }) : '')
          : state.kind === 'problems'
            ? t('imp.problemCount', { n: formatNumber(state.problems.length), rows: formatNumber(new Set(state.problems.map((p) => p.row)).size) })
            : state.kind === 'done'
              ? t('imp.done', { n: formatNumber(state.rows) })
              : '';
  // A 409 busy keeps the checked sheet: the same button tries again.
  const retry = state.kind === 'error' && state.sheet && state.rows !== undefined ? { sheet: state.sheet, rows: state.rows } : null;
  const fileHint = offline ? t('imp.offline') : t('imp.fileHint');

  return (
    <section class="card acct-import" aria-labelledby="acct-import-h">
      <h2 id="acct-import-h">{t('imp.title')}</h2>
      <p class="hint">{town ? t('imp.introTown') : t('imp.introAdmin')}</p>
      <ExportButtons
        session={session}
        label={t('imp.files')}
        files={[
          { label: t('imp.template'), path: '/api/accounts/template.xlsx' },
          { label: t('imp.exportXlsx'), path: '/api/accounts/export.xlsx' },
          { label: t('imp.exportCsv'), path: '/api/accounts/export.csv' },
        ]}
      />
      <details class="acct-sheet-help">
        <summary>{t('imp.help')}</summary>
        <div class="table-wrap">
          <table class="data-table acct-sheet-cols">
            <caption class="visually-hidden">{t('imp.helpColumns')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imp.helpColumn')}</th>
                <th scope="col">{t('imp.helpWhat')}</th>
              </tr>
            </thead>
            <tbody>
              {SHEET_COLUMNS.map((c) => (
                <tr key={c.key}>
                  <th scope="row" class="rt-title" lang="zh-CN">
                    {c.label}
                  </th>
                  <td lang="zh-CN">
                    <Literal text={c.help} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 class="acct-sheet-rules-h">{t('imp.helpRules')}</h3>
        <ul class="acct-sheet-rules" lang="zh-CN">
          {sheetRules({ town }).map((r) => (
            <li key={r}>
              <Literal text={r} />
            </li>
          ))}
        </ul>
      </details>

      <Field id="imp-file" label={<Literal text={t('imp.file')} />} hint={fileHint}>
        <input
          id="imp-file"
          ref={input}
          type="file"
          accept={`.xlsx,.csv,${XLSX_TYPE},text/csv`}
          disabled={offline || working}
          aria-describedby={describedBy('imp-file', true)}
          onChange={(e) => void choose(e.currentTarget.files?.[0])}
        />
      </Field>
      <p role="status" class={state.kind === 'clean' || state.kind === 'done' ? 'imp-status imp-ok' : state.kind === 'problems' ? 'imp-status imp-bad' : 'imp-status'}>
        {status}
      </p>
      <Alert tone="error">{state.kind === 'error' ? state.text : null}</Alert>

      {state.kind === 'clean' || retry ? (
        <div class="button-row imp-confirm">
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => {
              const go = state.kind === 'clean' ? state : retry!;
              void confirm(go.sheet, go.rows);
            }}
          >
            {t('imp.confirm', { n: formatNumber(state.kind === 'clean' ? state.rows : retry!.rows) })}
          </button>
          <button type="button" class="btn" onClick={cancel}>
            {t('imp.cancel')}
          </button>
        </div>
      ) : null}

      {state.kind === 'problems' ? (
        <div class="imp-problems">
          <p>{t('imp.problemHint')}</p>
          {state.problems.length > SHOWN_PROBLEMS ? <p class="hint">{t('imp.problemsCut', { n: formatNumber(SHOWN_PROBLEMS) })}</p> : null}
          <div class="table-wrap">
            <table class="data-table rtable imp-problem-table">
              <caption class="visually-hidden">
                <Literal text={t('imp.problemsCaption', { name: state.sheet.name })} />
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('imp.colRow')}</th>
                  <th scope="col">{t('imp.colColumn')}</th>
                  <th scope="col">{t('imp.colProblem')}</th>
                </tr>
              </thead>
              <tbody>
                {state.problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
                  <tr key={i} data-code={p.code}>
                    <th scope="row" class="rt-title">
                      {t('imp.rowN', { n: p.row })}
                    </th>
                    <td data-label={t('imp.colColumn')}>{p.column ?? t('imp.wholeSheet')}</td>
                    <td data-label={t('imp.colProblem')} lang="zh-CN">
                      <Literal text={p.message} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}

      {state.kind === 'done' ? (
        <div class="alert alert-warning imp-warning" role="status">
          <p>
            <strong>
              <Literal text={t('imp.warnTitle', { name: state.file })} />
            </strong>
          </p>
          <ul>
            <li>{t('imp.warnInPerson')}</li>
            <li>{t('imp.warnDelete')}</li>
            <li>{t('imp.warnOnce')}</li>
          </ul>
        </div>
      ) : null}
    </section>
  );
}
