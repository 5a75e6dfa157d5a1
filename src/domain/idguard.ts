/**
 * Full resident ID numbers (居民身份证号) in text: the one rule the relay (server/privacy.ts) refuses writes by and
 * the app can warn by before saving. Full numbers belong only in `idnumbers.<gridId>` (src/domain/people.ts); every
 * other doc whose readers may see them only masked (people, cases, party) must never hold one.
 *
 * The rule, on each string of a value (object keys included), after normalising it:
 *  - Normalise: Unicode NFKC (full-width `２１１１` becomes `2111`, an ideographic space a space), drop format
 *    characters (zero-width spaces, soft hyphens), upper-case (a check character `x` is `X`).
 *  - Runs: digits and `X`, where up to 3 separators may stand between two of them (whitespace, dashes, dots, `_`,
 *    `/`, `\`, commas, `、`, `|`, apostrophes, middle dots): `2111 0219 8001 0112 34` and `211102-19800101-1234`
 *    are one run each, `211102198001011234`. Any other character (a letter, a colon, `*`, a Chinese character) ends
 *    a run, so an HLC stamp (`1712345678901:0001:node`), a time (`10:30`), a masked number (`2111**********1234`)
 *    or a date in words stays apart. A mobile phone number (11 digits, 1[3-9]...) between separators is a number
 *    of its own and is not joined with its neighbours (`13800000000 13912345678` is two numbers).
 *  - A number is a full ID number when
 *    (a) it is exactly 17 digits + digit or X, typed as one token (no separator inside, no ASCII letter or digit
 *        either side): the shape of an ID number, valid-looking or not (a typo is still someone's number); or
 *    (b) anywhere in it (separators removed), 17 consecutive digits look like the body of an ID number: a province
 *        code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81-83; or 9 + one of those, the 2023 permanent residence
 *        ID of foreigners) and a birth date YYYYMMDD from 1900 to 2099 with a real month and day at characters
 *        7-14. Seventeen are enough: the 18th is a check character computed from them. So a run of 18 or more
 *        digits (19 digits, an ID inside a longer digit string, `X` or letters before it, spaced, dashed or
 *        full-width) is refused when a valid-looking number is inside it, and passes when none is
 *        (`1234567890123456789012`). One exception: a 19-digit China UnionPay card number (62..., right Luhn check
 *        digit) is a card, not an ID number.
 *  - Across values (a number cut in two): the last number of each string is joined with the first number of the
 *    next string in order, and with the first number of the next string at the same place in the next value (the
 *    note of the next visit, the next issue of a visit); the join is checked by (b). Not joined: phone numbers,
 *    and an event's `id`, `caseId`, `type`, `actor`, `at` (ids and stamps; each is still read on its own).
 *  - A SHA-256 hex string (photos are referenced by their content hash) is random hex, not text: not read.
 * What passes: phone numbers (also spaced, or several in a row), dates and times, amounts (`1,234,567.89`), ULID
 * ids (26 Crockford base32 characters), HLC stamps, photo hashes, masked numbers, bank card numbers, long order
 * numbers without a valid-looking birth date inside.
 * Not caught (no filter can): numbers spelled out (`二一一一…`), split by other characters, across fields that are
 * not neighbours, or across updates; digits of other scripts than ASCII and full-width.
 */

/** Characters that may stand between the digits of one number (after NFKC): whitespace, dashes and these. */
const SEP_CHARS: ReadonlySet<string> = new Set(['.', '_', '·', '•', '‧', '∙', '・', '/', '\\', ',', "'", '’', '、', '|']);
const SPACE_OR_DASH = /^[\s\p{Pd}]$/u;
const isSep = (c: string) => SEP_CHARS.has(c) || SPACE_OR_DASH.test(c);
/** At most this many separators stand between two groups of one number. */
const MAX_SEP = 3;
const ID_TOKEN = /^\d{17}[\dX]$/;
const isDigitCode = (c: number) => c >= 48 && c <= 57;
/** 0-9 or X: what a run is made of. */
const isRunCode = (c: number) => isDigitCode(c) || c === 88;
const isAsciiAlnumCode = (c: number) => isDigitCode(c) || (c >= 65 && c <= 90);

