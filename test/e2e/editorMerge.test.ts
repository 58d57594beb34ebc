// Two people editing one draft, in Debian's chromium: changes to different items merge by themselves (and are announced), a change of the same item on both sides is shown side by side with a choice per item, and nothing is lost without being shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureEditorBuilt, launchChromium, screenshots, signIn, startServer, type E2EServer } from './harness.js';

let server: E2EServer;
let browser: Browser;
const pageErrors: string[] = [];

const poll = <T,>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 20_000, interval: 50, ...opts });

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => server.api(method, url, body, { headers });
const value = (doc: any, id: string) => doc.parameters.find((p: { id: string }) => p.id === id).value;
/** Someone else's save through the API: parameter values changed on the draft as it is now. */
async function theySave(id: string, values: Record<string, number>): Promise<void> {
  const cur = await api('GET', `/api/drafts/${id}`);
  for (const [k, v] of Object.entries(values)) cur.body.document.parameters.find((p: { id: string }) => p.id === k).value = v;
  expect((await api('PUT', `/api/drafts/${id}`, { document: cur.body.document }, { 'If-Match': cur.etag! })).status).toBe(200);
}

/**
 * Holds the page's saves of a draft until release(), so that "someone else saves while I edit" happens in that order on
 * a busy machine too (otherwise the page may load their save before my edit, and there is nothing to merge).
 */
async function holdSaves(page: Page, id: string): Promise<() => Promise<void>> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const url = `**/api/drafts/${id}`;
  await page.route(url, async (r) => {
    if (r.request().method() === 'PUT') await gate;
    await r.fallback();
  });
  // The route stays: released, it lets every request through.
  return async () => open();
}

async function openDraft(): Promise<{ page: Page; id: string }> {
  const created = await api('POST', '/api/drafts', { from: 'sfc-2017@1' });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(30_000);
  await signIn(page, server.url, server.adminToken);
  await page.goto(`${server.url}/drafts/${created.body.id}`);
  await page.getByTestId('param-value-revenueThreshold').waitFor();
  return { page, id: created.body.id };
}

