// Publishing as policy staff do it, in Debian's chromium: an author sends a draft for review, another editor asks for changes and then approves, a change after the approval withdraws it, and the approved draft is published on a chosen day that ends the old version's period the day before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureEditorBuilt, launchChromium, screenshots, signIn, startServer, type E2EServer } from './harness.js';

let server: E2EServer;
let browser: Browser;
const pageErrors: string[] = [];
const contexts: BrowserContext[] = [];

const poll = <T,>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 20_000, interval: 100, ...opts });

const api = (method: string, url: string, body?: unknown, token = server.adminToken) => server.api(method, url, body, { token });

/** A person at their own browser (own context: own storage, own session). */
async function person(token: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(30_000);
  await signIn(page, server.url, token);
  return page;
}

const localDay = (days: number) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

beforeAll(async () => {
  await ensureEditorBuilt();
  server = await startServer();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('review and publishing', () => {
  it('four eyes: sent for review, sent back with a comment, approved, withdrawn by a change, approved again, published on a chosen day', async () => {
    expect((await api('GET', '/api/settings')).body.publishReview).toBe('required');
    const authorToken = (await api('POST', '/api/tokens', { name: '张三', role: 'editor' })).body.token;
    const reviewerToken = (await api('POST', '/api/tokens', { name: '李四', role: 'editor' })).body.token;
    const before = (await api('GET', '/api/rulesets/sfc-2017/versions')).body as { version: number; effectiveFrom: string; effectiveTo: string | null }[];
    const tomorrow = localDay(1);
    const inForce = async (day: string) => (await api('GET', `/api/rulesets/sfc-2017/in-force?date=${day}`)).body.version;
    const oldTomorrow = await inForce(tomorrow);

    // The author starts a draft from the library and makes a change (adopts a parameter's description from the policy notes).
    const author = await person(authorToken);
    await author.getByTestId('new-draft-sfc-2017-1').click();
    await author.waitForURL(/\/drafts\/draft-\d+$/);
    const id = author.url().split('/').pop()!;
    await author.getByTestId('adopt-note-revenueThreshold').click();
    await poll(() => author.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await poll(() => author.getByTestId('review-status').innerText()).toBe('未送审');

    // Publishing is not possible yet: the golden cases pass, the dialog says a review is needed.
    await author.getByTestId('publish-open').click();
    const dialog = author.getByTestId('publish-dialog');
    await dialog.getByTestId('golden-summary').waitFor({ timeout: 60_000 });
    await dialog.getByTestId('changelog-zh').fill('补充产业规模门槛的说明');
    await dialog.getByTestId('publish-needs-review').waitFor();
    expect(await dialog.getByTestId('publish-confirm').isDisabled()).toBe(true);
    await screenshots(author, 'publish-needs-review');
    await dialog.getByRole('button', { name: '取消' }).click();

    // Sent for review with a note; the author cannot approve it.
    await author.getByLabel('给审核人的说明').fill('请核对门槛说明的出处');
    await author.getByTestId('review-request').click();
    await poll(() => author.getByTestId('review-status').innerText()).toBe('待审核');
    await author.getByTestId('review-not-yours').waitFor();
    expect(await author.getByTestId('review-approve').count()).toBe(0);
    await screenshots(author, 'review-requested');

    // The reviewer asks for changes, with a comment (required).
    const reviewer = await person(reviewerToken);
    await reviewer.goto(`${server.url}/drafts/${id}`);
    await poll(() => reviewer.getByTestId('review-status').innerText()).toBe('待审核');
    expect(await reviewer.getByTestId('review-panel').innerText()).toContain('请核对门槛说明的出处');
    expect(await reviewer.getByTestId('review-request-changes').isDisabled()).toBe(true);
    await reviewer.getByTestId('review-comment-input').fill('英文说明也请一并核对');
    await reviewer.getByTestId('review-request-changes').click();
    await poll(() => reviewer.getByTestId('review-status').innerText()).toBe('需修改');
    // The reviewer is not offered to send it back for review: its authors do, once they have changed it.
    await reviewer.getByTestId('review-sent-back').waitFor();
    expect(await reviewer.getByTestId('review-request').count()).toBe(0);
    await screenshots(reviewer, 'review-changes-requested');
    await reviewer.getByTestId('lang-switch').selectOption('en');
    await poll(() => reviewer.getByTestId('review-sent-back').innerText()).toContain('send it for review again');
    await screenshots(reviewer, 'review-changes-requested-en');
    await reviewer.getByTestId('lang-switch').selectOption('zh-CN');
    await poll(() => reviewer.getByTestId('review-status').innerText()).toBe('需修改');
    // The author sees it (the page picks up the reviewer's step by itself).
    await poll(() => author.getByTestId('review-status').innerText(), { timeout: 30_000 }).toBe('需修改');
    expect(await author.getByTestId('review-comment').innerText()).toBe('英文说明也请一并核对');

    // The author changes the draft and sends it again; the reviewer approves.
    await author.getByTestId('adopt-note-growthIncrementSharePct').click();
    await poll(() => author.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await author.getByTestId('review-request').click();
    await poll(() => author.getByTestId('review-status').innerText()).toBe('待审核');
    await poll(() => reviewer.getByTestId('review-status').innerText(), { timeout: 30_000 }).toBe('待审核');
    await reviewer.getByTestId('review-approve').click();
    await poll(() => reviewer.getByTestId('review-status').innerText()).toBe('已批准');
    await screenshots(reviewer, 'review-approved');
    await poll(() => author.getByTestId('review-status').innerText(), { timeout: 30_000 }).toBe('已批准');

    // A change after the approval withdraws it.
    await author.getByTestId('adopt-note-rdExpenseMinPct').click();
    await poll(() => author.getByTestId('review-status').innerText()).toBe('未送审');
    await author.getByTestId('review-withdrawn').waitFor();
    await screenshots(author, 'review-withdrawn');
    await author.getByTestId('review-request').click();
    await poll(() => reviewer.getByTestId('review-status').innerText(), { timeout: 30_000 }).toBe('待审核');
    await reviewer.getByTestId('review-approve').click();
    await poll(() => author.getByTestId('review-status').innerText(), { timeout: 30_000 }).toBe('已批准');

    // Publishing: the day defaults to tomorrow, a day before the base version is refused, the dialog says what ends when.
    await author.getByTestId('publish-open').click();
    await dialog.getByTestId('golden-summary').waitFor({ timeout: 60_000 });
    const day = dialog.getByTestId('effective-from');
    expect(await day.inputValue()).toBe(tomorrow);
    await day.fill('2017-01-01');
    await dialog.getByRole('alert').filter({ hasText: '不能早于' }).waitFor();
    await dialog.getByTestId('changelog-zh').fill('补充三个参数的说明');
    expect(await dialog.getByTestId('publish-confirm').isDisabled()).toBe(true);
    await screenshots(author, 'publish-effective-date-refused');
    await day.fill(tomorrow);
    await poll(() => dialog.getByTestId('periods-preview').innerText()).toContain(`截至 ${localDay(0)}`);
    expect(await dialog.getByTestId('publish-needs-review').count()).toBe(0);
    await screenshots(author, 'publish-effective-date');
    await dialog.getByTestId('publish-confirm').click();
    await author.waitForURL(/\/rulesets\/sfc-2017\/versions\/\d+\?published=1$/);
    const version = Number(new URL(author.url()).pathname.split('/').pop());
    expect(version).toBe(Math.max(...before.map((v) => v.version)) + 1);

    // In force: the old version until today, the new one from tomorrow; the old document is unchanged.
    expect(await inForce(localDay(0))).toBe(oldTomorrow);
    expect(await inForce(tomorrow)).toBe(version);
    const old = (await api('GET', `/api/rulesets/sfc-2017/versions/${oldTomorrow}`)).body;
    expect(old).toMatchObject({ effectiveTo: localDay(0), closedBy: { version } });
    expect(old.document.effectiveTo).toBe(before.find((v) => v.version === oldTomorrow)!.effectiveTo);
    const pub = (await api('GET', `/api/rulesets/sfc-2017/versions/${version}`)).body;
    expect(pub).toMatchObject({ effectiveFrom: tomorrow, effectiveTo: null });

    // The library shows the periods: the old one current until today, the new one upcoming from tomorrow.
    await author.getByTestId('nav-library').click();
    const oldPeriod = author.getByTestId(`period-sfc-2017-${oldTomorrow}`);
    await oldPeriod.waitFor();
    expect(await oldPeriod.innerText()).toContain(`至 ${localDay(0)}`);
    expect(await oldPeriod.innerText()).toContain(`由 v${version} 接替`);
    expect(await oldPeriod.innerText()).toContain('现行');
    expect(await author.getByTestId(`period-sfc-2017-${version}`).innerText()).toContain(`生效 ${tomorrow} 至 不限`);
    expect(await author.getByTestId(`period-sfc-2017-${version}`).innerText()).toContain('将生效');
    await screenshots(author, 'library-periods');

    // Everything is in the audit log.
    const entries = (await api('GET', `/api/audit?target=${id}`)).body.entries.map((e: { action: string }) => e.action);
    expect(entries).toEqual([
      'draft.create',
      'draft.update',
      'draft.review.request',
      'draft.review.request_changes',
      'draft.update',
      'draft.review.request',
      'draft.review.approve',
      'draft.review.withdraw',
      'draft.update',
      'draft.review.request',
      'draft.review.approve',
    ]);
    const published = (await api('GET', `/api/audit?action=version.publish`)).body.entries.at(-1);
    expect(published).toMatchObject({ target: `sfc-2017@${version}`, details: { effectiveFrom: tomorrow, review: { approvedBy: expect.stringContaining('李四') } } });
    expect((await api('GET', `/api/audit?action=version.close`)).body.entries.at(-1)).toMatchObject({ target: `sfc-2017@${oldTomorrow}`, after: localDay(0), details: { by: `sfc-2017@${version}` } });
  }, 300_000);

  it("defaults the day to the base version's start when that version takes effect later than tomorrow, and refuses a day before it", async () => {
    // Via the API: a version that starts in 40 days, reviewed by a second editor.
    const reviewerToken = (await api('POST', '/api/tokens', { name: '王五', role: 'editor' })).body.token;
    const made = await api('POST', '/api/drafts', { from: 'sfc-2017@2' });
    expect(made.status).toBe(201);
    const asked = await fetch(`${server.url}/api/drafts/${made.body.id}/review/request`, { method: 'POST', headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' }, body: '{}' });
    const approved = await fetch(`${server.url}/api/drafts/${made.body.id}/review`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${reviewerToken}`, 'Content-Type': 'application/json', 'If-Match': asked.headers.get('ETag')! },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(approved.status).toBe(200);
    const later = localDay(40);
    const published = await fetch(`${server.url}/api/drafts/${made.body.id}/publish`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json', 'If-Match': approved.headers.get('ETag')! },
      body: JSON.stringify({ changelog: { zh: '下月起施行', en: 'In force from next month' }, effectiveFrom: later }),
    });
    expect(published.status).toBe(201);
    const v = ((await published.json()) as { version: number }).version;

    // In the browser: a draft of that version; the publish dialog proposes its first day, not tomorrow.
    const author = await person(server.adminToken);
    await author.getByTestId(`new-draft-sfc-2017-${v}`).click();
    await author.waitForURL(/\/drafts\/draft-\d+$/);
    await author.getByTestId('publish-open').click();
    const dialog = author.getByTestId('publish-dialog');
    await dialog.getByTestId('golden-summary').waitFor({ timeout: 60_000 });
    const day = dialog.getByTestId('effective-from');
    await poll(() => day.inputValue()).toBe(later);
    await poll(() => dialog.getByTestId('periods-preview').innerText()).toContain(`sfc-2017@${v}`);
    await screenshots(author, 'publish-base-starts-later');
    await day.fill(localDay(39));
    await dialog.getByRole('alert').filter({ hasText: '不能早于' }).waitFor();
    expect(await dialog.getByTestId('publish-confirm').isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: '取消' }).click();
  }, 300_000);
});
