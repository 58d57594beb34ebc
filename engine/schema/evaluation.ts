// The zod schema of an evaluation result and a cohort result: the engine's output contract (API, editor, CLI); pure.
import { z } from 'zod';
import { Cites, I18nText } from './common.js';

export const Status = z.enum(['passed', 'failed', 'undecided', 'not-applicable']);
export type Status = z.infer<typeof Status>;

/** A score known exactly (value) or only within bounds because facts are missing (lo..hi; hi null = unbounded). */
export const Score = z
  .object({
    value: z.number().nullable().describe('Value when decided (an indicative share with no finite decimal, e.g. 20/3, is rounded by the rule set\'s rule; sums use the exact value)'),
    exact: z.string().nullable().describe('Exact decimal text when decided; null when undecided or when the exact value has no finite decimal'),
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
  z
    .object({
      kind: z.literal('checks'),
      ...StageCommon,
      items: z.array(CheckResult),
      shownFor: z
        .enum(['fallback', 'precondition', 'cohort'])
        .optional()
        .describe("Why the items of a stage that does not apply to the subject's type are evaluated: an enabled fallback rule, a bonus precondition or a cohort rule needs them"),
    })
    .strict(),
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
    kind: z
      .enum(['disqualification', 'gate', 'requirement', 'total'])
      .optional()
      .describe('disqualification: nothing to close (e.g. fraud); gate: a veto condition; requirement: a 备注 reference requirement; total: points short of the pass mark'),
    itemIds: z.array(z.string()).optional().describe('Every rule item this opinion answers (a gate that a 备注 repeats is one opinion)'),
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

const TitleRef = z.object({ id: z.string(), label: I18nText, rank: z.number() }).strict();

export const GapRoute = z
  .object({
    ruleId: z.string(),
    label: I18nText,
    outcome: z.string(),
    needs: z.array(z.object({ itemIds: z.array(z.string()), cites: Cites, text: I18nText }).strict()).describe('What must change, each once'),
    pointsNeeded: z.number().nullable(),
    text: I18nText,
  })
  .strict()
  .describe('One way to pass (the type applied for, or a fallback) and what it needs');
export type GapRoute = z.infer<typeof GapRoute>;

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
    confers: z
      .boolean()
      .optional()
      .describe('Whether the result confers its title: false for a self-assessment on indicative points (then `title` is null and `indicatedTitle` names the title it points to)'),
    indicatedTitle: TitleRef.nullable().optional().describe('The title the result points to, conferred or not'),
    verdict: I18nText.optional().describe('The verdict in words, as a report states it'),
    disqualified: z
      .object({ itemId: z.string(), cites: Cites, text: I18nText })
      .strict()
      .nullable()
      .optional()
      .describe('Set when a disqualifying check failed (e.g. fraud established, M7.1)'),
    vetoes: z
      .record(z.string(), Status)
      .optional()
      .describe("Whether each check stage's veto items are met, also for stages that do not apply to the subject's type (cohort rules grade by both standards)"),
  })
  .strict();
export type OutcomeSummary = z.infer<typeof OutcomeSummary>;

export const DerivedValue = z
  .object({
    id: z.string(),
    label: I18nText,
    value: z
      .union([z.number(), z.boolean(), z.string()])
      .nullable()
      .describe('The value computed (a number, yes/no or a text); null when it cannot be computed, with `missing` saying why'),
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
        routes: z.array(GapRoute).optional().describe('Each way to pass with what it needs; a shortfall another listed change already clears is not listed'),
        disqualified: z.boolean().optional().describe('Nothing can close the gap: the subject is disqualified'),
      })
      .strict()
      .nullable(),
    missingFacts: z.array(z.object({ fact: z.string(), label: I18nText, neededBy: z.array(z.string()) }).strict()),
    warnings: z.array(
      z
        .object({
          itemId: z.string(),
          cites: Cites,
          text: I18nText,
          code: z.string().optional().describe('For a dossier consistency warning: its issue code'),
          path: z.array(z.union([z.string(), z.number()])).optional().describe('For a dossier consistency warning: the JSON path it points at'),
        })
        .strict(),
    ),
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
    indicative: z.boolean().optional(),
    indicatedTitle: z.string().nullable().optional().describe('The title the result points to, conferred or not (a self-assessment confers none)'),
  })
  .strict();
export type FastResult = z.infer<typeof FastResult>;

export const CohortChange = z.enum(['kept', 'promoted', 'demoted', 'awarded', 'not-passed', 'revoked', 'over-cap', 'undecided']);
export type CohortChange = z.infer<typeof CohortChange>;

export const CohortReason = z
  .object({
    cites: Cites.describe('Clauses that say this'),
    interpretations: z.array(z.string()).optional().describe('Interpretations of the rule set this rests on, where the text leaves the choice'),
    text: I18nText,
  })
  .strict();
export type CohortReason = z.infer<typeof CohortReason>;

export const CohortMember = z
  .object({
    subjectId: z.string(),
    name: z.string(),
    type: z.string(),
    held: z.string(),
    qualified: z.string().nullable().describe('Outcome earned on its own evaluation; null: undecided'),
    result: z.string().nullable().describe('Outcome after cap and promotion/demotion; null: undecided'),
    change: CohortChange,
    rank: z.number().int().nullable().describe('Place among the candidates for the capped title, when certain'),
    rankRange: z.object({ lo: z.number().int(), hi: z.number().int() }).strict().nullable().optional().describe('The places it can hold, when a range or a tie leaves it open'),
    tiedWith: z.array(z.string()).optional().describe('Subjects with exactly the same ranking keys'),
    possible: z.array(z.string()).optional().describe('Outcomes still possible when the result is undecided'),
    total: z.number().nullable(),
    totalRange: z.object({ lo: z.number(), hi: z.number().nullable() }).strict().optional().describe('The total as known: bounds when facts are missing'),
    metric: z.number().nullable(),
    reasons: z.array(CohortReason),
  })
  .strict();
export type CohortMember = z.infer<typeof CohortMember>;

export const CohortResult = z
  .object({
    period: z.number().int(),
    mode: z.enum(['award', 'dynamic']),
    provenance: Provenance.omit({ dossierHash: true, evaluatedAt: true }).extend({ evaluatedAt: z.string().nullable() }),
    members: z.array(CohortMember),
    titles: z.record(z.string(), z.array(z.string())).describe('Subject ids holding each outcome after the cohort rules (decided results only)'),
    undecided: z.array(z.string()).optional().describe('Subject ids whose result is undecided'),
    cap: z
      .object({
        outcome: z.string(),
        max: z.number(),
        status: z.enum(['within', 'undecided', 'exceeded']).describe('within: at most max decided holders and nothing open; undecided: who holds the last places is open; exceeded: more than max hold it (an interpretation admits a tie)'),
        holders: z.array(z.string()),
        undecided: z.array(z.string()),
        reasons: z.array(CohortReason),
      })
      .strict()
      .nullable()
      .optional(),
    evaluations: z.array(Evaluation),
  })
  .strict();
export type CohortResult = z.infer<typeof CohortResult>;
