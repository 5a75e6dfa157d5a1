/**
 * Figure 7, demo county: how long `npm start` takes on a fresh DATA_DIR (demo generation, seeding the SQLite store,
 * the grid boundaries) and how big the store is afterwards. The generator alone is the same-run reference.
 * Median of `runs`, each in a new temporary directory.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/app.ts';
import { generateDemo } from '../../server/demo/generate.ts';
import { quietLogger } from '../../server/log.ts';
import { figure, type Result } from '../lib/results.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function demoFigure(opts: { runs: number; log: (m: string) => void }): Promise<Result[]> {
  const gen: number[] = [];
  const start: number[] = [];
  let bytes = 0;
  for (let i = 0; i < opts.runs; i++) {
    let t = performance.now();
    generateDemo({ nowMs: Date.now() });
    gen.push(performance.now() - t);
    const dir = mkdtempSync(join(tmpdir(), 'gridlink-bench-demo-'));
    try {
      t = performance.now();
      const server = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger, staticDir: join(dir, 'no-app') });
      start.push(performance.now() - t);
      await server.close();
      bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    opts.log(`demo run ${i + 1}: generate ${gen.at(-1)!.toFixed(0)} ms, first start ${start.at(-1)!.toFixed(0)} ms`);
  }
  return [
    figure({ name: 'demo: first start with a fresh DATA_DIR (seed + boundaries)', value: median(start), unit: 'ms', budget: '<= 5000', reference: median(gen), note: 'reference: generating the demo county alone' }),
    figure({ name: 'demo: store size after the first start', value: bytes / 1e6, unit: 'MB' }),
  ];
}
