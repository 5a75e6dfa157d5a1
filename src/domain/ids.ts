/**
 * Identifiers. Sortable by creation time (48-bit ms timestamp, Crockford base32) followed by 80 random bits,
 * the ULID layout, so ids made offline on many devices never collide and sort roughly by time.
 * Randomness comes in as a parameter: callers pass crypto.getRandomValues (app, relay) or a seeded source (tests).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type RandomBytes = (n: number) => Uint8Array;

export function newId(nowMs: number, random: RandomBytes): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + rand;
}

export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A deterministic byte source for seeded generation (mulberry32). */
export function seededRandom(seed: number): { next: () => number; bytes: RandomBytes } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bytes: RandomBytes = (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
    return out;
  };
  return { next, bytes };
}
