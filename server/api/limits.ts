// How much work one request may ask for, sized to what it costs (a sweep's dossiers × values, a batch's cells, a cohort's size, golden cases, a rule set's size); the schemas and the routes check them and answer 422 limit_exceeded naming the limit.
import { z } from 'zod';
import type { Issue } from '../engine.js';
import { ApiError } from './errors.js';

export const LIMITS = {
  /** Dossiers × values of one sweep (300 × 1,000 takes about a second). */
  sweepCells: 1_000_000,
  /** Dossiers one analysis request (sweep, flips) may select. */
  analysisDossiers: 2_000,
  /** Dossiers × columns of one batch. */
  batchCells: 5_000,
  /** Dossiers of one cohort. */
  cohortDossiers: 2_000,
  /** Dossiers of a cohort answered with every member's full evaluation (about 40 kB each). */
  cohortWithEvaluations: 200,
  /** Golden cases of one draft. */
  goldenCases: 500,
  /** Dossiers in all the golden cases of one draft together (cohort cases hold many). */
  goldenDossiers: 2_000,
  /** Rows of one imported spreadsheet. */
  importRows: 2_000,
  /** JSON values (objects, arrays, numbers, text…) in one rule-set document; the 2017 rule set has about 8,000. */
  ruleSetNodes: 200_000,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };

/** The issue saying which limit a request goes over. */
export function limitIssue(path: (string | number)[], message: string, limit: number): Issue {
  return { code: 'limit_exceeded', path, message, hint: `the limit is ${limit.toLocaleString('en')}` };
}

/** Throws 422 limit_exceeded when `count` is over `limit`. */
export function checkLimit(count: number, limit: number, path: (string | number)[], what: string): void {
  if (count > limit) throw new ApiError('limit_exceeded', `${what}: ${count.toLocaleString('en')} is over the limit of ${limit.toLocaleString('en')}`, [limitIssue(path, `${what}: ${count} > ${limit}`, limit)], { limit });
}

/** Adds a limit issue to a zod refinement context (parse() turns it into 422 limit_exceeded). */
export function addLimitIssue(ctx: z.RefinementCtx, path: (string | number)[], message: string, limit: number): void {
  ctx.addIssue({ code: 'custom', path, message, params: { code: 'limit_exceeded', limit } });
}

/** Adds one issue per repeated id: the same dossier twice is the same work twice (and one row in the answer). */
export function addDuplicateIssues(ctx: z.RefinementCtx, ids: readonly string[], path: (string | number)[]): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${id}" is listed twice (first at ${first})`, params: { code: 'duplicate_id' } });
  });
}

/** JSON values in a document, counted without recursion and stopping past `limit`. */
export function countNodes(value: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n <= limit) {
    const v = stack.pop();
    n++;
    if (v && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return n;
}
