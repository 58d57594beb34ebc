// Four eyes before publishing, effective dates that close the previous period, autosaves that change nothing, and the setting for single-person publishing (engine stand-in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { fakeEngine } from './fakeEngine.js';
import { makeServer, type TestServer } from './helpers.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { dayAfter, dayBefore, defaultEffectiveFrom, effectiveDateIssues, periodsAfterPublishing } from '../../server/periods.js';
import { NO_REVIEW, afterChange, decideReview, mayPublish, requestReview } from '../../server/review.js';

let t: TestServer;
let reviewer: { Authorization: string };
let reviewerId: string;
beforeAll(async () => {
  t = await makeServer(fakeEngine);
  const made = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'reviewer', role: 'editor' });
  reviewer = { Authorization: `Bearer ${made.body.token}` };
  reviewerId = made.body.id;
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

const editor = () => t.auth('editor');
const note = { changelog: { zh: '改', en: 'change' } };
/** An edit that changes the document but no golden case's outcome: a note on the revenue threshold. */
const withThreshold = (doc: any, value: number) => ({
  ...doc,
  parameters: doc.parameters.map((p: any) => (p.id === 'revenueThreshold' ? { ...p, description: { zh: `拟调整为 ${value}`, en: `to become ${value}` } } : p)),
});
async function newDraft(threshold: number, from = 'sfc-2017@1') {
  const made = await request(t.app).post('/api/drafts').set(editor()).send({ from });
  // The engine stand-in does not score like the real engine, so the seeded golden cases are left out here.
  const cases = await request(t.app).put(`/api/drafts/${made.body.id}/golden`).set(editor()).set('If-Match', made.headers.etag).send({ cases: [] });
  const put = await request(t.app).put(`/api/drafts/${made.body.id}`).set(editor()).set('If-Match', cases.headers.etag).send({ document: withThreshold(made.body.document, threshold) });
  expect(put.status).toBe(200);
  return { id: made.body.id as string, etag: put.headers.etag as string, doc: put.body.document };
}
async function approve(id: string) {
  const sent = await request(t.app).post(`/api/drafts/${id}/review/request`).set(editor()).send({});
  expect(sent.status).toBe(200);
  const ok = await request(t.app).post(`/api/drafts/${id}/review`).set(reviewer).set('If-Match', sent.headers.etag).send({ decision: 'approve' });
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  return ok.headers.etag as string;
}
/** Publishes the draft as it is now: If-Match names the current revision (the API requires it). */
async function publish(id: string, body: object) {
  const cur = await request(t.app).get(`/api/drafts/${id}`).set(editor());
  return request(t.app).post(`/api/drafts/${id}/publish`).set(editor()).set('If-Match', cur.headers.etag).send(body);
}
const audit = async (action: string) => (await request(t.app).get(`/api/audit?action=${action}`).set(t.auth('admin'))).body.entries as any[];
const versionRecord = async (v: number) => (await request(t.app).get('/api/rulesets/sfc-2017/versions').set(t.auth('viewer'))).body.find((x: { version: number }) => x.version === v);
const inForce = async (date: string) => (await request(t.app).get(`/api/rulesets/sfc-2017/in-force?date=${date}`).set(t.auth('viewer'))).body.version;

