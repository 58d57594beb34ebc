// Drafts: ETag concurrency, server-managed fields, validation, golden cases and re-baselining, publishing, immutability, diff and dates (engine stand-in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { fakeEngine } from './fakeEngine.js';
import { cityDossier, makeServer, type TestServer } from './helpers.js';

let t: TestServer;
/** A second editor: the reviewer, who never edits the draft (four eyes). */
let reviewer: { Authorization: string };
beforeAll(async () => {
  t = await makeServer(fakeEngine);
  const made = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'reviewer', role: 'editor' });
  reviewer = { Authorization: `Bearer ${made.body.token}` };
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

const editor = () => t.auth('editor');
const setThreshold = (doc: { parameters: { id: string; value: unknown }[] }, value: number) => ({
  ...doc,
  parameters: doc.parameters.map((p) => (p.id === 'revenueThreshold' ? { ...p, value } : p)),
});

describe('drafts', () => {
  let draftId: string;
  let etag: string;
  let doc: any;

  it('creates a draft from a version', async () => {
    const res = await request(t.app).post('/api/drafts').set(editor()).send({ from: 'sfc-2017@1' });
    expect(res.status).toBe(201);
    draftId = res.body.id;
    etag = res.headers.etag;
    doc = res.body.document;
    expect(draftId).toMatch(/^draft-[0-9]+$/);
    expect(res.body).toMatchObject({ ruleSetId: 'sfc-2017', basedOn: { id: 'sfc-2017', version: 1 }, revision: 1 });
    expect(doc).toMatchObject({ status: 'draft', version: 2, basedOn: { id: 'sfc-2017', version: 1 } });
    expect((await request(t.app).get('/api/drafts').set(t.auth('viewer'))).body.map((d: { id: string }) => d.id)).toContain(draftId);
    expect((await request(t.app).post('/api/drafts').set(editor()).send({ from: 'sfc-2017@7' })).status).toBe(404);
  });

  it('needs If-Match to change a draft (428) and refuses a stale one with what changed (409)', async () => {
    const none = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).send({ document: setThreshold(doc, 900) });
    expect(none.status).toBe(428);
    const first = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', etag).send({ document: setThreshold(doc, 900) });
    expect(first.status).toBe(200);
    expect(first.body.revision).toBe(2);
    const second = await request(t.app).put(`/api/drafts/${draftId}`).set(t.auth('admin')).set('If-Match', etag).send({ document: setThreshold(doc, 1100) });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('etag_mismatch');
    expect(second.body.error.current).toMatchObject({ revision: 2, etag: first.headers.etag, updatedBy: expect.stringContaining('editor-user') });
    expect(second.body.error.changes).toEqual([expect.objectContaining({ id: 'revenueThreshold', before: 1000, after: 900 })]);
    const stored = await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'));
    expect(stored.body.document.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value).toBe(900);
    etag = stored.headers.etag;
    doc = stored.body.document;
  });

  it('lets exactly one of two simultaneous edits with the same ETag win', async () => {
    const [a, b] = await Promise.all([
      request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', etag).send({ document: setThreshold(doc, 950) }),
      request(t.app).put(`/api/drafts/${draftId}`).set(t.auth('admin')).set('If-Match', etag).send({ document: setThreshold(doc, 800) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 950 : 800;
    const stored = await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'));
    expect(stored.body.document.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value).toBe(winner);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.changes).toEqual([expect.objectContaining({ id: 'revenueThreshold', before: 900, after: winner })]);
    // Put the threshold back to 900 for the tests below.
    const back = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', stored.headers.etag).send({ document: setThreshold(stored.body.document, 900) });
    expect(back.status).toBe(200);
    etag = back.headers.etag;
    doc = back.body.document;
  });

  it('refuses changes to fields the server manages (422) and schema-invalid documents (400)', async () => {
    const renamed = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', etag).send({ document: { ...doc, id: 'other', version: 9 } });
    expect(renamed.status).toBe(422);
    expect(renamed.body.error.issues.map((i: { path: unknown[] }) => i.path)).toEqual([
      ['document', 'id'],
      ['document', 'version'],
    ]);
    const broken = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', etag).send({ document: { ...doc, parameters: 'none' } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.issues[0].path).toEqual(['body', 'document', 'parameters']);
    expect((await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'))).headers.etag).toBe(etag);
  });

  it('validates a draft, listing semantic issues with paths', async () => {
    const ok = await request(t.app).post(`/api/drafts/${draftId}/validate`).set(t.auth('viewer'));
    expect(ok.body).toMatchObject({ valid: true, errors: 0 });
    const bad = { ...doc, parameters: doc.parameters.map((p: any, i: number) => (i === 0 ? { ...p, cites: ['I9.9'] } : p)) };
    const put = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', etag).send({ document: bad });
    expect(put.status).toBe(200);
    const res = await request(t.app).post(`/api/drafts/${draftId}/validate`).set(t.auth('viewer'));
    expect(res.body.valid).toBe(false);
    expect(res.body.issues[0]).toMatchObject({ code: 'unknown_clause', path: ['parameters', 0, 'cites', 0] });
    const refused = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', put.headers.etag).send({ changelog: { zh: '试', en: 'try' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invalid_rule_set');
    const fixed = await request(t.app).put(`/api/drafts/${draftId}`).set(editor()).set('If-Match', put.headers.etag).send({ document: doc });
    etag = fixed.headers.etag;
  });

  it('refuses to publish while golden cases fail; re-baselines named failing cases only, with a reason', async () => {
    const cases = [
      { kind: 'single', id: 'boundary-950', title: '950 under 1000', cites: ['I1.1'], tags: [], dossier: cityDossier('b', 950), expect: { outcome: { status: 'failed', title: 'none' } } },
      { kind: 'single', id: 'clear-pass', title: 'clear pass', cites: ['I1.1'], tags: [], dossier: cityDossier('c', 5000), expect: { outcome: { status: 'passed', title: 'comprehensive' } } },
    ];
    const put = await request(t.app).put(`/api/drafts/${draftId}/golden`).set(editor()).set('If-Match', etag).send({ cases });
    expect(put.status).toBe(200);
    etag = put.headers.etag;
    const run = await request(t.app).post(`/api/drafts/${draftId}/golden/run`).set(t.auth('viewer'));
    expect(run.body).toMatchObject({ passed: 1, failed: 1 });
    const publish = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', etag).send({ changelog: { zh: '门槛降至900亿元', en: 'Threshold lowered to 900' } });
    expect(publish.status).toBe(422);
    expect(publish.body.error.code).toBe('golden_failed');
    expect(publish.body.error.issues[0].message).toContain('boundary-950');
    const wrong = await request(t.app).post(`/api/drafts/${draftId}/golden/rebaseline`).set(editor()).send({ caseIds: ['clear-pass', 'nope'], reason: 'x' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.issues.map((i: { code: string }) => i.code)).toEqual(['case_passes', 'unknown_case']);
    const noReason = await request(t.app).post(`/api/drafts/${draftId}/golden/rebaseline`).set(editor()).send({ caseIds: ['boundary-950'] });
    expect(noReason.status).toBe(400);
    const re = await request(t.app).post(`/api/drafts/${draftId}/golden/rebaseline`).set(editor()).send({ caseIds: ['boundary-950'], reason: 'Threshold is now 900' });
    expect(re.status).toBe(200);
    const golden = await request(t.app).get(`/api/drafts/${draftId}/golden`).set(t.auth('viewer'));
    expect(golden.body.cases[0].expect).toEqual({ outcome: { status: 'passed', title: 'comprehensive' } });
    const audit = await request(t.app).get(`/api/audit?action=draft.golden.rebaseline`).set(t.auth('editor'));
    expect(audit.body.entries[0]).toMatchObject({ target: draftId, details: { cases: ['boundary-950'], reason: 'Threshold is now 900' } });
  });

  it('publishes only the revision the editor saw: If-Match is required (428), a stale one is refused (409)', async () => {
    const note = { changelog: { zh: '门槛降至900亿元', en: 'Threshold lowered to 900' } };
    const without = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).send(note);
    expect(without.status).toBe(428);
    expect(without.body.error.code).toBe('precondition_required');
    // The re-baselining above made a new revision: the ETag from before it names a revision the editor has not seen since.
    const stale = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', etag).send(note);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('etag_mismatch');
    // The author is the token holder; a request cannot name one.
    const named = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', etag).send({ ...note, author: 'Somebody Else' });
    expect(named.status).toBe(400);
    expect(named.body.error.issues[0]).toMatchObject({ code: 'unknown_field', path: ['body'] });
    expect((await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'))).status).toBe(200);
  });

  it('publishes as the next version, with changelog, basedOn and content hash, after another editor approved it; the draft is gone', async () => {
    etag = (await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'))).headers.etag;
    expect((await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', etag).send({})).status).toBe(400);
    const note = { changelog: { zh: '门槛降至900亿元', en: 'Threshold lowered to 900' } };
    // Not without a review.
    const unreviewed = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', etag).send(note);
    expect([unreviewed.status, unreviewed.body.error.code]).toEqual([409, 'review_state']);
    const sent = await request(t.app).post(`/api/drafts/${draftId}/review/request`).set(editor()).send({ note: '请审核门槛' });
    expect(sent.status).toBe(200);
    const ok = await request(t.app).post(`/api/drafts/${draftId}/review`).set(reviewer).set('If-Match', sent.headers.etag).send({ decision: 'approve', comment: '同意' });
    expect(ok.status).toBe(200);
    expect(ok.body.review).toMatchObject({ status: 'approved', reviewer: expect.stringContaining('reviewer'), comment: '同意' });
    const res = await request(t.app).post(`/api/drafts/${draftId}/publish`).set(editor()).set('If-Match', ok.headers.etag).send(note);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ref: 'sfc-2017@2',
      version: 2,
      status: 'published',
      basedOn: { id: 'sfc-2017', version: 1 },
      author: 'editor-user',
      changelog: { version: 2, date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), author: 'editor-user', note: { en: 'Threshold lowered to 900' } },
    });
    expect(res.headers.etag).toBe(`"${res.body.contentHash}"`);
    const fetched = await request(t.app).get('/api/rulesets/sfc-2017/versions/2').set(t.auth('viewer'));
    expect(fetched.body.document.status).toBe('published');
    expect(fakeEngine.ruleSetHash(fetched.body.document)).toBe(res.body.contentHash);
    expect((await request(t.app).get(`/api/drafts/${draftId}`).set(t.auth('viewer'))).status).toBe(404);
    const versions = await request(t.app).get('/api/rulesets/sfc-2017/versions').set(t.auth('viewer'));
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('never changes a published version', async () => {
    const before = await t.snapshot();
    const v1 = (await request(t.app).get('/api/rulesets/sfc-2017/versions/1').set(t.auth('viewer'))).body.document;
    for (const method of ['put', 'patch', 'delete'] as const) {
      const res = await request(t.app)[method]('/api/rulesets/sfc-2017/versions/1').set(t.auth('admin')).send({ document: setThreshold(v1, 1) });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('published_immutable');
    }
    expect(await t.snapshot()).toBe(before);
  });

  it('diffs versions and drafts semantically', async () => {
    const diff = await request(t.app).get('/api/rulesets/sfc-2017/diff?from=1&to=2').set(t.auth('viewer'));
    expect(diff.status).toBe(200);
    expect(diff.body.changes).toEqual([expect.objectContaining({ kind: 'parameter.value', id: 'revenueThreshold', before: 1000, after: 900 })]);
    expect((await request(t.app).get('/api/rulesets/sfc-2017/diff?from=1&to=draft-99').set(t.auth('viewer'))).status).toBe(404);
    expect((await request(t.app).get('/api/rulesets/sfc-2017/diff?from=1').set(t.auth('viewer'))).status).toBe(400);
  });

  it('re-scores under both versions, marking the cities whose outcome changes', async () => {
    for (const [id, rev] of [['north', 950], ['south', 1500], ['west', 400]] as const) {
      expect((await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: cityDossier(id, rev) })).status).toBe(201);
    }
    const res = await request(t.app).post('/api/batch').set(t.auth('analyst')).send({ filter: { period: 2019 }, versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@2' }] });
    expect(res.status).toBe(200);
    expect(res.body.changedDossiers).toEqual(['north-2019']);
    const north = res.body.rows.find((r: { dossierId: string }) => r.dossierId === 'north-2019');
    expect(north.cells.map((c: { status: string; changed: boolean }) => [c.status, c.changed])).toEqual([
      ['failed', false],
      ['passed', true],
    ]);
  });

  it('deletes a draft (If-Match optional but checked)', async () => {
    const made = await request(t.app).post('/api/drafts').set(editor()).send({ from: 'sfc-2017@2' });
    expect(made.body.document.version).toBe(3);
    expect((await request(t.app).delete(`/api/drafts/${made.body.id}`).set(editor()).set('If-Match', '"nope"')).status).toBe(409);
    expect((await request(t.app).delete(`/api/drafts/${made.body.id}`).set(editor())).status).toBe(204);
    expect((await request(t.app).delete(`/api/drafts/${made.body.id}`).set(editor())).status).toBe(404);
  });
});
