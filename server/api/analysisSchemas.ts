// Request and response zod schemas of the analyst endpoints (spreadsheets, sensitivity, drill-down); the editor parses the answers with them.
import { z } from 'zod';
import { I18nText, Issue } from '../../engine/schema/common.js';
import { Evaluation } from '../../engine/schema/evaluation.js';
import { ParameterValue } from '../../engine/schema/ruleSet.js';
import { BatchResponse, CohortResponse, Dossier, DraftRef, EvaluationRecord, Interpretations, RuleSetRef } from './schemas.js';
import { LIMITS, addDuplicateIssues, addLimitIssue } from './limits.js';

const Period = z.string().regex(/^[0-9]{4}$/, 'a year').transform(Number);
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const TemplateQuery = z.object({ ruleSet: RuleSetRef }).strict();

export const ImportQuery = z
  .object({ ruleSet: RuleSetRef, dryRun: Bool.optional().describe('true: check only, store nothing') })
  .strict();

export const ImportBody = z
  .object({
    format: z.enum(['xlsx', 'csv']),
    filename: z.string().max(300).optional(),
    content: z.string().min(1).max(8_000_000).describe('xlsx: the file in base64; csv: the text (UTF-8)'),
  })
  .strict()
  .describe('A filled template: the API takes JSON bodies only, so the workbook travels base64-encoded');

/** One bad cell of an imported file. */
export const SheetIssue = z
  .object({
    code: z.string(),
    sheet: z.string(),
    row: z.number().int(),
    column: z.string().nullable(),
    field: z.string().nullable(),
    message: z.string(),
    text: I18nText.optional().describe("The rule set's own words (a consistency warning), in both languages"),
  })
  .strict();

export const ImportResponse = z
  .object({
    dryRun: z.boolean(),
    ruleSet: z.string(),
    dossiers: z.array(
      z
        .object({
          id: z.string(),
          sheet: z.string(),
          row: z.number().int(),
          cityId: z.string(),
          period: z.number().int(),
          action: z.enum(['create', 'update', 'unchanged']),
          revision: z.number().int().nullable().describe('Revision stored (null in a dry run or when unchanged)'),
        })
        .strict(),
    ),
    warnings: z.array(SheetIssue).describe('Consistency warnings of the rule set (suspicious, not impossible), each at its cell; they do not stop the import'),
  })
  .strict();

export const ExportQuery = z
  .object({
    ruleSet: RuleSetRef,
    format: z.enum(['xlsx', 'csv']).optional(),
    period: Period.optional(),
    ids: z.string().max(20_000).optional().describe('Comma-separated dossier ids; default all'),
  })
  .strict();

export const ComparisonExportBody = z
  .object({
    matrix: BatchResponse.describe('The answer of POST /api/batch'),
    format: z.enum(['xlsx', 'csv']),
    ruleSet: RuleSetRef.optional().describe('Version whose outcome labels name the titles'),
  })
  .strict();

export const CohortExportBody = z
  .object({
    answer: CohortResponse.describe('The answer of POST /api/cohort'),
    ruleSet: RuleSetRef.optional().describe('Version whose outcome labels name the titles'),
  })
  .strict();

const Selection = {
  ruleSet: RuleSetRef,
  interpretations: Interpretations.optional(),
  dossierIds: z.array(z.string().min(1).max(200)).max(LIMITS.analysisDossiers).optional().describe(`Dossiers (each once); default: all, or those of \`period\`; at most ${LIMITS.analysisDossiers}`),
  period: z.number().int().min(1900).max(2200).optional(),
};

export const SweepBody = z
  .object({
    ...Selection,
    parameter: z.string().min(1).max(200),
    from: z.number().optional(),
    to: z.number().optional(),
    steps: z.number().int().min(2).max(10_000).optional().describe('Number of values from `from` to `to`, both included'),
    values: z.array(ParameterValue).min(1).max(10_000).optional().describe('Or the values themselves'),
  })
  .strict()
  .describe(`Dossiers × values: at most ${LIMITS.sweepCells.toLocaleString('en')}`)
  .superRefine((b, ctx) => {
    if (b.dossierIds) addDuplicateIssues(ctx, b.dossierIds, ['dossierIds']);
    const values = b.values?.length ?? b.steps ?? 0;
    const cells = (b.dossierIds?.length ?? 1) * values;
    if (cells > LIMITS.sweepCells) addLimitIssue(ctx, ['values'], `${b.dossierIds?.length ?? 1} dossiers × ${values} values = ${cells}; at most ${LIMITS.sweepCells} per sweep`, LIMITS.sweepCells);
  });

