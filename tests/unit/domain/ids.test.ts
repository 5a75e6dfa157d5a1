import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId, seededRandom, type RandomBytes } from '../../../src/domain/ids.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const zeros: RandomBytes = (n) => new Uint8Array(n);
const cryptoBytes: RandomBytes = (n) => webcrypto.getRandomValues(new Uint8Array(n));

function decodeTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

describe('ids', () => {
  it('is 26 Crockford base32 characters: 10 of time, 16 of randomness', () => {
    const id = newId(Date.UTC(2025, 5, 1), cryptoBytes);
    expect(id).toHaveLength(26);
    expect(id).toMatch(ID_PATTERN);
    expect(id).not.toMatch(/[ILOU]/);
    expect(newId(0, zeros)).toBe('0'.repeat(26));
    expect(newId(1, zeros)).toBe('0000000001' + '0'.repeat(16));
    expect(newId(32, zeros)).toBe('0000000010' + '0'.repeat(16));
  });

  it('encodes the creation time in its first ten characters', () => {
    for (const ms of [0, 1, 31, 32, 1_764_345_600_000, 2 ** 48 - 1]) expect(decodeTime(newId(ms, cryptoBytes))).toBe(ms);
  });

  it('maps every random byte into the alphabet', () => {
    const all: RandomBytes = (n) => Uint8Array.from({ length: n }, (_, i) => 240 + i);
    expect(newId(0, all)).toMatch(ID_PATTERN);
  });

  it('sorts by creation time as plain strings, across base32 digit boundaries', () => {
    const times = [0, 1, 31, 32, 33, 1023, 1024, 1_700_000_000_000, 1_764_345_599_999, 1_764_345_600_000];
    const ids = times.map((ms) => newId(ms, cryptoBytes));
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('has no collisions in 10,000 ids made in the same millisecond (crypto and seeded sources)', () => {
    for (const random of [cryptoBytes, seededRandom(1).bytes]) {
      const set = new Set<string>();
      for (let i = 0; i < 10_000; i++) set.add(newId(1_764_345_600_000, random));
      expect(set.size).toBe(10_000);
    }
  });

  it('ID_PATTERN refuses near misses', () => {
    for (const bad of ['', '0'.repeat(25), '0'.repeat(27), 'I'.repeat(26), 'o'.repeat(26), '0'.repeat(25) + 'U', '0'.repeat(25) + '-']) {
      expect(ID_PATTERN.test(bad), bad).toBe(false);
    }
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
    expect(Array.from(seededRandom(5).bytes(32))).toEqual(Array.from(seededRandom(5).bytes(32)));
  });

  it('gives numbers in [0, 1) and bytes spread over 0..255', () => {
    const r = seededRandom(3);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(max - min).toBeGreaterThan(0.99);
    const counts = new Array(256).fill(0);
    for (const byte of r.bytes(25_600)) counts[byte]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});
