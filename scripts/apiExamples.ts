// Regenerates server/api/examples.json: an example request and the real response for evaluate (recorded and stateless), batch, cohort, drafts and publish, made by calling the app on a seeded temp store (npm run examples).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import * as engine from '../engine/index.js';
import { createApp } from '../server/app.js';
import { openLowdbRepository } from '../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../server/seed.js';
import { addToken } from '../server/auth.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'server', 'api', 'examples.json');

/** A rule-set document in an example is shortened to its identity: the whole document is 130 kB. */
function abridge(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(abridge);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (o.formatVersion !== undefined && o.stages && o.parameters) {
    const { id, version, status, basedOn, title } = o as Record<string, unknown>;
    return { id, version, status, basedOn, title, '…': 'the rest of the rule set (parameters, facts, stages, …) is left out of this example' };
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, abridge(x)]));
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-examples-'));
  const repo = await openLowdbRepository(dir, { auditKey: randomBytes(32), ruleSetHash: engine.ruleSetHash });
  try {
    const clauses = await loadClauseIds(path.join(ROOT, 'rules'));
    const clauseIds = (p: string) => clauses.get(p) ?? [];
    let tick = 0;
    const now = () => new Date(Date.UTC(2026, 0, 15, 9) + tick++ * 1000).toISOString();
    const seeded = await seedStore(repo, engine, { rulesDir: path.join(ROOT, 'rules'), clauseIds, now: now() });
    const app = createApp({ repo, engine, clauseIds, now });
    const H = { Authorization: `Bearer ${seeded.adminToken}` };
    const examples: Record<string, { request?: unknown; response: unknown; status: number }> = {};
    const call = async (method: 'post' | 'put', url: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await request(app)[method](url).set(H).set(headers).send(body as object);
      if (res.status >= 300) throw new Error(`${key}: ${res.status} ${JSON.stringify(res.body)}`);
      examples[key] = { request: body, response: abridge(res.body), status: res.status };
      return res;
    };
    await call('post', '/api/evaluations', 'post /api/evaluations', { ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    await call('post', '/api/batch', 'post /api/batch', {
      dossiers: ['wuhan-2018', 'chengdu-2022', 'xiamen-2017'],
      versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', interpretations: { 'interp:bonus-cap': 'cap-10' }, label: 'bonus cap 10' }],
    });
    await call('post', '/api/cohort', 'post /api/cohort', { ruleSet: 'sfc-2017@1', period: 2022, mode: 'dynamic' });
    const draft = await call('post', '/api/drafts', 'post /api/drafts', { from: 'sfc-2017@1' });
    const id = draft.body.id as string;
    const doc = draft.body.document;
    const raised = { ...doc, parameters: doc.parameters.map((p: { id: string }) => (p.id === 'passMarkFeatured' ? { ...p, value: 92 } : p)) };
    const put = await request(app).put(`/api/drafts/${id}`).set(H).set('If-Match', draft.headers.etag).send({ document: raised });
    if (put.status !== 200) throw new Error(`put: ${put.status} ${JSON.stringify(put.body)}`);
    const run = await request(app).post(`/api/drafts/${id}/golden/run`).set(H);
    const failing = (run.body.results as { id: string; ok: boolean }[]).filter((c) => !c.ok).map((c) => c.id);
    let etag = put.headers.etag as string;
    if (failing.length) {
      const rb = await request(app).post(`/api/drafts/${id}/golden/rebaseline`).set(H).set('If-Match', etag).send({ caseIds: failing, reason: 'featured pass mark raised to 92' });
      if (rb.status !== 200) throw new Error(`rebaseline: ${rb.status} ${JSON.stringify(rb.body)}`);
      etag = rb.headers.etag ?? (await request(app).get(`/api/drafts/${id}`).set(H)).headers.etag;
    }
    // Four eyes: sent for review, approved by another editor, then published from a given day.
    const reviewer = (await repo.transact((tx) => addToken(tx, 'reviewer', 'editor', 'examples', now()))).secret;
    const sent = await request(app).post(`/api/drafts/${id}/review/request`).set(H).set('If-Match', etag).send({ note: 'featured pass mark 92' });
    if (sent.status !== 200) throw new Error(`review request: ${sent.status} ${JSON.stringify(sent.body)}`);
    const ok = await request(app).post(`/api/drafts/${id}/review`).set({ Authorization: `Bearer ${reviewer}` }).set('If-Match', sent.headers.etag).send({ decision: 'approve', comment: 'checked against I2.10' });
    if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${JSON.stringify(ok.body)}`);
    await call(
      'post',
      `/api/drafts/${id}/publish`,
      'post /api/drafts/{id}/publish',
      { changelog: { zh: '特色型达标分数线由90分提高到92分', en: 'Featured pass mark raised from 90 to 92' }, effectiveFrom: '2026-03-01' },
      { 'If-Match': ok.headers.etag },
    );
    // Last, so the clock of the examples above stays as it was.
    await call('post', '/api/evaluate', 'post /api/evaluate', { ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018', view: 'decision' });
    await writeFile(OUT, JSON.stringify(examples, null, 2) + '\n');
    console.log(`wrote ${path.relative(ROOT, OUT)}: ${Object.keys(examples).join(', ')}`);
  } finally {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
