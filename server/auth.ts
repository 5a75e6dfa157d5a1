/**
 * Passwords and tokens.
 *
 * Passwords: scrypt (node:crypto) with a per-user random salt, stored as `scrypt$N$r$p$<salt b64>$<hash b64>`
 * so the cost can be raised later without invalidating stored hashes. Comparison is timing-safe, and an unknown
 * username costs the same scrypt call as a wrong password (no user enumeration by timing).
 * Tokens: HS256 JWT (jose), `sub` = user id, `role` = the role at login, `tv` = the account's token version at login
 * (issue 15); short-lived (TOKEN_TTL). The relay checks on every request and connection that the user still exists,
 * enabled, with that role and token version, so disabling, a role or scope change and a password reset or change
 * invalidate every token issued before. A token without `tv` (issued before issue 15) counts as version 0.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '../src/domain/org.ts';

const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;
/**
 * Issue 15: the cost for a temporary password the relay generates (accountshttp.ts temporaryPassword: 10 characters
 * drawn uniformly from 31, about 49 bits). A key-stretching cost protects passwords people choose, which are
 * guessable; a random secret of that size is out of reach of guessing at any cost, so a low one (2 MiB, a few ms)
 * lets a county's 3,000-row import hash in seconds instead of minutes. Used until the first sign-in replaces it.
 */
export const TEMPORARY_COST = { N: 2048, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolvePromise(key)));
  });
}

export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LEN, { ...cost, maxmem: 256 * cost.N * cost.r });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A well-formed hash of a random password: compared against when the username is unknown. */
let dummyHash: Promise<string> | null = null;

/** Check a password against a stored hash. `stored` undefined (unknown user) still costs one scrypt. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const encoded = stored ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  let actual: Buffer;
  try {
    actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  } catch {
    return false;
  }
  return timingSafeEqual(actual, expected) && stored !== undefined;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  tv: number;
}

export async function signToken(secret: Uint8Array, claims: Omit<TokenClaims, 'tv'> & { tv?: number }, nowMs: number, ttlSeconds: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ role: claims.role, tv: claims.tv ?? 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(secret);
}

/** The claims of a valid, unexpired token, or null (bad signature, expired, malformed: all the same to callers). */
export async function verifyToken(secret: Uint8Array, token: string, nowMs: number): Promise<TokenClaims | null> {
  if (token.length === 0 || token.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(nowMs) });
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') return null;
    const tv = payload.tv === undefined ? 0 : payload.tv;
    if (typeof tv !== 'number' || !Number.isSafeInteger(tv)) return null;
    return { sub: payload.sub, role: payload.role as Role, tv };
  } catch {
    return null;
  }
}