describe('review before publishing (four eyes)', () => {
  it('is required by default, and the author can neither approve nor skip it', async () => {
    expect((await request(t.app).get('/api/settings').set(t.auth('viewer'))).body).toEqual({ publishReview: 'required' });
    const d = await newDraft(1100);
    expect((await publish(d.id, note)).body.error.code).toBe('review_state');
    // A decision needs a request first.
    const early = await request(t.app).post(`/api/drafts/${d.id}/review`).set(reviewer).set('If-Match', d.etag).send({ decision: 'approve' });
    expect([early.status, early.body.error.code]).toEqual([409, 'review_state']);
    const sent = await request(t.app).post(`/api/drafts/${d.id}/review/request`).set(editor()).send({ note: '门槛 1100' });
    expect(sent.body.review).toMatchObject({ status: 'requested', requestedBy: expect.stringContaining('editor-user'), note: '门槛 1100', revision: sent.body.revision });
    const own = await request(t.app).post(`/api/drafts/${d.id}/review`).set(editor()).set('If-Match', sent.headers.etag).send({ decision: 'approve' });
    expect([own.status, own.body.error.code]).toEqual([403, 'reviewer_is_author']);
    // Below the editor role there is no review at all.
    expect((await request(t.app).post(`/api/drafts/${d.id}/review`).set(t.auth('analyst')).set('If-Match', sent.headers.etag).send({ decision: 'approve' })).status).toBe(403);
    // Asking for changes needs a comment; with one, the draft goes back and cannot be published.
    const bare = await request(t.app).post(`/api/drafts/${d.id}/review`).set(reviewer).set('If-Match', sent.headers.etag).send({ decision: 'request_changes' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.issues[0].path).toEqual(['body', 'comment']);
    const back = await request(t.app).post(`/api/drafts/${d.id}/review`).set(reviewer).set('If-Match', sent.headers.etag).send({ decision: 'request_changes', comment: '请说明依据' });
    expect(back.body.review).toMatchObject({ status: 'changes_requested', comment: '请说明依据', reviewer: expect.stringContaining('reviewer') });
    expect((await publish(d.id, note)).body.error.code).toBe('review_state');
    // A reviewer who has saved the draft has become an author.
    const again = await request(t.app).post(`/api/drafts/${d.id}/review/request`).set(editor()).send({});
    const cur = await request(t.app).get(`/api/drafts/${d.id}`).set(reviewer);
    const edited = await request(t.app).put(`/api/drafts/${d.id}`).set(reviewer).set('If-Match', again.headers.etag).send({ document: withThreshold(cur.body.document, 1150) });
    expect(edited.body.authors).toContain(reviewerId);
    expect(edited.body.review).toMatchObject({ status: 'none', withdrawn: { was: 'requested' } });
    const sent2 = await request(t.app).post(`/api/drafts/${d.id}/review/request`).set(editor()).send({});
    const self = await request(t.app).post(`/api/drafts/${d.id}/review`).set(reviewer).set('If-Match', sent2.headers.etag).send({ decision: 'approve' });
    expect(self.body.error.code).toBe('reviewer_is_author');
  });

  it('withdraws an approval when the draft changes afterwards, and publishes only the approved revision', async () => {
    const d = await newDraft(1200);
    const etag = await approve(d.id);
    const cur = await request(t.app).get(`/api/drafts/${d.id}`).set(editor());
    expect(cur.body.review.status).toBe('approved');
    const changed = await request(t.app).put(`/api/drafts/${d.id}`).set(editor()).set('If-Match', etag).send({ document: withThreshold(cur.body.document, 1250) });
    expect(changed.body.review).toMatchObject({ status: 'none', withdrawn: { was: 'approved', by: expect.stringContaining('editor-user') } });
    expect((await audit('draft.review.withdraw')).at(-1)).toMatchObject({ target: d.id, before: 'approved', after: 'none', details: { reason: 'changed after approval' } });
    expect((await publish(d.id, note)).body.error.code).toBe('review_state');
    // Re-baselining golden cases is a change too; approved again, it publishes, and the audit log tells the whole story.
    await approve(d.id);
    const pub = await publish(d.id, note);
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    const actions = (await request(t.app).get(`/api/audit?target=${d.id}`).set(t.auth('admin'))).body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['draft.create', 'draft.golden.replace', 'draft.update', 'draft.review.request', 'draft.review.approve', 'draft.review.withdraw', 'draft.update', 'draft.review.request', 'draft.review.approve']);
    expect((await audit('version.publish')).at(-1)).toMatchObject({ target: pub.body.ref, details: { review: { approvedBy: expect.stringContaining('reviewer') } } });
  });

  it('an autosave of the same document writes no revision and no audit entry, and does not withdraw an approval', async () => {
    const d = await newDraft(1300);
    const etag = await approve(d.id);
    const before = (await request(t.app).get('/api/audit').set(t.auth('admin'))).body.entries.length;
    const cur = await request(t.app).get(`/api/drafts/${d.id}`).set(editor());
    const same = await request(t.app).put(`/api/drafts/${d.id}`).set(editor()).set('If-Match', etag).send({ document: cur.body.document });
    expect(same.status).toBe(200);
    expect(same.headers.etag).toBe(etag);
    expect(same.body.revision).toBe(cur.body.revision);
    expect(same.body.review.status).toBe('approved');
    expect((await request(t.app).get('/api/audit').set(t.auth('admin'))).body.entries.length).toBe(before);
    await request(t.app).delete(`/api/drafts/${d.id}`).set(editor());
  });

  it('can be made optional by an administrator (a local install), which the audit log records', async () => {
    expect((await request(t.app).put('/api/settings').set(editor()).send({ publishReview: 'optional' })).status).toBe(403);
    const set = await request(t.app).put('/api/settings').set(t.auth('admin')).send({ publishReview: 'optional' });
    expect(set.body).toEqual({ publishReview: 'optional' });
    expect((await audit('settings.update')).at(-1)).toMatchObject({ before: 'required', after: 'optional' });
    const d = await newDraft(1400);
    const pub = await publish(d.id, note);
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    // Published the same day as the one before, with the same first day: that one is replaced before it takes effect.
    const prev = await versionRecord(pub.body.version - 1);
    expect(prev).toMatchObject({ effectiveFrom: pub.body.effectiveFrom, effectiveTo: dayBefore(pub.body.effectiveFrom), closedBy: { version: pub.body.version } });
    expect(await inForce(pub.body.effectiveFrom)).toBe(pub.body.version);
    expect((await audit('version.publish')).at(-1).details.review).toBe('not required by the settings (single-person publishing)');
    await request(t.app).put('/api/settings').set(t.auth('admin')).send({ publishReview: 'required' });
    expect((await request(t.app).get('/api/settings').set(t.auth('viewer'))).body.publishReview).toBe('required');
  });
});

