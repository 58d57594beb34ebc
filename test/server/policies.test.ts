// The clause endpoint: the editor reads each cited clause's original text from GET /api/policies/:id/clauses.
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import path from 'node:path';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { addToken } from '../../server/auth.js';
import { loadClauseTexts } from '../../server/clauses.js';
import { createMemoryRepository } from '../../server/store/memoryRepository.js';
import type { EngineApi } from '../../server/engine.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

describe('GET /api/policies/:id/clauses', () => {
  it('answers the clause texts of a policy to any signed-in role, 404 for an unknown policy, 401 without a token', async () => {
    const repo = createMemoryRepository();
    const secret = await repo.transact(async (tx) => (await addToken(tx, 'v', 'viewer', 'test', '2026-01-01T00:00:00.000Z')).secret);
    const texts = await loadClauseTexts(RULES_DIR);
    const app = createApp({ repo, engine: engine as EngineApi, clauseIds: () => [], clauses: (p) => texts.get(p) ?? null });
    const auth = { Authorization: `Bearer ${secret}` };
    const ok = await request(app).get('/api/policies/miit-sfc-2017/clauses').set(auth);
    expect(ok.status).toBe(200);
    const i11 = ok.body.find((c: { id: string }) => c.id === 'I1.1');
    expect(i11.text_zh).toContain('1000');
    expect(typeof i11.text_en).toBe('string');
    expect((await request(app).get('/api/policies/nope/clauses').set(auth)).status).toBe(404);
    expect((await request(app).get('/api/policies/miit-sfc-2017/clauses')).status).toBe(401);
  });
});

describe('GET /api/policies/:id/parameter-notes', () => {
  it('answers the notes on parameters, and every parameter of every published rule set of the policy has a description (its own or a note), every enum option a name', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { loadParameterNotes } = await import('../../server/clauses.js');
    const repo = createMemoryRepository();
    const secret = await repo.transact(async (tx) => (await addToken(tx, 'v', 'viewer', 'test', '2026-01-01T00:00:00.000Z')).secret);
    const notes = await loadParameterNotes(RULES_DIR);
    const app = createApp({ repo, engine: engine as EngineApi, clauseIds: () => [], parameterNotes: (p) => notes.get(p) ?? null });
    const auth = { Authorization: `Bearer ${secret}` };
    const ok = await request(app).get('/api/policies/miit-sfc-2017/parameter-notes').set(auth);
    expect(ok.status).toBe(200);
    expect(ok.body.parameters.revenueBonusRounding.options).toEqual({ floor: { zh: '整步（字面）', en: 'Whole steps (literal)' }, proRata: { zh: '按比例', en: 'Pro rata' } });
    expect((await request(app).get('/api/policies/nope/parameter-notes').set(auth)).status).toBe(404);
    const versions = readdirSync(path.join(RULES_DIR, 'sfc-2017')).filter((f) => /^v\d+\.json$/.test(f));
    expect(versions.length).toBeGreaterThan(0);
    for (const f of versions) {
      const rs = JSON.parse(readFileSync(path.join(RULES_DIR, 'sfc-2017', f), 'utf8')) as engine.RuleSet;
      const byPolicy = notes.get(rs.policy)!.parameters;
      for (const p of rs.parameters) {
        expect(p.description ?? byPolicy[p.id]?.description, `${f} ${p.id}`).toBeDefined();
        for (const o of p.options ?? []) expect(p.optionLabels?.[o] ?? byPolicy[p.id]?.options?.[o], `${f} ${p.id} ${o}`).toBeDefined();
      }
    }
  });
});
