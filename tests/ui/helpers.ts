/** Rendering helpers for the screens' tests (Preact + happy-dom, no testing library). */
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { setLang } from '../../src/app/i18n.ts';
import { WAIT_MS } from '../support/wait.ts';

export interface Mounted {
  root: HTMLElement;
  unmount(): void;
}

export async function mount(vnode: ComponentChild): Promise<Mounted> {
  const root = document.createElement('div');
  document.body.appendChild(root);
  await act(() => {
    render(vnode, root);
  });
  await settle();
  return {
    root,
    unmount() {
      render(null, root);
      root.remove();
    },
  };
}

/** Let pending promises, timers and re-renders run. */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }
}

/** Wait until a condition holds (async screens), failing with a clear message otherwise. */
export async function waitFor<T>(fn: () => T | null | undefined | false, what = 'condition', timeoutMs = WAIT_MS): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await settle(1);
  }
}

export function byText(root: ParentNode, selector: string, text: string | RegExp): HTMLElement | undefined {
  return Array.from(root.querySelectorAll<HTMLElement>(selector)).find((el) =>
    typeof text === 'string' ? (el.textContent ?? '').includes(text) : text.test(el.textContent ?? ''),
  );
}

export function mustFind<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`no element matches ${selector}`);
  return el;
}

export async function click(el: Element | undefined | null): Promise<void> {
  if (!el) throw new Error('click: no element');
  await act(() => {
    (el as HTMLElement).click();
  });
  await settle();
}

/** Type into an input or textarea (fires `input`, as a user would). */
export async function type(el: Element | undefined | null, value: string): Promise<void> {
  if (!el) throw new Error('type: no element');
  const input = el as HTMLInputElement;
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle();
}

/** Choose an option of a select (fires `change`). */
export async function choose(el: Element | undefined | null, value: string): Promise<void> {
  if (!el) throw new Error('choose: no element');
  const select = el as HTMLSelectElement;
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

export async function submit(form: Element | undefined | null): Promise<void> {
  if (!form) throw new Error('submit: no form');
  await act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

export async function resetLang(): Promise<void> {
  await setLang('zh');
  localStorage.clear();
}
