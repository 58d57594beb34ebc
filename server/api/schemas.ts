// Request and response zod schemas of the API, built from the engine's schemas; the OpenAPI document and request validation both come from them.
import { z } from 'zod';
import { RuleSet } from '../../engine/schema/ruleSet.js';
import { Dossier } from '../../engine/schema/dossier.js';
import { Evaluation, CohortResult, FastResult, Provenance, Status } from '../../engine/schema/evaluation.js';
import { GoldenCase } from '../../engine/schema/golden.js';
import { I18nText, Issue } from '../../engine/schema/common.js';
import { LIMITS, addDuplicateIssues, addLimitIssue } from './limits.js';

export { RuleSet, Dossier, Evaluation, CohortResult, FastResult, GoldenCase, I18nText, Issue };

const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case id');
const IsoDate = z.iso.date();
const PositiveIntText = z.string().regex(/^[1-9][0-9]{0,8}$/, 'a positive integer').transform(Number);

/** `ruleSetId@version` or `ruleSetId@YYYY-MM-DD` (the version in force on that day). */
export const RuleSetRef = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*@([1-9][0-9]{0,8}|[0-9]{4}-[0-9]{2}-[0-9]{2})$/, 'ruleSetId@version or ruleSetId@YYYY-MM-DD')
  .describe('A published version: "sfc-2017@1", or the version in force at a date: "sfc-2017@2024-06-30"');

/** A draft, for previewing its effect before publishing. */
export const DraftRef = z.string().regex(/^draft-[0-9]{1,9}$/, 'a draft id such as draft-3').describe('A draft (batch only; nothing is stored)');

export const Interpretations = z
  .record(z.string().max(200), z.string().max(200))
  .describe('Interpretation switches: interpretation id → option id');

export const ErrorBody = z
  .object({
    error: z
      .object({ code: z.string(), message: z.string(), issues: z.array(Issue).optional() })
      .catchall(z.unknown()),
  })
  .describe('Every error: a code (see the table in the description), a message, and the issues found');

// ---- params and queries