// Province-level codes of GB/T 2260 (and 81-83 of the residence permits of Hong Kong, Macao and Taiwan residents).
const PROVINCES: ReadonlySet<string> = new Set(
  [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83].map(String),
);
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** NFKC, no format characters, upper case: the text the rule reads. */
export function normaliseIdText(s: string): string {
  return s.normalize('NFKC').replace(/\p{Cf}/gu, '').toUpperCase();
}

/** Whether 17 digits look like the body of an ID number (province code, birth date at 7-14). */
export function looksLikeIdBody(d: string): boolean {
  return d.length === 17 && bodyAt(d, 0);
}

/** `looksLikeIdBody(s.slice(i, i + 17))` without the copy (the relay reads every update: this is its inner loop). */
function bodyAt(s: string, i: number): boolean {
  if (i + 17 > s.length) return false;
  // Cheapest first: the birth year is 19xx or 20xx.
  const y0 = s.charCodeAt(i + 6);
  const y1 = s.charCodeAt(i + 7);
  if (!((y0 === 49 && y1 === 57) || (y0 === 50 && y1 === 48))) return false;
  for (let k = 0; k < 17; k++) if (!isDigitCode(s.charCodeAt(i + k))) return false;
  if (!PROVINCES.has(s.slice(i, i + 2)) && !(s[i] === '9' && PROVINCES.has(s.slice(i + 1, i + 3)))) return false;
  const two = (k: number) => (s.charCodeAt(i + k) - 48) * 10 + s.charCodeAt(i + k + 1) - 48;
  const month = two(10);
  const day = two(12);
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
}

/** Rule (b): a valid-looking number anywhere in a run (separators removed). */
function holdsIdBody(compact: string): boolean {
  for (let i = 0; i + 17 <= compact.length; i++) if (bodyAt(compact, i)) return true;
  return false;
}

/** Rule (b) over a join: a valid-looking number that starts in `tail` and ends in `head` (each side alone was read). */
function holdsIdBodyAcross(tail: string, head: string): boolean {
  const joined = tail + head;
  for (let i = Math.max(0, tail.length - 16); i < tail.length; i++) if (bodyAt(joined, i)) return true;
  return false;
}

interface Runs {
  full: boolean;
  /** First and last run, separators removed ('' when the text has no digits). */
  head: string;
  tail: string;
}

/** A content hash (photos are referenced by SHA-256 hex): random hex, read as no text at all. */
const HASH = /^[0-9a-f]{64}$/;
/** A mobile phone number: a group of its own, never joined with the groups around it. */
const MOBILE = /^1[3-9]\d{9}$/;
/** A China UnionPay card number of 19 digits (62..., right Luhn digit): not an ID number. */
const CARD19 = /^62\d{17}$/;

function scan(text: string): Runs {
  if (HASH.test(text)) return { full: false, head: '', tail: '' };
  const t = normaliseIdText(text);
  const n = t.length;
  let head: string | null = null;
  let tail = '';
  let i = 0;
  while (i < n) {
    if (!isRunCode(t.charCodeAt(i))) {
      i++;
      continue;
    }
    // One run: groups of digits and X, at most MAX_SEP separators between two groups.
    const start = i;
    const groups: string[] = [];
    let end: number;
    for (;;) {
      let j = i;
      while (j < n && isRunCode(t.charCodeAt(j))) j++;
      groups.push(t.slice(i, j));
      end = j;
      let k = j;
      while (k < n && k - j < MAX_SEP && isSep(t[k]!)) k++;
      if (k === j || k >= n || !isRunCode(t.charCodeAt(k))) break;
      i = k;
    }
    i = end;
    if (groups.length === 1 && ID_TOKEN.test(groups[0]!) && !isAsciiAlnumCode(t.charCodeAt(start - 1)) && !isAsciiAlnumCode(t.charCodeAt(end))) return FULL;
    for (const compact of numbersIn(groups)) {
      if (!/\d/.test(compact)) continue; // an X of a word
      if (holdsIdBody(compact) && !(CARD19.test(compact) && luhn(compact))) return FULL;
      head ??= compact;
      tail = compact;
    }
  }
  return { full: false, head: head ?? '', tail };
}
const FULL: Runs = { full: true, head: '', tail: '' };

