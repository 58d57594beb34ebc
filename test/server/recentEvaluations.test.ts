// A repeated evaluation (same compiled rule set, same dossier content) is answered from the recent ones: the same
// result with the request's time; a new dossier revision, a new draft revision or a replay is evaluated afresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as realEngine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

// The real engine, counting the explained evaluations it runs.
let evaluations = 0;
const countingEngine = {
  ...realEngine,
  compileRuleSet(doc: unknown, ctx?: { clauseIds?: Iterable<string> | null }) {
    const out = realEngine.compileRuleSet(doc, ctx);
    if (!out.ok) return out;
    const c = out.compiled;
    return {
      ok: true,
      compiled: new Proxy(c, {
        get(target, key, receiver) {
          if (key === 'evaluate')
            return (input: unknown, opts?: { now?: string }) => {
              evaluations++;
              return target.evaluate(input, opts);
            };
          return Reflect.get(target, key, receiver);
        },
      }),
    };
  },
} as unknown as EngineApi;

let t: TestServer;
beforeAll(async () => {
  t = await makeServer(countingEngine, { pool: null });
});
afterAll(async () => t.cleanup());

const post = (url: string, body: unknown, role: 'analyst' | 'editor' = 'analyst') => request(t.app).post(url).set(t.auth(role)).send(body as object);

describe('recent evaluations', () => {
  it('answers a repeat from the recent ones and evaluates a new revision, a new draft revision and a replay afresh', async () => {
    const made = await post('/api/dossiers', { dossier: fullDossier('recent-city', 1450, 1250) });
    expect(made.status).toBe(201);
    const id = made.body.id as string;

    const before = evaluations;
    const first = await post('/api/evaluations', { ruleSet: 'sfc-2017@1', dossierId: id });
    expect(first.status).toBe(201);
    const second = await post('/api/evaluations', { ruleSet: 'sfc-2017@1', dossierId: id });
    expect(second.status).toBe(201);
    expect(evaluations - before).toBe(1);
    // Two decision records, the same evaluation but for the time it was made.
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.result.provenance.evaluatedAt).not.toBe(first.body.result.provenance.evaluatedAt);
    const { provenance: p1, ...rest1 } = first.body.result;
    const { provenance: p2, ...rest2 } = second.body.result;
    expect(rest2).toEqual(rest1);
    expect({ ...p2, evaluatedAt: null }).toEqual({ ...p1, evaluatedAt: null });
    expect(second.body.result.outcome.total.value).toBe(101);

    // The same content inline is the same dossier hash: answered too.
    const inline = await post('/api/evaluations', { ruleSet: 'sfc-2017@1', dossier: fullDossier('recent-city', 1450, 1250) });
    expect(inline.status).toBe(201);
    expect(inline.body.result.outcome).toEqual(first.body.result.outcome);

    // A new revision with less revenue: a new evaluation, a different result.
    const put = await request(t.app).put(`/api/dossiers/${id}`).set(t.auth('analyst')).send({ dossier: fullDossier('recent-city', 1050, 1000) });
    expect(put.status).toBe(200);
    const n0 = evaluations;
    const third = await post('/api/evaluations', { ruleSet: 'sfc-2017@1', dossierId: id });
    expect(third.status).toBe(201);
    expect(evaluations - n0).toBe(1);
    expect(third.body.result.provenance.dossierHash).not.toBe(first.body.result.provenance.dossierHash);
    expect(third.body.result.outcome.total.value).not.toBe(first.body.result.outcome.total.value);

    // A replay always recomputes.
    const n1 = evaluations;
    const replay = await request(t.app).post(`/api/evaluations/${first.body.id}/replay`).set(t.auth('analyst'));
    expect(replay.status).toBe(200);
    expect(evaluations - n1).toBe(1);

    // Draft previews: a repeat is answered, a new draft revision is not.
    const draft = await post('/api/drafts', { from: 'sfc-2017@1' }, 'editor');
    expect(draft.status).toBe(201);
    const n2 = evaluations;
    const a = await post(`/api/drafts/${draft.body.id}/evaluate`, { dossierId: id });
    const b = await post(`/api/drafts/${draft.body.id}/evaluate`, { dossierId: id });
    expect(a.status).toBe(200);
    expect(b.body.outcome).toEqual(a.body.outcome);
    expect(evaluations - n2).toBe(1);
    const edited = structuredClone(draft.body.document);
    const p = edited.parameters.find((x: { id: string }) => x.id === 'revenueThreshold');
    p.value = 1234;
    const saved = await request(t.app).put(`/api/drafts/${draft.body.id}`).set(t.auth('editor')).set('If-Match', draft.headers.etag).send({ document: edited });
    expect(saved.status, JSON.stringify(saved.body).slice(0, 300)).toBe(200);
    const c = await post(`/api/drafts/${draft.body.id}/evaluate`, { dossierId: id });
    expect(c.status).toBe(200);
    expect(evaluations - n2).toBe(2);
    // The checklist now reads the new threshold.
    expect(JSON.stringify(c.body.stages)).toContain('1234亿元');
    expect(JSON.stringify(a.body.stages)).not.toContain('1234亿元');
  });
});
