/**
 * A labelled form field: label, the control (passed as children), an optional hint and error.
 * The control must carry `id={id}` and `aria-describedby={describedBy(id, hint, error)}`;
 * `aria-invalid` is the caller's to set from `error`.
 */
import type { ComponentChildren } from 'preact';

export function describedBy(id: string, hint?: unknown, error?: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export interface FieldProps {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}

export function Field({ id, label, hint, error, children, class: cls }: FieldProps) {
  return (
    <div class={cls ? `field ${cls}` : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
