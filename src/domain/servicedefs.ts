/**
 * Service definitions (issue 13): the extra questions a report of some subcategories answers, with their words
 * (Chinese first, English second), which answers are required, and the names of list values. They are the Open311
 * service definition's `attributes` (GET services/<code>, server/open311.ts) and what a form would ask.
 *
 * The RULES a report's attributes must follow (codes, value keys, number ranges, text lengths) are in
 * servicefields.ts, which the workflow's `reported` step imports (it is in every device's initial bundle, so it
 * holds no words); this file describes the same fields for people. Both are APPEND-ONLY (see servicefields.ts);
 * tests/unit/domain/servicefields.test.ts checks that they describe the same fields.
 *  - `required` is checked only where a new report is made through Open311 (`missingRequired`), never by the step:
 *    a field made required later must not refuse reports made before.
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

/** The required fields of a subcategory that `attributes` leaves out (checked for new Open311 reports only). */
export function missingRequired(subcategory: string, attributes: Readonly<Record<string, string>> | undefined): string[] {
  return serviceFields(subcategory)
    .filter((f) => f.required && attributes?.[f.code] === undefined)
    .map((f) => f.code);
}
