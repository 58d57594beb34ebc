// Everyone's workspace in chromium: token and audit administration, role guards and sign-out reasons, the printed report, the analyst list/report/compare/sweep/cohort items, the API reference, every page walked in Chinese for untranslated words and at 1440, 1024 and 768 px in both languages.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { ensureEditorBuilt, launchChromium, ROOT, screenshot, signIn, startServer, type E2EServer } from './harness.js';
import { narrowCells, oneCharPerLine, untranslated } from './pageChecks.js';

let server: E2EServer;
let browser: Browser;
const pageErrors: string[] = [];
const foreign: string[] = [];
let draftId = '';

const poll = <T,>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 50 });

async function newPage(opts: { width?: number; height?: number; lang?: 'zh-CN' | 'en' } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 }, locale: opts.lang ?? 'zh-CN', acceptDownloads: true });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  if (opts.lang) await ctx.addInitScript((l) => localStorage.setItem('mingcheng.lang', l), opts.lang);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) foreign.push(r.url());
  });
  page.setDefaultTimeout(30_000);
  return page;
}

async function api<T = any>(method: string, url: string, body?: unknown, token = server.adminToken): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(server.url + url, { method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  await ensureEditorBuilt();
  server = await startServer();
  browser = await launchChromium();
  const d = await api('POST', '/api/drafts', { from: 'sfc-2017@1' });
  draftId = d.body.id;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
  expect(foreign).toEqual([]);
});

