// Happy paths and error statuses of every endpoint, driven through createApp with supertest (engine stand-in, so scoring changes do not matter here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { fakeEngine } from './fakeEngine.js';
import { cityDossier, makeServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await makeServer(fakeEngine, { bodyLimit: 300_000, batchCellLimit: 500 });
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

const get = (url: string, role: 'viewer' | 'analyst' | 'editor' | 'admin' = 'viewer') => request(t.app).get(url).set(t.auth(role));

describe('meta', () => {
  it('serves health, the landing page, the OpenAPI document and the docs page without a token', async () => {
    expect((await request(t.app).get('/api/health')).body).toEqual({ ok: true, engineVersion: 'fake-0', store: { kind: t.repo.kind, writable: true, problems: 0 } });
    const landing = await request(t.app).get('/');
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('/api/docs');
    const doc = await request(t.app).get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/drafts/{id}'].put.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/PutDraftBody');
    expect(doc.body.components.schemas.RuleSet).toBeTruthy();
    // Every $ref resolves.
    const refs = [...JSON.stringify(doc.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    for (const r of new Set(refs)) expect(doc.body.components.schemas[r], r).toBeTruthy();
    const docs = await request(t.app).get('/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    // Swagger UI reads the document and runs from this server's own files: no other origin.
    expect(docs.text).toContain('/api/openapi.json');
    expect(docs.text).not.toMatch(/https?:\/\//);
  });

  it('answers unknown routes with 404 JSON', async () => {
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await request(t.app).get('/elsewhere')).status).toBe(404);
  });

  it('says who is calling', async () => {
    expect((await get('/api/whoami', 'analyst')).body).toMatchObject({ name: 'analyst-user', role: 'analyst' });
  });
});

describe('rule sets', () => {
  it('lists rule sets and versions, fetches one with its hash as ETag', async () => {
    const list = await get('/api/rulesets');
    expect(list.status).toBe(200);
    expect(list.body.map((r: { id: string }) => r.id)).toContain('sfc-2017');
    const versions = await get('/api/rulesets/sfc-2017/versions');
    expect(versions.body[0]).toMatchObject({ ref: 'sfc-2017@1', version: 1, status: 'published', effectiveFrom: '2017-05-15', basedOn: null });
    expect(versions.body[0].contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const one = await get('/api/rulesets/sfc-2017/versions/1');
    expect(one.status).toBe(200);
    expect(one.headers.etag).toBe(`"${versions.body[0].contentHash}"`);
    expect(one.body.document.id).toBe('sfc-2017');
    expect((await get('/api/rulesets/sfc-2017/versions/1/golden')).status).toBe(200);
    const byHash = await get(`/api/versions/${versions.body[0].contentHash}`);
    expect(byHash.body).toMatchObject({ ref: 'sfc-2017@1', document: { id: 'sfc-2017' } });
    expect((await get(`/api/versions/sha256:${'0'.repeat(64)}`)).status).toBe(404);
    expect((await get('/api/versions/md5:abc')).status).toBe(400);
  });

  it('answers which version is in force at a date', async () => {
    expect((await get('/api/rulesets/sfc-2017/in-force?date=2020-01-01')).body.version).toBe(1);
    expect((await get('/api/rulesets/sfc-2017/in-force?date=2000-01-01')).body.error.code).toBe('no_version_in_force');
    expect((await get('/api/rulesets/sfc-2017/in-force?date=soon')).status).toBe(400);
    expect((await get('/api/rulesets/nope/in-force?date=2020-01-01')).status).toBe(404);
  });

  it('404s unknown rule sets and versions, 400s malformed version numbers', async () => {
    expect((await get('/api/rulesets/nope/versions')).status).toBe(404);
    expect((await get('/api/rulesets/sfc-2017/versions/9')).status).toBe(404);
    const bad = await get('/api/rulesets/sfc-2017/versions/one');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toEqual(['params', 'version']);
  });
});

describe('dossiers', () => {
  it('creates, fetches, revises, lists with filters, keeps revisions, deletes', async () => {
    const created = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('alpha', 1200) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'alpha-2019', revision: 1, province: 'Testshire', period: 2019, type: 'comprehensive' });
    expect(created.headers.etag).toBe('"alpha-2019.r1"');
    const dup = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('alpha', 1200) });
    expect(dup.status).toBe(409);
    const named = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ id: 'beta-custom', dossier: cityDossier('beta', 900, { province: 'Elsewhere', period: 2020 }) });
    expect(named.body.id).toBe('beta-custom');

    const revised = await request(t.app).put('/api/dossiers/alpha-2019').set(t.auth('analyst')).set('If-Match', '"alpha-2019.r1"').send({ dossier: cityDossier('alpha', 1300) });
    expect(revised.status).toBe(200);
    expect(revised.body.revision).toBe(2);
    const stale = await request(t.app).put('/api/dossiers/alpha-2019').set(t.auth('analyst')).set('If-Match', '"alpha-2019.r1"').send({ dossier: cityDossier('alpha', 1400) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.current.revision).toBe(2);

    expect((await get('/api/dossiers/alpha-2019/revisions')).body.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
    expect((await get('/api/dossiers/alpha-2019/revisions/1')).body.dossier.facts.softwareRevenue).toBe(1200);
    expect((await get('/api/dossiers/alpha-2019/revisions/7')).status).toBe(404);
    expect((await get('/api/dossiers?period=2020')).body.map((d: { id: string }) => d.id)).toEqual(['beta-custom']);
    expect((await get('/api/dossiers?province=Testshire&type=comprehensive')).body.map((d: { id: string }) => d.id)).toContain('alpha-2019');
    expect((await get('/api/dossiers?period=twenty')).status).toBe(400);
    expect((await get('/api/dossiers?colour=red')).status).toBe(400);

    expect((await request(t.app).delete('/api/dossiers/beta-custom').set(t.auth('analyst'))).status).toBe(204);
    expect((await get('/api/dossiers/beta-custom')).status).toBe(404);
    expect((await request(t.app).delete('/api/dossiers/beta-custom').set(t.auth('analyst'))).status).toBe(404);
  });

  it('creates a dossier once when two clients race for the same id', async () => {
    const send = () => request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('race', 1000, { period: 2030 }) });
    const results = await Promise.all([send(), send(), send()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await get('/api/dossiers/race-2030/revisions')).body).toHaveLength(1);
  });

  it('refuses a dossier without cityId/period and no id (422), and unknown fields (400)', async () => {
    const res = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: { dossierFormat: 1, facts: { cityName: 'x' } } });
    expect(res.status).toBe(422);
    expect(res.body.error.issues.map((i: { path: unknown[] }) => i.path)).toEqual([
      ['dossier', 'facts', 'cityId'],
      ['dossier', 'facts', 'period'],
    ]);
    const extra = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('x', 1), colour: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.issues[0]).toMatchObject({ code: 'unknown_field', path: ['body'] });
  });

  it('validates a stored or inline dossier under a version, listing every problem', async () => {
    const ok = await request(t.app).post('/api/dossiers/validate').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2019' });
    expect(ok.body).toMatchObject({ valid: true, errors: 0 });
    const bad = await request(t.app).post('/api/dossiers/validate').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossier: { facts: {} } });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.issues.length).toBeGreaterThan(1);
    const both = await request(t.app).post('/api/dossiers/validate').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2019', dossier: { facts: {} } });
    expect(both.status).toBe(400);
  });
});

