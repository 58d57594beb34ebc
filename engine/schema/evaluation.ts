// The zod schema of an evaluation result and a cohort result: the engine's output contract (API, editor, CLI); pure.
import { z } from 'zod';
import { Cites, I18nText } from './common.js';

export const Status = z.enum(['passed', 'failed', 'undecided', 'not-applicable']);
export type Status = z.infer<typeof Status>;

/** A score known exactly (value) or only within bounds because facts are missing (lo..hi; hi null = unbounded). */
export const Score = z
  .object({
    value: z.number().nullable().describe('Exact value when decided'),
    exact: z.string().nullable().describe('Exact decimal text when decided'),
    lo: z.number(),
    hi: z.number().nullable(),
  })
  .strict();
export type Score = z.infer<typeof Score>;

export const Comparand = z
  .object({
    value: z.unknown(),
    source: z.enum(['literal', 'param', 'fact']),
    ref: z.string().optional(),
  })
  .strict();

export type ConditionTrace = {
  op: 'all' | 'any' | 'not' | 'leaf';
  result: boolean | null;
  label?: I18nText;
  fact?: string;
  operator?: string;
  factValue?: unknown;
  compareTo?: z.infer<typeof Comparand>;
  missing?: string[];
  children?: ConditionTrace[];
};
export const ConditionTrace: z.ZodType<ConditionTrace> = z.lazy(() =>
  z
    .object({
      op: z.enum(['all', 'any', 'not', 'leaf']),
      result: z.boolean().nullable().describe('null: undecided (a fact is missing)'),
      label: I18nText.optional(),
      fact: z.string().optional(),
      operator: z.string().optional(),
      factValue: z.unknown().optional(),
      compareTo: Comparand.optional(),
      missing: z.array(z.string()).optional(),
      children: z.array(ConditionTrace).optional(),
    })
    .strict(),
);

export const Shortfall = z
  .object({
    fact: z.string(),
    label: I18nText,
    actual: z.number(),
    required: z.number(),
    operator: z.string(),
    gap: z.number().describe('How far the fact is from the requirement'),
    unit: z.string().optional(),
  })
  .strict();
export type Shortfall = z.infer<typeof Shortfall>;

export const CheckResult = z
  .object({
    id: z.string(),
    label: I18nText,
    cites: Cites,
    status: Status,
    severity: z.enum(['veto', 'advisory']),
    trace: ConditionTrace.nullable(),
    shortfalls: z.array(Shortfall),
    missing: z.array(z.string()),
    text: I18nText,
  })
  .strict();
export type CheckResult = z.infer<typeof CheckResult>;

export const RequirementResult = CheckResult.omit({ severity: true });
export type RequirementResult = z.infer<typeof RequirementResult>;

export const IndicatorResult = z
  .object({
    id: z.string(),
    label: I18nText,
    cites: Cites,
    max: z.number(),
    points: Score,
    basis: z.enum(['evaluators', 'indicative']),
    requirements: z.array(RequirementResult),
    text: I18nText,
  })
  .strict();
export type IndicatorResult = z.infer<typeof IndicatorResult>;

export const BonusResult = z
  .object({
    id: z.string(),
    label: I18nText,
    cites: Cites,
    status: Status,
    points: Score,
    cap: z.number().nullable(),
    missing: z.array(z.string()),
    text: I18nText,
  })
  .strict();
export type BonusResult = z.infer<typeof BonusResult>;

export const OutcomeRuleResult = z
  .object({
    id: z.string(),
    label: I18nText,
    cites: Cites,
    outcome: z.string(),
    status: Status,
    minTotal: z.number(),
    text: I18nText,
  })
  .strict();

const StageCommon = {
  id: z.string(),
  label: I18nText,
  cites: Cites,
  status: Status,
};

export const StageResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checks'), ...StageCommon, items: z.array(CheckResult) }).strict(),
  z.object({ kind: z.literal('score'), ...StageCommon, base: z.number(), points: Score, indicative: z.boolean(), items: z.array(IndicatorResult) }).strict(),
  z.object({ kind: z.literal('bonus'), ...StageCommon, points: Score, cap: z.number().nullable(), items: z.array(BonusResult), text: I18nText }).strict(),
  z.object({ kind: z.literal('outcome'), ...StageCommon, rules: z.array(OutcomeRuleResult) }).strict(),
]);
export type StageResult = z.infer<typeof StageResult>;

