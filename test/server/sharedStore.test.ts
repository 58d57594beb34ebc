// Two apps on one store, as two server processes share one PostgreSQL database (on lowdb, whose store one process
// opens, two apps on one repository): what one changes, the other's next request sees, whatever either keeps in
// memory (published documents by id@version, recent decisions, read views): a revoked token is refused, a new
// dossier revision or a deleted dossier counts, and a newly published version is the one in force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { fullDossier, makeServer, secondInstance, type TestServer } from './helpers.js';

let t: TestServer;
let other: Awaited<ReturnType<typeof secondInstance>>;
beforeAll(async () => {
  t = await makeServer(engine as EngineApi, { versions: [1] });
  for (const [id, rev, prev] of [['alpha', 1450, 1250], ['bravo', 1450, 1250]] as const)
    expect((await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier(id, rev, prev) })).status).toBe(201);
  other = await secondInstance(t);
}, 120_000);
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await other.close();
  await t.cleanup();
});

const decide = (app: TestServer['app'], body: Record<string, unknown>, auth = t.auth('analyst')) => request(app).post('/api/evaluate').set(auth).send(body);

describe('two apps on one store', () => {
  it('a token revoked through one app is refused by the other on its next request', async () => {
    const created = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'another system', role: 'analyst' });
    expect(created.status).toBe(201);
    const auth = { Authorization: `Bearer ${created.body.token}` };
    const body = { ruleSet: 'sfc-2017@1', dossierId: 'alpha-2018' };
    // Both apps have served the token (and the decision) once, so whatever they keep is warm.
    for (const app of [t.app, other.app]) for (let i = 0; i < 2; i++) expect((await decide(app, body, auth)).status).toBe(200);
    expect((await decide(other.app, { ruleSet: 'sfc-2017@1', dossier: (await request(t.app).get('/api/dossiers/alpha-2018').set(auth)).body.dossier }, auth)).status).toBe(200);
    expect((await request(t.app).delete(`/api/tokens/${created.body.id}`).set(t.auth('admin'))).status).toBe(204);
    for (const app of [other.app, t.app]) {
      const refused = await decide(app, body, auth);
      expect(refused.status).toBe(401);
      expect(refused.body.error.reason).toBe('revoked');
      // An inline dossier (no stored record read) is refused all the same, and so is a body that does not validate:
      // the token's verdict comes before the body's.
      expect((await decide(app, { ruleSet: 'sfc-2017@1', dossier: { dossierFormat: 1, facts: {} } }, auth)).status).toBe(401);
      expect((await decide(app, { ruleSet: 'no such ref!' }, auth)).status).toBe(401);
      expect((await decide(app, { ruleSet: 'sfc-2017@1', dossierId: 'no-such-dossier' }, auth)).status).toBe(401);
    }
    // The other tokens go on, and a live one still gets the body's and the store's verdicts.
    expect((await decide(other.app, body)).status).toBe(200);
    expect((await decide(other.app, { ruleSet: 'no such ref!' })).status).toBe(400);
    expect((await decide(other.app, { ruleSet: 'sfc-2017@1', dossierId: 'no-such-dossier' })).status).toBe(404);
    // A viewer's token is refused (403) on every request, the first and the ones after it.
    for (let i = 0; i < 2; i++) expect((await decide(other.app, body, t.auth('viewer'))).status).toBe(403);
  });

  it('a dossier revised or deleted through one app is evaluated as it now is by the other', async () => {
    const before = await decide(other.app, { ruleSet: 'sfc-2017@1', dossierId: 'bravo-2018' });
    expect(before.status).toBe(200);
    const stored = await request(t.app).get('/api/dossiers/bravo-2018').set(t.auth('analyst'));
    const edited = structuredClone(stored.body.dossier);
    edited.facts.softwareRevenue = 1; // far below every threshold
    const put = await request(t.app).put('/api/dossiers/bravo-2018').set(t.auth('analyst')).set('If-Match', stored.headers.etag).send({ dossier: edited });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = await decide(other.app, { ruleSet: 'sfc-2017@1', dossierId: 'bravo-2018' });
    expect(after.status).toBe(200);
    expect(after.body.provenance.dossierHash).toBe(engine.dossierHash(edited));
    expect(after.body.provenance.dossierHash).not.toBe(before.body.provenance.dossierHash);
    expect(after.body.outcome.passed).toBe(false);
    // The first revision is still there by number.
    const first = await decide(other.app, { ruleSet: 'sfc-2017@1', dossierId: 'bravo-2018', revision: 1 });
    expect(first.body.provenance.dossierHash).toBe(before.body.provenance.dossierHash);
    expect((await request(t.app).delete('/api/dossiers/bravo-2018').set(t.auth('analyst')).set('If-Match', put.headers.etag)).status).toBe(204);
    const gone = await decide(other.app, { ruleSet: 'sfc-2017@1', dossierId: 'bravo-2018' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
  });

  it('a version published through one app is the one in force for the other from its next request, and its number resolves', async () => {
    const body = (ruleSet: string) => ({ ruleSet, dossierId: 'alpha-2018' });
    const versionOf = async (ruleSet: string) => {
      const r = await decide(other.app, body(ruleSet));
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
      return r.body.provenance.version;
    };
    // The clock of the tests is in 2026: the rule set alone means the version in force then.
    expect([await versionOf('sfc-2017'), await versionOf('sfc-2017@2020-06-30'), await versionOf('sfc-2017@1')]).toEqual([1, 1, 1]);
    const missing = await decide(other.app, body('sfc-2017@2'));
    expect(missing.status).toBe(404);

    expect((await request(t.app).put('/api/settings').set(t.auth('admin')).send({ publishReview: 'optional' })).status).toBe(200);
    const draft = await request(t.app).post('/api/drafts').set(t.auth('editor')).send({ from: 'sfc-2017@1' });
    expect(draft.status).toBe(201);
    const pub = await request(t.app)
      .post(`/api/drafts/${draft.body.id}/publish`)
      .set(t.auth('editor'))
      .set('If-Match', draft.headers.etag)
      .send({ changelog: { zh: '第二版', en: 'Second version' }, effectiveFrom: '2018-01-01' });
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.ref).toBe('sfc-2017@2');

    expect([await versionOf('sfc-2017'), await versionOf('sfc-2017@2020-06-30'), await versionOf('sfc-2017@2017-06-30'), await versionOf('sfc-2017@2'), await versionOf('sfc-2017@1')]).toEqual([2, 2, 1, 2, 1]);
    // The recorded evaluation takes the same version as the other app's stateless one.
    const recorded = await request(other.app).post('/api/evaluations').set(t.auth('analyst')).send(body('sfc-2017@2024-01-01'));
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ version: 2, contentHash: pub.body.contentHash });
  });
});
