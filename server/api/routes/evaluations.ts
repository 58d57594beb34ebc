// Routes for evaluations (stored as decision-log records, replayable), batch re-scoring across versions, and cohort evaluation for a period.
import { z } from 'zod';
import { canonical } from '../../canonical.js';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { ReadTx, StoredEvaluation } from '../../store/repository.js';
import { factOf, type Services } from '../../services.js';
import type { Dossier, Evaluation } from '../../engine.js';
import { dossierFromRequest, filterDossiers } from './dossiers.js';
import { checkLimit } from '../limits.js';
import { DEFAULT_RATE_LIMITS } from '../protection.js';

/** A record as listed: without its result, evaluation time or inline dossier. */
export function summary(e: StoredEvaluation): z.infer<typeof S.EvaluationSummary> {
  const { inlineDossier: _inline, now: _now, resultHash: _result, ...rest } = e;
  return rest;
}

async function findEvaluation(tx: ReadTx, id: string): Promise<StoredEvaluation> {
  const e = await tx.evaluations.get(id);
  if (!e) throw new ApiError('not_found', `No evaluation ${id}`);
  return e;
}

/** JSON paths where two values differ (at most `limit`). */
export function differences(a: unknown, b: unknown, path = '$', out: string[] = [], limit = 50): string[] {
  if (out.length >= limit) return out;
  if (a === b) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out, limit);
    return out;
  }
  if (canonical(a) !== canonical(b)) out.push(path);
  return out;
}

type Cell = z.infer<typeof S.BatchCell>;

