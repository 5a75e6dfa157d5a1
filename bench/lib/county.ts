/**
 * The county-sized relay data set shared by the page-load, warm-start, sync and relay figures: the demo county's
 * reference data, town t01 with 2,000 cases (about 11,000 events: the grid worker w0001's town) and every other
 * town with `perTown` cases (1,540 each: about 20,000 cases in the county), all in `cases.<town>.<BENCH_YEAR>`.
 */
import type { CaseEvent } from '../../src/domain/events.ts';
import { casesDocName } from '../../src/domain/docs.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { BENCH_YEAR, benchOrg, generateCases } from './data.ts';
import { makeDataDir } from './datadir.ts';

export const WORKER = 'w0001';
export const WORKER_TOWN = 't01';
export const WORKER_DOC = casesDocName(WORKER_TOWN, BENCH_YEAR);

export interface CountyData {
  org: OrgData;
  events: CaseEvent[];
  dataDir: string;
  /** Cases in the worker's town doc. */
  workerCases: number;
}

export async function countyData(opts: { workerCases: number; perTown: number; name: string }): Promise<CountyData> {
  const org = benchOrg();
  const events: CaseEvent[] = [];
  org.towns.forEach((t, i) => {
    const cases = t.id === WORKER_TOWN ? opts.workerCases : opts.perTown;
    if (cases > 0) events.push(...generateCases({ org, townId: t.id, cases, seed: 100 + i }));
  });
  const dataDir = await makeDataDir(opts.name, org, events);
  return { org, events, dataDir, workerCases: opts.workerCases };
}
