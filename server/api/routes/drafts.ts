// Routes for drafts: derive from a version, edit with ETag/If-Match, validate, golden cases (run, re-baseline), publish, delete.
import { z } from 'zod';
import { canonical } from '../../canonical.js';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { Actor, DraftRecord, DraftRevision, ReadTx, StoredDraft, WriteTx } from '../../store/repository.js';
import { NO_REVIEW, afterChange, decideReview, isRefusal, mayPublish, requestReview, type ReviewState } from '../../review.js';
import { defaultEffectiveFrom, effectiveDateIssues, periodsAfterPublishing } from '../../periods.js';
import { appendAudit } from '../../audit.js';
import type { Services } from '../../services.js';
import type { GoldenCase, Issue, RuleSet } from '../../engine.js';
import { versionSummary } from './ruleSets.js';
import { checkLimit, countNodes } from '../limits.js';
import { dossierFromRequest } from './dossiers.js';

const HISTORY_KEPT = 50;
const IF_MATCH = { name: 'If-Match', required: true, description: 'The ETag of the draft revision the edit is based on' };
const IF_MATCH_OPTIONAL = { ...IF_MATCH, required: false };

export const draftEtag = (d: DraftRecord): string => `"${d.id}.r${d.revision}"`;

function draftSummary(d: DraftRecord): z.infer<typeof S.DraftSummary> {
  return {
    id: d.id,
    ruleSetId: d.ruleSetId,
    basedOn: d.basedOn,
    revision: d.revision,
    etag: draftEtag(d),
    createdAt: d.createdAt,
    createdBy: d.createdBy,
    updatedAt: d.updatedAt,
    updatedBy: d.updatedBy,
    goldenCases: d.goldenCount,
    review: d.review ?? NO_REVIEW,
    authors: d.authors ?? [],
  };
}

/**
 * The review fields of a draft's next revision after a change of its content: the saver joins its authors, and a
 * pending request or an approval is withdrawn (with an audit entry), since it was about the draft before the change.
 */
async function reviewAfterChange(tx: WriteTx, services: Services, d: DraftRecord, actor: Actor, now: string, revision: number): Promise<{ review: ReviewState; authors: string[] }> {
  const authors = [...new Set([...(d.authors ?? []), actor.tokenId])];
  const r = afterChange(d.review ?? NO_REVIEW, services.actorName(actor), now, revision);
  if (r.withdrawn)
    await appendAudit(tx, now, {
      actor: services.actorName(actor),
      action: 'draft.review.withdraw',
      target: d.id,
      before: r.withdrawn,
      after: 'none',
      details: { revision, reason: r.withdrawn === 'approved' ? 'changed after approval' : 'changed during review' },
    });
  return { review: r.state, authors };
}

const detail = (d: StoredDraft) => ({ body: { ...draftSummary(d), document: d.document }, headers: { ETag: draftEtag(d) } });

async function findDraft(tx: ReadTx, id: string): Promise<StoredDraft> {
  const d = await tx.drafts.get(id);
  if (!d) throw new ApiError('not_found', `No draft ${id}`);
  return d;
}

/** Refuses a stale If-Match with 409 and the changes made since the writer's revision. */
function checkIfMatch(services: Services, d: DraftRecord, ifMatch: string | null, required: boolean): void {
  if (ifMatch === null) {
    if (required) throw new ApiError('precondition_required', 'Send If-Match with the ETag of the draft you edited');
    return;
  }
  if (ifMatch === '*' || ifMatch === draftEtag(d)) return;
  const m = /^"([^"]+)\.r([0-9]+)"$/.exec(ifMatch);
  const theirs = m && m[1] === d.id ? Number(m[2]) : null;
  // The edits since their revision, when all of them are still kept.
  const known = theirs !== null && theirs < d.revision && (d.history[0]?.revision ?? Infinity) <= theirs + 1;
  const edits = known ? d.history.filter((h) => h.revision > theirs!) : null;
  throw new ApiError('etag_mismatch', `The draft changed since ${ifMatch}: it is now revision ${d.revision}`, undefined, {
    current: { etag: draftEtag(d), revision: d.revision, updatedAt: d.updatedAt, updatedBy: d.updatedBy },
    changes: edits ? edits.flatMap((h) => h.changes) : null,
    edits: edits ? edits.map(({ revision, at, by, action }) => ({ revision, at, by, action })) : null,
  });
}

