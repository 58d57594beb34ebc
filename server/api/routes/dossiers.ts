// Routes for dossiers: create, list with filters, fetch, revise (every revision kept), delete, validate against a rule-set version.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { DossierFilter, DossierRecord, DossierRevision, ReadTx, WriteTx } from '../../store/repository.js';
import { appendAudit } from '../../audit.js';
import { factOf, type Services } from '../../services.js';
import { dossierIndex } from '../../facts.js';
import type { Dossier, Issue } from '../../engine.js';

const etag = (d: DossierRecord) => `"${d.id}.r${d.latest.revision}"`;

/** The listing form of a dossier (its latest revision). */
function summary(d: DossierRecord): z.infer<typeof S.DossierSummary> {
  return {
    id: d.id,
    revision: d.latest.revision,
    hash: d.latest.hash,
    cityName: d.cityName,
    province: d.province,
    period: d.period,
    type: d.type,
    updatedAt: d.latest.at,
    updatedBy: d.latest.by,
  };
}

/** A dossier with its latest content. */
async function detail(tx: ReadTx, d: DossierRecord) {
  const rev = (await tx.dossiers.revision(d.id, d.latest.revision))!;
  return { body: { ...summary(d), dossier: rev.dossier }, headers: { ETag: etag(d) } };
}

/** The default store id of a dossier: `${cityId}-${period}`. */
export function defaultDossierId(dossier: Dossier): { ok: true; id: string } | { ok: false; issues: Issue[] } {
  const cityId = factOf(dossier, 'cityId');
  const period = factOf(dossier, 'period');
  const issues: Issue[] = [];
  if (typeof cityId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$/.test(cityId))
    issues.push({ code: 'missing_fact', path: ['dossier', 'facts', 'cityId'], message: 'cityId (a slug) is needed to name the dossier, or give an id' });
  if (typeof period !== 'number' || !Number.isInteger(period))
    issues.push({ code: 'missing_fact', path: ['dossier', 'facts', 'period'], message: 'period (a year) is needed to name the dossier, or give an id' });
  return issues.length ? { ok: false, issues } : { ok: true, id: `${cityId}-${period}` };
}

/** Adds a revision to a dossier (creating it when new, reviving it when deleted); returns undefined when nothing changed. */
export async function reviseDossier(services: Services, tx: WriteTx, id: string, dossier: Dossier, by: string, now: string): Promise<DossierRecord | undefined> {
  const hash = services.engine.dossierHash(dossier);
  const d = await tx.dossiers.get(id);
  const last = d?.latest;
  if (d && !d.deleted && last?.hash === hash) return undefined;
  const rev: DossierRevision = { revision: (last?.revision ?? 0) + 1, hash, at: now, by, dossier };
  const before = !d || d.deleted ? null : last!.hash;
  const next = await tx.dossiers.addRevision(id, last?.revision ?? null, rev, dossierIndex(dossier));
  await appendAudit(tx, now, { actor: by, action: before ? 'dossier.update' : 'dossier.create', target: `dossier:${id}`, before, after: hash, details: { revision: rev.revision } });
  return next;
}

/** The dossier a request names: stored (id, optional revision; read in `tx` when given) or inline. */
export async function dossierFromRequest(
  services: Services,
  body: { dossierId?: string; revision?: number; dossier?: Dossier },
  tx?: ReadTx,
): Promise<{ dossier: Dossier; dossierId: string | null; revision: number | null; hash: string }> {
  if ((body.dossierId === undefined) === (body.dossier === undefined)) {
    throw new ApiError('invalid_request', 'Give either dossierId or dossier', [
      { code: 'one_of', path: ['body', 'dossierId'], message: 'exactly one of dossierId and dossier is required' },
    ]);
  }
  if (body.dossier) {
    if (body.revision !== undefined) throw new ApiError('invalid_request', 'revision goes with dossierId', [{ code: 'unexpected', path: ['body', 'revision'], message: 'revision needs dossierId' }]);
    return { dossier: body.dossier, dossierId: null, revision: null, hash: services.engine.dossierHash(body.dossier) };
  }
  const { rev } = tx ? await services.dossierRevision(tx, body.dossierId!, body.revision) : await services.repo.read((t) => services.dossierRevision(t, body.dossierId!, body.revision));
  return { dossier: rev.dossier, dossierId: body.dossierId!, revision: rev.revision, hash: rev.hash };
}

/** Live dossiers matching a filter, with their latest content, ordered by id. */
export async function filterDossiers(tx: ReadTx, f: DossierFilter): Promise<{ record: DossierRecord; dossier: Dossier }[]> {
  const list = await tx.dossiers.list(f);
  return Promise.all(list.map(async (record) => ({ record, dossier: (await tx.dossiers.revision(record.id, record.latest.revision))!.dossier })));
}

const IF_MATCH_OPTIONAL = { name: 'If-Match', required: false, description: 'ETag of the revision the change is based on' };

function checkIfMatch(d: DossierRecord, ifMatch: string | null): void {
  if (ifMatch !== null && ifMatch !== '*' && ifMatch !== etag(d)) {
    throw new ApiError('etag_mismatch', `Dossier ${d.id} changed since ${ifMatch}`, undefined, {
      current: { etag: etag(d), revision: d.latest.revision, updatedAt: d.latest.at, updatedBy: d.latest.by },
    });
  }
}

