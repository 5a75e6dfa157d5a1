/**
 * Signed receipts (issue 16): the relay's HMAC over each receipt it writes and the event it is for.
 *
 * Contract:
 *  - `s` = the first 128 bits, base64url, of HMAC-SHA256(key, canonical(receipt without `s`) + "\n" +
 *    canonical(event)). Canonical JSON sorts object keys at every level, so the same values sign the same way
 *    whatever order a device or Yjs kept them in.
 *  - The key is derived from the relay's JWT secret (HKDF-SHA256, info "gridlink receipt v1"): every relay of one
 *    county shares it (they must share the token secret anyway), a backup carries it (`jwt-secret`), and no device
 *    ever holds it. Rotating JWT_SECRET makes older signatures unverifiable; only returning history (below) reads
 *    them, so a rotation right before a restore is the one thing that would refuse honest returns.
 *  - What it is for: after a restore (backup.ts), devices bring back events the backup lacks with the receipts the
 *    old relay wrote for them (validate.ts "Returning history"). A signature shows the receipt is the relay's and
 *    was written for exactly that event, so an insider cannot pass a forged event, or a forged receipt of a real
 *    one, as returning history. Receipts written while syncing normally are never judged by signature: only the
 *    relay writes the receipts array (validate.ts), whoever brings it.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CaseEvent } from '../src/domain/events.ts';
import type { Receipt } from '../src/domain/receipts.ts';

/** Store meta key: when this store's relay began signing receipts (set once at start; copied into backups). */
export const RECEIPTS_SIGNED_META = 'receipts_signed_since';

export interface ReceiptSigner {
  sign(r: Receipt, e: CaseEvent): Receipt;
  /** True when `r.s` is the relay's signature of `r` for `e`; false when absent or wrong. */
  verify(r: Receipt, e: CaseEvent): boolean;
}

export function receiptSigner(secret: Uint8Array): ReceiptSigner {
  const key = Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'gridlink receipt v1', 32));
  const mac = (r: Receipt, e: CaseEvent): Buffer => {
    const { s: _s, ...rest } = r;
    return createHmac('sha256', key)
      .update(canonical(rest) + '\n' + canonical(e))
      .digest()
      .subarray(0, 16);
  };
  return {
    sign: (r, e) => ({ ...r, s: mac(r, e).toString('base64url') }),
    verify: (r, e) => {
      if (typeof r.s !== 'string') return false;
      const given = Buffer.from(r.s, 'base64url');
      return given.length === 16 && timingSafeEqual(given, mac(r, e));
    },
  };
}

/**
 * JSON with object keys sorted at every level (arrays keep their order): the same text as
 * `JSON.stringify(value)` with every object's keys sorted first (integer-like keys, as JavaScript orders any
 * object's own keys, come first in numeric order). Written out by hand: the relay signs every receipt it writes,
 * and a replacer that copies each object cost it several times more (issue 16 profile).
 */
export function canonical(value: unknown): string {
  return write(value) ?? (undefined as unknown as string);
}

/** The reference form (JSON.stringify with a sorting replacer): used for values `write` does not handle itself. */
function canonicalByReplacer(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** An array index as JavaScript orders object keys (canonical numeric string below 2^32 - 1). */
const isIndexKey = (k: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;

function write(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      // toJSON (a Date, say) runs before the replacer would: leave such values to the reference form.
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return canonicalByReplacer(v);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (write(v[i]) ?? 'null');
        return out + ']';
      }
      let keys = Object.keys(v).sort();
      if (keys.some(isIndexKey)) {
        const index = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
        keys = [...index, ...keys.filter((k) => !isIndexKey(k))];
      }
      let out = '{';
      let first = true;
      for (const k of keys) {
        const s = write((v as Record<string, unknown>)[k]);
        if (s === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + s;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      return canonicalByReplacer(v);
    default:
      // undefined, functions and symbols: left out of objects, null in arrays, nothing at the top.
      return undefined;
  }
}
