/**
 * The forms of the reference data editor (issue 15), one per kind of item. Each holds its values as typed and, on
 * 保存, hands them to the screen with the check of check.ts already made (`onSave(kind, checked)`): the screen shows
 * the problems at their fields, or writes the item. An existing item's id and what may never change (a village's
 * town, a grid's town, a subcategory's major) are shown as text, with the reason.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Grid, MajorCategory, OrgData, Plan, Priority, Subcategory, Town, Unit, Village } from '../../domain/org.ts';
import { MAX_DUE_DAYS, MAX_DUE_HOURS, MAX_STEPS } from '../../domain/refchanges.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import {
  checkCategory,
  checkGrid,
  checkPlan,
  checkSubcategory,
  checkTown,
  checkUnit,
  checkVillage,
  EXAMPLE,
  MAX_UNITS,
  suggestId,
  unitsFor,
  type Checked,
  type Errors,
  type Item,
  type Kind,
} from './check.ts';

export interface FormProps<T> {
  org: OrgData;
  /** The item edited; null for a new one. */
  item: T | null;
  /** A new item's parent chosen beforehand (a village's town, a subcategory's major), or the list's filter. */
  parent?: string;
  errors: Errors;
  busy: boolean;
  onSave(checked: Checked<Item>): void;
  onCancel(): void;
}

/** An input with its label, hint and error (Field), wired for screen readers. */
function Input({
  id,
  label,
  hint,
  error,
  value,
  set,
  max,
  mode,
  lang,
}: {
  id: string;
  label: string;
  hint?: ComponentChildren;
  error?: string;
  value: string;
  set(v: string): void;
  max?: number;
  mode?: 'decimal' | 'numeric';
  lang?: string;
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        type="text"
        value={value}
        maxLength={max}
        inputMode={mode}
        lang={lang}
        autoComplete="off"
        spellcheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </Field>
  );
}

function Select({ id, label, hint, error, value, set, children }: { id: string; label: string; hint?: ComponentChildren; error?: string; value: string; set(v: string): void; children: ComponentChildren }) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select id={id} value={value} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} onChange={(e) => set(e.currentTarget.value)}>
        {children}
      </select>
    </Field>
  );
}

/** A fixed value of an existing item (its id, its town): text, with why it cannot change. */
function Fixed({ label, value, why, lang }: { label: string; value: string; why?: string; lang?: string }) {
  return (
    <div class="field ref-fixed">
      <span class="ref-fixed-label">{label}</span>
      <span class="ref-fixed-value" lang={lang}>
        {value}
      </span>
      {why ? <p class="hint">{why}</p> : null}
    </div>
  );
}

function IdField({ kind, item, value, set, error, label = t('ref.f.id') }: { kind: Kind; item: Item | null; value: string; set(v: string): void; error?: string; label?: string }) {
  if (item) return <Fixed label={label} value={value} lang="en" />;
  return <Input id="ref-id" label={label} hint={t('ref.f.idHint', { example: EXAMPLE[kind] })} error={error} value={value} set={set} max={8} lang="en" />;
}

function Buttons({ busy, onCancel, errors }: { busy: boolean; onCancel(): void; errors: Errors }) {
  return (
    <>
      <Alert tone="error">{errors.form}</Alert>
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('ref.saving') : t('ref.save')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('ref.cancel')}
        </button>
      </div>
    </>
  );
}

