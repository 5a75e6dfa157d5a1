import { describe, expect, it } from 'vitest';
import { formatHlc, hlcMs, HybridClock, initialHlc, parseHlc, receive, tick, type HlcState } from '../../../src/domain/hlc.ts';
import { seededRandom } from '../../../src/domain/ids.ts';

const T = 1_764_345_600_000;

describe('hlc format and parse', () => {
  it('formats with a 13-digit ms, a 4-digit counter and the node', () => {
    expect(formatHlc({ ms: T, counter: 3, node: 'dev-a1' })).toBe('1764345600000:0003:dev-a1');
    expect(formatHlc({ ms: 5, counter: 0, node: 'x' })).toBe('0000000000005:0000:x');
    expect(formatHlc({ ms: T, counter: 9999, node: 'A_b-9' })).toBe('1764345600000:9999:A_b-9');
  });

  it('parses what it formats', () => {
    const s: HlcState = { ms: T, counter: 42, node: 'phone_7' };
    expect(parseHlc(formatHlc(s))).toEqual(s);
    expect(hlcMs(formatHlc(s))).toBe(T);
  });

  it.each([
    ['', 'empty'],
    ['176434560000:0001:a', '12-digit ms'],
    ['17643456000000:0001:a', '14-digit ms'],
    ['1764345600000:001:a', '3-digit counter'],
    ['1764345600000:00001:a', '5-digit counter'],
    ['1764345600000:0001:', 'empty node'],
    ['1764345600000:0001:a:b', 'colon in node'],
    ['1764345600000:0001:a b', 'space in node'],
    ['1764345600000:0001:' + 'n'.repeat(41), 'node too long'],
    ['2025-06-01T00:00:00Z', 'ISO date'],
    [' 1764345600000:0001:a', 'leading space'],
  ])('rejects %j (%s)', (ts) => {
    expect(parseHlc(ts)).toBeNull();
  });

  it('accepts a 40-character node', () => {
    expect(parseHlc(`${T}:0000:${'n'.repeat(40)}`)?.node).toHaveLength(40);
  });

  it('refuses a bad node id for a new clock', () => {
    expect(() => initialHlc('a:b')).toThrow();
    expect(() => initialHlc('')).toThrow();
    expect(initialHlc('dev-1')).toEqual({ ms: 0, counter: 0, node: 'dev-1' });
  });
});

describe('hlc tick', () => {
  it('follows the wall clock when it moves forward', () => {
    const s = tick({ ms: T, counter: 7, node: 'a' }, T + 10);
    expect(s).toEqual({ ms: T + 10, counter: 0, node: 'a' });
  });

  it('strictly increases when the wall clock stands still', () => {
    let s = initialHlc('a');
    const seen: string[] = [];
    for (let i = 0; i < 50; i++) {
      s = tick(s, T);
      seen.push(formatHlc(s));
    }
    expect(seen[0]).toBe(`${T}:0000:a`);
    expect(seen[49]).toBe(`${T}:0049:a`);
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
  });

  it('strictly increases when the wall clock goes back, keeping the highest ms seen', () => {
    let s = tick(initialHlc('a'), T + 60_000);
    const before = formatHlc(s);
    s = tick(s, T); // clock set back a minute
    expect(s).toEqual({ ms: T + 60_000, counter: 1, node: 'a' });
    expect(formatHlc(s) > before).toBe(true);
  });

  it('moves into the next millisecond when the counter overflows', () => {
    const s = tick({ ms: T, counter: 9999, node: 'a' }, T);
    expect(s).toEqual({ ms: T + 1, counter: 0, node: 'a' });
    expect(formatHlc(s) > formatHlc({ ms: T, counter: 9999, node: 'a' })).toBe(true);
    // and the wall clock catching up to that millisecond still increases
    expect(tick(s, T + 1)).toEqual({ ms: T + 1, counter: 1, node: 'a' });
  });

  it('ignores fractions of a millisecond', () => {
    expect(tick(initialHlc('a'), T + 0.9)).toEqual({ ms: T, counter: 0, node: 'a' });
  });
});

