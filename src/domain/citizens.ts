/**
 * Residents as reporters (issue 13): phone numbers, reports made on a resident's behalf (代报), the contact an
 * Open311 client gives, and which resident account follows which case.
 *
 * Contracts:
 *  - `normalizePhone` is the one form a phone number is stored and compared in: digits only, without the country
 *    prefix (+86 / 0086 / 86 before a mobile number). A mobile is `1[3-9]` + 9 digits; a landline is `0` + area
 *    code + number (10 to 12 digits). Anything else is not a phone number (null).
 *  - `onBehalf` on a report (代报): a grid worker (or other staff) reports for a resident who called or told them
 *    in person. `name` is the resident's name as it was when reported (history is facts: a later change to the
 *    household register does not rename the report), `phone` when known, `personId` when the resident was picked
 *    from the grid's household register (people doc), and `via`: 电话 / 上门 / 当面.
 *  - `contact` on a report: who to reply to, as an Open311 client gave it (first/last name, phone, email).
 *  - A resident account follows a case it did not report when the case was reported on its behalf with its phone
 *    number and the account's phone is verified (by an SMS code at sign-up). An invitation-code sign-up proves the
 *    village, not the phone: such an account follows only its own reports.
 *    Following is reading (the relay's `GET /api/cases/mine` and `GET /api/cases/<id>`); the 回访 rating of a case
 *    reported on someone's behalf is recorded by the town center, which calls them.
 */
import * as v from 'valibot';
import type { UserInfo } from './org.ts';

/** Digits of a Chinese mobile or landline number, or null. */
export function normalizePhone(input: string): string | null {
  let s = input.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (/^86 ?1[3-9]\d{9}$/.test(s)) s = s.slice(2);
  if (/^1[3-9]\d{9}$/.test(s)) return s;
  if (/^0\d{9,11}$/.test(s)) return s;
  return null;
}

/** A mobile number (one an SMS can reach). */
export const isMobile = (phone: string): boolean => /^1[3-9]\d{9}$/.test(phone);

/** A phone number in an event or a request: normalised (see `normalizePhone`), refused when it is not one. */
export const PhoneSchema = v.pipe(
  v.string(),
  v.maxLength(24),
  v.transform((s) => normalizePhone(s) ?? ''),
  v.regex(/^(1[3-9]\d{9}|0\d{9,11})$/, 'not a phone number'),
);

/** How a resident told the staff member who reported for them: 电话 / 上门 / 当面. */
export const PROXY_VIA = ['phone', 'visit', 'in_person'] as const;
export type ProxyVia = (typeof PROXY_VIA)[number];

const name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40));

export const OnBehalfSchema = v.strictObject({
  name,
  phone: v.optional(PhoneSchema),
  /** A resident of the household register (people doc), when picked from it. */
  personId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/))),
  via: v.picklist(PROXY_VIA),
});
export type OnBehalf = v.InferOutput<typeof OnBehalfSchema>;

export const ContactSchema = v.strictObject({
  name: v.optional(name),
  phone: v.optional(PhoneSchema),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120), v.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'not an e-mail address'))),
});
export type Contact = v.InferOutput<typeof ContactSchema>;

/** Extra answers of a report for its subcategory (Open311 attributes): code -> value. */
export const MAX_ATTRIBUTES = 10;
export const AttributesSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,31}$/)), v.pipe(v.string(), v.trim(), v.maxLength(200))),
  v.check((r) => Object.keys(r).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`),
);

/** Whether `user` follows a case it did not report: a resident with a verified phone the case was reported for. */
export function followsOnBehalf(user: Pick<UserInfo, 'role' | 'phone' | 'phoneVerified'>, c: { onBehalf?: { phone?: string } }): boolean {
  if (user.role !== 'resident' || !user.phoneVerified || !user.phone || !c.onBehalf?.phone) return false;
  const mine = normalizePhone(user.phone);
  return mine !== null && mine === c.onBehalf.phone;
}

export { REPORT_CHANNELS, reportChannel, type ReportChannel } from './channels.ts';