function Form({ onSubmit, children }: { onSubmit(): void; children: ComponentChildren }) {
  return (
    <form
      class="form ref-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

const nameOf = (list: readonly { id?: string; code?: string; name: string }[], key: string) => list.find((x) => (x.id ?? x.code) === key)?.name ?? key;
const activeOr = <T extends { retired?: true }>(list: readonly T[], keep: (x: T) => boolean) => list.filter((x) => !x.retired || keep(x));

function Center({ v, set, errors }: { v: { lng: string; lat: string }; set(p: { lng?: string; lat?: string }): void; errors: Errors }) {
  return (
    <div class="two-cols">
      <Input id="ref-lng" label={t('ref.f.lng')} hint={t('ref.f.centerHint')} error={errors.lng} value={v.lng} set={(lng) => set({ lng })} mode="decimal" max={20} lang="en" />
      <Input id="ref-lat" label={t('ref.f.lat')} error={errors.lat} value={v.lat} set={(lat) => set({ lat })} mode="decimal" max={20} lang="en" />
    </div>
  );
}

export function TownForm({ org, item, errors, busy, onSave, onCancel }: FormProps<Town>) {
  const [v, setV] = useState(() => ({ id: item?.id ?? suggestId('town', org), name: item?.name ?? '', nameEn: item?.nameEn ?? '', lng: item ? String(item.center[0]) : '', lat: item ? String(item.center[1]) : '' }));
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  return (
    <Form onSubmit={() => onSave(checkTown(v, org, item))}>
      <IdField kind="town" item={item} value={v.id} set={(id) => set({ id })} error={errors.id} />
      <div class="two-cols">
        <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={40} />
        <Input id="ref-nameEn" label={t('ref.f.nameEn')} error={errors.nameEn} value={v.nameEn} set={(nameEn) => set({ nameEn })} max={80} lang="en" />
      </div>
      <Center v={v} set={set} errors={errors} />
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}

export function VillageForm({ org, item, parent, errors, busy, onSave, onCancel }: FormProps<Village>) {
  const [v, setV] = useState(() => {
    const townId = item?.townId ?? parent ?? '';
    return { id: item?.id ?? suggestId('village', org, townId), townId, name: item?.name ?? '', kind: item?.kind ?? ('village' as Village['kind']) };
  });
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  return (
    <Form onSubmit={() => onSave(checkVillage(v, org, item))}>
      {item ? (
        <Fixed label={t('ref.f.town')} value={nameOf(org.towns, item.townId)} why={t('ref.f.townFixed')} />
      ) : (
        <Select
          id="ref-town"
          label={t('ref.f.town')}
          error={errors.townId}
          value={v.townId}
          // A new town: the id suggested for it (the user's own id is kept when it was not the suggestion).
          set={(townId) => set({ townId, id: v.id === suggestId('village', org, v.townId) ? suggestId('village', org, townId) : v.id })}
        >
          <option value="">{t('ref.e.pick', { field: t('ref.f.town') })}</option>
          {activeOr(org.towns, () => false).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </Select>
      )}
      <IdField kind="village" item={item} value={v.id} set={(id) => set({ id })} error={errors.id} />
      <div class="two-cols">
        <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={40} />
        <Select id="ref-kind" label={t('ref.f.kind')} value={v.kind} set={(kind) => set({ kind: kind as Village['kind'] })}>
          <option value="village">{t('ref.kind.village')}</option>
          <option value="community">{t('ref.kind.community')}</option>
        </Select>
      </div>
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}

export function GridForm({ org, item, parent, errors, busy, onSave, onCancel }: FormProps<Grid>) {
  const [v, setV] = useState(() => ({
    id: item?.id ?? suggestId('grid', org),
    townId: item?.townId ?? parent ?? '',
    villageId: item?.villageId ?? '',
    name: item?.name ?? '',
    workerId: item?.workerId ?? '',
    lng: item ? String(item.center[0]) : '',
    lat: item ? String(item.center[1]) : '',
  }));
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  const villages = activeOr(
    org.villages.filter((x) => x.townId === v.townId),
    (x) => x.id === item?.villageId,
  );
  const workers = org.users.filter((u) => u.role === 'worker' || u.id === item?.workerId);
  return (
    <Form onSubmit={() => onSave(checkGrid(v, org, item))}>
      <IdField kind="grid" item={item} value={v.id} set={(id) => set({ id })} error={errors.id} />
      <div class="two-cols">
        {item ? (
          <Fixed label={t('ref.f.town')} value={nameOf(org.towns, item.townId)} why={t('ref.f.townFixed')} />
        ) : (
          <Select id="ref-town" label={t('ref.f.town')} error={errors.townId} value={v.townId} set={(townId) => set({ townId, villageId: '' })}>
            <option value="">{t('ref.e.pick', { field: t('ref.f.town') })}</option>
            {activeOr(org.towns, () => false).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        )}
        <Select id="ref-village" label={t('ref.f.village')} hint={item ? t('ref.f.villageHint') : undefined} error={errors.villageId} value={v.villageId} set={(villageId) => set({ villageId })}>
          <option value="">{t('ref.e.pick', { field: t('ref.f.village') })}</option>
          {villages.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
              {x.retired ? `（${t('ref.retired')}）` : ''}
            </option>
          ))}
        </Select>
      </div>
      <div class="two-cols">
        <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={60} />
        <Select id="ref-worker" label={t('ref.f.worker')} error={errors.workerId} value={v.workerId} set={(workerId) => set({ workerId })}>
          <option value="">{t('ref.f.workerNone')}</option>
          {workers.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
              {u.gridId ? ` · ${u.gridId}` : ''}
            </option>
          ))}
        </Select>
      </div>
      <Center v={v} set={set} errors={errors} />
      <p class="hint">
        <a href="#/geo">{t('ref.f.geoLink')}</a>
      </p>
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}

/** A major (parent '' and item a major) or a subcategory (a parent major, or an item with `major`). */
export function CategoryForm({ org, item, parent, errors, busy, onSave, onCancel, sub }: FormProps<MajorCategory | Subcategory> & { sub: boolean }) {
  const [v, setV] = useState(() => {
    const major = item && 'major' in item ? item.major : (parent ?? '');
    return { code: item?.code ?? (sub ? suggestId('subcategory', org, major) : suggestId('category', org)), major, name: item?.name ?? '', nameEn: item?.nameEn ?? '' };
  });
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  return (
    <Form onSubmit={() => onSave(sub ? checkSubcategory(v, org, item as Subcategory | null) : checkCategory(v, org, item as MajorCategory | null))}>
      {sub ? (
        item ? (
          <Fixed label={t('ref.f.major')} value={nameOf(org.categories, v.major)} why={t('ref.f.majorFixed')} />
        ) : (
          <Select
            id="ref-major"
            label={t('ref.f.major')}
            error={errors.major}
            value={v.major}
            set={(major) => set({ major, code: v.code === suggestId('subcategory', org, v.major) ? suggestId('subcategory', org, major) : v.code })}
          >
            <option value="">{t('ref.e.pick', { field: t('ref.f.major') })}</option>
            {activeOr(org.categories, () => false).map((x) => (
              <option key={x.code} value={x.code}>
                {x.code} {x.name}
              </option>
            ))}
          </Select>
        )
      ) : null}
      {item ? (
        <Fixed label={t('ref.f.id')} value={v.code} lang="en" />
      ) : (
        <Input id="ref-code" label={t('ref.f.id')} hint={t('ref.f.idHint', { example: EXAMPLE[sub ? 'subcategory' : 'category'] })} error={errors.code} value={v.code} set={(code) => set({ code })} max={4} mode="numeric" lang="en" />
      )}
      <div class="two-cols">
        <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={40} />
        <Input id="ref-nameEn" label={t('ref.f.nameEn')} error={errors.nameEn} value={v.nameEn} set={(nameEn) => set({ nameEn })} max={80} lang="en" />
      </div>
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}

const PRIORITIES: Priority[] = ['urgent', 'high', 'normal'];

export function PlanForm({ org, item, parent, errors, busy, onSave, onCancel }: FormProps<Plan>) {
  const [v, setV] = useState(() => ({
    id: item?.id ?? suggestId('plan', org),
    category: item?.category ?? '',
    name: item?.name ?? '',
    priority: item?.priority ?? ('normal' as Priority),
    dueIn: item?.dueIn === 'working_days' ? ('working_days' as const) : ('hours' as const),
    dueHours: item ? String(item.dueHours) : '',
    dueDays: item?.dueDays ? String(item.dueDays) : '',
    unitIds: item?.unitIds ?? [],
    steps: item?.steps.length ? item.steps : [''],
    afterPhoto: item?.afterPhoto ?? false,
  }));
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  const had = item?.unitIds ?? [];
  const units = unitsFor(org, v.category, had);
  const major = org.subcategories.find((s) => s.code === v.category)?.major;
  const majors = activeOr(org.categories, (c) => c.code === major || c.code === parent);
  const subs = (code: string) => activeOr(
    org.subcategories.filter((s) => s.major === code),
    (s) => s.code === item?.category,
  );
  const setStep = (i: number, s: string) => set({ steps: v.steps.map((x, j) => (j === i ? s : x)) });
  const move = (i: number, d: -1 | 1) => {
    const steps = [...v.steps];
    [steps[i], steps[i + d]] = [steps[i + d]!, steps[i]!];
    set({ steps });
    // Focus follows the step moved, so a keyboard user can move it again.
    requestAnimationFrame(() => document.getElementById(`ref-step-${i + d}`)?.focus());
  };
  return (
    <Form onSubmit={() => onSave(checkPlan(v, org, item))}>
      <p class="ref-version" id="ref-version">
        {item ? t('ref.planVersion', { n: item.version ?? 1, next: (item.version ?? 1) + 1 }) : t('ref.planVersionNew')}
      </p>
      <IdField kind="plan" item={item} value={v.id} set={(id) => set({ id })} error={errors.id} />
      <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={60} />
      <div class="two-cols">
        <Select
          id="ref-sub"
          label={t('ref.f.sub')}
          error={errors.category}
          value={v.category}
          // Another major: units that do not handle it leave the choice (the list shows only those that do).
          set={(category) => set({ category, unitIds: v.unitIds.filter((u) => unitsFor(org, category, had).some((x) => x.id === u)) })}
        >
          <option value="">{t('ref.e.pick', { field: t('ref.f.sub') })}</option>
          {majors.map((m) => (
            <optgroup key={m.code} label={m.name}>
              {subs(m.code).map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} {s.name}
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
        <Select id="ref-priority" label={t('ref.f.priority')} value={v.priority} set={(priority) => set({ priority: priority as Priority })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </Select>
      </div>
      <fieldset class="ref-due">
        <legend>{t('ref.f.dueIn')}</legend>
        <div class="ref-radios">
          {(['hours', 'working_days'] as const).map((d) => (
            <label key={d} class="ref-check">
              <input type="radio" name="ref-duein" value={d} checked={v.dueIn === d} onChange={() => set({ dueIn: d })} />
              {t(d === 'hours' ? 'ref.f.dueInHours' : 'ref.f.dueInDays')}
            </label>
          ))}
        </div>
        {v.dueIn === 'hours' ? (
          <Input id="ref-dueHours" label={t('ref.f.dueHours')} hint={`1–${MAX_DUE_HOURS}`} error={errors.dueHours} value={v.dueHours} set={(dueHours) => set({ dueHours })} mode="numeric" max={5} lang="en" />
        ) : (
          <Input id="ref-dueDays" label={t('ref.f.dueDays')} hint={`1–${MAX_DUE_DAYS}`} error={errors.dueDays} value={v.dueDays} set={(dueDays) => set({ dueDays })} mode="numeric" max={3} lang="en" />
        )}
      </fieldset>
      <fieldset class="ref-units" aria-describedby={errors.unitIds ? 'ref-units-error' : undefined}>
        <legend>{t('ref.f.units', { max: MAX_UNITS })}</legend>
        {!v.category ? (
          <p class="hint">{t('ref.f.unitsPickSub')}</p>
        ) : units.length === 0 ? (
          <p class="hint">{t('ref.f.unitsNone')}</p>
        ) : (
          <>
            <p class="hint">{t('ref.f.unitsHint', { major: nameOf(org.categories, major ?? '') })}</p>
            <div class="ref-checks">
              {units.map((u) => {
                const on = v.unitIds.includes(u.id);
                const pos = v.unitIds.indexOf(u.id);
                return (
                  <label key={u.id} class="ref-check">
                    <input type="checkbox" checked={on} onChange={() => set({ unitIds: on ? v.unitIds.filter((x) => x !== u.id) : [...v.unitIds, u.id] })} />
                    <span>
                      {on ? <span class="ref-order">{pos + 1}</span> : null}
                      {u.name}
                      {u.retired ? (
                        <>
                          {' '}
                          <Badge tone="grey">{t('ref.retired')}</Badge>
                        </>
                      ) : null}
                    </span>
                  </label>
                );
              })}
            </div>
          </>
        )}
        {errors.unitIds ? (
          <p class="field-error" id="ref-units-error">
            {errors.unitIds}
          </p>
        ) : null}
      </fieldset>
      <fieldset class="ref-steps" aria-describedby={errors.steps ? 'ref-steps-error' : undefined}>
        <legend>{t('ref.f.steps', { max: MAX_STEPS })}</legend>
        <ol class="ref-step-list">
          {v.steps.map((s, i) => (
            <li key={i} class="ref-step">
              <Field id={`ref-step-${i}`} label={t('ref.f.step', { n: i + 1 })} error={errors[`step${i}`]}>
                <input
                  id={`ref-step-${i}`}
                  type="text"
                  value={s}
                  maxLength={200}
                  aria-invalid={errors[`step${i}`] ? true : undefined}
                  aria-describedby={describedBy(`ref-step-${i}`, false, errors[`step${i}`])}
                  onInput={(e) => setStep(i, e.currentTarget.value)}
                />
              </Field>
              <div class="ref-step-tools">
                <button type="button" class="btn btn-icon" aria-label={t('ref.f.stepUp', { n: i + 1 })} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" class="btn btn-icon" aria-label={t('ref.f.stepDown', { n: i + 1 })} disabled={i === v.steps.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button
                  type="button"
                  class="btn btn-icon"
                  aria-label={t('ref.f.stepRemove', { n: i + 1 })}
                  onClick={() => {
                    set({ steps: v.steps.filter((_, j) => j !== i) });
                    requestAnimationFrame(() => document.getElementById(`ref-step-${Math.max(0, i - 1)}`)?.focus() ?? document.getElementById('ref-step-add')?.focus());
                  }}
                >
                  ✕
                </button>
              </div>
            </li>
          ))}
        </ol>
        {errors.steps ? (
          <p class="field-error" id="ref-steps-error">
            {errors.steps}
          </p>
        ) : null}
        <button
          type="button"
          id="ref-step-add"
          class="btn"
          disabled={v.steps.length >= MAX_STEPS}
          onClick={() => {
            set({ steps: [...v.steps, ''] });
            requestAnimationFrame(() => document.getElementById(`ref-step-${v.steps.length}`)?.focus());
          }}
        >
          {t('ref.f.stepAdd')}
        </button>
      </fieldset>
      <label class="ref-check ref-photo">
        <input type="checkbox" checked={v.afterPhoto} onChange={(e) => set({ afterPhoto: e.currentTarget.checked })} />
        {t('ref.f.afterPhoto')}
      </label>
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}

export function UnitForm({ org, item, parent, errors, busy, onSave, onCancel }: FormProps<Unit>) {
  const [v, setV] = useState(() => ({
    id: item?.id ?? suggestId('unit', org),
    name: item?.name ?? '',
    level: item?.level ?? (parent ? ('town' as const) : ('county' as const)),
    townId: item?.townId ?? parent ?? '',
    categories: item?.categories ?? [],
  }));
  const set = (p: Partial<typeof v>) => setV((o) => ({ ...o, ...p }));
  return (
    <Form onSubmit={() => onSave(checkUnit(v, org, item))}>
      <IdField kind="unit" item={item} value={v.id} set={(id) => set({ id })} error={errors.id} />
      <Input id="ref-name" label={t('ref.f.name')} error={errors.name} value={v.name} set={(name) => set({ name })} max={60} />
      <div class="two-cols">
        <Select id="ref-level" label={t('ref.f.level')} value={v.level} set={(level) => set({ level: level as Unit['level'] })}>
          <option value="county">{t('ref.level.county')}</option>
          <option value="town">{t('ref.level.town')}</option>
        </Select>
        {v.level === 'town' ? (
          <Select id="ref-town" label={t('ref.f.unitTown')} error={errors.townId} value={v.townId} set={(townId) => set({ townId })}>
            <option value="">{t('ref.e.pick', { field: t('ref.f.unitTown') })}</option>
            {activeOr(org.towns, (x) => x.id === item?.townId).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        ) : null}
      </div>
      <fieldset class="ref-units" aria-describedby={errors.categories ? 'ref-cats-error' : undefined}>
        <legend>{t('ref.f.categories')}</legend>
        <div class="ref-checks">
          {activeOr(org.categories, (c) => item?.categories.includes(c.code) ?? false).map((c) => {
            const on = v.categories.includes(c.code);
            return (
              <label key={c.code} class="ref-check">
                <input type="checkbox" checked={on} onChange={() => set({ categories: on ? v.categories.filter((x) => x !== c.code) : [...v.categories, c.code] })} />
                {c.code} {c.name}
              </label>
            );
          })}
        </div>
        {errors.categories ? (
          <p class="field-error" id="ref-cats-error">
            {errors.categories}
          </p>
        ) : null}
      </fieldset>
      <Buttons busy={busy} onCancel={onCancel} errors={errors} />
    </Form>
  );
}
