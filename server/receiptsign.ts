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

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
