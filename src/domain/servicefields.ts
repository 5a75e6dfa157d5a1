/**
 * Service field rules (issue 13): which attributes a report of a subcategory may carry (src/domain/citizens.ts
 * AttributesSchema: code -> value) and which values they take. The workflow's `reported` step refuses any other
 * (`bad_attribute`), so every path that makes a report (the app, the JSON API, Open311, a device's sync; the relay
 * also refuses such an update: server/validate.ts) is held to them. The fields' words, required flags and value
 * names are in servicedefs.ts (kept out of the initial bundle: this file is part of every device's fold).
 *
 * Contract (history is facts: the step also judges events accepted long ago): APPEND-ONLY. A subcategory's fields,
 * a field's code and a list's keys are never removed or renamed, and a range or length is only widened, so an event
 * accepted once passes forever. New fields and values may be added at any time.
 *
 * A rule is a list of value keys (a single choice), a [min, max] range (a decimal number, inclusive) or the
 * longest text (a number).
 */
export type FieldRule = readonly string[] | readonly [number, number] | number;

const SIZE = ['small', 'medium', 'large'];

/** Subcategory code (the county's catalogue: server/demo/catalog.ts) -> attribute code -> rule. */
export const FIELD_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  '0405': { size: SIZE },
  '0407': { smell: ['faint', 'strong'], indoors: ['yes', 'no'] },
  '0602': { size: SIZE, depth_cm: [0, 500] },
  '0603': { lights_out: [1, 100], pole_number: 30 },
  '0604': { severity: ['drip', 'flow', 'burst'] },
  '0701': { volume: SIZE, days_uncollected: [0, 365] },
};

/** Whether `value` follows `rule`. */
export function follows(rule: FieldRule, value: string): boolean {
  if (typeof rule === 'number') return value.length > 0 && value.length <= rule;
  if (typeof rule[0] === 'number') {
    const n = Number(value);
    return /^-?\d{1,9}(\.\d{1,6})?$/.test(value) && n >= rule[0] && n <= (rule[1] as number);
  }
  return (rule as readonly string[]).includes(value);
}

/** The first attribute its subcategory does not define or whose value breaks its rule, else null (none: null). */
export function badAttribute(subcategory: string, attributes: Readonly<Record<string, string>> | undefined): string | null {
  const rules = Object.hasOwn(FIELD_RULES, subcategory) ? FIELD_RULES[subcategory]! : {};
  for (const [code, value] of Object.entries(attributes ?? {})) {
    if (!Object.hasOwn(rules, code) || !follows(rules[code]!, value)) return code;
  }
  return null;
}
