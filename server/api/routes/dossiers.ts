// Routes for dossiers: create, list with filters, fetch, revise (every revision kept), delete, validate against a rule-set version.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { StoreState, StoredDossier, DossierRevision } from '../../store/repository.js';
import { appendAudit } from '../../audit.js';
import { factOf, type Services } from '../../services.js';
import type { Dossier, Issue } from '../../engine.js';

const etag = (d: StoredDossier) => `"${d.id}.r${d.revisions.at(-1)!.revision}"`;
const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The listing form of a dossier (its latest revision). */
function summary(d: StoredDossier): z.infer<typeof S.DossierSummary> {
  const rev = d.revisions.at(-1)!;
  const period = factOf(rev.dossier, 'period');
  return {
    id: d.id,
    revision: rev.revision,
    hash: rev.hash,
    cityName: str(factOf(rev.dossier, 'cityName')),
    province: str(factOf(rev.dossier, 'province')),
    period: typeof period === 'number' ? period : null,
    type: str(factOf(rev.dossier, 'applicationType')),
    updatedAt: rev.at,
    updatedBy: rev.by,
  };
}

const detail = (d: StoredDossier) => ({ body: { ...summary(d), dossier: d.revisions.at(-1)!.dossier }, headers: { ETag: etag(d) } });

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

/** Adds a revision to a dossier in the state (creating it when new); returns undefined when nothing changed. */
export function reviseDossier(services: Services, s: StoreState, id: string, dossier: Dossier, by: string, now: string): StoredDossier | undefined {
  const hash = services.engine.dossierHash(dossier);
  let d = s.dossiers.find((x) => x.id === id);
  const last = d?.revisions.at(-1);
  if (d && !d.deleted && last?.hash === hash) return undefined;
  const rev: DossierRevision = { revision: (last?.revision ?? 0) + 1, hash, at: now, by, dossier };
  if (!d) {
    d = { id, deleted: false, revisions: [] };
    s.dossiers.push(d);
  }
  const before = d.deleted ? null : (last?.hash ?? null);
  d.deleted = false;
  d.revisions.push(rev);
  appendAudit(s, now, { actor: by, action: before ? 'dossier.update' : 'dossier.create', target: `dossier:${id}`, before, after: hash, details: { revision: rev.revision } });
  return d;
}

/** The dossier a request names: stored (id, optional revision) or inline. */
export async function dossierFromRequest(
  services: Services,
  body: { dossierId?: string; revision?: number; dossier?: Dossier },
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
  const { rev } = await services.repo.read((s) => services.dossierRevision(s, body.dossierId!, body.revision));
  return { dossier: rev.dossier, dossierId: body.dossierId!, revision: rev.revision, hash: rev.hash };
}

function matches(d: StoredDossier, f: { period?: number; type?: string; province?: string }): boolean {
  if (d.deleted) return false;
  const s = summary(d);
  return (f.period === undefined || s.period === f.period) && (f.type === undefined || s.type === f.type) && (f.province === undefined || s.province === f.province);
}

/** Stored dossiers matching a filter. */
export function filterDossiers(state: Readonly<StoreState>, f: { period?: number; type?: string; province?: string }): StoredDossier[] {
  return state.dossiers.filter((d) => matches(d, f)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const IF_MATCH_OPTIONAL = { name: 'If-Match', required: false, description: 'ETag of the revision the change is based on' };

function checkIfMatch(d: StoredDossier, ifMatch: string | null): void {
  if (ifMatch !== null && ifMatch !== '*' && ifMatch !== etag(d)) {
    throw new ApiError('etag_mismatch', `Dossier ${d.id} changed since ${ifMatch}`, undefined, {
      current: { etag: etag(d), revision: d.revisions.at(-1)!.revision, updatedAt: d.revisions.at(-1)!.at, updatedBy: d.revisions.at(-1)!.by },
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
    handler: ({ query, services }) => services.repo.read((s) => ({ body: filterDossiers(s, query).map(summary) })),
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
    errors: ['invalid_request', 'invalid_dossier', 'already_exists'],
    handler: async ({ body, actor, services }) => {
      let id = body.id;
      if (!id) {
        const made = defaultDossierId(body.dossier);
        if (!made.ok) throw new ApiError('invalid_dossier', 'The dossier needs an id', made.issues);
        id = made.id;
      }
      const d = await services.repo.transact((s) => {
        if (s.dossiers.some((x) => x.id === id && !x.deleted)) throw new ApiError('already_exists', `Dossier ${id} exists; PUT a new revision instead`);
        return reviseDossier(services, s, id!, body.dossier, services.actorName(actor), services.now())!;
      });
      return { status: 201, ...detail(d), headers: { ETag: etag(d), Location: `/api/dossiers/${encodeURIComponent(d.id)}` } };
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
    handler: ({ params, services }) => services.repo.read((s) => detail(services.findDossier(s, params.id))),
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
    errors: ['invalid_request', 'not_found', 'etag_mismatch'],
    handler: async ({ params, body, ifMatch, actor, services }) => {
      const d = await services.repo.transact((s) => {
        const d = services.findDossier(s, params.id);
        checkIfMatch(d, ifMatch);
        return reviseDossier(services, s, d.id, body.dossier, services.actorName(actor), services.now()) ?? d;
      });
      return detail(d);
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
    errors: ['not_found', 'etag_mismatch'],
    handler: async ({ params, ifMatch, actor, services }) => {
      await services.repo.transact((s) => {
        const d = services.findDossier(s, params.id);
        checkIfMatch(d, ifMatch);
        d.deleted = true;
        appendAudit(s, services.now(), { actor: services.actorName(actor), action: 'dossier.delete', target: `dossier:${d.id}`, before: d.revisions.at(-1)!.hash, after: null });
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
      services.repo.read((s) => ({ body: services.findDossier(s, params.id).revisions.map(({ revision, hash, at, by }) => ({ revision, hash, at, by })) })),
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
      services.repo.read((s) => {
        const { rev } = services.dossierRevision(s, params.id, params.revision);
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
      const v = await services.repo.read((s) => services.resolveRef(s, body.ruleSet));
      const { dossier } = await dossierFromRequest(services, body);
      const checked = services.compiled(v).checkDossier(dossier);
      const issues = checked.ok ? [] : checked.issues;
      const errors = issues.filter((i) => i.severity !== 'warning').length;
      return { body: { valid: errors === 0, errors, warnings: issues.length - errors, issues } };
    },
  }),
];