export const IdParam = z.object({ id: z.string().min(1).max(200) }).strict();
export const VersionParams = z.object({ id: Slug, version: PositiveIntText }).strict();
export const RevisionParams = z.object({ id: z.string().min(1).max(200), revision: PositiveIntText }).strict();
export const RuleSetIdParam = z.object({ id: Slug }).strict();
export const HashParam = z.object({ hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a content hash sha256:<64 hex>') }).strict();
export const EmptyQuery = z.object({}).strict();
export const InForceQuery = z.object({ date: IsoDate }).strict();
export const DiffQuery = z
  .object({
    from: z.string().regex(/^([1-9][0-9]{0,8}|draft-[0-9]+)$/, 'a version number or a draft id'),
    to: z.string().regex(/^([1-9][0-9]{0,8}|draft-[0-9]+)$/, 'a version number or a draft id'),
  })
  .strict();
export const DraftListQuery = z.object({ ruleSetId: Slug.optional() }).strict();
export const DossierFilter = z
  .object({
    period: z.string().regex(/^[0-9]{4}$/, 'a year').transform(Number).optional(),
    type: z.string().max(100).optional(),
    province: z.string().max(100).optional(),
  })
  .strict();
export const EvaluationListQuery = z
  .object({ dossierId: z.string().max(200).optional(), ruleSetId: Slug.optional(), version: PositiveIntText.optional() })
  .strict();
export const AuditQuery = z
  .object({
    target: z.string().max(200).optional().describe('Only entries about this object (exact id, e.g. draft-3 or dossier:wuhan-2018)'),
    action: z.string().max(100).optional().describe('Only this action (token.create), or a family of them (draft.)'),
    actor: z.string().max(200).optional().describe('Only entries whose actor contains this text'),
    since: IsoDate.optional().describe('Only entries on or after this day (UTC)'),
    until: IsoDate.optional().describe('Only entries on or before this day (UTC)'),
    after: z.string().regex(/^[0-9]{1,9}$/).transform(Number).optional().describe('Only entries with a larger seq'),
    limit: z.string().regex(/^[0-9]{1,4}$/).transform(Number).optional(),
  })
  .strict();

// ---- rule sets and versions

export const VersionSummary = z
  .object({
    ref: z.string().describe('ruleSetId@version'),
    ruleSetId: z.string(),
    version: z.number().int(),
    status: z.literal('published'),
    title: I18nText,
    effectiveFrom: z.string(),
    effectiveTo: z.string().nullable().describe('Last day in force: the document\'s own, or the day before a later version took over'),
    closedBy: z
      .object({ version: z.number().int(), at: z.string() })
      .nullable()
      .describe('The later version that ended this period, and when it was published (null: the period is the document\'s own)'),
    basedOn: z.object({ id: z.string(), version: z.number().int() }).nullable(),
    author: z.string(),
    publishedAt: z.string(),
    changelog: z.object({ version: z.number().int(), date: z.string(), author: z.string().optional(), note: I18nText }).nullable(),
    contentHash: z.string(),
    goldenCases: z.number().int(),
  })
  .strict();

export const RuleSetSummary = z
  .object({
    id: z.string(),
    title: I18nText,
    latestVersion: z.number().int(),
    versions: z.array(z.number().int()),
    drafts: z.array(z.string()),
  })
  .strict();

export const VersionDetail = VersionSummary.extend({ document: RuleSet });

export const ChangeItem = z
  .object({ kind: z.string(), id: z.string(), path: z.unknown(), before: z.unknown(), after: z.unknown(), text: I18nText })
  .catchall(z.unknown())
  .describe('One semantic change between two versions');

export const DiffResponse = z.object({ from: z.string(), to: z.string(), changes: z.array(ChangeItem) }).strict();

// ---- drafts

export const CreateDraftBody = z.object({ from: RuleSetRef.describe('Version the draft starts from') }).strict();
export const PutDraftBody = z.object({ document: RuleSet.describe('The whole rule-set document') }).strict();
export const PublishBody = z
  .object({
    changelog: I18nText.describe('What changed and why (required); the changelog names the token holder as its author'),
    effectiveFrom: IsoDate.optional().describe(
      'First day the new version is in force; default: the day after publishing, or the start of the base version when that is later. Not before the start of the version the draft is based on; the versions in force then end the day before.',
    ),
  })
  .strict();
export const ReviewRequestBody = z.object({ note: z.string().max(2000).optional().describe('What the reviewer should look at') }).strict();
export const ReviewDecisionBody = z
  .object({
    decision: z.enum(['approve', 'request_changes']),
    comment: z.string().max(4000).optional().describe('Required when asking for changes'),
  })
  .strict()
  .refine((b) => b.decision === 'approve' || (b.comment ?? '').trim().length > 0, { path: ['comment'], message: 'Say what should change' });
export const ReviewState = z
  .object({
    status: z.enum(['none', 'requested', 'approved', 'changes_requested']).describe('none: not sent; requested: waiting for a reviewer; approved: for `revision` only; changes_requested: sent back'),
    revision: z.number().int().describe('The draft revision the state is about'),
    requestedBy: z.string().nullable(),
    requestedAt: z.string().nullable(),
    note: z.string().nullable(),
    reviewer: z.string().nullable(),
    decidedAt: z.string().nullable(),
    comment: z.string().nullable(),
    withdrawn: z.object({ at: z.string(), by: z.string(), was: z.enum(['requested', 'approved']) }).strict().nullable().describe('The request or approval a later change withdrew'),
  })
  .strict();
export const Settings = z
  .object({
    publishReview: z.enum(['required', 'optional']).describe("'required': a draft is published only after another editor approved it; 'optional': single-person publishing (a local install)"),
  })
  .strict();
export const PutGoldenBody = z
  .object({ cases: z.array(GoldenCase).max(LIMITS.goldenCases).describe(`At most ${LIMITS.goldenCases} cases with ${LIMITS.goldenDossiers} dossiers in all`) })
  .strict()
  .superRefine((b, ctx) => {
    addDuplicateIssues(ctx, b.cases.map((c) => c.id), ['cases']);
    const dossiers = b.cases.reduce((n, c) => n + (c.kind === 'cohort' ? c.dossiers.length : 1), 0);
    if (dossiers > LIMITS.goldenDossiers) addLimitIssue(ctx, ['cases'], `the cases hold ${dossiers} dossiers; at most ${LIMITS.goldenDossiers} are run per draft`, LIMITS.goldenDossiers);
  });
export const RebaselineBody = z
  .object({
    caseIds: z.array(z.string().min(1).max(200)).min(1).max(500).describe('Failing cases whose expected outcome becomes the current result'),
    reason: z.string().min(1).max(2000).describe('Why the new outcome is right (kept in the audit log)'),
  })
  .strict();

export const DraftSummary = z
  .object({
    id: z.string(),
    ruleSetId: z.string(),
    basedOn: z.object({ id: z.string(), version: z.number().int() }),
    revision: z.number().int(),
    etag: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    goldenCases: z.number().int(),
    review: ReviewState,
    authors: z.array(z.string()).describe('Token ids of everyone who saved the draft; none of them may approve it'),
  })
  .strict();
export const DraftDetail = DraftSummary.extend({ document: RuleSet });

export const ValidationResponse = z
  .object({ valid: z.boolean(), errors: z.number().int(), warnings: z.number().int(), issues: z.array(Issue) })
  .strict();

export const GoldenRunResponse = z
  .object({
    passed: z.number().int(),
    failed: z.number().int(),
    results: z.array(z.object({ id: z.string(), ok: z.boolean(), problems: z.array(z.string()), actual: z.unknown() }).strict()),
  })
  .strict();
export const GoldenCasesResponse = z.object({ cases: z.array(GoldenCase) }).strict();
export const RebaselineResponse = z.object({ draft: DraftSummary, rebaselined: z.array(z.string()) }).strict();

// ---- dossiers

export const CreateDossierBody = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/).optional().describe('Store id; default `${cityId}-${period}`'),
    dossier: Dossier,
  })
  .strict();
