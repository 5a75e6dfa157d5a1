/**
 * Issue 14: every user's own settings (language, 长辈版 and its text size, guidance level, the answer to the 长辈版
 * offer, a resident's birth year), kept with the account so that they follow the user to any device. The rules
 * (fields, ranges, patch semantics, size) are src/domain/settings.ts.
 *
 *   GET /api/me/settings   Bearer -> 200 {"settings": UserSettings, "updatedMs": number | null}
 *   PUT /api/me/settings   Bearer {field: value | null, ...} (a patch: named fields replace, null removes)
 *                          -> 200 the same as GET; 400 bad_request (unknown field, wrong value, not an object);
 *                          413 too_large (body over SETTINGS_MAX_BYTES)
 *
 * Only the bearer's own settings are ever read or written: the routes take no user id (a body naming one is an
 * unknown field, 400). Table `user_settings` (created here, like residents.ts's tables: an older relay ignores it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applySettingsPatch, cleanSettings, parseSettingsPatch, SETTINGS_MAX_BYTES, type SettingsPatch, type UserSettings } from '../src/domain/settings.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, readBody, sendJson } from './httpio.ts';
import type { Store } from './store.ts';

export class SettingsStore {
  constructor(private readonly store: Store) {
    store.db.exec('CREATE TABLE IF NOT EXISTS user_settings (user_id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_ms INTEGER NOT NULL)');
  }

  get(userId: string, nowMs: number): { settings: UserSettings; updatedMs: number | null } {
    const row = this.store.db.prepare<[string], { json: string; updated_ms: number }>('SELECT json, updated_ms FROM user_settings WHERE user_id = ?').get(userId);
    if (!row) return { settings: {}, updatedMs: null };
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(row.json);
    } catch {
      // A damaged row reads as no settings: the user's devices keep their own until they save again.
    }
    return { settings: cleanSettings(parsed, nowMs), updatedMs: row.updated_ms };
  }

  /** Apply a (valid) patch; returns the settings now stored. */
  patch(userId: string, patch: SettingsPatch, nowMs: number): UserSettings {
    return this.store.transaction(() => {
      const next = applySettingsPatch(this.get(userId, nowMs).settings, patch);
      this.store.db
        .prepare('INSERT INTO user_settings (user_id, json, updated_ms) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET json = excluded.json, updated_ms = excluded.updated_ms')
        .run(userId, JSON.stringify(next), nowMs);
      return next;
    });
  }
}

const stores = new WeakMap<Store, SettingsStore>();
/** The settings table of a relay's store (made on first use). */
export function settingsOf(store: Store): SettingsStore {
  let s = stores.get(store);
  if (!s) stores.set(store, (s = new SettingsStore(store)));
  return s;
}

export async function getSettings(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  sendJson(res, 200, settingsOf(ctx.store).get(user.id, ctx.now()));
}

export async function putSettings(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const text = await readBody(req, SETTINGS_MAX_BYTES);
  if (text === null) return sendJson(res, 413, { error: 'too_large' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'bad_request' });
  }
  const nowMs = ctx.now();
  const patch = parseSettingsPatch(raw, nowMs);
  if (!patch) return sendJson(res, 400, { error: 'bad_request' });
  const store = settingsOf(ctx.store);
  store.patch(user.id, patch, nowMs);
  sendJson(res, 200, store.get(user.id, nowMs));
}
