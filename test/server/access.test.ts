// Access and audit: 401 without or with a bad token, 403 below the route's role, token lifecycle, and an append-only, hash-chained audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { fakeEngine } from './fakeEngine.js';
import { cityDossier, makeServer, type TestServer } from './helpers.js';
import { apiRoutes } from '../../server/app.js';
import { ROLES, roleAllows } from '../../server/auth.js';
import { createMemoryRepository } from '../../server/store/memoryRepository.js';

let t: TestServer;
beforeAll(async () => {
  t = await makeServer(fakeEngine);
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

describe('access', () => {
  it('answers 401 without a token or with an unknown one, on every protected route', async () => {
    for (const r of apiRoutes()) {
      const url = r.path.replace(/:([a-z]+)/gi, (_m, p: string) => (p === 'version' || p === 'revision' ? '1' : 'x'));
      const none = await request(t.app)[r.method](url);
      expect(none.status, `${r.method} ${url}`).toBe(401);
      expect(none.body.error.code).toBe('unauthenticated');
      const bad = await request(t.app)[r.method](url).set('Authorization', 'Bearer mc_wrong');
      expect(bad.status).toBe(401);
      expect((await request(t.app)[r.method](url).set('Authorization', `Basic ${t.tokens.admin}`)).status).toBe(401);
    }
  });

  it('answers 403 to every role below the route, and lets the others through', async () => {
    for (const r of apiRoutes()) {
      const url = r.path.replace(/:([a-z]+)/gi, (_m, p: string) => (p === 'version' || p === 'revision' ? '1' : 'x'));
      for (const role of ROLES) {
        const res = await request(t.app)[r.method](url).set(t.auth(role));
        if (roleAllows(role, r.role!)) expect(res.status, `${role} ${r.method} ${url}`).not.toBe(403);
        else expect(res.status, `${role} ${r.method} ${url}`).toBe(403);
      }
    }
  });

  it('lets an admin create, list and revoke tokens; the secret is shown once and stored hashed', async () => {
    const made = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'alice', role: 'analyst' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^mc_/);
    const stored = await t.snapshot();
    expect(stored).not.toContain(made.body.token);
    const list = await request(t.app).get('/api/tokens').set(t.auth('admin'));
    expect(list.body.find((x: { id: string }) => x.id === made.body.id)).toMatchObject({ name: 'alice', role: 'analyst', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain('sha256');
    const alice = { Authorization: `Bearer ${made.body.token}` };
    expect((await request(t.app).post('/api/dossiers').set(alice).send({ dossier: cityDossier('al', 1) })).status).toBe(201);
    expect((await request(t.app).post('/api/drafts').set(alice).send({ from: 'sfc-2017@1' })).status).toBe(403);
    expect((await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'bob', role: 'root' })).status).toBe(400);
    expect((await request(t.app).delete(`/api/tokens/${made.body.id}`).set(t.auth('admin'))).status).toBe(204);
    expect((await request(t.app).get('/api/whoami').set(alice)).status).toBe(401);
    expect((await request(t.app).delete(`/api/tokens/${made.body.id}`).set(t.auth('admin'))).status).toBe(404);
  });

  it('keeps an audit entry for every change, with hashes before and after, chained', async () => {
    const res = await request(t.app).get('/api/audit').set(t.auth('viewer'));
    expect(res.body.intact).toBe(true);
    const actions = res.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['version.seed', 'token.create', 'dossier.create', 'token.revoke']));
    const dossier = res.body.entries.find((e: { target: string }) => e.target === 'dossier:al-2019');
    expect(dossier).toMatchObject({ actor: 'alice (tok-5)', before: null, after: expect.stringMatching(/^sha256:/) });
    for (let i = 1; i < res.body.entries.length; i++) expect(res.body.entries[i].prevHash).toBe(res.body.entries[i - 1].hash);
    expect((await request(t.app).get('/api/audit?limit=2&after=1').set(t.auth('viewer'))).body.entries.map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
    expect((await request(t.app).get('/api/audit?limit=many').set(t.auth('viewer'))).status).toBe(400);
  });

  it('refuses, as a bug, a transaction that rewrites the audit log', async () => {
    const repo = createMemoryRepository();
    await repo.transact((s) => {
      s.audit.push({ seq: 1, at: 'now', actor: 'a', action: 'x', target: 't', before: null, after: null, prevHash: null, hash: 'h1' });
    });
    await expect(repo.transact((s) => void (s.audit[0] = { ...s.audit[0], hash: 'forged' }))).rejects.toThrow(/rewritten/);
    await expect(repo.transact((s) => void ((s.audit[0] as { hash: string }).hash = 'forged'))).rejects.toThrow(/read only|read-only/);
    await expect(repo.transact((s) => void s.audit.pop())).rejects.toThrow(/shrank/);
    expect(await repo.read((s) => s.audit[0].hash)).toBe('h1');
  });
});
