/**
 * Service fields (issue 13): the extra questions a report of some subcategories answers, e.g. a damaged road's
 * size, a water main's leak severity. They are the Open311 service definition's `attributes` (GET
 * services/<code>), and a report's `attributes` (code -> value, src/domain/citizens.ts AttributesSchema) are
 * checked against them by the `reported` step of the workflow (src/domain/workflow.ts), so every path that makes a
 * report (the app, POST /api/cases, Open311, a device's sync) refuses an unknown code or value (`bad_attribute`).
 *
 * Contract (history is facts: the step also judges events accepted long ago):
 *  - APPEND-ONLY. A subcategory's fields, a field's code and the keys of its values are never removed or renamed,
 *    and a number field's range is only widened: an event accepted once must pass this check forever. New fields
 *    and new values may be added at any time.
 *  - `required` is checked only where a new report is made through Open311 (server/open311.ts `missingRequired`),
 *    never by the step: a field made required later must not refuse reports made before.
 *  - Values are strings (as Open311 posts them): a `singlevaluelist` value is one of its keys, a `number` is a
 *    decimal within [min, max], a `string` is at most `maxLength` characters.
 */

export type FieldType = 'singlevaluelist' | 'number' | 'string';

export interface ServiceField {
  /** The attribute code (Open311 `code`): lower-case ASCII, as AttributesSchema allows. */
  code: string;
  type: FieldType;
  required: boolean;
  /** The question, Chinese first, then English. */
  label: string;
  labelEn: string;
  /** singlevaluelist: the keys and their names. */
  values?: readonly { key: string; name: string; nameEn: string }[];
  /** number: the range (inclusive). */
  min?: number;
  max?: number;
  /** string: the longest value. */
  maxLength?: number;
}

const SIZE = [
  { key: 'small', name: '小（手掌大小）', nameEn: 'Small (palm-sized)' },
  { key: 'medium', name: '中（脸盆大小）', nameEn: 'Medium (basin-sized)' },
  { key: 'large', name: '大（超过一米）', nameEn: 'Large (over a metre)' },
] as const;

/** Subcategory code (the demo county's catalogue: server/demo/catalog.ts) -> its fields, in the order asked. */
export const SERVICE_FIELDS: Readonly<Record<string, readonly ServiceField[]>> = {
  // 地面塌陷 Ground subsidence
  '0405': [{ code: 'size', type: 'singlevaluelist', required: true, label: '塌陷范围', labelEn: 'Extent', values: SIZE }],
  // 燃气泄漏 Gas leaks
  '0407': [
    {
      code: 'smell',
      type: 'singlevaluelist',
      required: true,
      label: '气味',
      labelEn: 'Smell',
      values: [
        { key: 'faint', name: '隐约能闻到', nameEn: 'Faint' },
        { key: 'strong', name: '气味很浓', nameEn: 'Strong' },
      ],
    },
    {
      code: 'indoors',
      type: 'singlevaluelist',
      required: false,
      label: '是否在室内',
      labelEn: 'Indoors',
      values: [
        { key: 'yes', name: '室内', nameEn: 'Indoors' },
        { key: 'no', name: '室外', nameEn: 'Outdoors' },
      ],
    },
  ],
  // 道路破损 Damaged roads: the pothole's size and depth
  '0602': [
    { code: 'size', type: 'singlevaluelist', required: true, label: '坑洼大小', labelEn: 'Pothole size', values: SIZE },
    { code: 'depth_cm', type: 'number', required: false, label: '深度（厘米）', labelEn: 'Depth (cm)', min: 0, max: 500 },
  ],
  // 路灯故障 Street light faults
  '0603': [
    { code: 'lights_out', type: 'number', required: false, label: '不亮的路灯数', labelEn: 'Lights out', min: 1, max: 100 },
    { code: 'pole_number', type: 'string', required: false, label: '灯杆编号', labelEn: 'Pole number', maxLength: 30 },
  ],
  // 供水管网 Water mains: the leak's severity
  '0604': [
    {
      code: 'severity',
      type: 'singlevaluelist',
      required: true,
      label: '漏水程度',
      labelEn: 'Leak severity',
      values: [
        { key: 'drip', name: '滴漏', nameEn: 'Dripping' },
        { key: 'flow', name: '持续流水', nameEn: 'Running' },
        { key: 'burst', name: '爆管喷涌', nameEn: 'Burst' },
      ],
    },
  ],
  // 垃圾清运 Garbage collection
  '0701': [
    { code: 'volume', type: 'singlevaluelist', required: false, label: '垃圾量', labelEn: 'Amount', values: SIZE },
    { code: 'days_uncollected', type: 'number', required: false, label: '几天未清运', labelEn: 'Days uncollected', min: 0, max: 365 },
  ],
};

export function serviceFields(subcategory: string): readonly ServiceField[] {
  return Object.hasOwn(SERVICE_FIELDS, subcategory) ? SERVICE_FIELDS[subcategory]! : [];
}

const DECIMAL = /^-?\d{1,9}(\.\d{1,6})?$/;

/** Whether one value is valid for its field. */
export function validValue(f: ServiceField, value: string): boolean {
  switch (f.type) {
    case 'singlevaluelist':
      return (f.values ?? []).some((x) => x.key === value);
    case 'number': {
      if (!DECIMAL.test(value)) return false;
      const n = Number(value);
      return (f.min === undefined || n >= f.min) && (f.max === undefined || n <= f.max);
    }
    case 'string':
      return value.length > 0 && value.length <= (f.maxLength ?? 200);
  }
}

/**
 * The first attribute of a report that its subcategory does not define or whose value is not valid for it, or
 * null when all are fine (no attributes is always fine). The workflow's `reported` step refuses such a report.
 */
export function badAttribute(subcategory: string, attributes: Readonly<Record<string, string>> | undefined): string | null {
  if (!attributes) return null;
  const fields = serviceFields(subcategory);
  for (const [code, value] of Object.entries(attributes)) {
    const f = fields.find((x) => x.code === code);
    if (!f || !validValue(f, value)) return code;
  }
  return null;
}

/** The required fields of a subcategory that `attributes` leaves out (checked for new Open311 reports only). */
export function missingRequired(subcategory: string, attributes: Readonly<Record<string, string>> | undefined): string[] {
  return serviceFields(subcategory)
    .filter((f) => f.required && attributes?.[f.code] === undefined)
    .map((f) => f.code);
}
