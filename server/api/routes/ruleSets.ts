// Routes for rule sets and their published versions: list, fetch, in force at a date, diff; published versions refuse every change.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { StoredVersion, StoreState, StoredDraft } from '../../store/repository.js';
import { versionInForce, type Services } from '../../services.js';
import type { RuleSet } from '../../engine.js';

/** The listing form of a published version. */
export function versionSummary(v: StoredVersion): z.infer<typeof S.VersionSummary> {
  const entry = v.document.changelog.find((c) => c.version === v.version) ?? null;
  return {
    ref: `${v.ruleSetId}@${v.version}`,
    ruleSetId: v.ruleSetId,
    version: v.version,
    status: 'published',
    title: v.document.title,
    effectiveFrom: v.document.effectiveFrom,
    effectiveTo: v.document.effectiveTo,
    basedOn: v.document.basedOn,
    author: entry?.author ?? v.publishedBy,
    publishedAt: v.publishedAt,
    changelog: entry,
    contentHash: v.contentHash,
    goldenCases: v.golden.length,
  };
}

function versionsOf(state: Readonly<StoreState>, id: string): StoredVersion[] {
  const list = state.versions.filter((v) => v.ruleSetId === id).sort((a, b) => a.version - b.version);
  if (list.length === 0) throw new ApiError('not_found', `No rule set ${id}`);
  return list;
}

function getVersion(state: Readonly<StoreState>, id: string, version: number): StoredVersion {
  const v = versionsOf(state, id).find((x) => x.version === version);
  if (!v) throw new ApiError('not_found', `No published version ${id}@${version}`);
  return v;
}

/** A version number or a draft id of one rule set, as a document. */
function documentOf(state: Readonly<StoreState>, ruleSetId: string, ref: string): RuleSet {
  if (/^[0-9]+$/.test(ref)) return getVersion(state, ruleSetId, Number(ref)).document;
  const d: StoredDraft | undefined = state.drafts.find((x) => x.id === ref && x.ruleSetId === ruleSetId);
  if (!d) throw new ApiError('not_found', `No draft ${ref} of ${ruleSetId}`);
  return d.document;
}

const immutable = (method: 'put' | 'patch' | 'delete') =>
  route({
    method,
    path: '/api/rulesets/:id/versions/:version',
    tag: 'Rule sets',
    summary: `${method.toUpperCase()} a published version: always refused`,
    description: 'Published versions are immutable; derive a draft from one instead (POST /api/drafts).',
    role: 'editor',
    params: S.VersionParams,
    body: z.unknown().optional(),
    response: { status: 409, schema: S.ErrorBody, description: 'Refused: published_immutable' },
    errors: ['published_immutable', 'not_found'],
    handler: async ({ params, services }) => {
      await services.repo.read((s) => getVersion(s, params.id, params.version));
      throw new ApiError('published_immutable', `${params.id}@${params.version} is published and cannot change`);
    },
  });

export const ruleSetRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/rulesets',
    tag: 'Rule sets',
    summary: 'List rule sets',
    role: 'viewer',
    query: S.EmptyQuery,
    response: { status: 200, schema: z.array(S.RuleSetSummary), description: 'Rule sets with their versions and drafts' },
    errors: [],
    handler: ({ services }) =>
      services.repo.read((s) => {
        const ids = [...new Set(s.versions.map((v) => v.ruleSetId))].sort();
        return {
          body: ids.map((id) => {
            const vs = versionsOf(s, id);
            return {
              id,
              title: vs.at(-1)!.document.title,
              latestVersion: vs.at(-1)!.version,
              versions: vs.map((v) => v.version),
              drafts: s.drafts.filter((d) => d.ruleSetId === id).map((d) => d.id),
            };
          }),
        };
      }),
  }),
  route({
    method: 'get',
    path: '/api/rulesets/:id/versions',
    tag: 'Rule sets',
    summary: "List a rule set's published versions",
    description: 'Status, effective dates, basedOn, author, time, changelog entry and content hash of each version.',
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: z.array(S.VersionSummary), description: 'Versions, oldest first' },
    errors: ['not_found'],
    handler: ({ params, services }) => services.repo.read((s) => ({ body: versionsOf(s, params.id).map(versionSummary) })),
  }),
  route({
    method: 'get',
    path: '/api/rulesets/:id/versions/:version',
    tag: 'Rule sets',
    summary: 'Fetch one published version',
    description: 'The ETag is the content hash that identifies the version.',
    role: 'viewer',
    params: S.VersionParams,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.VersionDetail, description: 'The version and its document', etag: true },
    errors: ['not_found'],
    handler: ({ params, services }) =>
      services.repo.read((s) => {
        const v = getVersion(s, params.id, params.version);
        return { body: { ...versionSummary(v), document: v.document }, headers: { ETag: `"${v.contentHash}"` } };
      }),
  }),
  route({
    method: 'get',
    path: '/api/versions/:hash',
    tag: 'Rule sets',
    summary: 'Fetch a published version by its content hash',
    description: 'A published version is identified by its content hash (sha256 of its canonical JSON without status).',
    role: 'viewer',
    params: S.HashParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.VersionDetail, description: 'The version and its document', etag: true },
    errors: ['not_found', 'invalid_request'],
    handler: ({ params, services }) =>
      services.repo.read((s) => {
        const v = s.versions.find((x) => x.contentHash === params.hash);
        if (!v) throw new ApiError('not_found', `No published version has hash ${params.hash}`);
        return { body: { ...versionSummary(v), document: v.document }, headers: { ETag: `"${v.contentHash}"` } };
      }),
  }),
  immutable('put'),
  immutable('patch'),
  immutable('delete'),
  route({
    method: 'get',
    path: '/api/rulesets/:id/versions/:version/golden',
    tag: 'Rule sets',
    summary: "A published version's golden cases",
    role: 'viewer',
    params: S.VersionParams,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.GoldenCasesResponse, description: 'The golden cases published with the version' },
    errors: ['not_found'],
    handler: ({ params, services }) => services.repo.read((s) => ({ body: { cases: getVersion(s, params.id, params.version).golden } })),
  }),
  route({
    method: 'get',
    path: '/api/rulesets/:id/in-force',
    tag: 'Rule sets',
    summary: 'Which version applies at a date',
    description: 'The published version whose effective dates contain the date; when several do, the latest effectiveFrom (then the highest version).',
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.InForceQuery,
    response: { status: 200, schema: S.VersionSummary, description: 'The version in force' },
    errors: ['not_found', 'no_version_in_force', 'invalid_request'],
    handler: ({ params, query, services }) =>
      services.repo.read((s) => {
        versionsOf(s, params.id);
        const v = versionInForce(s.versions, params.id, query.date);
        if (!v) throw new ApiError('no_version_in_force', `No version of ${params.id} is in force on ${query.date}`);
        return { body: versionSummary(v) };
      }),
  }),
  route({
    method: 'get',
    path: '/api/rulesets/:id/diff',
    tag: 'Rule sets',
    summary: 'Semantic change list between two versions (or drafts)',
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.DiffQuery,
    response: { status: 200, schema: S.DiffResponse, description: 'Changes from `from` to `to`' },
    errors: ['not_found', 'invalid_request'],
    handler: async ({ params, query, services }) => {
      const [a, b] = await services.repo.read((s) => [documentOf(s, params.id, query.from), documentOf(s, params.id, query.to)]);
      return { body: { from: query.from, to: query.to, changes: services.engine.diffRuleSets(a, b) } };
    },
  }),
];

export type { Services };
