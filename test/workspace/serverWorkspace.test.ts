// The server side of the workspace: token expiry and why a token stopped working, audit filters and chain status, reports that reuse a stored evaluation, compressed and cached assets, and the API reference with its examples.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { z } from 'zod';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { createApp } from '../../server/app.js';
import * as S from '../../server/api/schemas.js';
import * as A from '../../server/api/analysisSchemas.js';
import { makeServer, RULES_DIR, type TestServer } from '../server/helpers.js';

const realEngine: EngineApi = engine;
let t: TestServer;
beforeAll(async () => {
  t = await makeServer(realEngine, { samples: true });
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

/** An app on the same store whose clock the test sets. */
function appAt(clock: { now: string }) {
  return createApp({ repo: t.repo, engine: realEngine, clauseIds: () => [], now: () => clock.now });
}

describe('tokens', () => {
  it('creates a token with an expiry; it works until then and afterwards is refused with reason "expired"', async () => {
    const clock = { now: '2026-03-01T10:00:00.000Z' };
    const app = appAt(clock);
    const admin = { Authorization: `Bearer ${t.tokens.admin}` };
    const past = await request(app).post('/api/tokens').set(admin).send({ name: 'late', role: 'viewer', expiresAt: '2026-02-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.error.issues).toEqual([expect.objectContaining({ code: 'expiry_in_past', path: ['body', 'expiresAt'] })]);

    const made = await request(app).post('/api/tokens').set(admin).send({ name: 'temp', role: 'analyst', expiresAt: '2026-03-02T00:00:00+08:00' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'temp', role: 'analyst', expiresAt: '2026-03-01T16:00:00.000Z', state: 'live', revokedAt: null });
    const bearer = { Authorization: `Bearer ${made.body.token}` };
    expect((await request(app).get('/api/whoami').set(bearer)).body).toMatchObject({ name: 'temp', role: 'analyst' });

    clock.now = '2026-03-01T16:00:00.000Z';
    const late = await request(app).get('/api/whoami').set(bearer);
    expect(late.status).toBe(401);
    expect(late.body.error).toMatchObject({ code: 'unauthenticated', reason: 'expired' });
    const list = await request(app).get('/api/tokens').set(admin);
    expect(list.body.find((x: { id: string }) => x.id === made.body.id)).toMatchObject({ state: 'expired', expiresAt: '2026-03-01T16:00:00.000Z' });
  });

  it('says "revoked" for a revoked token and "unknown" for one that never existed; 403 names the role needed', async () => {
    const admin = t.auth('admin');
    const made = await request(t.app).post('/api/tokens').set(admin).send({ name: 'bob', role: 'viewer' });
    expect(made.body.expiresAt).toBeNull();
    expect((await request(t.app).delete(`/api/tokens/${made.body.id}`).set(admin)).status).toBe(204);
    const res = await request(t.app).get('/api/whoami').set('Authorization', `Bearer ${made.body.token}`);
    expect(res.body.error).toMatchObject({ code: 'unauthenticated', reason: 'revoked' });
    expect((await request(t.app).get('/api/whoami').set('Authorization', 'Bearer mc_nobody')).body.error.reason).toBe('unknown');
    const forbidden = await request(t.app).get('/api/tokens').set(t.auth('viewer'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: 'forbidden', needs: 'admin', has: 'viewer' });
  });
});

describe('audit', () => {
  it('filters by actor, action family, object and day, and carries the semantic changes of a draft edit', async () => {
    const ed = t.auth('editor');
    const draft = await request(t.app).post('/api/drafts').set(ed).send({ from: 'sfc-2017@1' });
    const doc = draft.body.document;
    const edited = { ...doc, parameters: doc.parameters.map((p: { id: string }) => (p.id === 'revenueThreshold' ? { ...p, value: 1200 } : p)) };
    expect((await request(t.app).put(`/api/drafts/${draft.body.id}`).set(ed).set('If-Match', draft.headers.etag).send({ document: edited })).status).toBe(200);

    const get = (q: string) => request(t.app).get(`/api/audit?${q}`).set(t.auth('editor'));
    const byTarget = await get(`target=${draft.body.id}`);
    expect(byTarget.body.entries.map((e: { action: string }) => e.action)).toEqual(['draft.create', 'draft.update']);
    const update = byTarget.body.entries[1];
    expect(update.details.changes).toEqual([expect.objectContaining({ kind: 'parameter', id: 'revenueThreshold', change: 'changed', before: 1000, after: 1200 })]);
    const family = await get('action=draft.');
    expect(family.body.entries.every((e: { action: string }) => e.action.startsWith('draft.'))).toBe(true);
    expect(family.body.entries.length).toBeGreaterThanOrEqual(2);
    const byActor = await get('actor=EDITOR-US');
    expect(byActor.body.entries.length).toBeGreaterThanOrEqual(2);
    expect(byActor.body.entries.every((e: { actor: string }) => e.actor.includes('editor-user'))).toBe(true);
    expect((await get('since=2026-01-01&until=2026-01-01')).body.entries.length).toBeGreaterThan(0);
    expect((await get('since=2026-01-02&until=2026-02-28')).body.entries).toEqual([]);
    expect(byTarget.body).toMatchObject({ intact: true, brokenAt: null });
    expect(byTarget.body.total).toEqual(expect.any(Number));
  });
});

describe('reports', () => {
  it('evaluates without storing; after an explicit store, the stored record is reused for the same rule-set and dossier hashes', async () => {
    const count = async () => (await request(t.app).get('/api/evaluations?dossierId=wuhan-2018').set(t.auth('viewer'))).body.length as number;
    const before = await count();
    const first = await request(t.app).post('/api/analysis/report').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    expect(first.status).toBe(200);
    expect(A.ReportResponse.safeParse(first.body).success).toBe(true);
    expect(first.body.record).toBeNull();
    expect(first.body.result.subject.name).toBe('武汉');
    await request(t.app).post('/api/analysis/report').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    expect(await count()).toBe(before);

    const stored = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    expect(stored.status).toBe(201);
    const again = await request(t.app).post('/api/analysis/report').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    expect(again.body.record.id).toBe(stored.body.id);
    expect(again.body.dossierHash).toBe(stored.body.dossierHash);
    expect(again.body.result.outcome).toEqual(first.body.result.outcome);
    expect(await count()).toBe(before + 1);

    // A record made with interpretation switches is not the plain report's record.
    await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018', interpretations: { 'interp:bonus-cap': 'cap-10' } });
    expect((await request(t.app).post('/api/analysis/report').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' })).body.record.id).toBe(stored.body.id);
  });
});

describe('static files and compression', () => {
  let dist: string;
  beforeAll(async () => {
    dist = await mkdtemp(path.join(tmpdir(), 'mc-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>x</title>' + '<p>名城</p>'.repeat(300));
    await writeFile(path.join(dist, 'assets', 'index-Ab12Cd34.js'), 'export const x = "' + 'mingcheng '.repeat(2000) + '";');
  });
  afterAll(() => rm(dist, { recursive: true, force: true }));

  it('serves hashed assets immutable and compressed, index.html revalidated, and JSON compressed', async () => {
    const app = createApp({ repo: t.repo, engine: realEngine, clauseIds: () => [], editorDist: dist });
    const js = await request(app).get('/assets/index-Ab12Cd34.js').set('Accept-Encoding', 'br, gzip');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-encoding']).toMatch(/^(br|gzip)$/);
    const gz = await request(app).get('/assets/index-Ab12Cd34.js').set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const html = await request(app).get('/analyst/dossiers').set('Accept-Encoding', 'gzip');
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.headers['content-encoding']).toBe('gzip');
    const missing = await request(app).get('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
    const json = await request(app).get('/api/openapi.json').set('Accept-Encoding', 'gzip');
    expect(json.headers['content-encoding']).toBe('gzip');
  });
});

describe('the API reference', () => {
  it('is Swagger UI served from its package, with no other origin named', async () => {
    const docs = await request(t.app).get('/api/docs');
    expect(docs.status).toBe(200);
    const srcs = [...docs.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs).toEqual(['/api/docs/assets/swagger-ui.css', '/api/docs/docs.css', '/api/openapi.json', '/', '/api/openapi.json', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/init.js']);
    const bundle = await request(t.app).get('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect((await request(t.app).get('/api/docs/init.js')).text).toContain("url: '/api/openapi.json'");
  });

  it('has an example request and response for evaluate, batch, cohort, drafts and publish, each valid under its schema', async () => {
    const doc = (await request(t.app).get('/api/openapi.json')).body;
    const v1 = JSON.parse(readFileSync(path.join(RULES_DIR, 'sfc-2017', 'v1.json'), 'utf8'));
    const cases: [string, string, number, z.ZodType, z.ZodType][] = [
      ['/api/evaluations', 'post', 201, S.EvaluateBody, S.EvaluationRecord],
      ['/api/batch', 'post', 200, S.BatchBody, S.BatchResponse],
      ['/api/cohort', 'post', 200, S.CohortBody, S.CohortResponse],
      ['/api/drafts', 'post', 201, S.CreateDraftBody, S.DraftDetail],
      ['/api/drafts/{id}/publish', 'post', 201, S.PublishBody, S.VersionSummary],
    ];
    for (const [p, method, status, body, response] of cases) {
      const op = doc.paths[p][method];
      const req = op.requestBody.content['application/json'].example;
      const res = op.responses[String(status)].content['application/json'].example;
      expect(body.safeParse(req).success, `${p} request`).toBe(true);
      // The rule-set document is shortened in examples; the full one stands in for it when checking the shape.
      const full = res && typeof res === 'object' && 'document' in res ? { ...res, document: v1 } : res;
      const checked = response.safeParse(full);
      expect(checked.success, `${p} response: ${JSON.stringify(checked.error?.issues.slice(0, 2))}`).toBe(true);
    }
  });
});
