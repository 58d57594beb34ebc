// The zod schema of golden cases: hand-written dossiers with their expected outcomes, kept beside each rule-set version.
import { z } from 'zod';
import { Cites } from './common.js';
import { Dossier } from './dossier.js';
import { CohortChange, Status } from './evaluation.js';

export const ExpectedOutcome = z
  .object({
    status: z.enum(['passed', 'failed', 'undecided']),
    title: z.string().nullable().optional().describe('Outcome tier id, or null for none'),
    base: z.number().nullable().optional(),
    bonus: z.number().nullable().optional(),
    total: z.number().nullable().optional(),
    passMark: z.number().nullable().optional(),
    stages: z.record(z.string(), Status).optional().describe('Expected status per stage id'),
    checks: z.record(z.string(), Status).optional().describe('Expected status per check or requirement id'),
    bonusItems: z.record(z.string(), z.number().nullable()).optional().describe('Expected points per bonus item (null: undecided)'),
    indicators: z.record(z.string(), z.number().nullable()).optional(),
    missingFacts: z.array(z.string()).optional().describe('Exactly these facts are reported missing'),
    pointsNeeded: z.number().nullable().optional(),
    indicative: z.boolean().optional().describe('The total rests on indicative points'),
    confers: z.boolean().optional().describe('The result confers its title (false: a self-assessment)'),
    disqualified: z.boolean().optional(),
    warnings: z.array(z.string()).optional().describe('Exactly these dossier consistency warning codes are raised'),
  })
  .strict();
export type ExpectedOutcome = z.infer<typeof ExpectedOutcome>;

const CaseCommon = {
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  title: z.string().min(1),
  cites: Cites,
  tags: z.array(z.string()).default([]),
  interpretations: z.record(z.string(), z.string()).optional().describe('Interpretation switches applied before evaluating'),
};

export const GoldenCase = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('single'),
      ...CaseCommon,
      dossier: Dossier,
      expect: z.union([
        z.object({ rejected: z.object({ codes: z.array(z.string()).min(1), paths: z.array(z.string()).optional() }).strict() }).strict(),
        z.object({ outcome: ExpectedOutcome }).strict(),
      ]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cohort'),
      ...CaseCommon,
      mode: z.enum(['award', 'dynamic']),
      dossiers: z.array(Dossier).min(1),
      expect: z
        .object({
          members: z.record(
            z.string(),
            z
              .object({
                result: z.string().nullable().describe('null: undecided'),
                change: CohortChange.optional(),
                rank: z.number().int().nullable().optional(),
              })
              .strict(),
          ),
          cap: z.object({ status: z.enum(['within', 'undecided', 'exceeded']), holders: z.array(z.string()).optional() }).strict().optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type GoldenCase = z.infer<typeof GoldenCase>;

export const GoldenSuite = z
  .object({
    ruleSet: z.object({ id: z.string(), version: z.number().int() }).strict(),
    cases: z.array(GoldenCase),
  })
  .strict();
export type GoldenSuite = z.infer<typeof GoldenSuite>;
