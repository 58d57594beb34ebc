// One valid request per write endpoint (every route that is not a GET), on fixtures made for them: the edge and fuzz tests start from these.
import request from 'supertest';
import { expect } from 'vitest';
import { apiRoutes } from '../../server/app.js';
import { fullDossier, type TestServer } from './helpers.js';

export interface WriteRequest {
  method: 'post' | 'put' | 'patch' | 'delete';
  /** The route as declared (to check every write route has a request). */
  route: string;
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** Stands for a number that overflows to Infinity: JSON.stringify cannot write 1e309, so the text is patched. */
export const INFINITY = '__1e309__';

/** The JSON text of a body, with INFINITY written as 1e309 (which JSON.parse reads as Infinity). */
export function bodyText(body: unknown): string {
  return JSON.stringify(body).replaceAll(`"${INFINITY}"`, '1e309');
}

/** Creates the fixtures (a draft that never publishes, dossiers, an evaluation, spares for the DELETE routes) and the requests. */
export async function writeRequests(t: TestServer): Promise<WriteRequest[]> {
  const editor = t.auth('editor');
  const draft = await request(t.app).post('/api/drafts').set(editor).send({ from: 'sfc-2017@1' });
  expect(draft.status).toBe(201);
  const doc = draft.body.document;
  // A draft citing an unknown clause never publishes, so a publish body that happens to be valid changes nothing either.
  const broken = { ...doc, facts: doc.facts.map((f: { cites: string[] }, i: number) => (i === 0 ? { ...f, cites: ['I9.9'] } : f)) };
  const put = await request(t.app).put(`/api/drafts/${draft.body.id}`).set(editor).set('If-Match', draft.headers.etag).send({ document: broken });
  expect(put.status).toBe(200);
  const d = draft.body.id as string;
  const etag = put.headers.etag as string;
  for (const [id, rev] of [['seedcity', 1450], ['spare', 1450], ['other', 900]] as const)
    expect((await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier(id, rev, 1250) })).status).toBe(201);
  const spareDraft = await request(t.app).post('/api/drafts').set(editor).send({ from: 'sfc-2017@1' });
  const ev = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'seedcity-2018' });
  expect(ev.status).toBe(201);
  const token = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'spare', role: 'viewer' });
  const batch = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ dossiers: ['seedcity-2018'], versions: [{ ruleSet: 'sfc-2017@1' }] });
  expect(batch.status).toBe(200);
  const cohort = await request(t.app).post('/api/cohort').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 2018, mode: 'award' });
  expect(cohort.status).toBe(200);
  const goldenCase = { kind: 'single', id: 'one', title: 'one city', cites: ['I1.1'], tags: [], dossier: fullDossier('gold', 1450, 1250), expect: { outcome: { status: 'passed', title: 'comprehensive' } } };
  const csv = `cityId,cityName,period,applicationType,softwareRevenue\ncsvcity,CSV City,2018,comprehensive,1450\n`;

  const list: WriteRequest[] = [
    { method: 'post', route: '/api/drafts', url: '/api/drafts', body: { from: 'sfc-2017@1' } },
    { method: 'put', route: '/api/drafts/:id', url: `/api/drafts/${d}`, body: { document: broken }, headers: { 'If-Match': etag } },
    { method: 'delete', route: '/api/drafts/:id', url: `/api/drafts/${spareDraft.body.id}`, body: undefined },
    { method: 'post', route: '/api/drafts/:id/validate', url: `/api/drafts/${d}/validate`, body: undefined },
    { method: 'post', route: '/api/rulesets/validate', url: '/api/rulesets/validate', body: { document: broken } },
    { method: 'post', route: '/api/drafts/:id/evaluate', url: `/api/drafts/${d}/evaluate`, body: { dossier: fullDossier('preview', 1450, 1250) } },
    { method: 'put', route: '/api/drafts/:id/golden', url: `/api/drafts/${d}/golden`, body: { cases: [goldenCase] }, headers: { 'If-Match': etag } },
    { method: 'post', route: '/api/drafts/:id/golden/run', url: `/api/drafts/${d}/golden/run`, body: undefined },
    { method: 'post', route: '/api/drafts/:id/golden/rebaseline', url: `/api/drafts/${d}/golden/rebaseline`, body: { caseIds: ['x'], reason: 'a reason' } },
    { method: 'post', route: '/api/drafts/:id/publish', url: `/api/drafts/${d}/publish`, body: { changelog: { zh: '改', en: 'change' }, effectiveFrom: '2027-01-01' }, headers: { 'If-Match': etag } },
    { method: 'post', route: '/api/drafts/:id/review/request', url: `/api/drafts/${d}/review/request`, body: { note: '请审核' } },
    { method: 'post', route: '/api/drafts/:id/review', url: `/api/drafts/${d}/review`, body: { decision: 'request_changes', comment: '请补充依据' }, headers: { 'If-Match': etag } },
    { method: 'put', route: '/api/settings', url: '/api/settings', body: { publishReview: 'required' } },
    { method: 'put', route: '/api/rulesets/:id/versions/:version', url: '/api/rulesets/sfc-2017/versions/1', body: { document: doc } },
    { method: 'patch', route: '/api/rulesets/:id/versions/:version', url: '/api/rulesets/sfc-2017/versions/1', body: { title: { zh: '改', en: 'x' } } },
    { method: 'delete', route: '/api/rulesets/:id/versions/:version', url: '/api/rulesets/sfc-2017/versions/1', body: undefined },
    { method: 'post', route: '/api/dossiers', url: '/api/dossiers', body: { dossier: fullDossier('prop', 1450, 1250) } },
    { method: 'put', route: '/api/dossiers/:id', url: '/api/dossiers/seedcity-2018', body: { dossier: fullDossier('seedcity', 1500, 1250) } },
    { method: 'delete', route: '/api/dossiers/:id', url: '/api/dossiers/spare-2018', body: undefined },
    { method: 'post', route: '/api/dossiers/validate', url: '/api/dossiers/validate', body: { ruleSet: 'sfc-2017@1', dossier: fullDossier('check', 1450, 1250) } },
    { method: 'post', route: '/api/evaluations', url: '/api/evaluations', body: { ruleSet: 'sfc-2017@1', dossier: fullDossier('inline', 1450, 1250) } },
    { method: 'post', route: '/api/evaluate', url: '/api/evaluate', body: { ruleSet: 'sfc-2017@1', dossier: fullDossier('stateless', 1450, 1250), interpretations: { 'interp:bonus-cap': 'cap-10' }, view: 'decision' } },
    { method: 'post', route: '/api/evaluations/:id/replay', url: `/api/evaluations/${ev.body.id}/replay`, body: undefined },
    { method: 'post', route: '/api/batch', url: '/api/batch', body: { dossiers: ['seedcity-2018'], inline: [fullDossier('row', 1450, 1250)], versions: [{ ruleSet: 'sfc-2017@1', label: 'v1' }] } },
    { method: 'post', route: '/api/cohort', url: '/api/cohort', body: { ruleSet: 'sfc-2017@1', period: 2018, interpretations: { 'interp:bonus-cap': 'cap-10' } } },
    { method: 'post', route: '/api/tokens', url: '/api/tokens', body: { name: 'n', role: 'viewer' } },
    { method: 'delete', route: '/api/tokens/:id', url: `/api/tokens/${token.body.id}`, body: undefined },
    { method: 'post', route: '/api/analysis/import', url: '/api/analysis/import?ruleSet=sfc-2017@1&dryRun=true', body: { format: 'csv', filename: 'cities.csv', content: csv } },
    { method: 'post', route: '/api/analysis/comparison/export', url: '/api/analysis/comparison/export', body: { matrix: batch.body, format: 'csv' } },
    { method: 'post', route: '/api/analysis/sweep', url: '/api/analysis/sweep', body: { ruleSet: 'sfc-2017@1', dossierIds: ['seedcity-2018', 'other-2018'], parameter: 'revenueThreshold', values: [900, 1000, 1500] } },
    { method: 'post', route: '/api/analysis/flips', url: '/api/analysis/flips', body: { ruleSet: 'sfc-2017@1', dossierIds: ['seedcity-2018'] } },
    { method: 'post', route: '/api/analysis/cohort/export', url: '/api/analysis/cohort/export', body: { answer: cohort.body, ruleSet: 'sfc-2017@1' } },
    { method: 'post', route: '/api/analysis/report', url: '/api/analysis/report', body: { ruleSet: 'sfc-2017@1', dossierId: 'seedcity-2018' } },
    { method: 'post', route: '/api/analysis/explain', url: '/api/analysis/explain', body: { dossierId: 'seedcity-2018', columns: [{ ruleSet: 'sfc-2017@1', label: 'v1' }, { ruleSet: d }] } },
  ];
  const covered = new Set(list.map((r) => `${r.method} ${r.route}`));
  const writes = apiRoutes().filter((r) => r.method !== 'get').map((r) => `${r.method} ${r.path}`);
  expect(writes.filter((w) => !covered.has(w)), 'write routes without a request here').toEqual([]);
  return list;
}

/** Paths of every value of a JSON body, parents before children (depth-limited). */
export function leafPaths(v: unknown, prefix: (string | number)[] = [], out: { path: (string | number)[]; value: unknown }[] = [], depth = 0) {
  out.push({ path: prefix, value: v });
  if (depth < 14 && v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leafPaths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out, depth + 1);
  return out;
}

/** The body with the value at `path` replaced (a copy). */
export function replaceAt(body: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  copy[path[0]] = replaceAt(copy[path[0]], path.slice(1), value);
  return copy;
}