describe('effective dates', () => {
  it('a new version starts the next day by default and closes the period of the version in force, as metadata: the old document and its hash stay', async () => {
    // The versions published above all start the day after their publishing; the latest is in force now.
    const list = (await request(t.app).get('/api/rulesets/sfc-2017/versions').set(t.auth('viewer'))).body as any[];
    const [v1, latest] = [list[0], list.at(-1)];
    expect(v1.effectiveFrom).toBe('2017-05-15');
    expect(latest.effectiveFrom).toBe(dayAfter(latest.publishedAt.slice(0, 10)));
    expect(latest.effectiveTo).toBeNull();
    // Each earlier version ends the day before the next one's start, closed by it.
    for (let i = 0; i < list.length - 1; i++) expect(list[i]).toMatchObject({ effectiveTo: dayBefore(list[i + 1].effectiveFrom), closedBy: { version: list[i + 1].version } });
    const doc1 = await request(t.app).get('/api/rulesets/sfc-2017/versions/1').set(t.auth('viewer'));
    expect(doc1.body.document.effectiveTo).toBeNull();
    expect(fakeEngine.ruleSetHash(doc1.body.document)).toBe(doc1.body.contentHash);
    expect(await inForce(dayBefore(list[1].effectiveFrom))).toBe(1);
    expect((await audit('version.close'))[0]).toMatchObject({ target: 'sfc-2017@1', before: null, after: dayBefore(list[1].effectiveFrom), details: { by: 'sfc-2017@2' } });
  });

  it("without a chosen day, a draft of a version that starts later than tomorrow is in force from that version's start", async () => {
    const d0 = await newDraft(1010);
    await approve(d0.id);
    const future = await publish(d0.id, { ...note, effectiveFrom: '2026-03-01' });
    expect(future.status, JSON.stringify(future.body)).toBe(201);
    const d = await newDraft(1020, future.body.ref);
    await approve(d.id);
    const pub = await publish(d.id, note);
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.effectiveFrom).toBe('2026-03-01');
    // The one it is based on is replaced before it takes effect.
    expect(await versionRecord(future.body.version)).toMatchObject({ effectiveTo: '2026-02-28', closedBy: { version: pub.body.version } });
  });

  it('refuses a start before the base version; a start between two versions closes the earlier and ends before the later', async () => {
    const d = await newDraft(950);
    await approve(d.id);
    const before = await publish(d.id, { ...note, effectiveFrom: '2017-05-14' });
    expect([before.status, before.body.error.code, before.body.error.issues[0]]).toEqual([422, 'invalid_effective_date', expect.objectContaining({ code: 'effective_before_base', path: ['body', 'effectiveFrom'] })]);
    // Between v1 (2017-05-15) and v2: v1 now ends the day before, the new version ends the day before v2.
    const v2 = await versionRecord(2);
    const laterInForce = await inForce(v2.effectiveFrom);
    const pub = await publish(d.id, { ...note, effectiveFrom: '2020-01-01' });
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body).toMatchObject({ effectiveFrom: '2020-01-01', effectiveTo: dayBefore(v2.effectiveFrom), closedBy: null });
    expect(await versionRecord(1)).toMatchObject({ effectiveTo: '2019-12-31', closedBy: { version: pub.body.version } });
    expect(await versionRecord(2)).toMatchObject({ effectiveFrom: v2.effectiveFrom, effectiveTo: v2.effectiveTo });
    expect([await inForce('2019-12-31'), await inForce('2020-01-01'), await inForce(v2.effectiveFrom)]).toEqual([1, pub.body.version, laterInForce]);
    // The store still verifies, and a restart (journal replay) keeps the periods.
    expect((await t.repo.integrity()).problems).toEqual([]);
    await t.repo.close();
    const reopened = await openLowdbRepository(t.dataDir, { auditKey: t.auditKey, ruleSetHash: fakeEngine.ruleSetHash });
    expect((await reopened.integrity()).problems).toEqual([]);
    const v1 = (await reopened.read((tx) => tx.versions.list('sfc-2017'))).find((v) => v.version === 1)!;
    expect(v1).toMatchObject({ effectiveTo: '2019-12-31', closedBy: { version: pub.body.version } });
    await reopened.close();
  });
});

