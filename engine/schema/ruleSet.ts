// The zod schema of a rule-set version: the one source of its TypeScript type, validation and JSON Schema; pure.
import { z } from 'zod';
import { BoolOrParam, Cites, I18nText, Ident, NumOrParam, PrefixedId, StrOrParam } from './common.js';
import { Condition } from './condition.js';

export const FORMAT_VERSION = 1;

const Labelled = {
  label: I18nText,
  cites: Cites,
};

export const ParameterValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type ParameterValue = z.infer<typeof ParameterValue>;

export const Parameter = z
  .object({
    id: Ident,
    type: z.enum(['number', 'enum', 'boolean']).describe('number: a threshold, weight or cap; enum: one of options; boolean: a switch'),
    value: ParameterValue.describe('Current value; null means "none" (e.g. no cap)'),
    nullable: z.boolean().optional().describe('Whether null ("none") is allowed'),
    unit: z.string().optional().describe('Unit, e.g. 亿元, %, 分'),
    options: z.array(z.string()).optional().describe('Allowed values of an enum parameter'),
    optionLabels: z.record(z.string(), I18nText).optional().describe("Names of an enum parameter's options, by option id, shown instead of the ids"),
    min: z.number().optional(),
    max: z.number().optional(),
    ...Labelled,
    description: I18nText.optional(),
    group: z.string().optional().describe('Group shown together in the editor'),
  })
  .strict()
  .describe('A threshold, weight, pass mark, step, tier, cap or switch');
export type Parameter = z.infer<typeof Parameter>;

export const ReferenceTable = z
  .object({
    id: Ident,
    label: I18nText,
    description: I18nText.optional(),
    key: Ident.describe('Column that rows are looked up by, e.g. year'),
    fields: z.array(z.object({ id: Ident, label: I18nText, unit: z.string().optional() }).strict()),
    rows: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.null()]))),
    caveats: z.array(z.string()).optional(),
  })
  .strict()
  .describe('Per-year reference data, e.g. national industry figures');
export type ReferenceTable = z.infer<typeof ReferenceTable>;

export const FactType = z.enum(['number', 'integer', 'boolean', 'string', 'enum', 'list']);
export type FactType = z.infer<typeof FactType>;