export const PutDossierBody = z.object({ dossier: Dossier }).strict();

export const DossierSummary = z
  .object({
    id: z.string(),
    revision: z.number().int(),
    hash: z.string(),
    cityName: z.string().nullable(),
    province: z.string().nullable(),
    period: z.number().nullable(),
    type: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .strict();
export const DossierDetail = DossierSummary.extend({ dossier: Dossier });
export const RevisionSummary = z.object({ revision: z.number().int(), hash: z.string(), at: z.string(), by: z.string() }).strict();

/** Where a dossier comes from: the store (id and optional revision, default latest) or inline. */
const DossierSource = {
  dossierId: z.string().min(1).max(200).optional(),
  revision: z.number().int().positive().optional(),
  dossier: Dossier.optional().describe('An inline dossier (instead of dossierId)'),
};

export const ValidateRuleSetBody = z.object({ document: z.unknown().describe('A rule-set document, valid or not') }).strict();
export const PreviewBody = z.object({ interpretations: Interpretations.optional(), ...DossierSource }).strict();

export const ValidateDossierBody = z.object({ ruleSet: RuleSetRef, ...DossierSource }).strict();
export const DossierValidationResponse = ValidationResponse;

// ---- evaluations

export const EvaluateBody = z
  .object({ ruleSet: RuleSetRef, interpretations: Interpretations.optional(), ...DossierSource })
  .strict();

/** A published version by reference, or a rule set's id alone for the version in force today. */
export const RuleSetRefOrId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*(@([1-9][0-9]{0,8}|[0-9]{4}-[0-9]{2}-[0-9]{2}))?$/, 'ruleSetId, ruleSetId@version or ruleSetId@YYYY-MM-DD')
  .describe('A published version: "sfc-2017@2", the version in force at a date: "sfc-2017@2024-06-30", or the rule set\'s id alone for the version in force today: "sfc-2017"');

export const EvaluateView = z
  .enum(['decision', 'full'])
  .describe('decision (default): the compact decision (EvaluationDecision); full: the fully explained evaluation (Evaluation), as POST /api/evaluations records it');

export const StatelessEvaluateBody = z
  .object({ ruleSet: RuleSetRefOrId, interpretations: Interpretations.optional(), ...DossierSource, view: EvaluateView.default('decision') })
  .strict();

const DecisionTitle = z.object({ id: z.string(), label: I18nText, rank: z.number() }).strict();

export const EvaluationDecision = z
  .object({
    view: z.literal('decision'),
    provenance: Provenance,
    subject: z.object({ id: z.string(), name: z.string(), type: z.string(), period: z.number().int() }).strict(),
    outcome: z
      .object({
        status: z
          .enum(['passed', 'failed', 'undecided'])
          .describe(
            'undecided: a fact the decision needs is missing, so the result is open; this view does not say which: view=full lists each missing fact and what needs it (missingFacts), with the ranges the scores can still take',
          ),
        passed: z.boolean().nullable().describe('null when undecided'),
        title: DecisionTitle.nullable().describe('The title conferred (its label from the rule set); null unless passed and conferring'),
        indicative: z.boolean().describe('True when some indicator score is computed from facts, not given by evaluators'),
        indicatedTitle: DecisionTitle.nullable().describe(
          'The title a passed result points to, conferred or not: with `title` null it is a self-assessment on indicative points, which confers no title',
        ),
        base: z.number().nullable().describe('Base score; null when undecided (view=full gives its bounds and the exact decimal)'),
        bonus: z.number().nullable().describe('Bonus points; null when undecided'),
        total: z.number().nullable().describe('Base plus bonus; null when undecided'),
        passMark: z.number().nullable().describe('The pass mark of the rule that decided (or the first that applies)'),
      })
      .strict(),
    stages: z
      .array(z.object({ id: z.string(), kind: z.enum(['checks', 'score', 'bonus', 'outcome']), label: I18nText, status: Status }).strict())
      .describe('Every stage of the rule set in its order, with its label and status'),
    warnings: z
      .array(
        z
          .object({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), text: I18nText, cites: z.array(z.string()) })
          .strict(),
      )
      .describe("The dossier's consistency warnings (suspicious, not impossible); advisory checks are explained in view=full"),
    undecided: z
      .object({ text: I18nText })
      .strict()
      .optional()
      .describe('Present when the status is undecided: the missing facts are in view=full, not here'),
  })
  .strict()
  .describe(
    'The decision of one evaluation from the fast path: status, title, scores and stage statuses, without explanations (for those, and for the missing facts of an undecided result, ask view=full). Nothing is stored.',
  );