export const SweepResponse = z
  .object({
    parameter: z.string(),
    label: I18nText,
    unit: z.string().optional(),
    baseline: ParameterValue,
    points: z.array(z.object({ value: ParameterValue, passed: z.number().int(), failed: z.number().int(), undecided: z.number().int(), titles: z.record(z.string(), z.number().int()) }).strict()),
    flips: z.array(z.object({ subjectId: z.string(), name: z.string(), changes: z.array(z.object({ at: ParameterValue, from: z.string(), to: z.string() }).strict()) }).strict()),
    matrix: z.record(z.string(), z.array(z.string())),
    elapsedMs: z.number(),
    dossiers: z.number().int(),
  })
  .strict();

export const FlipsBody = z
  .object(Selection)
  .strict()
  .superRefine((b, ctx) => {
    if (b.dossierIds) addDuplicateIssues(ctx, b.dossierIds, ['dossierIds']);
  });

export const FlipsResponse = z
  .object({
    baselinePassed: z.number().int(),
    dossiers: z.number().int(),
    elapsedMs: z.number(),
    flips: z.array(
      z
        .object({
          interpretation: z.string(),
          question: I18nText,
          option: z.string(),
          label: I18nText,
          passed: z.number().int(),
          changed: z.array(z.object({ subjectId: z.string(), name: z.string(), from: z.string(), to: z.string(), totalFrom: z.number().nullable(), totalTo: z.number().nullable() }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

export const ReportBody = z.object({ ruleSet: RuleSetRef, dossierId: z.string().min(1).max(200) }).strict();

export const ReportResponse = z
  .object({
    record: EvaluationRecord.nullable().describe('The stored evaluation reused for this report; null when none matches and the result below is not stored'),
    ruleSetId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    dossierId: z.string(),
    dossierRevision: z.number().int(),
    dossierHash: z.string(),
    engineVersion: z.string(),
    result: Evaluation,
  })
  .strict();

export const ExplainBody = z
  .object({
    dossierId: z.string().min(1).max(200),
    columns: z
      .array(z.object({ ruleSet: z.union([RuleSetRef, DraftRef]), interpretations: Interpretations.optional(), label: z.string().max(100).optional() }).strict())
      .min(1)
      .max(6),
  })
  .strict();

/** One scored or checked item whose result moves between two columns, with the rule changes that touch its clauses. */
export const ItemMove = z
  .object({
    kind: z.enum(['stage', 'check', 'indicator', 'bonus', 'outcome']),
    id: z.string(),
    label: I18nText,
    cites: z.array(z.string()),
    from: z.object({ status: z.string(), points: z.number().nullable(), text: I18nText }).strict(),
    to: z.object({ status: z.string(), points: z.number().nullable(), text: I18nText }).strict(),
    delta: z.number().nullable().describe('Points gained (negative: lost); null for checks'),
    because: z.array(I18nText).describe('Rule changes citing the same clauses'),
  })
  .strict();

export const ExplainResponse = z
  .object({
    dossierId: z.string(),
    evaluations: z.array(Evaluation),
    /** Per column after the first, against the first: what changed in the rules, and which items moved. */
    steps: z.array(z.object({ from: z.number().int(), to: z.number().int(), ruleChanges: z.array(z.object({ kind: z.string(), id: z.string(), text: I18nText }).strict()), moves: z.array(ItemMove) }).strict()),
  })
  .strict();

export const AnalystDossier = z
  .object({
    id: z.string(),
    revision: z.number().int(),
    cityId: z.string().nullable(),
    cityName: z.string().nullable(),
    province: z.string().nullable(),
    period: z.number().nullable(),
    type: z.string().nullable(),
    updatedAt: z.string(),
    verdict: z
      .object({ ok: z.boolean(), status: z.string().nullable(), title: z.string().nullable(), total: z.number().nullable(), issues: z.array(Issue).optional() })
      .strict()
      .describe('The verdict under the version asked for, on the fast path'),
    lastEvaluation: z
      .object({ id: z.string(), createdAt: z.string(), ref: z.string(), status: z.string(), title: z.string().nullable(), total: z.number().nullable() })
      .strict()
      .nullable()
      .describe('The latest stored evaluation record of the dossier'),
    dossier: Dossier.optional().describe('The latest revision itself (with full=true)'),
  })
  .strict();

export const AnalystDossierQuery = z.object({ ruleSet: RuleSetRef, period: Period.optional(), full: Bool.optional().describe('true: include each dossier') }).strict();