export const ListField = z
  .object({
    id: Ident,
    type: z.enum(['number', 'integer', 'string', 'boolean']),
    label: I18nText,
    unit: z.string().optional(),
    required: z.boolean().default(true),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict();

export const FactDef = z
  .object({
    id: Ident.describe('Fact id; dots mean nesting in the dossier JSON'),
    type: FactType,
    ...Labelled,
    help: I18nText.optional().describe('Help text from the data dictionary'),
    unit: z.string().optional(),
    group: z.string().optional().describe('Section of the dossier form'),
    required: z.boolean().default(false).describe('A dossier without it is rejected; other facts, when absent, are reported as missing'),
    min: z.number().optional(),
    max: z.number().optional(),
    values: z.array(z.object({ id: z.string(), label: I18nText }).strict()).optional().describe('Allowed values of an enum fact'),
    discretionary: z
      .object({ allowZero: z.boolean(), min: z.number(), max: z.number(), step: z.number().positive() })
      .strict()
      .optional()
      .describe('Allowed values of an evaluators\' award: 0, or min..max in steps'),
    item: z.array(ListField).optional().describe('Fields of each entry of a list fact'),
    informational: z.boolean().optional().describe('Shown in reports, not used in scoring'),
    recomputedBy: Ident.optional().describe(
      'A derived value that recomputes this stated figure from others (e.g. a published growth rate from two revenues); what-if calculations of the gap to pass use it when those others change',
    ),
  })
  .strict();
export type FactDef = z.infer<typeof FactDef>;

export const DerivedFact = z
  .object({
    id: Ident,
    ...Labelled,
    unit: z.string().optional(),
    expr: z.string().min(1).describe('Safe expression over facts, params.x and ref(table, key, field)'),
    description: I18nText.optional(),
  })
  .strict()
  .describe('A value computed from facts, parameters and reference data');
export type DerivedFact = z.infer<typeof DerivedFact>;

export const Severity = z.enum(['veto', 'advisory']);

export const CheckItem = z
  .object({
    id: PrefixedId,
    ...Labelled,
    condition: Condition,
    severity: StrOrParam.default('veto').describe('veto: failing it blocks the outcome; advisory: a warning only'),
    appliesWhen: Condition.optional(),
    note: I18nText.optional(),
    disqualifies: z
      .boolean()
      .optional()
      .describe('Failing it disqualifies the subject (e.g. fraud, M7.1): shown as a disqualification, never as a shortfall to close'),
  })
  .strict();
export type CheckItem = z.infer<typeof CheckItem>;

export const Requirement = z
  .object({
    id: PrefixedId,
    ...Labelled,
    condition: Condition,
    appliesWhen: Condition.optional(),
  })
  .strict()
  .describe('A 备注 reference requirement of an indicator');
export type Requirement = z.infer<typeof Requirement>;

export const IndicatorItem = z
  .object({
    id: PrefixedId,
    ...Labelled,
    max: NumOrParam.describe('Maximum points'),
    scoreFact: Ident.optional().describe('Fact holding the evaluators\' score for this indicator'),
    requirements: z.array(Requirement),
  })
  .strict();
export type IndicatorItem = z.infer<typeof IndicatorItem>;

export const Tier = z
  .object({ over: NumOrParam, points: NumOrParam, inclusive: z.boolean().default(false) })
  .strict();

export const Formula = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('steps'),
      input: Ident.describe('Fact or derived value'),
      base: NumOrParam,
      step: NumOrParam,
      pointsPerStep: NumOrParam,
      rounding: StrOrParam.describe('"floor": whole steps only; "proRata": fractional steps'),
    })
    .strict()
    .describe('Points for each step above a base'),
  z
    .object({ kind: z.literal('threshold'), condition: Condition, points: NumOrParam })
    .strict()
    .describe('Fixed points when a condition holds'),
  z
    .object({
      kind: z.literal('perItemTiers'),
      list: Ident,
      field: Ident,
      nameField: Ident.optional(),
      tiers: z.array(Tier).min(1),
      mode: StrOrParam.describe('"highest": each item scores its highest tier; "cumulative": every tier it passes'),
      extension: z
        .object({ enabled: BoolOrParam, above: NumOrParam, step: NumOrParam, pointsPerStep: NumOrParam })
        .strict()
        .optional()
        .describe('Beyond the top tier: points per whole step of the field'),
    })
    .strict()
    .describe('Points per list entry by tier'),
  z
    .object({ kind: z.literal('awards'), facts: z.array(Ident).min(1) })
    .strict()
    .describe('Sum of evaluators\' discretionary awards'),
  z
    .object({ kind: z.literal('expression'), expr: z.string().min(1) })
    .strict()
    .describe('A safe arithmetic expression'),
]);
export type Formula = z.infer<typeof Formula>;

export const BonusItem = z
  .object({
    id: PrefixedId,
    ...Labelled,
    formula: Formula,
    cap: z.union([NumOrParam, z.null()]).optional().describe('Maximum points of this item; null or absent: none'),
    appliesWhen: Condition.optional(),
    precondition: z
      .object({
        stages: z.array(PrefixedId).min(1).describe('Check stages whose veto items the subject must meet for the item to count, whatever its type'),
        enabled: BoolOrParam,
        label: I18nText.describe('What the precondition requires, in words'),
        cites: Cites,
      })
      .strict()
      .optional()
      .describe('The item counts only when these conditions are met by the dossier; otherwise it scores 0 with a line saying why'),
  })
  .strict();
export type BonusItem = z.infer<typeof BonusItem>;

export const OutcomeRule = z
  .object({
    id: PrefixedId,
    ...Labelled,
    outcome: z.string().describe('Outcome tier awarded'),
    when: Condition.optional().describe('Which subjects the rule is for'),
    enabled: BoolOrParam.default(true),
    requires: z.array(PrefixedId).describe('Check stages whose veto items must all pass'),
    minTotal: NumOrParam.describe('Pass mark on the total score'),
    belowTotal: NumOrParam.optional().describe('The rule is for totals below this mark only (e.g. a fallback for 90–99 points)'),
    fallback: z.boolean().default(false).describe('Only considered when no primary rule applied to the subject passed'),
  })
  .strict();
export type OutcomeRule = z.infer<typeof OutcomeRule>;

const StageBase = { id: PrefixedId, ...Labelled, appliesWhen: Condition.optional(), description: I18nText.optional() };