export const StatelessEvaluateResponse = z.union([EvaluationDecision, Evaluation]).describe('EvaluationDecision for view=decision, Evaluation for view=full');

export const EvaluationSummary = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    ruleSetId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    interpretations: z.record(z.string(), z.string()),
    dossierId: z.string().nullable(),
    dossierRevision: z.number().int().nullable(),
    dossierHash: z.string(),
    engineVersion: z.string(),
    outcome: z.object({ status: z.string(), title: z.string().nullable(), total: z.number().nullable() }).strict(),
  })
  .strict();
export const EvaluationRecord = EvaluationSummary.extend({ now: z.string(), result: Evaluation });
export const ReplayResponse = z
  .object({
    id: z.string(),
    same: z.boolean(),
    sameOutcome: z.boolean().describe('Whether the decision is reproduced: status, title, conferral, base, bonus, total and pass mark (an engine upgrade may reword explanations without changing it)'),
    engineVersion: z.object({ recorded: z.string(), current: z.string() }).strict(),
    differences: z.array(z.string()).describe('JSON paths where the replayed result differs'),
  })
  .strict();

// ---- batch and cohort

const DossierPick = z.union([
  z.string().min(1).max(200),
  z.object({ id: z.string().min(1).max(200), revision: z.number().int().positive().optional() }).strict(),
]);