export const evaluationRoutes = (): RouteDef[] => [
  route({
    method: 'post',
    path: '/api/evaluations',
    tag: 'Evaluations',
    summary: 'Evaluate a stored or inline dossier under a published version',
    description: 'Stored as an evaluation record (decision log): rule set id, version, content hash, dossier id, revision and hash, engine version, result.',
    role: 'analyst',
    body: S.EvaluateBody,
    response: { status: 201, schema: S.EvaluationRecord, description: 'The evaluation record' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_dossier', 'invalid_interpretation', 'integrity_mismatch', 'store_read_only'],
    handler: async ({ body, actor, services }) => {
      const v = await services.repo.read((tx) => services.resolveDocument(tx, body.ruleSet));
      const src = await dossierFromRequest(services, body);
      const interpretations = body.interpretations ?? {};
      const now = services.now();
      const result = await services.evaluate(services.versionInput(v, interpretations), src.dossier, now, src.hash);
      // The store writes the result before the record and records the record's hash in the audit chain.
      const record = await services.repo.transact(async (tx) =>
        tx.evaluations.insert(
          {
          id: await tx.nextId('ev'),
          createdAt: now,
          createdBy: services.actorName(actor),
          ruleSetId: v.ruleSetId,
          version: v.version,
          contentHash: v.contentHash,
          interpretations,
          dossierId: src.dossierId,
          dossierRevision: src.revision,
          dossierHash: src.hash,
          inlineDossier: src.dossierId === null ? src.dossier : null,
          engineVersion: services.engine.ENGINE_VERSION,
          now,
          outcome: { status: result.outcome.status, title: result.outcome.title?.id ?? null, total: result.outcome.total.value },
          },
          result,
        ),
      );
      return { status: 201, body: { ...summary(record), now: record.now, result }, headers: { Location: `/api/evaluations/${record.id}` } };
    },
  }),
  route({
    method: 'post',
    path: '/api/evaluate',
    tag: 'Evaluations',
    summary: 'Evaluate a stored or inline dossier under a published version, storing nothing (for other systems)',
    description:
      'The rule set is `id@version`, `id@YYYY-MM-DD` (the version in force that day) or `id` alone (the version in force today). ' +
      'view=decision (the default) answers the compact decision from the engine\'s fast path: provenance, status, title, scores, pass mark, each stage\'s status and the dossier\'s consistency warnings, with the rule set\'s labels. ' +
      'An undecided result says so and no more: view=full lists the missing facts and what needs each. ' +
      'view=full answers the fully explained evaluation, as POST /api/evaluations records it. Nothing is stored and nothing is written to the audit log. ' +
      'A dossier that does not pass the rule set\'s checks is refused with 422 invalid_dossier and the issues with their paths. ' +
      `Rate limit: its own class, evaluate (${DEFAULT_RATE_LIMITS.evaluate.toLocaleString('en')} per token and minute by default, RATE_LIMIT_EVALUATE), not the write limit.`,
    role: 'analyst',
    cost: 'evaluate',
    tokenInRead: true,
    body: S.StatelessEvaluateBody,
    response: { status: 200, schema: S.StatelessEvaluateResponse, description: 'The decision (view=decision) or the fully explained evaluation (view=full)' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_dossier', 'invalid_interpretation', 'integrity_mismatch'],
    handler: async ({ body, services, read }) => {
      const now = services.now();
      const ref = body.ruleSet.includes('@') ? body.ruleSet : `${body.ruleSet}@${now.slice(0, 10)}`;
      // The version and a stored dossier in one read, without a snapshot: a published document never changes and a
      // dossier only gains revisions, so each read may see the latest commit. The caller's token is checked with them.
      const { v, src } = await read(async (tx) => ({ v: await services.resolveDocument(tx, ref), src: await dossierFromRequest(services, body, tx) }), { snapshot: false });
      const interpretations = body.interpretations ?? {};
      if (body.view === 'full') return { body: await services.evaluate(services.versionInput(v, interpretations), src.dossier, now, src.hash) };
      return { json: services.decide(v, interpretations, src.dossier, now, src.hash) };
    },
  }),
  route({
    method: 'get',
    path: '/api/evaluations',
    tag: 'Evaluations',
    summary: 'List evaluation records',
    role: 'viewer',
    query: S.EvaluationListQuery,
    response: { status: 200, schema: z.array(S.EvaluationSummary), description: 'Records without their results' },
    errors: ['invalid_request'],
    handler: ({ query, services }) =>
      services.repo.read(async (tx) => ({ body: (await tx.evaluations.list({ dossierId: query.dossierId, ruleSetId: query.ruleSetId, version: query.version })).map(summary) })),
  }),
  route({
    method: 'get',
    path: '/api/evaluations/:id',
    tag: 'Evaluations',
    summary: 'Fetch an evaluation record',
    role: 'viewer',
    params: S.IdParam,
    query: S.EmptyQuery,
    description: 'The result is checked against the hash in its record: a result changed or cut short on disk answers 409 integrity_mismatch, a missing one 410 blob_missing.',
    response: { status: 200, schema: S.EvaluationRecord, description: 'The record and its full result' },
    errors: ['not_found', 'integrity_mismatch', 'blob_missing'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const e = await findEvaluation(tx, params.id);
        return { body: { ...summary(e), now: e.now, result: await tx.evaluations.result(e) } };
      }),
  }),
  route({
    method: 'post',
    path: '/api/evaluations/:id/replay',
    tag: 'Evaluations',
    summary: 'Replay an evaluation: re-run it and confirm the same result',
    description: 'Uses the recorded version (checked by content hash), dossier revision, interpretations and evaluation time. Nothing is stored.',
    role: 'analyst',
    params: S.IdParam,
    response: { status: 200, schema: S.ReplayResponse, description: 'Whether the replay reproduced the result' },
    errors: ['not_found', 'integrity_mismatch', 'blob_missing'],
    handler: async ({ params, services }) => {
      const { rec, v, dossier, recorded } = await services.repo.read(async (tx) => {
        const rec = await findEvaluation(tx, params.id);
        const v = await services.resolveRef(tx, `${rec.ruleSetId}@${rec.version}`);
        const dossier = rec.inlineDossier ?? (await services.dossierRevision(tx, rec.dossierId!, rec.dossierRevision!, { includeDeleted: true })).rev.dossier;
        return { rec, v, dossier, recorded: await tx.evaluations.result(rec) };
      });
      const diffs: string[] = [];
      if (v.contentHash !== rec.contentHash) diffs.push('$.provenance.contentHash');
      const replayed = await services.evaluate(services.versionInput(v, rec.interpretations), dossier, rec.now);
      differences(recorded, replayed, '$', diffs);
      // The decision itself, apart from the words around it.
      const decision = (e: any) => {
        const o = e?.outcome ?? {};
        return { status: o.status, title: o.title?.id ?? null, confers: o.confers ?? true, base: o.baseScore?.value, bonus: o.bonus?.value, total: o.total?.value, passMark: o.passMark };
      };
      const sameOutcome = v.contentHash === rec.contentHash && differences(decision(recorded), decision(replayed)).length === 0;
      return { body: { id: rec.id, same: diffs.length === 0, sameOutcome, engineVersion: { recorded: rec.engineVersion, current: services.engine.ENGINE_VERSION }, differences: diffs } };
    },
  }),
  route({
    method: 'post',
    path: '/api/batch',
    tag: 'Evaluations',
    summary: 'Re-score many dossiers under several versions, drafts or interpretation switches',
    cost: 'heavy',
    description:
      'Rows are dossiers, columns are published versions or drafts (to see a change before publishing). Each cell has the verdict, title, total and rank by total in its column; `changed` marks cells whose outcome (status or title) differs from the first column. Nothing is stored.',
    role: 'analyst',
    body: S.BatchBody,
    response: { status: 200, schema: S.BatchResponse, description: 'The matrix' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_interpretation', 'limit_exceeded'],
    handler: async ({ body, services }) => {
      const { columns, rows } = await services.repo.read(async (tx) => {
        const columns = [];
        for (const c of body.versions) {
          if (!c.ruleSet.startsWith('draft-')) {
            columns.push({ spec: c, version: await services.resolveRef(tx, c.ruleSet), draft: null as string | null });
            continue;
          }
          const d = await tx.drafts.get(c.ruleSet);
          if (!d) throw new ApiError('not_found', `No draft ${c.ruleSet}`);
          const version = { ruleSetId: d.ruleSetId, version: d.document.version, contentHash: services.engine.ruleSetHash(d.document), document: d.document, revision: d.revision as number | undefined };
          columns.push({ spec: c, version, draft: d.id as string | null });
        }
        const rows: { dossierId: string | null; revision: number | null; dossier: Dossier }[] = [];
        for (const pick of body.dossiers ?? []) {
          const id = typeof pick === 'string' ? pick : pick.id;
          const { rev } = await services.dossierRevision(tx, id, typeof pick === 'string' ? undefined : pick.revision);
          rows.push({ dossierId: id, revision: rev.revision, dossier: rev.dossier });
        }
        if (body.filter) for (const d of await filterDossiers(tx, body.filter)) rows.push({ dossierId: d.record.id, revision: d.record.latest.revision, dossier: d.dossier });
        for (const d of body.inline ?? []) rows.push({ dossierId: null, revision: null, dossier: d });
        return { columns, rows };
      });
      if (rows.length === 0) throw new ApiError('invalid_request', 'No dossiers: give dossiers, filter or inline', [{ code: 'empty', path: ['body', 'dossiers'], message: 'no dossiers selected' }]);
      checkLimit(rows.length * columns.length, services.limits.batchCells, ['body', 'dossiers'], `Cells of the batch (${rows.length} dossiers × ${columns.length} versions)`);
      const matrix: Cell[][] = rows.map(() => []);
      // The columns are evaluated in the worker pool, each split across its threads.
      const results = await Promise.all(
        columns.map(({ spec, version, draft }) =>
          services.compute.fast(draft ? services.draftInput({ id: draft, revision: (version as { revision?: number }).revision ?? 0, document: version.document }, spec.interpretations ?? {}) : services.versionInput(version, spec.interpretations ?? {}), rows.map((r) => r.dossier)),
        ),
      );
      columns.forEach(({ version }, c) => {
        results[c].forEach((fast, r) => {
          if (!fast.ok) {
            matrix[r].push({ ok: false, status: null, passed: null, title: null, titleRank: null, total: null, rank: null, changed: false, issues: fast.issues });
            return;
          }
          const tier = version.document.outcomes.find((o) => o.id === fast.title);
          matrix[r].push({ ok: true, status: fast.status, passed: fast.passed, title: fast.title, titleRank: tier?.rank ?? null, total: fast.total, rank: null, changed: false });
        });
        const col = matrix.map((cells) => cells.at(-1)!);
        const totals = col.filter((c) => c.total !== null).map((c) => c.total!).sort((a, b) => b - a);
        for (const c of col) if (c.total !== null) c.rank = totals.indexOf(c.total) + 1;
      });
      for (const cells of matrix) {
        const first = cells[0];
        for (const c of cells.slice(1)) c.changed = c.ok !== first.ok || c.status !== first.status || c.title !== first.title;
      }
      const outRows = rows.map((row, r) => ({
        dossierId: row.dossierId,
        revision: row.revision,
        name: ((n) => (typeof n === 'string' ? n : null))(factOf(row.dossier, 'cityName')),
        changed: matrix[r].some((c) => c.changed),
        cells: matrix[r],
      }));
      return {
        body: {
          columns: columns.map(({ spec, version, draft }) => ({
            label: spec.label ?? spec.ruleSet + (spec.interpretations && Object.keys(spec.interpretations).length ? ' ' + canonical(spec.interpretations) : ''),
            ruleSetId: version.ruleSetId,
            version: version.version,
            draft,
            contentHash: version.contentHash,
            interpretations: spec.interpretations ?? {},
          })),
          rows: outRows,
          changedDossiers: outRows.filter((r) => r.changed).map((r, i) => r.dossierId ?? `inline-${i}`),
        },
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/cohort',
    tag: 'Evaluations',
    summary: 'Cohort evaluation for a period: cap and promotion/demotion applied',
    cost: 'heavy',
    description: "All stored dossiers of the period are evaluated together; the result lists titles after the cohort rules and each member's change against the title held before.",
    role: 'analyst',
    body: S.CohortBody,
    response: { status: 200, schema: S.CohortResponse, description: 'The cohort result' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_interpretation', 'invalid_dossier', 'limit_exceeded'],
    handler: async ({ body, services }) => {
      const { v, dossiers } = await services.repo.read(async (tx) => ({ v: await services.resolveRef(tx, body.ruleSet), dossiers: await filterDossiers(tx, { period: body.period }) }));
      if (dossiers.length === 0) throw new ApiError('not_found', `No dossiers for period ${body.period}`);
      checkLimit(dossiers.length, services.limits.cohortDossiers, ['body', 'period'], `Dossiers of the ${body.period} cohort`);
      if (body.includeEvaluations) checkLimit(dossiers.length, services.limits.cohortWithEvaluations, ['body', 'includeEvaluations'], 'Dossiers of a cohort answered with every evaluation');
      const resultJson = await services.compute.cohort(
        services.versionInput(v, body.interpretations ?? {}),
        dossiers.map((d) => d.dossier),
        { mode: body.mode, now: services.now(), includeEvaluations: body.includeEvaluations ?? false },
      );
      // The result (large with every evaluation) was written as JSON in the worker; only the envelope is written here.
      const envelope = JSON.stringify({
        ruleSetId: v.ruleSetId,
        version: v.version,
        contentHash: v.contentHash,
        period: body.period,
        dossiers: dossiers.map((d) => ({ id: d.record.id, revision: d.record.latest.revision })),
      });
      return { json: `${envelope.slice(0, -1)},"result":${resultJson}}` };
    },
  }),
];