export const Stage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checks'), ...StageBase, items: z.array(CheckItem).min(1) }).strict(),
  z.object({ kind: z.literal('score'), ...StageBase, base: NumOrParam, items: z.array(IndicatorItem).min(1) }).strict(),
  z
    .object({ kind: z.literal('bonus'), ...StageBase, cap: z.union([NumOrParam, z.null()]).optional(), items: z.array(BonusItem).min(1) })
    .strict(),
  z
    .object({
      kind: z.literal('outcome'),
      ...StageBase,
      rules: z.array(OutcomeRule).min(1),
      indicativeConfers: BoolOrParam.optional().describe(
        'Whether a total resting on indicative points (no evaluators\' score) confers the title; false: it is a self-assessment. Absent: true',
      ),
    })
    .strict(),
]);
export type Stage = z.infer<typeof Stage>;
export type ChecksStage = Extract<Stage, { kind: 'checks' }>;
export type ScoreStage = Extract<Stage, { kind: 'score' }>;
export type BonusStage = Extract<Stage, { kind: 'bonus' }>;
export type OutcomeStage = Extract<Stage, { kind: 'outcome' }>;

export const InterpretationOption = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    label: I18nText,
    description: I18nText.optional(),
    sets: z.record(z.string(), ParameterValue).default({}).describe('Parameter values this option sets'),
    variant: z.boolean().default(false).describe('A recorded alternative that analysts may select'),
    selectable: z.boolean().default(true).describe('False: recorded for reference only, not implemented'),
  })
  .strict();
export type InterpretationOption = z.infer<typeof InterpretationOption>;

export const Interpretation = z
  .object({
    id: PrefixedId,
    ambiguity: z.array(z.union([z.number().int(), z.string()])).describe('Ambiguity numbers of the policy notes'),
    question: I18nText,
    cites: Cites,
    chosen: z.string(),
    options: z.array(InterpretationOption).min(1),
    rationale: I18nText.optional(),
  })
  .strict()
  .describe('A recorded reading of an ambiguous clause');
export type Interpretation = z.infer<typeof Interpretation>;

export const Outcome = z
  .object({ id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/), label: I18nText, rank: z.number().int().min(0) })
  .strict()
  .describe('An ordered outcome tier: a title, a star rating, or none (rank 0)');
export type Outcome = z.infer<typeof Outcome>;

export const CohortRules = z
  .object({
    cites: Cites,
    cap: z
      .object({
        outcome: z.string(),
        max: NumOrParam,
        rankBy: StrOrParam.describe('"totalThenMetric" or "metric"'),
        metricFact: Ident,
        cites: Cites,
        tieBreak: StrOrParam.optional().describe(
          '"undecided": an exact tie at the cap leaves the tied cities undecided (absent: this); "baseScore": the higher base score ranks first, a remaining tie is undecided; "admitAll": every city tied at the last place is admitted',
        ),
      })
      .strict()
      .optional(),
    promotion: z
      .object({
        enabled: BoolOrParam,
        from: z.string(),
        to: z.string(),
        metricFact: Ident,
        requireMinTotal: BoolOrParam,
        minTotal: NumOrParam,
        cites: Cites,
        heldOnly: BoolOrParam.optional().describe('true: only holders of the `from` title can be promoted (not first-time applicants); absent: false'),
        requires: z
          .object({ stages: z.array(PrefixedId).min(1), enabled: BoolOrParam, label: I18nText, cites: Cites })
          .strict()
          .optional()
          .describe('Check stages (e.g. the comprehensive basic conditions) a promoted subject must meet'),
        whenCapHasRoom: StrOrParam.optional().describe('"swap": the smaller city is demoted even when the cap has room (absent: this); "promote": below the cap the city is promoted and nobody demoted'),
      })
      .strict()
      .optional(),
    regrade: z
      .object({
        enabled: BoolOrParam,
        from: z.string().describe('Outcome held'),
        to: z.string().describe('Outcome kept when the subject meets its standard'),
        requires: z.array(PrefixedId).min(1).describe('Check stages of the lower standard'),
        minTotal: NumOrParam.describe('Pass mark of the lower standard'),
        label: I18nText,
        cites: Cites,
      })
      .strict()
      .optional()
      .describe('A holder of `from` that fails its standard, or passes but ends over the cap, keeps `to` when it meets that standard (graded by both standards)'),
    heldOutcomeFact: Ident.describe('Fact holding the outcome held before this evaluation'),
  })
  .strict();