beforeAll(async () => {
  await ensureEditorBuilt();
  server = await startServer();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('concurrent edits of one draft', () => {
  it('merges changes to different parameters by itself and says what the other person changed', async () => {
    const { page, id } = await openDraft();
    const release = await holdSaves(page, id);
    await page.getByTestId('param-value-revenueThreshold').fill('1200');
    await theySave(id, { passMarkFeatured: 95 });
    await release();
    const notice = page.getByTestId('merge-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('passMarkFeatured');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    // Both changes are in the saved draft and on the page.
    const saved = (await api('GET', `/api/drafts/${id}`)).body.document;
    expect(value(saved, 'revenueThreshold')).toBe(1200);
    expect(value(saved, 'passMarkFeatured')).toBe(95);
    await poll(() => page.getByTestId('param-value-passMarkFeatured').inputValue()).toBe('95');
    expect(await page.getByTestId('conflict-banner').count()).toBe(0);
    await screenshots(page, 'merge-automatic');
    await page.close();
  }, 90_000);

  it('shows the same parameter changed on both sides side by side, merges the rest, and saves the choice made per item; the banner stays in sight while scrolling', async () => {
    const { page, id } = await openDraft();
    // I change the threshold, the bachelor share and the featured pass mark; meanwhile they change the threshold, the parks minimum and the pass mark.
    const release = await holdSaves(page, id);
    await page.getByTestId('param-value-bachelorMinPct').fill('65');
    await page.getByTestId('param-value-passMarkFeatured').fill('88');
    await page.getByTestId('param-value-revenueThreshold').fill('1200');
    await theySave(id, { revenueThreshold: 1500, parksMin: 7, passMarkFeatured: 92 });
    await release();
    const banner = page.getByTestId('conflict-banner');
    await banner.waitFor();
    expect(await page.getByTestId('save-state').getAttribute('data-state')).toBe('conflict');
    // One box per conflicting item, each with the value before, mine and theirs side by side.
    const threshold = banner.getByTestId('conflict-item-revenueThreshold');
    const passMark = banner.getByTestId('conflict-item-passMarkFeatured');
    await threshold.waitFor();
    expect(await banner.locator('fieldset.conflict-item').count()).toBe(2);
    expect(await threshold.locator('legend').innerText()).toContain('产业规模门槛');
    expect(await threshold.getByTestId('conflict-mine').innerText()).toBe('1200');
    expect(await threshold.getByTestId('conflict-theirs').innerText()).toBe('1500');
    expect(await passMark.getByTestId('conflict-mine').innerText()).toBe('88');
    expect(await passMark.getByTestId('conflict-theirs').innerText()).toBe('92');
    // Nothing is saved until I choose; their draft is untouched.
    expect(value((await api('GET', `/api/drafts/${id}`)).body.document, 'revenueThreshold')).toBe(1500);
    expect(await banner.getByTestId('conflict-apply').isDisabled()).toBe(true);
    await screenshots(page, 'merge-conflict');

    // The banner stays in sight while the page scrolls.
    await page.getByTestId('param-row-promotionRequiresPassMark').scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(300);
    const box = await banner.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(-1);
    expect(box!.y).toBeLessThan(200);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    await screenshots(page, 'merge-conflict-scrolled');
    // On a small laptop the choices scroll inside the banner, and the buttons that apply them stay in sight, not covered.
    await page.setViewportSize({ width: 1024, height: 768 });
    const apply = banner.getByTestId('conflict-apply');
    await poll(async () => {
      const b = await apply.boundingBox();
      if (!b || b.y < 0 || b.y + b.height > 768) return false;
      return apply.evaluate((el, at) => document.elementFromPoint(at.x, at.y) === el, { x: b.x + b.width / 2, y: b.y + b.height / 2 });
    }).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });

    // Their threshold, my pass mark.
    await threshold.getByTestId('choose-theirs').check();
    await passMark.getByTestId('choose-mine').check();
    await banner.getByTestId('conflict-apply').click();
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect(await banner.count()).toBe(0);
    const saved = (await api('GET', `/api/drafts/${id}`)).body.document;
    expect([value(saved, 'revenueThreshold'), value(saved, 'passMarkFeatured'), value(saved, 'parksMin'), value(saved, 'bachelorMinPct')]).toEqual([1500, 88, 7, 65]);
    expect(await page.getByTestId('param-value-revenueThreshold').inputValue()).toBe('1500');
    expect(await page.getByTestId('param-value-parksMin').inputValue()).toBe('7');
    await page.close();
  }, 120_000);

  it('merges in the JSON view too, without moving the cursor: their change appears elsewhere in the text while I type', async () => {
    const { page, id } = await openDraft();
    await page.getByTestId('tab-json').click();
    await page.locator('[data-testid="json-editor"] .monaco-editor').waitFor();
    await page.locator('[data-testid="json-editor"] .view-lines').click();
    await page.keyboard.press('Control+F');
    await page.locator('[data-testid="json-editor"] .find-widget textarea').first().fill('Industry scale threshold');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    const release = await holdSaves(page, id);
    await page.keyboard.type(' (mine)');
    await theySave(id, { passMarkFeatured: 93 });
    await release();
    await page.getByTestId('merge-notice').waitFor();
    // Typing goes on where the cursor is.
    await page.keyboard.type(' and more');
    // (The page shows its save state once the keys pause, so a 'saved' from before the last keys can still be on
    // screen for a moment: the saved draft itself is what is waited for.)
    await poll(async () => (await api('GET', `/api/drafts/${id}`)).body.document.parameters[0].label.en, { timeout: 30_000 }).toBe('Industry scale threshold (mine) and more');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const saved = (await api('GET', `/api/drafts/${id}`)).body.document;
    expect(saved.parameters[0].label.en).toBe('Industry scale threshold (mine) and more');
    expect(value(saved, 'passMarkFeatured')).toBe(93);
    await page.close();
  }, 90_000);
});