describe('evaluations', () => {
  it('evaluates a stored dossier, stores the record, lists, fetches and replays it', async () => {
    const res = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2019' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ruleSetId: 'sfc-2017', version: 1, dossierId: 'alpha-2019', dossierRevision: 2, engineVersion: 'fake-0' });
    expect(res.body.contentHash).toMatch(/^sha256:/);
    expect(res.body.dossierHash).toMatch(/^sha256:/);
    expect(res.body.result.outcome.status).toBe('passed');
    const list = await get('/api/evaluations?dossierId=alpha-2019');
    expect(list.body.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
    expect((await get(`/api/evaluations/${res.body.id}`)).body.result).toEqual(res.body.result);
    const replay = await request(t.app).post(`/api/evaluations/${res.body.id}/replay`).set(t.auth('analyst'));
    expect(replay.body).toMatchObject({ id: res.body.id, same: true, sameOutcome: true, differences: [] });
    expect((await get('/api/evaluations/ev-999')).status).toBe(404);
  });

  it('evaluates an inline dossier under the version in force at a date, and replays it', async () => {
    const res = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@2021-06-30', dossier: cityDossier('gamma', 500) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 1, dossierId: null, dossierRevision: null });
    expect(res.body.result.outcome.status).toBe('failed');
    expect((await request(t.app).post(`/api/evaluations/${res.body.id}/replay`).set(t.auth('analyst'))).body.same).toBe(true);
  });

  it('refuses unknown versions (404), unknown interpretations and invalid dossiers (422)', async () => {
    expect((await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@9', dossierId: 'alpha-2019' })).status).toBe(404);
    expect((await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017', dossierId: 'alpha-2019' })).status).toBe(400);
    const interp = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2019', interpretations: { 'interp:nope': 'x' } });
    expect(interp.status).toBe(422);
    expect(interp.body.error.code).toBe('invalid_interpretation');
    const bad = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossier: { facts: { cityId: 'x' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_dossier');
  });

  it('batch-scores dossiers × versions into a matrix and cohort-evaluates a period', async () => {
    const batch = await request(t.app)
      .post('/api/batch')
      .set(t.auth('analyst'))
      .send({ filter: { period: 2019 }, inline: [cityDossier('delta', 800)], versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', interpretations: { 'interp:bonus-cap': 'cap-10' }, label: 'cap' }] });
    expect(batch.status).toBe(200);
    expect(batch.body.columns.map((c: { label: string }) => c.label)).toEqual(['sfc-2017@1', 'cap']);
    expect(batch.body.rows.map((r: { dossierId: string | null }) => r.dossierId)).toEqual(['alpha-2019', null]);
    expect(batch.body.rows[0].cells[0]).toMatchObject({ ok: true, status: 'passed', title: 'comprehensive', titleRank: 2, rank: 1, changed: false });
    expect(batch.body.changedDossiers).toEqual([]);
    const tooBig = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ inline: Array(60).fill(cityDossier('x', 1)), versions: Array(10).fill({ ruleSet: 'sfc-2017@1' }) });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.code).toBe('limit_exceeded');
    expect(tooBig.body.error.issues[0]).toMatchObject({ code: 'limit_exceeded', path: ['body', 'dossiers'], hint: 'the limit is 500' });
    const none = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ versions: [{ ruleSet: 'sfc-2017@1' }] });
    expect(none.status).toBe(400);

    const cohort = await request(t.app).post('/api/cohort').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 2019 });
    expect(cohort.status).toBe(200);
    expect(cohort.body.dossiers.map((d: { id: string }) => d.id)).toEqual(['alpha-2019']);
    expect(cohort.body.result.titles).toEqual({ comprehensive: ['alpha'] });
    expect((await request(t.app).post('/api/cohort').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 1999 })).status).toBe(404);
  });
});