describe('hlc receive', () => {
  it('orders a local event after a remote one from a clock that runs ahead', () => {
    const remote = formatHlc({ ms: T + 5_000, counter: 3, node: 'b' });
    const s = receive({ ms: T, counter: 0, node: 'a' }, remote, T + 10);
    expect(s).toEqual({ ms: T + 5_000, counter: 4, node: 'a' });
    const next = formatHlc(tick(s, T + 20));
    expect(next > remote).toBe(true);
  });

  it('takes the larger counter when local and remote share a millisecond', () => {
    const s = receive({ ms: T, counter: 2, node: 'a' }, formatHlc({ ms: T, counter: 8, node: 'b' }), T - 100);
    expect(s).toEqual({ ms: T, counter: 9, node: 'a' });
    const s2 = receive({ ms: T, counter: 8, node: 'a' }, formatHlc({ ms: T, counter: 2, node: 'b' }), T - 100);
    expect(s2).toEqual({ ms: T, counter: 9, node: 'a' });
  });

  it('keeps the local clock when it is ahead of the remote', () => {
    const s = receive({ ms: T + 100, counter: 4, node: 'a' }, formatHlc({ ms: T, counter: 9, node: 'b' }), T);
    expect(s).toEqual({ ms: T + 100, counter: 5, node: 'a' });
  });

  it('resets the counter when the wall clock is ahead of both', () => {
    const s = receive({ ms: T, counter: 4, node: 'a' }, formatHlc({ ms: T + 1, counter: 9, node: 'b' }), T + 50);
    expect(s).toEqual({ ms: T + 50, counter: 0, node: 'a' });
  });

  it('overflows into the next millisecond after a remote with a full counter', () => {
    const remote = formatHlc({ ms: T, counter: 9999, node: 'b' });
    const s = receive({ ms: T, counter: 1, node: 'a' }, remote, T);
    expect(s).toEqual({ ms: T + 1, counter: 0, node: 'a' });
    expect(formatHlc(s) > remote).toBe(true);
  });

  it('ignores a malformed remote timestamp', () => {
    const s: HlcState = { ms: T, counter: 1, node: 'a' };
    expect(receive(s, 'garbage', T + 1_000)).toBe(s);
  });

  it('stamps every event after everything its node received (random three-node run, skewed clocks)', () => {
    const rnd = seededRandom(12345);
    const skew = [0, 7_000, -4_000];
    const nodes = ['a', 'b', 'c'].map((n) => ({ state: initialHlc(n), seen: '' }));
    let wall = T;
    const log: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      wall += Math.floor(rnd.next() * 3); // often the same millisecond
      if (rnd.next() < 0.05) wall -= 500; // and sometimes a clock step back
      const k = Math.floor(rnd.next() * 3);
      const node = nodes[k]!;
      if (log.length > 0 && rnd.next() < 0.5) {
        const remote = log[Math.floor(rnd.next() * log.length)]!;
        node.state = receive(node.state, remote, wall + skew[k]!);
        if (remote > node.seen) node.seen = remote;
      }
      node.state = tick(node.state, wall + skew[k]!);
      const ts = formatHlc(node.state);
      expect(parseHlc(ts)).not.toBeNull();
      expect(ts > node.seen).toBe(true); // causally after everything this node has seen, itself included
      node.seen = ts;
      log.push(ts);
    }
  });
});

describe('hlc string order is causal order', () => {
  it('compares as strings exactly as (ms, counter, node) compare as numbers', () => {
    const rnd = seededRandom(99);
    const states: HlcState[] = [];
    for (let i = 0; i < 400; i++) {
      states.push({
        ms: Math.floor(rnd.next() * 2) === 0 ? T + Math.floor(rnd.next() * 3) : Math.floor(rnd.next() * 1e13),
        counter: Math.floor(rnd.next() * 3) === 0 ? Math.floor(rnd.next() * 3) : Math.floor(rnd.next() * 10_000),
        node: ['a', 'b', 'dev-1', 'z9'][Math.floor(rnd.next() * 4)]!,
      });
    }
    const tuple = (a: HlcState, b: HlcState) => a.ms - b.ms || a.counter - b.counter || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
    const byTuple = [...states].sort(tuple).map(formatHlc);
    const byString = states.map(formatHlc).sort();
    expect(byString).toEqual(byTuple);
  });
});

describe('HybridClock', () => {
  it('reads the injected wall clock and observes remote stamps', () => {
    let wall = T;
    const clock = new HybridClock('dev', () => wall);
    const a = clock.now();
    const b = clock.now();
    expect(a).toBe(`${T}:0000:dev`);
    expect(b).toBe(`${T}:0001:dev`);
    clock.observe(`${T + 9_000}:0005:other`);
    wall = T + 1;
    const c = clock.now();
    expect(c).toBe(`${T + 9_000}:0007:dev`);
    expect(c > `${T + 9_000}:0005:other`).toBe(true);
  });
});