export const dossierRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/dossiers',
    tag: 'Dossiers',
    summary: 'List dossiers (filters: period, type, province)',
    role: 'viewer',
    query: S.DossierFilter,
    response: { status: 200, schema: z.array(S.DossierSummary), description: 'Dossiers, latest revisions' },
    errors: ['invalid_request'],
    handler: ({ query, services }) => services.repo.read(async (tx) => ({ body: (await tx.dossiers.list(query)).map(summary) })),
  }),
  route({
    method: 'post',
    path: '/api/dossiers',
    tag: 'Dossiers',
    summary: 'Create a dossier',
    description: 'The id is `${cityId}-${period}` unless given. Facts are checked per rule set by the validate endpoint.',
    role: 'analyst',
    body: S.CreateDossierBody,
    response: { status: 201, schema: S.DossierDetail, description: 'The dossier at revision 1', etag: true },
    errors: ['invalid_request', 'invalid_dossier', 'already_exists', 'store_read_only'],
    handler: async ({ body, actor, services }) => {
      let id = body.id;
      if (!id) {
        const made = defaultDossierId(body.dossier);
        if (!made.ok) throw new ApiError('invalid_dossier', 'The dossier needs an id', made.issues);
        id = made.id;
      }
      const d = await services.repo.transact(async (tx) => {
        const existing = await tx.dossiers.get(id!);
        if (existing && !existing.deleted) throw new ApiError('already_exists', `Dossier ${id} exists; PUT a new revision instead`);
        return (await reviseDossier(services, tx, id!, body.dossier, services.actorName(actor), services.now()))!;
      });
      return { status: 201, body: { ...summary(d), dossier: body.dossier }, headers: { ETag: etag(d), Location: `/api/dossiers/${encodeURIComponent(d.id)}` } };
    },
  }),
  route({
    method: 'get',
    path: '/api/dossiers/:id',
    tag: 'Dossiers',
    summary: 'Fetch a dossier (latest revision)',
    role: 'viewer',
    params: S.IdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.DossierDetail, description: 'The dossier', etag: true },
    errors: ['not_found'],
    // The record and its latest revision in one read (on PostgreSQL one statement, so no snapshot is needed).
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const { dossier, rev } = await services.dossierRevision(tx, params.id);
        return { body: { ...summary(dossier), dossier: rev.dossier }, headers: { ETag: etag(dossier) } };
      }, { snapshot: false }),
  }),
  route({
    method: 'put',
    path: '/api/dossiers/:id',
    tag: 'Dossiers',
    summary: 'Revise a dossier (a new revision; earlier ones are kept)',
    role: 'analyst',
    params: S.IdParam,
    body: S.PutDossierBody,
    requestHeaders: [IF_MATCH_OPTIONAL],
    response: { status: 200, schema: S.DossierDetail, description: 'The dossier at its new revision (unchanged when identical)', etag: true },
    errors: ['invalid_request', 'not_found', 'etag_mismatch', 'store_read_only'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact(async (tx) => {
        const d = await services.findDossier(tx, params.id);
        checkIfMatch(d, ifMatch);
        return (await reviseDossier(services, tx, d.id, body.dossier, services.actorName(actor), services.now())) ?? d;
      });
      return services.repo.read((tx) => detail(tx, d));
    },
  }),
  route({
    method: 'delete',
    path: '/api/dossiers/:id',
    tag: 'Dossiers',
    summary: 'Delete a dossier (its revisions stay, for the evaluations that used them)',
    role: 'analyst',
    params: S.IdParam,
    requestHeaders: [IF_MATCH_OPTIONAL],
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found', 'etag_mismatch', 'store_read_only'],
    handler: async ({ params, ifMatch, actor, services }) => {
      await services.repo.transact(async (tx) => {
        const d = await services.findDossier(tx, params.id);
        checkIfMatch(d, ifMatch);
        await tx.dossiers.markDeleted(d.id, d.latest.revision);
        await appendAudit(tx, services.now(), { actor: services.actorName(actor), action: 'dossier.delete', target: `dossier:${d.id}`, before: d.latest.hash, after: null });
      });
      return { status: 204 };
    },
  }),
  route({
    method: 'get',
    path: '/api/dossiers/:id/revisions',
    tag: 'Dossiers',
    summary: "List a dossier's revisions",
    role: 'viewer',
    params: S.IdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: z.array(S.RevisionSummary), description: 'Revisions, oldest first' },
    errors: ['not_found'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        await services.findDossier(tx, params.id);
        return { body: (await tx.dossiers.revisions(params.id)).map(({ revision, hash, at, by }) => ({ revision, hash, at, by })) };
      }),
  }),
  route({
    method: 'get',
    path: '/api/dossiers/:id/revisions/:revision',
    tag: 'Dossiers',
    summary: 'Fetch one revision of a dossier',
    role: 'viewer',
    params: S.RevisionParams,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.RevisionSummary.extend({ dossier: S.Dossier }), description: 'The revision' },
    errors: ['not_found'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const { rev } = await services.dossierRevision(tx, params.id, params.revision);
        return { body: rev };
      }),
  }),
  route({
    method: 'post',
    path: '/api/dossiers/validate',
    tag: 'Dossiers',
    summary: 'Validate a stored or inline dossier against a rule-set version (every problem listed)',
    role: 'viewer',
    body: S.ValidateDossierBody,
    response: { status: 200, schema: S.DossierValidationResponse, description: 'Issues; valid when none is an error' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force'],
    handler: async ({ body, services }) => {
      const v = await services.repo.read((tx) => services.resolveRef(tx, body.ruleSet));
      const { dossier } = await dossierFromRequest(services, body);
      const checked = services.compiled(v).checkDossier(dossier);
      // Consistency warnings (suspicious, not impossible) come with an accepted dossier.
      const issues = checked.ok ? (checked.warnings ?? []) : checked.issues;
      const errors = issues.filter((i) => i.severity !== 'warning').length;
      return { body: { valid: errors === 0, errors, warnings: issues.length - errors, issues } };
    },
  }),
];