describe('administration', () => {
  it('creates a token with a role and an expiry, shows it once with a copy button, lists and revokes it; the revoked user is signed out with a message', async () => {
    const admin = await newPage();
    await signIn(admin, server.url, server.adminToken);
    await admin.getByTestId('nav-admin-tokens').click();
    await admin.getByTestId('token-table').waitFor();
    await admin.getByTestId('token-name').fill('分析员小王');
    await admin.getByTestId('token-role').selectOption('analyst');
    await admin.getByTestId('token-expires').fill('2099-12-31T18:00');
    await admin.getByTestId('create-token').click();
    await admin.getByTestId('token-created').waitFor();
    const secret = await admin.getByTestId('token-secret').inputValue();
    expect(secret).toMatch(/^mc_/);
    await admin.getByTestId('copy-token').click();
    expect(await admin.getByTestId('copy-result').innerText()).toBe('已复制到剪贴板。');
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(admin, 'admin-tokens-created');
    const row = admin.locator('[data-testid^="token-row-"]', { hasText: '分析员小王' });
    expect(await row.innerText()).toContain('分析人员');
    expect(await row.innerText()).toContain('2099');
    await admin.getByTestId('token-created-done').click();
    // Shown once: gone after closing, and the list never carries it.
    expect(await admin.getByTestId('token-secret').count()).toBe(0);
    expect(await admin.locator('body').innerText()).not.toContain(secret);

    const user = await newPage();
    await signIn(user, server.url, secret);
    await user.getByTestId('nav-analyst-dossiers').click();
    await user.getByTestId('dossier-row-wuhan-2018').waitFor();

    const id = (await row.getAttribute('data-testid'))!.replace('token-row-', '');
    admin.once('dialog', (d) => void d.accept());
    await admin.getByTestId(`revoke-${id}`).click();
    await poll(() => admin.locator(`[data-testid="token-row-${id}"]`).count()).toBe(0);
    await admin.getByTestId('show-revoked').check();
    expect(await admin.getByTestId(`token-state-${id}`).innerText()).toContain('已吊销');
    await screenshot(admin, 'admin-tokens');

    // The revoked user's next request signs them out, and the sign-in page says why.
    await user.getByTestId('nav-analyst-cohort').click();
    await user.getByTestId('signed-out').waitFor();
    expect(await user.getByTestId('signed-out').getAttribute('data-reason')).toBe('revoked');
    expect(await user.getByTestId('signed-out').innerText()).toContain('已被吊销');
    await screenshot(user, 'signed-out-revoked');
    await user.context().close();
    await admin.context().close();
  });

  it('signs out an expired token with a message saying it expired', async () => {
    const expiresAt = Date.now() + 12_000;
    const made = await api('POST', '/api/tokens', { name: 'short', role: 'viewer', expiresAt: new Date(expiresAt).toISOString() });
    const page = await newPage();
    await signIn(page, server.url, made.body.token);
    await page.getByTestId('nav-analyst-dossiers').click();
    await page.getByTestId('dossier-row-wuhan-2018').waitFor();
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 500)));
    await page.getByTestId('report-wuhan-2018').click();
    await page.getByTestId('signed-out').waitFor();
    expect(await page.getByTestId('signed-out').getAttribute('data-reason')).toBe('expired');
    expect(await page.getByTestId('signed-out').innerText()).toContain('已过期');
    await page.context().close();
  });

  it('reads the audit log with filters, the semantic changes of a draft edit, and the chain status; a tampered entry raises the alarm', async () => {
    const d = await api('GET', `/api/drafts/${draftId}`);
    const doc = d.body.document;
    doc.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value = 1200;
    expect((await fetch(`${server.url}/api/drafts/${draftId}`, { method: 'PUT', headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json', 'If-Match': d.headers.get('ETag')! }, body: JSON.stringify({ document: doc }) })).status).toBe(200);

    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-admin-audit').click();
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('chain-status').getAttribute('data-intact')).toBe('true');
    await page.getByTestId('filter-action').selectOption('draft.update');
    await page.getByTestId('filter-target').fill(draftId);
    await page.getByTestId('apply-filter').click();
    await poll(() => page.locator('[data-testid^="audit-row-"]').count()).toBe(1);
    // The count is of the entries that match the filter, not of the whole log.
    expect(await page.getByTestId('audit-count').innerText()).toBe('显示 1 条（共 1 条）');
    const row = page.locator('[data-testid^="audit-row-"]').first();
    expect(await row.innerText()).toContain('编辑草稿');
    await row.locator('details summary').first().click();
    expect(await row.innerText()).toContain('1000 → 1200');
    await screenshot(page, 'admin-audit');
    // By actor and day: the seed's entries are the system's, and none is dated before today.
    await page.getByTestId('filter-action').selectOption('');
    await page.getByTestId('filter-target').fill('');
    await page.getByTestId('filter-until').fill('2020-01-01');
    await page.getByTestId('apply-filter').click();
    await page.getByTestId('audit-table-empty').waitFor();

    await page.context().close();

    // The store found the chain broken at an entry (its integrity check, tested with the store): the page raises the alarm.
    // A second server on the same store reports that check, so the page's answer to it is what is seen here.
    const seq = 3;
    const broken = new Proxy(server.repo, {
      get: (target, prop, recv) =>
        prop === 'integrity'
          ? async () => ({ ...(await target.integrity()), writable: false, problems: [{ code: 'audit_chain_broken', message: `entry ${seq} does not verify`, target: `audit:${seq}` }] })
          : Reflect.get(target, prop, recv),
    });
    const app = createApp({ repo: broken, engine, clauseIds: () => [], editorDist: path.join(ROOT, 'editor', 'dist') });
    const other = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const p2 = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      await signIn(p2, url, server.adminToken);
      await p2.goto(`${url}/admin/audit`);
      await p2.getByTestId('chain-status').waitFor();
      expect(await p2.getByTestId('chain-status').getAttribute('data-intact')).toBe('false');
      expect(await p2.getByTestId('chain-status').getAttribute('role')).toBe('alert');
      expect(await p2.getByTestId('chain-status').innerText()).toContain(`第 ${seq} 条`);
      // A broken chain does not make the list's count read as nothing.
      const shown = await p2.locator('[data-testid^="audit-row-"]').count();
      expect(shown).toBeGreaterThan(0);
      expect(await p2.getByTestId('audit-count').innerText()).toBe(`显示 ${shown} 条（共 ${shown} 条）`);
      await screenshot(p2, 'admin-audit-broken');
      await p2.close();
    } finally {
      other.closeAllConnections();
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('guards every page by role: a viewer at an analyst or admin address reads a localized message, not a form', async () => {
    const viewer = await api('POST', '/api/tokens', { name: '访客', role: 'viewer' });
    const page = await newPage();
    await signIn(page, server.url, viewer.body.token);
    for (const [url, needs] of [
      ['/analyst/compare', '分析人员'],
      ['/analyst/sensitivity', '分析人员'],
      ['/analyst/cohort', '分析人员'],
      ['/analyst/dossiers/new', '分析人员'],
      ['/admin/tokens', '管理员'],
      ['/admin/audit', '管理员'],
    ] as const) {
      await page.goto(server.url + url);
      await page.getByTestId('role-guard').waitFor();
      expect(await page.getByTestId('role-guard').innerText()).toContain(`“${needs}”`);
      expect(await page.locator('form, [data-testid="run-compare"], [data-testid="run-sweep"], [data-testid="run-cohort"]').count()).toBe(0);
    }
    await screenshot(page, 'guard-viewer');
    expect(await page.getByTestId('nav-admin-tokens').count()).toBe(0);
    await page.context().close();
  });
});

describe('reports and the analyst pages', () => {
  it('views a report without storing it, stores it on request, then reuses the stored record', async () => {
    const count = async () => (await api<unknown[]>('GET', '/api/evaluations?dossierId=hangzhou-2020')).body.length;
    const before = await count();
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/analyst/report/hangzhou-2020`);
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('record-state').getAttribute('data-stored')).toBe('false');
    await page.reload();
    await page.getByTestId('verdict').waitFor();
    expect(await count()).toBe(before);
    await page.getByTestId('store-evaluation').click();
    await poll(() => page.getByTestId('record-state').getAttribute('data-stored')).toBe('true');
    expect(await count()).toBe(before + 1);
    await page.reload();
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('record-state').getAttribute('data-stored')).toBe('true');
    expect(await count()).toBe(before + 1);
    await page.context().close();
  });

  it('prints the A4 report cleanly: a few pages, full-width tables, no cell one character wide, a PNG of every page', async () => {
    const page = await newPage({ width: 794, height: 1123 });
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/analyst/report/wuhan-2018`);
    await page.getByTestId('waterfall-chart').locator('svg').waitFor();
    await page.emulateMedia({ media: 'print' });
    // 186 mm of A4 between the margins, at 96 px per inch.
    await page.setViewportSize({ width: 703, height: 1000 });
    await page.waitForTimeout(300);
    expect(await page.locator('.side-nav').isVisible()).toBe(false);
    expect(await narrowCells(page, '[data-testid="report"]')).toEqual([]);
    const widths = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="report"] table.grid')).map((t) => Math.round((t.getBoundingClientRect().width / document.querySelector('[data-testid="report"]')!.getBoundingClientRect().width) * 100)));
    expect(widths.length).toBeGreaterThanOrEqual(3);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(98);
    const chart = await page.getByTestId('radar-chart').boundingBox();
    expect(chart!.width).toBeGreaterThan(600);
    expect(chart!.height).toBeGreaterThan(200);
    expect(chart!.height).toBeLessThan(320);
    // No grey blocks: header cells and the verdict print on white.
    const backgrounds = await page.evaluate(() => [...Array.from(document.querySelectorAll('[data-testid="report"] thead th')), document.querySelector('[data-testid="verdict"]')!].map((el) => getComputedStyle(el).backgroundColor));
    for (const b of backgrounds) expect(['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)']).toContain(b);

    const out = path.join(ROOT, 'test-results', 'print');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const file = path.join(out, 'report-wuhan-2018.pdf');
    const pdf = await page.pdf({ path: file, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    console.log(`printed report: ${pages} A4 pages`);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(6);
    if (existsSync('/usr/bin/pdftoppm')) {
      execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', file, path.join(out, 'report-page')]);
      expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(pages);
    } else if (process.env.CI || process.env.MC_REQUIRE_SUITES === '1') throw new Error('pdftoppm is missing (apt-get install poppler-utils, as .ci/run does)');
    else console.log('pdftoppm not installed: the PDF pages are not turned into PNGs');
    await page.context().close();
  });

  it('searches, sorts and filters the dossier list', async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-dossiers').click();
    await page.getByTestId('dossier-row-wuhan-2018').waitFor();
    const ids = () => page.locator('[data-testid^="dossier-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace('dossier-row-', '')));
    const all = await ids();
    expect(all.length).toBe(readdirSync(path.join(ROOT, 'rules', 'samples')).filter((f) => f.endsWith('.json')).length);
    await page.getByTestId('dossier-search').fill('武汉');
    expect(await ids()).toEqual(['wuhan-2018']);
    await page.getByTestId('dossier-search').fill('');
    await page.getByTestId('period-filter').selectOption('2021');
    expect((await ids()).sort()).toEqual(all.filter((i) => i.endsWith('-2021')).sort());
    await page.getByTestId('period-filter').selectOption('');
    await page.getByTestId('verdict-filter').selectOption('failed');
    const failed = await ids();
    for (const id of failed) expect(await page.getByTestId(`verdict-${id}`).getAttribute('data-status')).toBe('failed');
    await page.getByTestId('verdict-filter').selectOption('');
    await page.getByTestId('type-filter').selectOption('featured');
    for (const t of await page.locator('[data-testid^="dossier-row-"] td:nth-child(3)').allInnerTexts()) expect(t).toBe('特色型');
    await page.getByTestId('type-filter').selectOption('');
    // Sort by total: a click orders the rows (numbers start from the highest), the next click reverses them.
    await page.getByTestId('dossier-table-sort-total').locator('button').click();
    const totals = async () => (await page.locator('[data-testid^="dossier-row-"] td:nth-child(6)').allInnerTexts()).map((x) => (x === '—' ? -1 : Number(x)));
    const first = await totals();
    expect(first).toEqual([...first].sort((a, b) => b - a));
    expect(await page.getByTestId('dossier-table-sort-total').getAttribute('aria-sort')).toBe('descending');
    await page.getByTestId('dossier-table-sort-total').locator('button').click();
    expect(await totals()).toEqual([...first].reverse());
    await page.getByTestId('dossier-table-sort-city').locator('button').click();
    expect(await page.getByTestId('dossier-table-sort-city').getAttribute('aria-sort')).toBe('ascending');
    await page.getByTestId('province-filter').selectOption({ index: 1 });
    expect((await ids()).length).toBeGreaterThan(0);
    await screenshot(page, 'analyst-dossiers-filtered');
    await page.context().close();
  });

  it('defaults to the version in force today, checks the sweep inputs, opens 为什么 in view and exports the cohort', async () => {
    const inForce = await api('GET', `/api/rulesets/sfc-2017/in-force?date=${new Date().toISOString().slice(0, 10)}`);
    const page = await newPage({ height: 700 });
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-sensitivity').click();
    await poll(() => page.getByTestId('version-picker').inputValue()).toBe(inForce.body.ref);
    expect(await page.getByTestId('version-picker').locator('option:checked').innerText()).toContain('现行');
    await page.getByTestId('sweep-from').fill('abc');
    expect(await page.getByTestId('sweep-error-from').innerText()).toBe('请输入数字');
    expect(await page.getByTestId('run-sweep').isDisabled()).toBe(true);
    await page.getByTestId('sweep-from').fill('2000');
    await page.getByTestId('sweep-to').fill('500');
    expect(await page.getByTestId('sweep-error-to').innerText()).toBe('终值必须大于起值');
    await page.getByTestId('sweep-steps').fill('0');
    expect(await page.getByTestId('sweep-error-steps').innerText()).toContain('2 到 1000');
    await screenshot(page, 'analyst-sweep-invalid');
    expect(await page.getByTestId('sweep-result').count()).toBe(0);

    await page.getByTestId('nav-analyst-compare').click();
    await page.getByTestId('add-variant-select').selectOption('interp:bonus-cap=cap-10');
    await page.getByTestId('add-variant').click();
    expect(await page.getByTestId('column-1').innerText()).not.toContain('cap-10');
    await page.getByTestId('run-compare').click();
    await page.getByTestId('compare-table').waitFor();
    const changed = await page.locator('[data-testid^="compare-row-"][data-changed="true"]').first().getAttribute('data-testid');
    const id = changed!.replace('compare-row-', '');
    await page.getByTestId(`drill-${id}`).click();
    await page.getByTestId('drilldown').waitFor();
    await poll(async () => {
      const box = await page.getByTestId('drilldown').boundingBox();
      return box !== null && box.y >= -1 && box.y < 700;
    }).toBe(true);
    await screenshot(page, 'analyst-compare-why');

    await page.getByTestId('nav-analyst-cohort').click();
    await page.getByTestId('run-cohort').click();
    await page.getByTestId('cohort-table').waitFor();
    await page.getByTestId('cohort-table-sort-total').locator('button').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-cohort-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^cohort-sfc-2017@\d+-\d{4}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const members = wb.getWorksheet('成员 Members')!;
    expect(members.rowCount - 1).toBe(await page.locator('[data-testid^="member-"]').count());
    expect(String(members.getRow(1).getCell(1).value)).toBe('城市 City');
    await page.context().close();
  });
});

describe('the API reference', () => {
  it('is Swagger UI on this server: a developer authorizes and tries a request in the page; each of evaluate, batch, cohort, drafts and publish shows an example', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/api/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(30);
    await page.locator('.swagger-ui .btn.authorize').click();
    await page.locator('.swagger-ui .auth-container input').fill(server.adminToken);
    await page.locator('.swagger-ui .auth-btn-wrapper button.authorize').click();
    await page.locator('.swagger-ui .auth-btn-wrapper button.btn-done').click();
    const whoami = page.locator('.opblock-get', { has: page.locator('[data-path="/api/whoami"]') });
    await whoami.locator('.opblock-summary').click();
    await whoami.locator('.try-out__btn').click();
    await whoami.locator('.execute').click();
    await whoami.locator('.responses-table .response .highlight-code').first().waitFor();
    expect(await whoami.locator('.live-responses-table').innerText()).toContain('"role": "admin"');
    await screenshot(page, 'api-docs-try');
    const evaluate = page.locator('.opblock-post', { has: page.locator('[data-path="/api/evaluations"]') });
    await evaluate.locator('.opblock-summary').click();
    expect(await evaluate.locator('.body-param__example, .highlight-code').first().innerText()).toContain('wuhan-2018');
    await screenshot(page, 'api-docs-example');
    await page.context().close();
  });
});

/** Every page of the app, with what shows it is ready; some are filled first so their results are read too. */
const PAGES: { name: string; url: () => string; ready: string; act?: (p: Page) => Promise<void> }[] = [
  { name: 'library', url: () => '/', ready: 'version-sfc-2017-1' },
  { name: 'drafts', url: () => '/drafts', ready: 'nav-drafts' },
  { name: 'compare-versions', url: () => `/compare?ruleSet=sfc-2017&from=1&to=${draftId}`, ready: 'change-list' },
  { name: 'editor', url: () => `/drafts/${draftId}`, ready: 'param-row-revenueThreshold' },
  { name: 'dossiers', url: () => '/analyst/dossiers', ready: 'dossier-row-wuhan-2018' },
  { name: 'report', url: () => '/analyst/report/wuhan-2018', ready: 'verdict' },
  { name: 'dossier-form', url: () => '/analyst/dossiers/wuhan-2018/edit', ready: 'save-dossier' },
  {
    name: 'rescore',
    url: () => '/analyst/compare',
    ready: 'compare-columns',
    act: async (p) => {
      await p.getByTestId('add-variant-select').selectOption('interp:bonus-cap=cap-10');
      await p.getByTestId('add-variant').click();
      await p.getByTestId('run-compare').click();
      await p.getByTestId('compare-table').waitFor();
      await p.locator('[data-testid^="drill-"]').first().click();
      await p.getByTestId('drilldown').waitFor();
      await p.evaluate(() => window.scrollTo(0, 0));
    },
  },
  {
    name: 'sensitivity',
    url: () => '/analyst/sensitivity',
    ready: 'sweep-parameter',
    act: async (p) => {
      await p.getByTestId('run-sweep').click();
      await p.getByTestId('sweep-result').waitFor();
    },
  },
  {
    name: 'cohort',
    url: () => '/analyst/cohort',
    ready: 'run-cohort',
    act: async (p) => {
      await p.getByTestId('run-cohort').click();
      await p.getByTestId('cohort-table').waitFor();
    },
  },
  { name: 'tokens', url: () => '/admin/tokens', ready: 'token-table' },
  { name: 'audit', url: () => '/admin/audit', ready: 'audit-table' },
];

describe('every page in both languages and three widths', () => {
  it('shows no untranslated English in the Chinese interface, on any page', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.getByTestId('token-input').waitFor();
    const found: string[] = (await untranslated(page)).map((x) => `signin: ${x}`);
    await signIn(page, server.url, server.adminToken);
    // Names people chose for their tokens are data, like city names.
    const names = (await api<{ name: string }[]>('GET', '/api/tokens')).body.map((x) => x.name);
    for (const p of PAGES) {
      await page.goto(server.url + p.url());
      await page.getByTestId(p.ready).first().waitFor();
      await p.act?.(page);
      await page.waitForTimeout(200);
      // The rule editor's section forms are the rule editor's own work (labels of parameter values and fields); its shell and panels are read.
      found.push(...(await untranslated(page, { names, skip: p.name === 'editor' ? '.editor-page .tab-body' : undefined })).map((x) => `${p.name}: ${x}`));
    }
    expect(found).toEqual([]);
    await page.context().close();
  });

  for (const lang of ['zh-CN', 'en'] as const)
    for (const width of [1440, 1024, 768])
      it(`lays out every page at ${width} px in ${lang}: nothing wrapped one character per line; screenshots`, async () => {
        const page = await newPage({ width, lang });
        await page.goto(server.url);
        await page.getByTestId('token-input').waitFor();
        await screenshot(page, `w${width}-${lang}-signin`);
        await signIn(page, server.url, server.adminToken);
        const squeezed: string[] = [];
        for (const p of PAGES) {
          await page.goto(server.url + p.url());
          await page.getByTestId(p.ready).first().waitFor();
          await p.act?.(page);
          await page.waitForTimeout(150);
          squeezed.push(...(await oneCharPerLine(page)).map((x) => `${p.name}: ${x}`));
          if (width <= 1024) {
            // The navigation is icons only, and the page does not scroll sideways.
            expect(await page.locator('.side-nav .nav-text').first().isVisible()).toBe(false);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            if (p.name !== 'editor' && p.name !== 'compare-versions') expect(overflow, p.name).toBeLessThanOrEqual(2);
          }
          await screenshot(page, `w${width}-${lang}-${p.name}`);
        }
        expect(squeezed).toEqual([]);
        await page.context().close();
      });
});
