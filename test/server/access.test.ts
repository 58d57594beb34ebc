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

  it('keeps an audit entry for every change, with hashes before and after, chained; editors read it all, others their own entries', async () => {
    const res = await request(t.app).get('/api/audit').set(t.auth('editor'));
    expect(res.body).toMatchObject({ intact: true, scope: 'all' });
    const actions = res.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['version.seed', 'token.create', 'dossier.create', 'token.revoke']));
    const dossier = res.body.entries.find((e: { target: string }) => e.target === 'dossier:al-2019');
    expect(dossier).toMatchObject({ actor: 'alice (tok-5)', before: null, after: expect.stringMatching(/^sha256:/) });
    for (let i = 1; i < res.body.entries.length; i++) expect(res.body.entries[i].prevHash).toBe(res.body.entries[i - 1].hash);
    expect((await request(t.app).get('/api/audit?limit=2&after=1').set(t.auth('editor'))).body.entries.map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
    expect((await request(t.app).get('/api/audit?limit=many').set(t.auth('editor'))).status).toBe(400);
    // The token entries name the token, never a hash of its secret.
    for (const e of res.body.entries.filter((x: { action: string }) => x.action.startsWith('token.'))) expect([e.before, e.after]).toEqual([null, null]);
    // An analyst sees only what the analyst did.
    const analyst = await request(t.app).get('/api/audit').set(t.auth('analyst'));
    expect(analyst.body.scope).toBe('own');
    const mine = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier('own', 1) });
    expect(mine.status).toBe(201);
    const own = await request(t.app).get('/api/audit').set(t.auth('analyst'));
    expect(own.body.entries.map((e: { target: string }) => e.target)).toEqual(['dossier:own-2019']);
    expect((await request(t.app).get('/api/audit').set(t.auth('viewer'))).body).toMatchObject({ scope: 'own', entries: [] });
  });

  it('keeps stored records immutable: what a read returns is frozen, and a transaction that throws leaves nothing', async () => {
    const repo = createMemoryRepository();
    await repo.transact(async (tx) => {
      await tx.audit.append({ at: 'now', actor: 'a', action: 'x', target: 't', before: null, after: null });
    });
    const [entry] = await repo.read((tx) => tx.audit.list());
    expect(() => void ((entry as { hash: string }).hash = 'forged')).toThrow(/read only|read-only/);
    expect((await repo.read((tx) => tx.audit.list()))[0].hash).toBe(entry.hash);
    // A transaction that throws leaves nothing behind.
    await expect(
      repo.transact(async (tx) => {
        await tx.audit.append({ at: 'now', actor: 'a', action: 'y', target: 't', before: null, after: null });
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await repo.read((tx) => tx.audit.list())).map((e) => e.action)).toEqual(['x']);
  });
});
