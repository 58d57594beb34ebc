// POST /api/evaluate on the real engine: the decision view and the full view agree on every sample under both published
// versions (and on edited dossiers: a missing fact, a consistency warning, interpretation switches); bad input is a 4xx
// with paths; nothing is stored or audited.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { makeServer, RULES_DIR, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await makeServer(engine as EngineApi, { samples: true, versions: [1, 2] });
}, 120_000);
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

const SAMPLES = readdirSync(path.join(RULES_DIR, 'samples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(RULES_DIR, 'samples', f), 'utf8')) as { dossierFormat: 1; facts: Record<string, unknown> });
const idOf = (d: { facts: Record<string, unknown> }) => `${d.facts.cityId}-${d.facts.period}`;

const evaluate = (body: unknown, role: 'viewer' | 'analyst' = 'analyst') => request(t.app).post('/api/evaluate').set(t.auth(role)).send(body as object);

/** Both views of one request, each answered 200. */
async function bothViews(body: Record<string, unknown>) {
  const decision = await evaluate(body);
  expect(decision.status, JSON.stringify(decision.body).slice(0, 400)).toBe(200);
  const full = await evaluate({ ...body, view: 'full' });
  expect(full.status, JSON.stringify(full.body).slice(0, 400)).toBe(200);
  return { d: decision.body, f: full.body };
}

/** The decision view says what the full evaluation says, with the same labels and stage order. */
function expectAgreement(d: any, f: any) {
  expect(d.view).toBe('decision');
  expect({ ...d.provenance, evaluatedAt: null }).toEqual({ ...f.provenance, evaluatedAt: null });
  expect(d.subject).toEqual(f.subject);
  expect(d.outcome.status).toBe(f.outcome.status);
  expect(d.outcome.passed).toBe(f.outcome.passed);
  expect(d.outcome.title).toEqual(f.outcome.title);
  expect(d.outcome.indicatedTitle).toEqual(f.outcome.indicatedTitle ?? null);
  expect(d.outcome.indicative).toBe(f.outcome.indicative);
  expect(d.outcome.base).toBe(f.outcome.baseScore.value);
  expect(d.outcome.bonus).toBe(f.outcome.bonus.value);
  expect(d.outcome.total).toBe(f.outcome.total.value);
  expect(d.outcome.passMark).toBe(f.outcome.passMark);
  expect(d.stages.map((s: { id: string }) => s.id)).toEqual(f.stages.map((s: { id: string }) => s.id));
  expect(d.stages.map((s: { label: unknown }) => s.label)).toEqual(f.stages.map((s: { label: unknown }) => s.label));
  expect(Object.fromEntries(d.stages.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual(f.outcome.stages);
  // The dossier's consistency warnings are the full view's warnings that carry an issue code (advisory checks do not).
  expect(d.warnings).toEqual(f.warnings.filter((w: { code?: string }) => w.code !== undefined).map(({ itemId: _i, ...w }: { itemId: string }) => w));
  expect('undecided' in d).toBe(f.outcome.status === 'undecided');
}

describe('POST /api/evaluate', () => {
  it('agrees with the full view on every sample, stored and inline, under both published versions', async () => {
    expect(SAMPLES.length).toBeGreaterThan(10);
    const statuses = new Set<string>();
    for (const ruleSet of ['sfc-2017@1', 'sfc-2017@2']) {
      for (const sample of SAMPLES) {
        const stored = await bothViews({ ruleSet, dossierId: idOf(sample) });
        expectAgreement(stored.d, stored.f);
        statuses.add(stored.d.outcome.status);
        // The same content inline is the same decision.
        const inline = await evaluate({ ruleSet, dossier: sample });
        expect(inline.status).toBe(200);
        expect({ ...inline.body, provenance: { ...inline.body.provenance, evaluatedAt: null } }).toEqual({ ...stored.d, provenance: { ...stored.d.provenance, evaluatedAt: null } });
      }
    }
    // The samples pass and fail: the agreement is checked on both.
    expect(statuses).toEqual(new Set(['passed', 'failed']));
  }, 120_000);

  it('the full view is the evaluation POST /api/evaluations records, but for its time', async () => {
    const sample = SAMPLES[0];
    const recorded = await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@2', dossierId: idOf(sample) });
    expect(recorded.status).toBe(201);
    const full = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: idOf(sample), view: 'full' });
    expect(full.body.provenance.evaluatedAt).not.toBe(recorded.body.result.provenance.evaluatedAt);
    const strip = (e: any) => ({ ...e, provenance: { ...e.provenance, evaluatedAt: null } });
    expect(strip(full.body)).toEqual(strip(recorded.body.result));
  });

  it('an edited dossier without a needed fact is undecided, says so and points to view=full for the missing facts', async () => {
    for (const sample of SAMPLES.slice(0, 4)) {
      const { softwareRevenue: _gone, ...facts } = sample.facts;
      const { d, f } = await bothViews({ ruleSet: 'sfc-2017@2', dossier: { ...sample, facts } });
      expectAgreement(d, f);
      expect(d.outcome.status).toBe('undecided');
      expect(d.outcome.passed).toBeNull();
      expect(d.outcome.title).toBeNull();
      expect(d.undecided.text.zh).toContain('view=full');
      expect(d.undecided.text.en).toContain('view=full');
      // The decision names no missing fact; the full view does.
      expect(JSON.stringify(d)).not.toContain('missingFacts":');
      expect(f.missingFacts.map((m: { fact: string }) => m.fact)).toContain('softwareRevenue');
    }
  });

  it('edited values move the decision as they move the full evaluation (revenue, interpretation switches)', async () => {
    const sample = SAMPLES.find((s) => idOf(s) === 'wuhan-2018')!;
    const revenue = (sample.facts.softwareRevenue as { value: number }).value;
    for (const factor of [0.3, 0.6, 0.9, 1.5]) {
      const dossier = { ...sample, facts: { ...sample.facts, softwareRevenue: Math.round(revenue * factor) } };
      for (const ruleSet of ['sfc-2017@1', 'sfc-2017@2']) {
        const { d, f } = await bothViews({ ruleSet, dossier });
        expectAgreement(d, f);
      }
    }
    const switched = await bothViews({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018', interpretations: { 'interp:bonus-cap': 'cap-10' } });
    expectAgreement(switched.d, switched.f);
    expect(switched.d.provenance.interpretations['interp:bonus-cap']).toBe('cap-10');
    const plain = await evaluate({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    expect(plain.body.provenance.interpretations['interp:bonus-cap']).not.toBe('cap-10');
  });

  it("lists the dossier's consistency warnings in the rule set's words", async () => {
    const sample = SAMPLES.find((s) => idOf(s) === 'wuhan-2018')!;
    const dossier = { ...sample, facts: { ...sample.facts, profitAndTax: 99_999 } };
    const { d, f } = await bothViews({ ruleSet: 'sfc-2017@2', dossier });
    expectAgreement(d, f);
    expect(d.warnings).toEqual([expect.objectContaining({ code: 'profit_exceeds_revenue', path: ['facts', 'profitAndTax'] })]);
    expect(d.warnings[0].text.zh).not.toBe(d.warnings[0].text.en);
  });

  it('takes a version number, a day or the rule set alone (the version in force today)', async () => {
    const byId = await evaluate({ ruleSet: 'sfc-2017', dossierId: 'wuhan-2018' });
    expect(byId.status).toBe(200);
    expect(byId.body.provenance).toMatchObject({ ruleSetId: 'sfc-2017', version: 2 });
    const byDay = await evaluate({ ruleSet: 'sfc-2017@2020-01-01', dossierId: 'wuhan-2018' });
    expect(byDay.body.provenance.version).toBe(2);
    expect((await evaluate({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' })).body.provenance.version).toBe(1);
    expect((await evaluate({ ruleSet: 'sfc-2017@2000-01-01', dossierId: 'wuhan-2018' })).body.error.code).toBe('no_version_in_force');
    expect((await evaluate({ ruleSet: 'nope', dossierId: 'wuhan-2018' })).status).toBe(404);
    expect((await evaluate({ ruleSet: 'sfc-2017@9', dossierId: 'wuhan-2018' })).status).toBe(404);
    expect((await evaluate({ ruleSet: 'sfc-2017', dossierId: 'nowhere-2020' })).status).toBe(404);
    const bad = await evaluate({ ruleSet: 'SFC 2017', dossierId: 'wuhan-2018' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toEqual(['body', 'ruleSet']);
  });

  it('refuses invalid input with 4xx, issues and their paths, in both views', async () => {
    const sample = SAMPLES[0];
    for (const view of ['decision', 'full']) {
      const negative = await evaluate({ ruleSet: 'sfc-2017@2', view, dossier: { ...sample, facts: { ...sample.facts, softwareRevenue: -5 } } });
      expect(negative.status).toBe(422);
      expect(negative.body.error.code).toBe('invalid_dossier');
      expect(negative.body.error.issues).toContainEqual(expect.objectContaining({ code: 'out_of_range', path: ['facts', 'softwareRevenue'] }));
      const text = await evaluate({ ruleSet: 'sfc-2017@2', view, dossier: { ...sample, facts: { ...sample.facts, softwareRevenue: 'lots' } } });
      expect(text.status).toBe(422);
      expect(text.body.error.issues).toContainEqual(expect.objectContaining({ path: ['facts', 'softwareRevenue'] }));
      const switches = await evaluate({ ruleSet: 'sfc-2017@2', view, dossierId: idOf(sample), interpretations: { 'interp:nope': 'x' } });
      expect(switches.status).toBe(422);
      expect(switches.body.error.code).toBe('invalid_interpretation');
    }
    const both = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: idOf(sample), dossier: sample });
    expect(both.status).toBe(400);
    expect(both.body.error.issues[0].path).toEqual(['body', 'dossierId']);
    const neither = await evaluate({ ruleSet: 'sfc-2017@2' });
    expect(neither.status).toBe(400);
    const view = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: idOf(sample), view: 'summary' });
    expect(view.status).toBe(400);
    expect(view.body.error.issues[0].path).toEqual(['body', 'view']);
    const unknown = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: idOf(sample), store: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues[0]).toMatchObject({ code: 'unknown_field', path: ['body'] });
  });

  it('needs an analyst token', async () => {
    expect((await request(t.app).post('/api/evaluate').send({ ruleSet: 'sfc-2017', dossierId: 'wuhan-2018' })).status).toBe(401);
    const viewer = await evaluate({ ruleSet: 'sfc-2017', dossierId: 'wuhan-2018' }, 'viewer');
    expect(viewer.status).toBe(403);
    expect(viewer.body.error).toMatchObject({ code: 'forbidden', needs: 'analyst' });
  });

  it('stores nothing and writes no audit entry', async () => {
    const before = await t.snapshot();
    const version = await t.storeVersion();
    const audit = await t.repo.read((tx) => tx.audit.head());
    for (const view of ['decision', 'full']) {
      expect((await evaluate({ ruleSet: 'sfc-2017', dossierId: 'wuhan-2018', view })).status).toBe(200);
      expect((await evaluate({ ruleSet: 'sfc-2017', dossier: SAMPLES[1], view })).status).toBe(200);
      expect((await evaluate({ ruleSet: 'sfc-2017', dossier: { ...SAMPLES[1], facts: { ...SAMPLES[1].facts, softwareRevenue: -1 } }, view })).status).toBe(422);
    }
    expect(await t.snapshot()).toBe(before);
    expect(await t.storeVersion()).toBe(version);
    expect(await t.repo.read((tx) => tx.audit.head())).toEqual(audit);
  });

  it('answers a repeat from the recent decisions with its own time, and a new dossier revision afresh', async () => {
    const id = 'wuhan-2018';
    const first = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: id });
    const second = await evaluate({ ruleSet: 'sfc-2017@2', dossierId: id });
    expect(second.body.provenance.evaluatedAt).not.toBe(first.body.provenance.evaluatedAt);
    expect({ ...second.body, provenance: null }).toEqual({ ...first.body, provenance: null });
    const sample = SAMPLES.find((s) => idOf(s) === id)!;
    const lower = { ...sample, facts: { ...sample.facts, softwareRevenue: 10 } };
    const put = await request(t.app).put(`/api/dossiers/${id}`).set(t.auth('analyst')).send({ dossier: lower });
    expect(put.status).toBe(200);
    const after = await bothViews({ ruleSet: 'sfc-2017@2', dossierId: id });
    expectAgreement(after.d, after.f);
    expect(after.d.provenance.dossierHash).not.toBe(first.body.provenance.dossierHash);
    expect(after.d.outcome.status).toBe('failed');
    expect(first.body.outcome.status).toBe('passed');
  });

  it('is in the OpenAPI document with its body and both answers', async () => {
    const doc = (await request(t.app).get('/api/openapi.json')).body;
    const op = doc.paths['/api/evaluate'].post;
    expect(op.tags).toEqual(['Evaluations']);
    expect(op['x-role']).toBe('analyst');
    expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/StatelessEvaluateBody/);
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/StatelessEvaluateResponse');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '422']));
    const decision = doc.components.schemas.EvaluationDecision;
    expect(decision.properties.outcome.properties.status.description).toContain('view=full');
    expect(JSON.stringify(doc.components.schemas.StatelessEvaluateResponse)).toContain('#/components/schemas/Evaluation"');
  });
});
