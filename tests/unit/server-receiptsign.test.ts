/**
 * server/receiptsign.ts `canonical`: the text every receipt signature is computed over. Written out by hand for
 * speed; it must give exactly what the original form gave (JSON.stringify with a replacer that sorts each object's
 * keys), or signatures written before and after would disagree and returning history would be refused.
 */
import { describe, expect, it } from 'vitest';
import { canonical, receiptSigner } from '../../server/receiptsign.ts';

/** The original definition, kept here as the reference. */
function reference(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** A deterministic pseudo-random JSON-ish value (with the odd undefined, NaN, -0 and integer-like keys). */
function randomValue(seed: { n: number }, depth: number): unknown {
  const r = () => ((seed.n = (seed.n * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = Math.floor(r() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return [0, -0, 1.5, -1e21, 1e-7, NaN, Infinity, 2 ** 53, 123456789][Math.floor(r() * 9)];
    case 3: return ['', 'a', 'ü"\\\n\u2028', '\ud800', 'x'.repeat(20), '10', 'caseId'][Math.floor(r() * 7)];
    case 4: return undefined;
    case 5: return Math.floor(r() * 1e6);
    case 6: return 'e' + Math.floor(r() * 1000);
    case 7: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(seed, depth + 1));
    default: {
      const keys = ['b', 'a', 'rx', 'e', '10', '2', '0', '01', 'Z', '_', 'x.y', '4294967295', '4294967294', '-1'];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 6); i > 0; i--) o[keys[Math.floor(r() * keys.length)]!] = randomValue(seed, depth + 1);
      return o;
    }
  }
}

describe('canonical', () => {
  it('gives the same text as the sorting replacer, for thousands of values', () => {
    const seed = { n: 42 };
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(seed, 0);
      expect(canonical(v)).toBe(reference(v));
    }
  });

  it('handles the special cases as JSON.stringify does', () => {
    const cases: unknown[] = [undefined, () => 1, Symbol('s'), { a: undefined, b: () => 1, c: 1 }, [undefined, () => 1], new Date(0), { d: new Date(1) }, { '1': 1, '0': 0, a: 'x', '10': 2, '-1': 3 }, { toJSON: () => ({ z: 1, a: 2 }) }];
    for (const v of cases) expect(canonical(v)).toBe(reference(v));
  });

  it('signs a receipt as before', () => {
    const signer = receiptSigner(new Uint8Array(32).fill(7));
    const e = { id: 'e1', caseId: 'c1', type: 'reported', at: '2026-01-01T00:00:00.000Z', actor: 'u1', data: { z: 1, a: [{ y: 2, b: 3 }] } };
    const r = signer.sign({ e: 'e1', rx: 1, a: 'worker:g1', x: { v: 'v1' } } as never, e as never);
    expect(r.s).toBe('-1NUodhPrLGxu8hn6GNzLg');
    expect(signer.verify(r, e as never)).toBe(true);
  });
});