describe('the pure rules', () => {
  it('periods and dates', () => {
    expect([dayBefore('2024-03-01'), dayAfter('2024-02-28'), dayAfter('2024-12-31')]).toEqual(['2024-02-29', '2024-02-29', '2025-01-01']);
    const vs = [
      { version: 1, effectiveFrom: '2017-05-15', effectiveTo: null },
      { version: 2, effectiveFrom: '2026-06-01', effectiveTo: null },
    ];
    expect(periodsAfterPublishing('2026-07-01', vs)).toEqual({ close: [{ version: 1, effectiveTo: '2026-06-30' }, { version: 2, effectiveTo: '2026-06-30' }], newEffectiveTo: null });
    expect(periodsAfterPublishing('2020-01-01', vs)).toEqual({ close: [{ version: 1, effectiveTo: '2019-12-31' }], newEffectiveTo: '2026-05-31' });
    // The same first day as v2: v2 is replaced before it takes effect (its period ends the day before it starts).
    expect(periodsAfterPublishing('2026-06-01', vs)).toEqual({ close: [{ version: 1, effectiveTo: '2026-05-31' }, { version: 2, effectiveTo: '2026-05-31' }], newEffectiveTo: null });
    expect(effectiveDateIssues('2017-05-15', vs[0])).toEqual([]);
    // Without a chosen day: the next day, unless the base version itself starts later.
    expect([defaultEffectiveFrom('2026-05-20', vs[1]), defaultEffectiveFrom('2026-06-01', vs[1]), defaultEffectiveFrom('2026-06-01', vs[0])]).toEqual(['2026-06-01', '2026-06-02', '2026-06-02']);
    expect(effectiveDateIssues('2017-01-01', vs[0]).map((i) => i.code)).toEqual(['effective_before_base']);
  });
  it('review transitions', () => {
    const r = requestReview(NO_REVIEW, 'a', 't1', 3, ' look ');
    expect(r).toMatchObject({ status: 'requested', revision: 3, note: 'look' });
    const ok = decideReview(r as any, { tokenId: 'tok-9', name: 'b' }, ['tok-1'], 'approve', null, 't2', 4);
    expect(ok).toMatchObject({ status: 'approved', revision: 4, reviewer: 'b' });
    expect(mayPublish(ok as any, 4, true)).toBeNull();
    expect(mayPublish(ok as any, 5, true)?.code).toBe('review_state');
    expect(mayPublish(NO_REVIEW, 5, false)).toBeNull();
    expect(afterChange(ok as any, 'a', 't3', 5)).toMatchObject({ withdrawn: 'approved', state: { status: 'none', withdrawn: { was: 'approved' } } });
    expect(decideReview(r as any, { tokenId: 'tok-1', name: 'a' }, ['tok-1'], 'approve', null, 't2', 4)).toMatchObject({ code: 'reviewer_is_author' });
    expect(requestReview(ok as any, 'a', 't', 5, null)).toMatchObject({ code: 'review_state' });
  });
});
