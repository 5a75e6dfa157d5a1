/**
 * Messages. `error` is announced at once (role="alert"); `info` and `success` politely (role="status").
 * Render the component before its message appears when possible, so screen readers notice the change.
 */
import type { ComponentChildren } from 'preact';

export type AlertTone = 'error' | 'info' | 'success' | 'warning';

export function Alert({ tone = 'info', children, id }: { tone?: AlertTone; children?: ComponentChildren; id?: string }) {
  const role = tone === 'error' ? 'alert' : 'status';
  return (
    <div id={id} role={role} class={children ? `alert alert-${tone}` : 'alert-empty'}>
      {children}
    </div>
  );
}
