/**
 * How a case came in (citizens.ts re-exports it): in a module of its own, without citizens.ts's schemas (valibot),
 * because the read model's queues need it on the first screen.
 */
import type { ProxyVia } from './citizens.ts';

/** How a case came in, for the 考核's channel counts. */
export const REPORT_CHANNELS = ['staff', 'resident_app', 'open311', 'proxy_phone', 'proxy_visit', 'proxy_in_person', 'api'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

export function reportChannel(c: { channel?: 'app' | 'api' | 'open311'; onBehalf?: { via: ProxyVia }; reporterRole?: string }): ReportChannel {
  if (c.channel === 'open311') return 'open311';
  if (c.onBehalf) return `proxy_${c.onBehalf.via}`;
  if (c.reporterRole === 'resident') return 'resident_app';
  if (c.channel === 'api') return 'api';
  return 'staff';
}
