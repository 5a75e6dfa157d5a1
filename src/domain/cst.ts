/**
 * China Standard Time is UTC+8 all year (no daylight saving). A module of its own so that the case docs' year
 * (docs.ts, in the first screen's bundle) does not pull the period reports' code (period.ts) into that bundle.
 */
export const CST_OFFSET_MS = 8 * 3_600_000;
