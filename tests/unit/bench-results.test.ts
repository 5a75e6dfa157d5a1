import { describe, expect, it } from 'vitest';
import { exitStatus, failureSummary, figure, missing, peerFailures, table } from '../../bench/lib/results.ts';

// Issue 19: a benchmark whose peer failed printed "0 budget misses" and exited 0. A failed figure (its value or its
// reference not measured) must be pass=false, FAILED in the table and a non-zero exit; a budget miss stays a finding.

const row = (markdown: string, name: string) => markdown.split('\n').find((l) => l.startsWith(`| ${name} |`))!;

describe('bench results: failed figures', () => {
  it('a figure whose reference failed is failed, not passed, even within its budget', () => {
    const failed = peerFailures({ hocuspocus: 'Error: hocuspocus exited with 1: Could not locate the bindings file', 'bare relay': null });
    const r = figure({ name: 'relay: RSS', value: 100, unit: 'MB', budget: '<= 256', reference: null, failed });
    expect(r.pass).toBe(false);
    expect(r.failed).toBe('reference hocuspocus failed: Error: hocuspocus exited with 1: Could not locate the bindings file');
    const line = row(table([r]), 'relay: RSS');
    expect(line).toContain('**FAILED**: reference hocuspocus failed');
    expect(line).not.toMatch(/\| pass \|$|\*\*MISS\*\*/);
    expect(exitStatus([r])).toBe(1);
  });

  it('a figure without a budget fails too when its reference failed', () => {
    const r = figure({ name: 'relay: memory per connection', value: 3, unit: 'KB', reference: null, failed: 'reference hocuspocus failed: x' });
    expect(r.pass).toBe(false);
    expect(row(table([r]), 'relay: memory per connection')).toContain('**FAILED**');
  });

  it('a figure that could not be measured is failed whether or not it has a budget', () => {
    const a = missing('sync: first sync', 'kB', null, 'gridlink relay exited with 1');
    const b = figure({ name: 'storm', value: NaN, unit: 's', budget: '<= 30', note: '900/1000 synced' });
    expect(a).toMatchObject({ value: null, pass: false, failed: 'gridlink relay exited with 1' });
    expect(b).toMatchObject({ value: null, pass: false, failed: '900/1000 synced' });
    expect(exitStatus([a])).toBe(1);
    expect(exitStatus([b])).toBe(1);
  });

  it('a reference that was due but is not a number fails the figure; a figure without one does not', () => {
    expect(figure({ name: 'p99', value: 5, unit: 'ms', budget: '<= 50', reference: NaN }).failed).toMatch(/reference not measured/);
    expect(figure({ name: 'p99', value: 5, unit: 'ms', budget: '<= 50', reference: null })).toMatchObject({ pass: true });
    expect(figure({ name: 'p99', value: 5, unit: 'ms', budget: '<= 50' }).failed).toBeUndefined();
  });

  it('a budget miss is a MISS and a finding: exit 0', () => {
    const miss = figure({ name: 'bundle: initial JS gzip', value: 104.7, unit: 'kB', budget: '<= 100', reference: 65.9 });
    const ok = figure({ name: 'relay: p99', value: 6, unit: 'ms', budget: '<= 50', reference: 5 });
    expect(miss).toMatchObject({ pass: false });
    expect(miss.failed).toBeUndefined();
    const md = table([miss, ok]);
    expect(row(md, 'bundle: initial JS gzip')).toMatch(/\| \*\*MISS\*\* \|$/);
    expect(row(md, 'relay: p99')).toMatch(/\| pass \|$/);
    expect(md).not.toContain('FAILED');
    expect(exitStatus([miss, ok])).toBe(0);
    expect(failureSummary([miss, ok])).toBe('');
  });

  it('one failed figure among passing ones makes the run fail', () => {
    const ok = figure({ name: 'a', value: 1, unit: 'ms', budget: '<= 2' });
    const bad = figure({ name: 'b', value: 1, unit: 'ms', budget: '<= 2', failed: 'reference PouchDB/pouchdb-server failed: timeout' });
    expect(exitStatus([ok, ok, bad])).toBe(1);
    expect(exitStatus([ok, ok])).toBe(0);
    expect(exitStatus([])).toBe(0);
  });

  it('peers that did not fail (or were left out on purpose) add nothing', () => {
    expect(peerFailures({ hocuspocus: null, 'bare relay': undefined, pouchdb: '' })).toBeUndefined();
    expect(peerFailures({ a: 'x', b: 'y' })).toBe('reference a failed: x; reference b failed: y');
  });

  it('a long multi-line reason stays on its table row', () => {
    const stderr = `Error: hocuspocus exited with 1: file:///x.js:1\n  throw err | ^\n${'Tried: → /a/b/node_sqlite3.node\n'.repeat(40)}`;
    const md = table([figure({ name: 'relay: RSS', value: 1, unit: 'MB', failed: `reference hocuspocus failed: ${stderr}` })]);
    expect(md.split('\n')).toHaveLength(3);
    const line = row(md, 'relay: RSS');
    expect(line.length).toBeLessThan(400);
    expect(line).toContain('throw err \\| ^');
  });

  it('the summary names each reason once with the figures it failed', () => {
    const why = 'reference hocuspocus failed: exited with 1';
    const s = failureSummary([
      figure({ name: 'relay: RSS', value: 1, unit: 'MB', failed: why }),
      figure({ name: 'relay: p99', value: 1, unit: 'ms', failed: why }),
      figure({ name: 'relay: fine', value: 1, unit: 'ms' }),
      missing('page load: bare-stack reference', 'points', null, 'chromium crashed'),
    ]);
    expect(s.split('\n')).toEqual([
      'FAILED: 3 figures could not be measured as specified (exit 1):',
      `  ${why}`,
      '    - relay: RSS',
      '    - relay: p99',
      '  chromium crashed',
      '    - page load: bare-stack reference',
    ]);
  });
});