export const BatchBody = z
  .object({
    dossiers: z.array(DossierPick).max(500).optional().describe('Stored dossiers (id, or id and revision)'),
    filter: z.object({ period: z.number().int().optional(), type: z.string().max(100).optional(), province: z.string().max(100).optional() }).strict().optional().describe('Or every stored dossier matching the filter'),
    inline: z.array(Dossier).max(100).optional().describe('Inline dossiers, added to the rows'),
    versions: z
      .array(
        z
          .object({
            ruleSet: z.union([RuleSetRef, DraftRef]),
            interpretations: Interpretations.optional(),
            label: z.string().min(1).max(100).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10)
      .describe(`Columns: versions, or one version under several interpretation switches. Dossiers × columns: at most ${LIMITS.batchCells}`),
  })
  .strict()
  .superRefine((b, ctx) => {
    const picks = (b.dossiers ?? []).map((p) => (typeof p === 'string' ? p : `${p.id}@${p.revision ?? 'latest'}`));
    addDuplicateIssues(ctx, picks, ['dossiers']);
    const cells = (picks.length + (b.inline?.length ?? 0)) * b.versions.length;
    if (cells > LIMITS.batchCells) addLimitIssue(ctx, ['dossiers'], `${cells} cells (dossiers × versions); at most ${LIMITS.batchCells} per batch`, LIMITS.batchCells);
  });

export const BatchCell = z
  .object({
    ok: z.boolean(),
    status: z.string().nullable(),
    passed: z.boolean().nullable(),
    title: z.string().nullable(),
    titleRank: z.number().int().nullable().describe('Rank of the outcome tier (0: none)'),
    total: z.number().nullable(),
    rank: z.number().int().nullable().describe('Position by total within the column (1: highest)'),
    changed: z.boolean().describe('Outcome differs from the first column'),
    issues: z.array(Issue).optional(),
  })
  .strict();

export const BatchResponse = z
  .object({
    columns: z.array(
      z
        .object({
          label: z.string(),
          ruleSetId: z.string(),
          version: z.number().int().describe('For a draft: the version it would be published as'),
          draft: z.string().nullable(),
          contentHash: z.string(),
          interpretations: z.record(z.string(), z.string()),
        })
        .strict(),
    ),
    rows: z.array(
      z
        .object({ dossierId: z.string().nullable(), revision: z.number().int().nullable(), name: z.string().nullable(), changed: z.boolean(), cells: z.array(BatchCell) })
        .strict(),
    ),
    changedDossiers: z.array(z.string()).describe('Rows whose outcome differs between columns'),
  })
  .strict();

export const CohortBody = z
  .object({
    ruleSet: RuleSetRef,
    period: z.number().int().min(1900).max(2200),
    mode: z.enum(['award', 'dynamic']).optional(),
    interpretations: Interpretations.optional(),
    includeEvaluations: z.boolean().optional(),
  })
  .strict();
export const CohortResponse = z
  .object({
    ruleSetId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    period: z.number().int(),
    dossiers: z.array(z.object({ id: z.string(), revision: z.number().int() }).strict()),
    result: CohortResult.partial({ evaluations: true }),
  })
  .strict();

// ---- policy text

export const ClauseText = z
  .object({
    id: z.string(),
    part: z.string().optional(),
    chapter_zh: z.string().optional(),
    chapter_en: z.string().optional(),
    title_en: z.string().optional(),
    text_zh: z.string(),
    text_en: z.string().optional(),
    remarks_zh: z.string().optional(),
    remarks_en: z.string().optional(),
  })
  .catchall(z.unknown())
  .describe('One clause of the policy text: the Chinese original and its English translation');

export const ParameterNote = z
  .object({
    description: I18nText.describe('What the parameter means and how the default reading sets it'),
    source: z.string().min(1).describe('Where in the policy notes it comes from, e.g. "I2.1; README 13; default reading #13"'),
    options: z.record(z.string(), I18nText).optional().describe("Names of an enum parameter's options, by option id"),
  })
  .strict();
export const ParameterNotes = z
  .object({
    policy: z.string(),
    about: I18nText,
    parameters: z.record(z.string(), ParameterNote).describe('By parameter id'),
  })
  .strict()
  .describe("The policy notes' descriptions of parameters and names of enum options (rules/policy/<id>/parameter-notes.json); a rule set's own description comes first");

// ---- tokens, audit, meta

export const RoleEnum = z.enum(['viewer', 'analyst', 'editor', 'admin']);
export const CreateTokenBody = z
  .object({
    name: z.string().min(1).max(100),
    role: RoleEnum,
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('When the token stops working (ISO timestamp, in the future); absent: it does not expire'),
  })
  .strict();
export const TokenSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleEnum,
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    state: z.enum(['live', 'revoked', 'expired']).describe('Whether the token works now'),
  })
  .strict();
