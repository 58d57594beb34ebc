// The issue's "done when" flow on the real engine: draft from sfc-2017@1, change revenueThreshold, publish v2, re-score under both; plus evaluate, replay and cohort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

const realEngine: EngineApi = engine;
let t: TestServer;
beforeAll(async () => {
  t = await makeServer(realEngine);
  for (const [id, rev, prev] of [['alpha', 1450, 1250], ['bravo', 1050, 900], ['charlie', 900, 800]] as const) {
    const res = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier(id, rev, prev) });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

describe('the sfc-2017 flow on the real engine', () => {
  it('seeded sfc-2017@1 and it validates', async () => {
    const v = await request(t.app).get('/api/rulesets/sfc-2017/versions/1').set(t.auth('viewer'));
    expect(v.status).toBe(200);
    expect(v.body.contentHash).toBe(engine.ruleSetHash(v.body.document));
  });

  it('validates any rule-set document, listing schema and semantic issues with paths', async () => {
    const v1 = (await request(t.app).get('/api/rulesets/sfc-2017/versions/1').set(t.auth('viewer'))).body.document;
    expect((await request(t.app).post('/api/rulesets/validate').set(t.auth('viewer')).send({ document: v1 })).body).toMatchObject({ valid: true });
    const schemaBad = await request(t.app).post('/api/rulesets/validate').set(t.auth('viewer')).send({ document: { ...v1, parameters: 'none' } });
    expect(schemaBad.body.valid).toBe(false);
    expect(schemaBad.body.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(['parameters']);
    const citeBad = structuredClone(v1);
    citeBad.facts[0].cites = ['I9.9'];
    const semantic = await request(t.app).post('/api/rulesets/validate').set(t.auth('viewer')).send({ document: citeBad });
    expect(semantic.body.valid).toBe(false);
    expect(semantic.body.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(['facts', 0, 'cites', 0]);
  });

  it('evaluates a stored dossier with a full explanation and replays it to the same result', async () => {
    const res = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2018' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 1, dossierRevision: 1, engineVersion: engine.ENGINE_VERSION });
    expect(res.body.result.outcome).toMatchObject({ status: 'passed', title: { id: 'comprehensive' } });
    expect(res.body.result.provenance).toMatchObject({ contentHash: res.body.contentHash, dossierHash: res.body.dossierHash, evaluatedAt: res.body.now });
    const replay = await request(t.app).post(`/api/evaluations/${res.body.id}/replay`).set(t.auth('analyst'));
    expect(replay.body).toMatchObject({ same: true, differences: [] });
    const valid = await request(t.app).post('/api/dossiers/validate').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossier: { dossierFormat: 1, facts: { cityId: 'x', softwareRevenue: 'lots' } } });
    expect(valid.body.valid).toBe(false);
    expect(valid.body.issues.some((i: { path: unknown[] }) => i.path.includes('softwareRevenue'))).toBe(true);
  });

  it('derives a draft, raises revenueThreshold, re-baselines what changes, publishes v2 and re-scores: bravo changes outcome', async () => {
    const draft = await request(t.app).post('/api/drafts').set(t.auth('editor')).send({ from: 'sfc-2017@1' });
    expect(draft.status).toBe(201);
    const doc = draft.body.document;
    doc.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value = 1100;
    const put = await request(t.app).put(`/api/drafts/${draft.body.id}`).set(t.auth('editor')).set('If-Match', draft.headers.etag).send({ document: doc });
    expect(put.status).toBe(200);
    const validate = await request(t.app).post(`/api/drafts/${draft.body.id}/validate`).set(t.auth('editor'));
    expect(validate.body.valid, JSON.stringify(validate.body.issues.slice(0, 3))).toBe(true);
    const run = await request(t.app).post(`/api/drafts/${draft.body.id}/golden/run`).set(t.auth('editor'));
    const failing = run.body.results.filter((r: { ok: boolean }) => !r.ok).map((r: { id: string }) => r.id);
    if (failing.length) {
      const re = await request(t.app).post(`/api/drafts/${draft.body.id}/golden/rebaseline`).set(t.auth('editor')).send({ caseIds: failing, reason: 'Threshold raised to 1100' });
      expect(re.status, JSON.stringify(re.body)).toBe(200);
    }
    const one = await request(t.app).post(`/api/drafts/${draft.body.id}/evaluate`).set(t.auth('analyst')).send({ dossierId: 'bravo-2018' });
    expect(one.status).toBe(200);
    expect(one.body.outcome.status).toBe('failed');
    expect(one.body.provenance.version).toBe(2);
    const preview = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ filter: { period: 2018 }, versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: draft.body.id }] });
    expect(preview.body.columns[1]).toMatchObject({ draft: draft.body.id, version: 2 });
    expect(preview.body.changedDossiers).toEqual(['bravo-2018']);
    // Four eyes: the editor sends it for review, another token with the editor role (here the admin) approves it.
    const sent = await request(t.app).post(`/api/drafts/${draft.body.id}/review/request`).set(t.auth('editor')).send({});
    expect(sent.status).toBe(200);
    const approved = await request(t.app).post(`/api/drafts/${draft.body.id}/review`).set(t.auth('admin')).set('If-Match', sent.headers.etag).send({ decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // In force from 2018 (a deliberate reading of that year's cities under the new threshold), so 2017 stays under v1.
    const pub = await request(t.app)
      .post(`/api/drafts/${draft.body.id}/publish`)
      .set(t.auth('editor'))
      .set('If-Match', approved.headers.etag)
      .send({ changelog: { zh: '收入门槛提高到1100亿元', en: 'Revenue threshold raised to 1100' }, effectiveFrom: '2018-01-01' });
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body).toMatchObject({ ref: 'sfc-2017@2', basedOn: { id: 'sfc-2017', version: 1 }, effectiveFrom: '2018-01-01', effectiveTo: null });
    const inForce = async (date: string) => (await request(t.app).get(`/api/rulesets/sfc-2017/in-force?date=${date}`).set(t.auth('viewer'))).body.version;
    expect([await inForce('2017-12-31'), await inForce('2018-01-01'), await inForce('2030-01-01')]).toEqual([1, 2, 2]);

    const diff = await request(t.app).get('/api/rulesets/sfc-2017/diff?from=1&to=2').set(t.auth('viewer'));
    expect(diff.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'parameter', id: 'revenueThreshold', before: 1000, after: 1100 })]));

    const batch = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ filter: { period: 2018 }, versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@2' }] });
    expect(batch.status).toBe(200);
    expect(batch.body.changedDossiers).toEqual(['bravo-2018']);
    const byId = Object.fromEntries(batch.body.rows.map((r: { dossierId: string; cells: unknown[] }) => [r.dossierId, r.cells]));
    expect(byId['bravo-2018'].map((c: { status: string; title: string; changed: boolean }) => [c.status, c.title, c.changed])).toEqual([
      ['passed', 'comprehensive', false],
      ['failed', 'none', true],
    ]);
    expect(byId['alpha-2018'][0]).toMatchObject({ status: 'passed', total: 101, rank: 1, titleRank: 2 });
  });

  it('re-scores one version under interpretation switches', async () => {
    const res = await request(t.app)
      .post('/api/batch')
      .set(t.auth('analyst'))
      .send({ dossiers: ['alpha-2018'], versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', interpretations: { 'interp:revenue-bonus-steps': 'pro-rata' }, label: 'pro-rata' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.columns[1]).toMatchObject({ label: 'pro-rata', interpretations: { 'interp:revenue-bonus-steps': 'pro-rata' } });
  });

  it('evaluates the cohort of a period with titles and changes', async () => {
    const res = await request(t.app).post('/api/cohort').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@2018-12-31', period: 2018, mode: 'award' });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.result.members.map((m: { subjectId: string }) => m.subjectId).sort()).toEqual(['alpha', 'bravo', 'charlie']);
    expect(res.body.result.titles.comprehensive).toEqual(['alpha']);
    expect(res.body.result.evaluations).toBeUndefined();
  });
});