export const Opinion = z
  .object({
    itemId: z.string(),
    cites: Cites,
    text: I18nText,
    shortfalls: z.array(Shortfall),
  })
  .strict()
  .describe('An improvement opinion (改进意见): an unmet requirement and by how much it misses');
export type Opinion = z.infer<typeof Opinion>;

export const Provenance = z
  .object({
    ruleSetId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    engineVersion: z.string(),
    dossierHash: z.string(),
    evaluatedAt: z.string().nullable(),
    interpretations: z.record(z.string(), z.string()),
  })
  .strict();
export type Provenance = z.infer<typeof Provenance>;

export const OutcomeSummary = z
  .object({
    status: z.enum(['passed', 'failed', 'undecided']),
    passed: z.boolean().nullable(),
    title: z.object({ id: z.string(), label: I18nText, rank: z.number() }).nullable(),
    stages: z.record(z.string(), Status),
    baseScore: Score,
    bonus: Score,
    total: Score,
    passMark: z.number().nullable(),
    indicative: z.boolean().describe('True when some indicator score is computed from facts, not given by evaluators'),
    ruleId: z.string().nullable().describe('Outcome rule that decided the title'),
  })
  .strict();
export type OutcomeSummary = z.infer<typeof OutcomeSummary>;

export const DerivedValue = z
  .object({
    id: z.string(),
    label: I18nText,
    value: z.number().nullable(),
    unit: z.string().optional(),
    expr: z.string().describe('The expression it is computed by'),
    inputs: z.array(z.object({ fact: z.string(), value: z.unknown() }).strict()).describe('The values it read'),
    missing: z.array(z.string()),
    cites: Cites,
  })
  .strict();

export const Evaluation = z
  .object({
    provenance: Provenance,
    subject: z.object({ id: z.string(), name: z.string(), type: z.string(), period: z.number().int() }).strict(),
    outcome: OutcomeSummary,
    stages: z.array(StageResult),
    derived: z.array(DerivedValue),
    improvementOpinions: z.array(Opinion),
    gapToPass: z
      .object({
        checks: z.array(z.object({ itemId: z.string(), cites: Cites, label: I18nText, shortfalls: z.array(Shortfall) }).strict()),
        pointsNeeded: z.number().nullable(),
        text: I18nText,
      })
      .strict()
      .nullable(),
    missingFacts: z.array(z.object({ fact: z.string(), label: I18nText, neededBy: z.array(z.string()) }).strict()),
    warnings: z.array(z.object({ itemId: z.string(), cites: Cites, text: I18nText }).strict()),
  })
  .strict()
  .describe('A fully explained evaluation of one dossier under one rule-set version');
export type Evaluation = z.infer<typeof Evaluation>;

/** The fast path's result: outcome and scores without explanations. */
export const FastResult = z
  .object({
    status: z.enum(['passed', 'failed', 'undecided']),
    passed: z.boolean().nullable(),
    title: z.string().nullable(),
    base: z.number().nullable(),
    bonus: z.number().nullable(),
    total: z.number().nullable(),
    passMark: z.number().nullable(),
    stages: z.record(z.string(), Status),
  })
  .strict();
export type FastResult = z.infer<typeof FastResult>;

export const CohortChange = z.enum(['kept', 'promoted', 'demoted', 'awarded', 'not-passed', 'revoked', 'over-cap', 'undecided']);
export type CohortChange = z.infer<typeof CohortChange>;

export const CohortMember = z
  .object({
    subjectId: z.string(),
    name: z.string(),
    type: z.string(),
    held: z.string(),
    qualified: z.string().nullable().describe('Outcome earned on its own evaluation'),
    result: z.string().describe('Outcome after cap and promotion/demotion'),
    change: CohortChange,
    rank: z.number().int().nullable(),
    total: z.number().nullable(),
    metric: z.number().nullable(),
    reasons: z.array(z.object({ cites: Cites, text: I18nText }).strict()),
  })
  .strict();
export type CohortMember = z.infer<typeof CohortMember>;

export const CohortResult = z
  .object({
    period: z.number().int(),
    mode: z.enum(['award', 'dynamic']),
    provenance: Provenance.omit({ dossierHash: true, evaluatedAt: true }).extend({ evaluatedAt: z.string().nullable() }),
    members: z.array(CohortMember),
    titles: z.record(z.string(), z.array(z.string())).describe('Subject ids holding each outcome after the cohort rules'),
    evaluations: z.array(Evaluation),
  })
  .strict();
export type CohortResult = z.infer<typeof CohortResult>;