export const CreatedToken = TokenSummary.extend({ token: z.string().describe('The bearer token; shown once, stored only as a hash') });

export const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).optional(),
    prevHash: z.string().nullable(),
    hash: z.string(),
  })
  .strict();
export const AuditResponse = z
  .object({
    entries: z.array(AuditEntrySchema),
    intact: z.boolean().describe('The keyed hash chain verified at start-up and before the last append (see GET /api/admin/integrity)'),
    scope: z.enum(['all', 'own']).describe("'own' for viewers and analysts: only the entries of their own actions"),
    brokenAt: z.number().int().nullable().optional().describe('The seq of the first entry that does not verify, when the integrity check names one; null when intact'),
    total: z.number().int().optional().describe('Entries verified in the last integrity check'),
    matching: z.number().int().optional().describe('Entries that match the filter (before the limit): `entries` holds at most `limit` of them'),
  })
  .strict();

export const ChainHead = z
  .object({
    seq: z.number().int().describe('The last entry'),
    hash: z.string().describe('Its keyed hash (HMAC-SHA256); every earlier entry is fixed by it'),
    at: z.string(),
  })
  .strict()
  .describe('The head of the audit chain, to record elsewhere (a ticket, a signed mail, another system): a later store whose chain does not pass through it was rewritten');

export const IntegrityProblemSchema = z
  .object({
    code: z.string().describe('audit_chain_broken, audit_truncated, audit_head_missing, audit_head_forged, audit_key_mismatch, record_mismatch, version_content_mismatch'),
    message: z.string(),
    target: z.string().optional().describe('What it concerns: sfc-2017@2, evaluation:ev-3, dossier:x-2019, audit:12'),
  })
  .strict();
export const IntegrityReportSchema = z
  .object({
    writable: z.boolean().describe('False when the audit chain, or a record it proves, does not verify: every write is refused (503 store_read_only) until the store is restored'),
    checkedAt: z.string(),
    problems: z.array(IntegrityProblemSchema),
    head: ChainHead.nullable(),
    entries: z.number().int().describe('Audit entries verified'),
    store: z.enum(['memory', 'lowdb', 'postgres']),
  })
  .strict();

export const Health = z
  .object({
    ok: z.literal(true),
    engineVersion: z.string(),
    store: z.object({ kind: z.enum(['memory', 'lowdb', 'postgres']), writable: z.boolean(), problems: z.number().int() }).strict().describe('When writable is false, an administrator reads why at GET /api/admin/integrity'),
  })
  .strict();
export const WhoAmI = z.object({ tokenId: z.string(), name: z.string(), role: RoleEnum }).strict();
