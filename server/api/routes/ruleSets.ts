// Routes for rule sets and their published versions: list, fetch, in force at a date, diff; published versions refuse every change.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { ReadTx, StoredVersion, VersionRecord } from '../../store/repository.js';
import { versionInForce, type Services } from '../../services.js';
import type { RuleSet } from '../../engine.js';

/** The listing form of a published version. */
export function versionSummary(v: VersionRecord): z.infer<typeof S.VersionSummary> {
  const entry = v.changelog;
  return {
    ref: `${v.ruleSetId}@${v.version}`,
    ruleSetId: v.ruleSetId,
    version: v.version,
    status: 'published',
    title: v.title,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    closedBy: v.closedBy ?? null,
    basedOn: v.basedOn,
    author: entry?.author ?? v.publishedBy,
    publishedAt: v.publishedAt,
    changelog: entry,
    contentHash: v.contentHash,
    goldenCases: v.goldenCount,
  };
}

async function versionsOf(tx: ReadTx, id: string): Promise<VersionRecord[]> {
  const list = await tx.versions.list(id);
  if (list.length === 0) throw new ApiError('not_found', `No rule set ${id}`);
  return list;
}

async function getVersion(tx: ReadTx, id: string, version: number): Promise<StoredVersion> {
  const v = await tx.versions.get(id, version);
  if (!v) {
    await versionsOf(tx, id);
    throw new ApiError('not_found', `No published version ${id}@${version}`);
  }
  return v;
}

/** A version number or a draft id of one rule set, as a document. */
async function documentOf(tx: ReadTx, ruleSetId: string, ref: string): Promise<RuleSet> {
  if (/^[0-9]+$/.test(ref)) return (await getVersion(tx, ruleSetId, Number(ref))).document;
  const d = await tx.drafts.get(ref);
  if (!d || d.ruleSetId !== ruleSetId) throw new ApiError('not_found', `No draft ${ref} of ${ruleSetId}`);
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
    errors: ['published_immutable', 'not_found', 'integrity_mismatch'],
    handler: async ({ params, services }) => {
      await services.repo.read((tx) => getVersion(tx, params.id, params.version));
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
      services.repo.read(async (tx) => {
        const all = await tx.versions.list();
        const drafts = await tx.drafts.list();
        const ids = [...new Set(all.map((v) => v.ruleSetId))].sort();
        return {
          body: ids.map((id) => {
            const vs = all.filter((v) => v.ruleSetId === id);
            return {
              id,
              title: vs.at(-1)!.title,
              latestVersion: vs.at(-1)!.version,
              versions: vs.map((v) => v.version),
              drafts: drafts.filter((d) => d.ruleSetId === id).map((d) => d.id),
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
    handler: ({ params, services }) => services.repo.read(async (tx) => ({ body: (await versionsOf(tx, params.id)).map(versionSummary) })),
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
    errors: ['not_found', 'integrity_mismatch'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const v = await getVersion(tx, params.id, params.version);
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
    errors: ['not_found', 'invalid_request', 'integrity_mismatch'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const v = await tx.versions.byHash(params.hash);
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
    errors: ['not_found', 'integrity_mismatch', 'blob_missing'],
    handler: ({ params, services }) =>
      services.repo.read(async (tx) => {
        const v = await tx.versions.list(params.id).then((l) => l.find((x) => x.version === params.version));
        if (!v) throw new ApiError('not_found', `No published version ${params.id}@${params.version}`);
        return { body: { cases: await tx.versions.golden(v) } };
      }),
  }),
  route({
    method: 'get',
    path: '/api/rulesets/:id/in-force',
    tag: 'Rule sets',
    summary: 'Which version applies at a date',
    description: "The published version whose period contains the date: from its effectiveFrom to its effectiveTo, which is the document's own or, once a later version took over, the day before that version's start (version metadata). When several do, the latest effectiveFrom (then the highest version).",
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.InForceQuery,
    response: { status: 200, schema: S.VersionSummary, description: 'The version in force' },
    errors: ['not_found', 'no_version_in_force', 'invalid_request'],
    handler: ({ params, query, services }) =>
      services.repo.read(async (tx) => {
        const v = versionInForce(await versionsOf(tx, params.id), params.id, query.date);
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
    errors: ['not_found', 'invalid_request', 'integrity_mismatch'],
    handler: async ({ params, query, services }) => {
      const [a, b] = await services.repo.read(async (tx) => [await documentOf(tx, params.id, query.from), await documentOf(tx, params.id, query.to)]);
      return { body: { from: query.from, to: query.to, changes: services.engine.diffRuleSets(a, b) } };
    },
  }),
];

export type { Services };