export type CohortRules = z.infer<typeof CohortRules>;

export const Unit = z
  .object({
    id: z.string().min(1).describe('The unit as facts and parameters write it, e.g. 亿元'),
    label: z
      .object({ zh: z.string().min(1), en: z.string().describe('Empty: a bare number in English (e.g. 个)') })
      .strict()
      .describe('How it is written after a number in each language'),
    kind: z.enum(['percent', 'quantity']).default('quantity').describe('percent: differences are percentage points'),
  })
  .strict()
  .describe('A unit of measure with its words in each language');
export type Unit = z.infer<typeof Unit>;

const DossierCheckBase = {
  id: PrefixedId,
  severity: z.enum(['error', 'warning']).describe('error: the dossier cannot be true and is refused; warning: suspicious, shown beside the result'),
  code: z.string().regex(/^[a-z]+(_[a-z]+)*$/).describe('snake_case issue code'),
  message: I18nText.describe('What is wrong, in words; {id} names a fact, derived value or parameter whose value is filled in'),
  cites: Cites,
};

export const DossierCheck = z
  .discriminatedUnion('kind', [
    z
      .object({ kind: z.literal('unique'), ...DossierCheckBase, list: Ident, key: Ident.describe('Field of each entry that must not repeat') })
      .strict()
      .describe('No two entries of a list fact share the same key ({value} in the message is the repeated key)'),
    z
      .object({
        kind: z.literal('condition'),
        ...DossierCheckBase,
        condition: Condition.describe('Must hold; a condition that cannot be decided (facts missing) raises nothing'),
        appliesWhen: Condition.optional(),
        facts: z.array(Ident).min(1).describe('Facts the issue points at'),
      })
      .strict()
      .describe('A condition every consistent dossier meets'),
  ])
  .describe('A consistency check of a dossier, beyond the type and range of each fact');
export type DossierCheck = z.infer<typeof DossierCheck>;

export const ChangelogEntry = z
  .object({ version: z.number().int().positive(), date: z.string(), author: z.string().optional(), note: I18nText })
  .strict();

export const RuleSet = z
  .object({
    $schema: z.string().optional(),
    formatVersion: z.literal(FORMAT_VERSION),
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).describe('Rule-set id, e.g. sfc-2017'),
    version: z.number().int().positive(),
    status: z.enum(['draft', 'published']),
    basedOn: z.object({ id: z.string(), version: z.number().int().positive() }).strict().nullable(),
    effectiveFrom: z.iso.date().describe('First day the version is in force'),
    effectiveTo: z.iso.date().nullable().describe('Last day in force; null: open'),
    title: I18nText,
    description: I18nText.optional(),
    policy: z.string().describe('Id of the clause corpus the rule set cites, e.g. miit-sfc-2017'),
    changelog: z.array(ChangelogEntry),
    numeric: z
      .object({ scale: z.number().int().min(0).max(10), rounding: z.enum(['halfUp', 'halfEven', 'down']) })
      .strict()
      .describe('Decimal places and rounding rule for computed points'),
    subject: z
      .object({
        kinds: z.array(z.object({ id: z.string(), label: I18nText }).strict()).min(1),
        types: z.array(z.object({ id: z.string(), kind: z.string(), label: I18nText }).strict()).min(1),
        idFact: Ident,
        nameFact: Ident,
        typeFact: Ident,
        periodFact: Ident,
      })
      .strict(),
    outcomes: z.array(Outcome).min(1),
    parameters: z.array(Parameter),
    referenceData: z.array(ReferenceTable),
    interpretations: z.array(Interpretation),
    facts: z.array(FactDef),
    derived: z.array(DerivedFact),
    stages: z.array(Stage).min(1),
    cohort: CohortRules.optional(),
    units: z.array(Unit).optional().describe('Words for the units facts and parameters use; absent: units are shown as written'),
    dossierChecks: z.array(DossierCheck).optional().describe('Consistency checks run on every dossier before it is evaluated'),
  })
  .strict()
  .describe('One version of a rule set');
export type RuleSet = z.infer<typeof RuleSet>;
export type RuleSetInput = z.input<typeof RuleSet>;