/** The numbers of a run (its groups), separators removed: the groups joined, except that a mobile number stands alone. */
function numbersIn(groups: readonly string[]): string[] {
  if (groups.length === 1 || !groups.some((g) => MOBILE.test(g))) return [groups.join('')];
  const out: string[] = [];
  let cur = '';
  for (const g of groups) {
    if (!MOBILE.test(g)) {
      cur += g;
      continue;
    }
    if (cur) out.push(cur);
    out.push(g);
    cur = '';
  }
  if (cur) out.push(cur);
  return out;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether one text holds a full ID number (the app's check of a form field before saving). */
export function idNumberInText(text: string): boolean {
  return scan(text).full;
}

/** Where a full number was found: the value's index in the list and the field path in it (`data.note`). */
export interface IdNumberHit {
  value: number;
  path: string;
}

interface Leaf {
  value: number;
  path: string;
  runs: Runs;
}

/** An event's own id, case id, type, author and stamp: schema-checked ids and HLC stamps, not text to join. */
const ENVELOPE: ReadonlySet<string> = new Set(['id', 'caseId', 'type', 'actor', 'at']);
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const pathOf = (parent: string, key: string) => (parent ? `${parent}.` : '') + (SAFE_KEY.test(key) ? key : '?');

/**
 * The first full ID number in these values (one update's new events, in order), or null. Strings are read one by one
 * and, for a number cut in two, joined across neighbouring strings (see the rule above). Field paths never echo the
 * text: array positions are `[]`, odd keys `?`.
 */
export function findIdNumber(values: readonly unknown[]): IdNumberHit | null {
  const leaves: Leaf[] = [];
  for (let i = 0; i < values.length; i++) {
    const hit = walk(values[i], i, leaves);
    if (hit) return hit;
  }
  // A number cut in two: each string's last number joined with the next string's first number, and with the first
  // number of the next string at the same path (the same field of the next event). Phone numbers stand alone.
  const nextAtPath = new Map<string, Leaf>();
  for (let k = leaves.length - 1; k >= 0; k--) {
    const a = leaves[k]!;
    const b = leaves[k + 1];
    const same = nextAtPath.get(a.path);
    nextAtPath.set(a.path, a);
    if (!a.runs.tail) continue;
    for (const c of b === same ? [b] : [b, same]) {
      if (!c?.runs.head || a.runs.tail.length + c.runs.head.length < 17 || MOBILE.test(a.runs.tail) || MOBILE.test(c.runs.head)) continue;
      if (holdsIdBodyAcross(a.runs.tail, c.runs.head)) {
        return { value: c.value, path: a.path === c.path ? `${c.path} (joined with the one before)` : `${a.path} + ${c.path}` };
      }
    }
  }
  return null;
}

/** Reads every string of one value; returns the first hit inside one string. Iterative: no depth limit to hide under. */
function walk(root: unknown, value: number, leaves: Leaf[]): IdNumberHit | null {
  const stack: Array<{ x: unknown; path: string }> = [{ x: root, path: '' }];
  while (stack.length > 0) {
    const { x, path } = stack.pop()!;
    if (typeof x === 'string') {
      const runs = scan(x);
      if (runs.full) return { value, path: path || '(value)' };
      if (!ENVELOPE.has(path)) leaves.push({ value, path, runs });
      continue;
    }
    if (typeof x !== 'object' || x === null) continue;
    const children: Array<{ x: unknown; path: string }> = [];
    if (Array.isArray(x)) {
      for (const y of x as unknown[]) children.push({ x: y, path: `${path}[]` });
    } else {
      for (const [key, y] of Object.entries(x as Record<string, unknown>)) {
        if (scan(key).full) return { value, path: `${pathOf(path, '?')} (a key)` };
        children.push({ x: y, path: pathOf(path, key) });
      }
    }
    // Depth first, in document order.
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]!);
  }
  return null;
}

/** Whether a value (an event, anywhere in it) holds a full ID number. */
export function carriesIdNumber(value: unknown): boolean {
  return findIdNumber([value]) !== null;
}
