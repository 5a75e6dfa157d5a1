/**
 * The relay's account and audit routes as the screens call them (contracts: server/accountshttp.ts, audithttp.ts).
 * Every call needs the network; `status: null` means it could not be reached (offline, the relay down), which the
 * screens say in words: nothing here fails silently.
 */
import type { Session } from '../../app/services.ts';
import type { UserInfo } from '../../domain/org.ts';

/** An account as GET /api/accounts lists it (server AccountView). */
export interface AccountView extends UserInfo {
  disabled: boolean;
  mustChange: boolean;
  /** A role account (one person's further role): its person's main account id. */
  person?: string;
}

export interface Answer<T = unknown> {
  status: number | null;
  body: T | null;
  res: Response | null;
}

export type ApiInit = Parameters<NonNullable<Session['api']>>[1];

export async function call<T = unknown>(session: Session, path: string, init?: ApiInit): Promise<Answer<T>> {
  if (!session.api) return { status: null, body: null, res: null };
  try {
    const res = await session.api(path, init);
    const json = res.headers.get('content-type')?.includes('json') ? ((await res.json().catch(() => null)) as T | null) : null;
    return { status: res.status, body: json, res };
  } catch {
    return { status: null, body: null, res: null };
  }
}

/** The relay's error code of a refusal ({"error": code, ...}), or ''. */
export function errorOf(a: Answer): { error: string; field?: string; problem?: string } {
  const b = a.body as { error?: unknown; field?: unknown; problem?: unknown } | null;
  return {
    error: typeof b?.error === 'string' ? b.error : '',
    ...(typeof b?.field === 'string' ? { field: b.field } : {}),
    ...(typeof b?.problem === 'string' ? { problem: b.problem } : {}),
  };
}
