/** Typed access to a user's `meta` table (sync bookkeeping kept next to the read model). */
import type { UserDb } from './schema.ts';

export async function getMeta<T>(db: UserDb, key: string, check: (v: unknown) => v is T): Promise<T | undefined> {
  const r = await db.meta.get(key);
  return r && check(r.value) ? r.value : undefined;
}

export async function setMeta(db: UserDb, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

export async function deleteMeta(db: UserDb, ...keys: string[]): Promise<void> {
  await db.meta.bulkDelete(keys);
}

export const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