describe('request hygiene', () => {
  it('answers malformed JSON 400, non-JSON 415, oversized 413, stray bodies 400', async () => {
    const malformed = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json').send('{"dossier":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
    const text = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    const big = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('big', 1, { notes: 'x'.repeat(400_000) }) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const scalar = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json').send('42');
    expect(scalar.status).toBe(400);
    const stray = await request(t.app).post('/api/drafts/draft-1/validate').set(t.auth('viewer')).send({ x: 1 });
    expect([400, 404]).toContain(stray.status);
    const badPct = await get('/api/dossiers/%E0%A4%A');
    expect(badPct.status).toBe(400);
  });

  it('refuses deeply nested bodies with 400 instead of overflowing the stack', async () => {
    for (const n of [100, 5000, 140_000]) {
      const deep = '['.repeat(n) + '1' + ']'.repeat(n);
      const res = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).set('Content-Type', 'application/json').send(`{"ruleSet":"sfc-2017@1","dossier":{"facts":{"cityId":"x","deep":${deep}}}}`);
      expect(res.status, String(n)).toBe(400);
    }
    const cond = '{"not":'.repeat(3000) + '{"fact":"a","operator":"equal","value":1}' + '}'.repeat(3000);
    const res = await request(t.app).post('/api/batch').set(t.auth('analyst')).set('Content-Type', 'application/json').send(`{"versions":[{"ruleSet":"sfc-2017@1"}],"inline":[{"facts":${cond}}]}`);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].code).toBe('too_deep');
  });
});

describe('editor pages', () => {
  it('serves editor/dist when it exists (with the SPA fallback), and still answers /api with JSON', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { createApp } = await import('../../server/app.js');
    const { createMemoryRepository } = await import('../../server/store/memoryRepository.js');
    const dist = await mkdtemp(path.join(tmpdir(), 'mc-dist-'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>editor</title>');
    await writeFile(path.join(dist, 'app.js'), 'console.log(1)');
    const app = createApp({ repo: createMemoryRepository(), engine: fakeEngine, clauseIds: () => [], editorDist: dist });
    expect((await request(app).get('/')).text).toContain('<title>editor</title>');
    expect((await request(app).get('/app.js')).text).toBe('console.log(1)');
    expect((await request(app).get('/rulesets/sfc-2017')).text).toContain('<title>editor</title>');
    const api = await request(app).get('/api/nope');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
    await rm(dist, { recursive: true, force: true });
  });
});
