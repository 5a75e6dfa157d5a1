import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Link, LinkHooks, Transport } from '../../../src/sync/link.ts';
import { lazyTransport, wsOriginOf } from '../../../src/sync/lazylink.ts';

/** A transport whose links record what was asked of them. */
function recording() {
  const made: Array<{ name: string; token: string; calls: string[]; link: Link; sync(): void }> = [];
  const transport: Transport = (name, _doc, token, hooks) => {
    const calls: string[] = [];
    let synced = false;
    let waiters: Array<() => void> = [];
    const rec = { name, token, calls } as (typeof made)[number];
    rec.link = {
      get state() {
        return synced ? 'connected' : 'connecting';
      },
      get synced() {
        return synced;
      },
      failures: 0,
      retrying: true,
      connect: () => calls.push('connect'),
      disconnect: () => calls.push('disconnect'),
      setToken: (t) => calls.push(`token:${t}`),
      whenSynced: () => (synced ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
      destroy: () => calls.push('destroy'),
    };
    rec.sync = () => {
      synced = true;
      for (const w of waiters) w();
      waiters = [];
      hooks.onChange();
    };
    made.push(rec);
    return rec.link;
  };
  return { made, transport };
}

const hooks = (): LinkHooks & { changes: number } => {
  const h = { changes: 0, onAck() {}, onRefused() {}, onUpgradeFailed() {}, onChange: () => void h.changes++ };
  return h;
};

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('lazyTransport', () => {
  it('loads the real transport once, then creates each link with the latest token and wanted state', async () => {
    const { made, transport } = recording();
    let loads = 0;
    const lazy = lazyTransport(async () => {
      loads++;
      await tick();
      return transport;
    });
    const h = hooks();
    const a = lazy('org', new Y.Doc(), 't1', h);
    const b = lazy('cases.t01.2026', new Y.Doc(), 't1', hooks());
    expect(a.state).toBe('connecting');
    expect(a.synced).toBe(false);
    a.setToken('t2');
    b.disconnect();
    const synced = a.whenSynced();
    await tick();
    await tick();
    expect(loads).toBe(1);
    expect(made.map((m) => [m.name, m.token])).toEqual([
      ['org', 't2'],
      ['cases.t01.2026', 't1'],
    ]);
    expect(made[1]!.calls).toEqual(['disconnect']);
    expect(h.changes).toBeGreaterThan(0);
    made[0]!.sync();
    await synced;
    expect(a.synced).toBe(true);
    a.destroy();
    expect(made[0]!.calls).toContain('destroy');
  });

  it('a link destroyed before the code loaded is never created', async () => {
    const { made, transport } = recording();
    const lazy = lazyTransport(async () => transport);
    lazy('org', new Y.Doc(), 't', hooks()).destroy();
    await tick();
    expect(made).toEqual([]);
  });

  it('a failed load leaves the link disconnected and is retried at the next connect', async () => {
    const { made, transport } = recording();
    let fail = true;
    const lazy = lazyTransport(async () => {
      if (fail) throw new Error('chunk missing');
      return transport;
    });
    const errors = console.error;
    console.error = () => {};
    try {
      const link = lazy('org', new Y.Doc(), 't', hooks());
      await tick();
      expect(link.state).toBe('disconnected');
      expect(link.retrying).toBe(false);
      expect(made).toEqual([]);
      fail = false;
      link.connect();
      await tick();
      expect(made.map((m) => m.name)).toEqual(['org']);
    } finally {
      console.error = errors;
    }
  });

  it('maps http origins to websocket origins', () => {
    expect(wsOriginOf('http://127.0.0.1:8080/app')).toBe('ws://127.0.0.1:8080');
    expect(wsOriginOf('https://grid.example.cn')).toBe('wss://grid.example.cn');
  });
});