/** The fields of a draft's next revision, remembering what the edit changed. */
function nextRevision(d: DraftRecord, by: string, now: string, action: string, changes: unknown[]): { revision: number; updatedAt: string; updatedBy: string; history: DraftRevision[] } {
  const revision = d.revision + 1;
  return { revision, updatedAt: now, updatedBy: by, history: [...d.history, { revision, at: now, by, action, changes }].slice(-HISTORY_KEPT) };
}

/** Fields the server manages: an edit must leave them as they are. */
function identityIssues(before: RuleSet, after: RuleSet): Issue[] {
  const issues: Issue[] = [];
  for (const key of ['id', 'status', 'version', 'basedOn', 'changelog'] as const) {
    if (canonical(before[key]) !== canonical(after[key])) {
      issues.push({ code: 'server_managed_field', path: ['document', key], message: `${key} is set by the server (it was ${JSON.stringify(before[key])})` });
    }
  }
  return issues;
}

/** Schema and semantic issues of a rule-set document, and whether it compiles; in the worker pool. */
function validation(services: Services, doc: unknown): Promise<z.infer<typeof S.ValidationResponse>> {
  checkLimit(countNodes(doc, services.limits.ruleSetNodes), services.limits.ruleSetNodes, ['body', 'document'], 'JSON values in the rule set');
  return services.compute.validate(doc, services.clauseIdsOf(doc));
}

function findBase<V extends { version: number }>(versions: V[], d: DraftRecord): V {
  const base = versions.find((v) => v.version === d.basedOn.version);
  if (!base) throw new ApiError('not_found', `The version ${d.basedOn.id}@${d.basedOn.version} this draft is based on is gone`);
  return base;
}
const baseVersion = async (tx: ReadTx, d: DraftRecord) => findBase(await tx.versions.list(d.ruleSetId), d);

/** The versions of the draft's rule set, once the new version's first day has passed its check (422 invalid_effective_date otherwise). */
async function checkEffectiveDate(tx: ReadTx, d: DraftRecord, day: string) {
  const versions = await tx.versions.list(d.ruleSetId);
  const base = findBase(versions, d);
  const issues = effectiveDateIssues(day, base);
  if (issues.length) throw new ApiError('invalid_effective_date', issues[0].message, issues);
  return versions;
}

function runGolden(services: Services, d: StoredDraft, golden: GoldenCase[]) {
  return services.compute.golden(services.draftInput(d), golden);
}

export const draftRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/drafts',
    tag: 'Drafts',
    summary: 'List drafts',
    role: 'viewer',
    query: S.DraftListQuery,
    response: { status: 200, schema: z.array(S.DraftSummary), description: 'Drafts' },
    errors: ['invalid_request'],
    handler: ({ query, services }) =>
      services.repo.read(async (tx) => ({ body: (await tx.drafts.list(query.ruleSetId || undefined)).map(draftSummary) })),
  }),
  route({
    method: 'post',
    path: '/api/drafts',
    tag: 'Drafts',
    summary: 'Create a draft from a published version',
    description: 'The draft starts as a copy of the version and of its golden cases.',
    role: 'editor',
    body: S.CreateDraftBody,
    response: { status: 201, schema: S.DraftDetail, description: 'The new draft', etag: true },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'integrity_mismatch', 'store_read_only'],
    handler: async ({ body, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const base = await services.resolveRef(tx, body.from);
        const now = services.now();
        const document: RuleSet = {
          ...structuredClone(base.document),
          status: 'draft',
          version: await tx.versions.nextNumber(base.ruleSetId),
          basedOn: { id: base.ruleSetId, version: base.version },
        };
        const draft = await tx.drafts.insert({
          id: await tx.nextId('draft'),
          ruleSetId: base.ruleSetId,
          basedOn: { id: base.ruleSetId, version: base.version },
          revision: 1,
          document,
          golden: await tx.versions.golden(base),
          createdAt: now,
          createdBy: services.actorName(actor),
          updatedAt: now,
          updatedBy: services.actorName(actor),
          history: [],
          review: NO_REVIEW,
          authors: [actor.tokenId],
        });
        await appendAudit(tx, now, {
          actor: services.actorName(actor),
          action: 'draft.create',
          target: draft.id,
          before: base.contentHash,
          after: services.engine.ruleSetHash(document),
          details: { from: `${base.ruleSetId}@${base.version}` },
        });
        return draft;
      });
      return { status: 201, ...detail(d), headers: { ETag: draftEtag(d), Location: `/api/drafts/${d.id}` } };
    },
  }),
  route({
    method: 'get',
    path: '/api/drafts/:id',
    tag: 'Drafts',
    summary: 'Fetch a draft',
    role: 'viewer',
    params: S.IdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.DraftDetail, description: 'The draft; its ETag goes in If-Match when editing', etag: true },
    errors: ['not_found'],
    handler: ({ params, services }) => services.repo.read(async (tx) => detail(await findDraft(tx, params.id))),
  }),
  route({
    method: 'put',
    path: '/api/drafts/:id',
    tag: 'Drafts',
    summary: 'Replace the draft document',
    description:
      'Optimistic concurrency: If-Match must carry the current ETag; a stale one gets 409 with `current` and `changes` (what changed since that revision). ' +
      'The document must match the rule-set schema; semantic problems are allowed and reported by validate. id, status, version, basedOn and changelog are set by the server. ' +
      'The same document as stored changes nothing (no revision, no audit entry). A change withdraws a pending review request or an approval.',
    role: 'editor',
    params: S.IdParam,
    body: S.PutDraftBody,
    requestHeaders: [IF_MATCH],
    response: { status: 200, schema: S.DraftDetail, description: 'The draft at its new revision', etag: true },
    errors: ['invalid_request', 'not_found', 'precondition_required', 'etag_mismatch', 'identity_changed', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const old = await findDraft(tx, params.id);
        checkIfMatch(services, old, ifMatch, true);
        const issues = identityIssues(old.document, body.document);
        if (issues.length) throw new ApiError('identity_changed', 'The edit changes fields the server manages', issues);
        const now = services.now();
        const before = services.engine.ruleSetHash(old.document);
        // The same document again (an autosave that changes nothing): no revision, no audit entry, the ETag stays.
        if (services.engine.ruleSetHash(body.document) === before) return old;
        const changes = services.engine.diffRuleSets(old.document, body.document);
        const next = nextRevision(old, services.actorName(actor), now, 'draft.update', changes);
        const d = await tx.drafts.update(old.id, old.revision, { ...next, ...(await reviewAfterChange(tx, services, old, actor, now, next.revision)), document: body.document });
        await appendAudit(tx, now, {
          actor: d.updatedBy,
          action: 'draft.update',
          target: d.id,
          before,
          after: services.engine.ruleSetHash(d.document),
          // The semantic changes travel with the entry, so the audit page can say what an edit did after the draft is gone.
          details: { revision: d.revision, changes },
        });
        return d;
      });
      return detail(d);
    },
  }),
  route({
    method: 'delete',
    path: '/api/drafts/:id',
    tag: 'Drafts',
    summary: 'Delete a draft',
    role: 'editor',
    params: S.IdParam,
    requestHeaders: [IF_MATCH_OPTIONAL],
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found', 'etag_mismatch', 'store_read_only'],
    handler: async ({ params, ifMatch, actor, services }) => {
      await services.repo.transact(async (tx) => {
        const d = await findDraft(tx, params.id);
        checkIfMatch(services, d, ifMatch, false);
        await tx.drafts.delete(d.id, d.revision);
        await appendAudit(tx, services.now(), {
          actor: services.actorName(actor),
          action: 'draft.delete',
          target: d.id,
          before: services.engine.ruleSetHash(d.document),
          after: null,
        });
      });
      return { status: 204 };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/validate',
    tag: 'Drafts',
    summary: 'Validate a draft (schema and semantic issues with JSON paths)',
    role: 'viewer',
    cost: 'heavy',
    params: S.IdParam,
    response: { status: 200, schema: S.ValidationResponse, description: 'Issues; valid when none is an error' },
    errors: ['not_found'],
    handler: async ({ params, services }) => {
      const doc = await services.repo.read(async (tx) => (await findDraft(tx, params.id)).document);
      return { body: await validation(services, doc) };
    },
  }),
  route({
    method: 'post',
    path: '/api/rulesets/validate',
    tag: 'Drafts',
    summary: 'Validate any rule-set document without storing it (schema and semantic issues with JSON paths)',
    role: 'viewer',
    cost: 'heavy',
    body: S.ValidateRuleSetBody,
    response: { status: 200, schema: S.ValidationResponse, description: 'Issues; valid when none is an error' },
    errors: ['invalid_request', 'limit_exceeded'],
    handler: async ({ body, services }) => ({ body: await validation(services, body.document) }),
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/evaluate',
    tag: 'Drafts',
    summary: 'Evaluate a stored or inline dossier under a draft (a preview; nothing is stored)',
    role: 'analyst',
    params: S.IdParam,
    body: S.PreviewBody,
    response: { status: 200, schema: S.Evaluation, description: 'The fully explained evaluation' },
    errors: ['invalid_request', 'not_found', 'invalid_rule_set', 'invalid_dossier', 'invalid_interpretation'],
    handler: async ({ params, body, services }) => {
      const d = await services.repo.read((tx) => findDraft(tx, params.id));
      const src = await dossierFromRequest(services, body);
      return { body: await services.evaluate(services.draftInput(d, body.interpretations ?? {}), src.dossier, services.now(), src.hash) };
    },
  }),
  route({
    method: 'get',
    path: '/api/drafts/:id/golden',
    tag: 'Drafts',
    summary: "A draft's golden cases",
    role: 'viewer',
    params: S.IdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.GoldenCasesResponse, description: 'Golden cases' },
    errors: ['not_found'],
    handler: ({ params, services }) => services.repo.read(async (tx) => ({ body: { cases: await tx.drafts.golden(await findDraft(tx, params.id)) } })),
  }),
  route({
    method: 'put',
    path: '/api/drafts/:id/golden',
    tag: 'Drafts',
    summary: "Replace a draft's golden cases",
    role: 'editor',
    params: S.IdParam,
    body: S.PutGoldenBody,
    requestHeaders: [IF_MATCH],
    response: { status: 200, schema: S.DraftSummary, description: 'The draft at its new revision', etag: true },
    errors: ['invalid_request', 'not_found', 'precondition_required', 'etag_mismatch', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const old = await findDraft(tx, params.id);
        checkIfMatch(services, old, ifMatch, true);
        const now = services.now();
        const next = nextRevision(old, services.actorName(actor), now, 'draft.golden.replace', [{ kind: 'golden', change: 'replaced', id: 'golden', path: ['golden'], text: { zh: '黄金案例已替换', en: 'golden cases replaced' } }]);
        const d = await tx.drafts.update(old.id, old.revision, { ...next, ...(await reviewAfterChange(tx, services, old, actor, now, next.revision)), golden: body.cases });
        await appendAudit(tx, now, { actor: d.updatedBy, action: 'draft.golden.replace', target: d.id, before: old.goldenHash, after: d.goldenHash });
        return d;
      });
      return { body: draftSummary(d), headers: { ETag: draftEtag(d) } };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/golden/run',
    tag: 'Drafts',
    summary: "Run a draft's golden cases",
    role: 'viewer',
    cost: 'heavy',
    params: S.IdParam,
    response: { status: 200, schema: S.GoldenRunResponse, description: 'Per-case results' },
    errors: ['not_found', 'invalid_rule_set'],
    handler: async ({ params, services }) => {
      const { d, golden } = await services.repo.read(async (tx) => {
        const d = await findDraft(tx, params.id);
        return { d, golden: await tx.drafts.golden(d) };
      });
      return { body: await runGolden(services, d, golden) };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/golden/rebaseline',
    tag: 'Drafts',
    summary: 'Re-baseline named failing golden cases',
    description:
      "Each named case must currently fail; its expected outcome becomes the current result (only the fields it already checked). Recorded in the audit log with the reason. There is no 're-baseline all'.",
    role: 'editor',
    cost: 'heavy',
    params: S.IdParam,
    body: S.RebaselineBody,
    requestHeaders: [IF_MATCH_OPTIONAL],
    response: { status: 200, schema: S.RebaselineResponse, description: 'The draft at its new revision', etag: true },
    errors: ['invalid_request', 'not_found', 'not_failing', 'etag_mismatch', 'invalid_rule_set', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const { snapshot, golden } = await services.repo.read(async (tx) => {
        const snapshot = await findDraft(tx, params.id);
        return { snapshot, golden: await tx.drafts.golden(snapshot) };
      });
      checkIfMatch(services, snapshot, ifMatch, false);
      const { issues, replaced } = await services.compute.rebaseline(services.draftInput(snapshot), golden, body.caseIds);
      if (issues.length) throw new ApiError('not_failing', 'Only failing golden cases can be re-baselined', issues);
      const d = await services.repo.transact(async (tx) => {
        const old = await findDraft(tx, params.id);
        // The run above used this revision; a concurrent edit means the results may be stale.
        if (old.revision !== snapshot.revision) checkIfMatch(services, old, draftEtag(snapshot), true);
        const now = services.now();
        const next = nextRevision(
          old,
          services.actorName(actor),
          now,
          'draft.golden.rebaseline',
          body.caseIds.map((id) => ({ kind: 'golden', change: 'rebaselined', id, path: ['golden', id], text: { zh: `黄金案例 ${id} 已重新基线`, en: `golden case ${id} re-baselined` } })),
        );
        const d = await tx.drafts.update(old.id, old.revision, { ...next, ...(await reviewAfterChange(tx, services, old, actor, now, next.revision)), golden: golden.map((c) => replaced.get(c.id) ?? c) });
        await appendAudit(tx, now, {
          actor: d.updatedBy,
          action: 'draft.golden.rebaseline',
          target: d.id,
          before: old.goldenHash,
          after: d.goldenHash,
          details: { cases: body.caseIds, reason: body.reason },
        });
        return d;
      });
      return { body: { draft: draftSummary(d), rebaselined: body.caseIds }, headers: { ETag: draftEtag(d) } };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/review/request',
    tag: 'Drafts',
    summary: 'Send a draft for review (four eyes)',
    description:
      'Another editor, one who has not saved the draft, then approves it or asks for changes (POST /api/drafts/{id}/review). ' +
      'The request is for the draft as it is: a later change withdraws it. Recorded in the audit log.',
    role: 'editor',
    params: S.IdParam,
    body: S.ReviewRequestBody,
    requestHeaders: [IF_MATCH_OPTIONAL],
    response: { status: 200, schema: S.DraftSummary, description: 'The draft, waiting for its review', etag: true },
    errors: ['invalid_request', 'not_found', 'etag_mismatch', 'review_state', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const old = await findDraft(tx, params.id);
        checkIfMatch(services, old, ifMatch, false);
        const now = services.now();
        const by = services.actorName(actor);
        const next = nextRevision(old, by, now, 'draft.review.request', [{ kind: 'review', id: 'review', path: ['review'], text: { zh: `${by} 提交审核`, en: `${by} asked for review` } }]);
        const review = requestReview(old.review ?? NO_REVIEW, by, now, next.revision, body.note ?? null);
        if (isRefusal(review)) throw new ApiError('review_state', review.message);
        const d = await tx.drafts.update(old.id, old.revision, { ...next, review });
        await appendAudit(tx, now, { actor: by, action: 'draft.review.request', target: d.id, before: old.review?.status ?? 'none', after: 'requested', details: { revision: d.revision, ...(review.note ? { note: review.note } : {}) } });
        return d;
      });
      return { body: draftSummary(d), headers: { ETag: draftEtag(d) } };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/review',
    tag: 'Drafts',
    summary: "A reviewer's decision: approve the draft, or ask for changes with a comment",
    description:
      'By another token with the editor role that has never saved the draft (403 reviewer_is_author otherwise). If-Match names the revision reviewed; ' +
      'an approval holds until the draft changes. Recorded in the audit log.',
    role: 'editor',
    params: S.IdParam,
    body: S.ReviewDecisionBody,
    requestHeaders: [IF_MATCH],
    response: { status: 200, schema: S.DraftSummary, description: 'The draft with the decision', etag: true },
    errors: ['invalid_request', 'not_found', 'precondition_required', 'etag_mismatch', 'review_state', 'reviewer_is_author', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const old = await findDraft(tx, params.id);
        checkIfMatch(services, old, ifMatch, true);
        const now = services.now();
        const by = services.actorName(actor);
        const approve = body.decision === 'approve';
        const action = approve ? 'draft.review.approve' : 'draft.review.request_changes';
        const next = nextRevision(old, by, now, action, [{ kind: 'review', id: 'review', path: ['review'], text: approve ? { zh: `${by} 批准了草稿`, en: `${by} approved the draft` } : { zh: `${by} 要求修改`, en: `${by} asked for changes` } }]);
        const review = decideReview(old.review ?? NO_REVIEW, { tokenId: actor.tokenId, name: by }, old.authors ?? [], body.decision, body.comment ?? null, now, next.revision);
        if (isRefusal(review)) {
          if (review.code === 'comment_required') throw new ApiError('invalid_request', review.message, [{ code: 'comment_required', path: ['body', 'comment'], message: review.message }]);
          throw new ApiError(review.code, review.message);
        }
        const d = await tx.drafts.update(old.id, old.revision, { ...next, review });
        await appendAudit(tx, now, { actor: by, action, target: d.id, before: 'requested', after: review.status, details: { revision: d.revision, ...(review.comment ? { comment: review.comment } : {}) } });
        return d;
      });
      return { body: draftSummary(d), headers: { ETag: draftEtag(d) } };
    },
  }),
  route({
    method: 'post',
    path: '/api/drafts/:id/publish',
    tag: 'Drafts',
    summary: 'Publish a draft as the next version, in force from a given day',
    description:
      'Needs If-Match with the ETag of the draft revision being published (428 without it, 409 when the draft changed since). ' +
      'Only when the draft validates, all its golden cases pass (else 422 with the issues or failing cases) and, unless the settings allow single-person publishing, ' +
      'another editor approved the draft as it is (409 review_state). The changelog entry names the token holder as author. The new version is in force from `effectiveFrom` (default: the next day, or the start of the base version when that is later), never before the version ' +
      'it is based on; the version in force until then ends the day before, in the same step (one that would start that same day is replaced before it takes effect): its period is version metadata (a version.close audit entry), ' +
      'its document and content hash do not change. The version number is the highest published one plus one; the changelog entry is appended; the content hash ' +
      'identifies the result. The draft is removed.',
    role: 'editor',
    cost: 'heavy',
    params: S.IdParam,
    body: S.PublishBody,
    requestHeaders: [{ ...IF_MATCH, description: 'The ETag of the draft revision the editor saw: only that revision is published' }],
    response: { status: 201, schema: S.VersionSummary, description: 'The published version', etag: true },
    errors: ['invalid_request', 'not_found', 'invalid_rule_set', 'golden_failed', 'precondition_required', 'etag_mismatch', 'review_state', 'invalid_effective_date', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const { snapshot, golden, settings } = await services.repo.read(async (tx) => {
        const snapshot = await findDraft(tx, params.id);
        return { snapshot, golden: await tx.drafts.golden(snapshot), settings: await tx.settings() };
      });
      // Required: an editor publishes the revision they saw, never one saved since by someone else.
      checkIfMatch(services, snapshot, ifMatch, true);
      const day = body.effectiveFrom ?? (await services.repo.read(async (tx) => defaultEffectiveFrom(services.now().slice(0, 10), await baseVersion(tx, snapshot))));
      const check = await validation(services, snapshot.document);
      if (!check.valid) throw new ApiError('invalid_rule_set', 'The draft does not validate', check.issues);
      const run = await runGolden(services, snapshot, golden);
      if (run.failed > 0) {
        throw new ApiError(
          'golden_failed',
          `${run.failed} golden case(s) fail; fix the draft or re-baseline them deliberately`,
          run.results
            .map((r, i) => ({ r, i }))
            .filter(({ r }) => !r.ok)
            .map(({ r, i }) => ({ code: 'golden_case_failed', path: ['golden', i], message: `${r.id}: ${r.problems.join('; ')}` })),
        );
      }
      await services.repo.read((tx) => checkEffectiveDate(tx, snapshot, day));
      const refused = mayPublish(snapshot.review ?? NO_REVIEW, snapshot.revision, settings.publishReview === 'required');
      if (refused) throw new ApiError('review_state', refused.message);
      const v = await services.repo.transact(async (tx) => {
        const d = await findDraft(tx, params.id);
        if (d.revision !== snapshot.revision) checkIfMatch(services, d, draftEtag(snapshot), true);
        const versions = await checkEffectiveDate(tx, d, day);
        const now = services.now();
        const version = await tx.versions.nextNumber(d.ruleSetId);
        const ref = `${d.ruleSetId}@${version}`;
        // The author is who holds the token, not a name the request may choose.
        const author = actor.name;
        const periods = periodsAfterPublishing(day, versions);
        const document: RuleSet = {
          ...d.document,
          status: 'published',
          version,
          basedOn: d.basedOn,
          effectiveFrom: day,
          effectiveTo: periods.newEffectiveTo,
          changelog: [...d.document.changelog, { version, date: now.slice(0, 10), author, note: body.changelog }],
        };
        const contentHash = services.engine.ruleSetHash(document);
        const stored = await tx.versions.insert({
          ruleSetId: d.ruleSetId,
          version,
          contentHash,
          document,
          golden: d.revision === snapshot.revision ? golden : await tx.drafts.golden(d),
          publishedAt: now,
          publishedBy: services.actorName(actor),
          source: 'api',
        });
        await tx.drafts.delete(d.id, d.revision);
        const base = versions.find((x) => x.version === d.basedOn.version);
        const review = d.review ?? NO_REVIEW;
        await appendAudit(tx, now, {
          actor: services.actorName(actor),
          action: 'version.publish',
          target: ref,
          before: base?.contentHash ?? null,
          after: contentHash,
          details: {
            draft: d.id,
            basedOn: `${d.basedOn.id}@${d.basedOn.version}`,
            changelog: body.changelog,
            effectiveFrom: day,
            review: review.status === 'approved' && review.revision === d.revision ? { approvedBy: review.reviewer, at: review.decidedAt } : 'not required by the settings (single-person publishing)',
          },
        });
        // The versions in force until then end the day before: recorded on their records, audited, their documents untouched.
        for (const c of periods.close) {
          const old = versions.find((x) => x.version === c.version)!;
          await tx.versions.closePeriod(d.ruleSetId, c.version, c.effectiveTo, { version, at: now });
          await appendAudit(tx, now, {
            actor: services.actorName(actor),
            action: 'version.close',
            target: `${d.ruleSetId}@${c.version}`,
            before: old.effectiveTo,
            after: c.effectiveTo,
            details: { by: ref, effectiveFrom: day },
          });
        }
        return stored;
      });
      return {
        status: 201,
        body: versionSummary(v),
        headers: { ETag: `"${v.contentHash}"`, Location: `/api/rulesets/${v.ruleSetId}/versions/${v.version}` },
      };
    },
  }),
];
