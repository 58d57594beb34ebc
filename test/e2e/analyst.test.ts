// The analyst workspace in a real browser (Debian's chromium) against the real server: import a spreadsheet, read a city's report, compare two versions, export the comparison, sweep a parameter, run a cohort.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { compileRuleSet, type CompiledRuleSet, type Dossier, type Evaluation } from '../../engine/index.js';
import { exportDossiers } from '../../server/spreadsheets/index.js';
import { ensureEditorBuilt, launchChromium, ROOT, screenshot, signIn, startServer, type E2EServer } from './harness.js';

let server: E2EServer;
let browser: Browser;
let compiled: CompiledRuleSet;
const pageErrors: string[] = [];

const sample = (f: string): Dossier => JSON.parse(readFileSync(path.join(ROOT, 'rules', 'samples', f), 'utf8'));
/** A sample dossier as a new city of 2024 (so the import creates it). */
function asNewCity(d: Dossier, cityId: string, cityName: string): Dossier {
  // A renamed city is not one of the four municipalities (sfc-2017@2 refuses the claim): it needs the provincial letter.
  const f = structuredClone(d.facts) as Record<string, any>;
  f.isMunicipality = false;
  f.application.materials.provincialSupportLetter = true;
  return { ...d, meta: { ...d.meta, title: `${cityName} 2024` }, facts: { ...f, cityId, cityName, period: 2024, currentTitle: 'none' } };
}
const imported = () => [asNewCity(sample('chongqing-2020.json'), 'yuzhou', '渝州'), asNewCity(sample('fuzhou-2021.json'), 'rongcheng', '榕城'), asNewCity(sample('hangzhou-2020.json'), 'lincheng', '临城')];

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20_000);
  return page;
}

beforeAll(async () => {
  await ensureEditorBuilt();
  server = await startServer();
  browser = await launchChromium();
  // The analyst pages open on the version in force today: the newest published sfc-2017.
  const newest = Math.max(...readdirSync(path.join(ROOT, 'rules', 'sfc-2017')).flatMap((f) => (/^v(\d+)\.json$/.exec(f) ? [Number(/^v(\d+)/.exec(f)![1])] : [])));
  const c = compileRuleSet(JSON.parse(readFileSync(path.join(ROOT, 'rules', 'sfc-2017', `v${newest}.json`), 'utf8')));
  if (!c.ok) throw new Error(`v${newest} does not compile`);
  compiled = c.compiled;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('the analyst workspace in chromium', () => {
  it('imports a spreadsheet of cities: a file with bad cells is refused cell by cell, the clean one is checked, confirmed and listed', async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-dossiers').click();
    await page.getByTestId('dossier-row-chongqing-2020').waitFor();
    await screenshot(page, 'analyst-dossiers');

    // A file with two bad cells: nothing is imported, each cell is named by row and column.
    const bad = new ExcelJS.Workbook();
    await bad.xlsx.load((await exportDossiers(compiled.ruleSet, imported())) as never);
    const ws = bad.getWorksheet('档案 Dossiers')!;
    const ids = (ws.getRow(3).values as unknown[]).slice(1);
    const colOf = (id: string) => ids.indexOf(id) + 1;
    ws.getRow(5).getCell(colOf('softwareRevenue')).value = '九百八十';
    ws.getRow(6).getCell(colOf('bonusAwards.majorInnovation')).value = 0.5;
    await page.getByTestId('import-file').setInputFiles({ name: 'cities-bad.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from(await bad.xlsx.writeBuffer()) });
    await page.getByTestId('import-issues').waitFor();
    const cells = await page.getByTestId('import-issue').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-cell')}:${r.getAttribute('data-code')}`));
    const letter = (n: number) => (n > 26 ? String.fromCharCode(64 + Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));
    expect(cells).toEqual([`${letter(colOf('softwareRevenue'))}5:not_a_number`, `${letter(colOf('bonusAwards.majorInnovation'))}6:invalid_award`]);
    await screenshot(page, 'analyst-import-issues');
    expect(await page.getByTestId('dossier-row-yuzhou-2024').count()).toBe(0);

    // The clean file: checked first (a preview), then imported on confirmation.
    await page.getByTestId('import-file').setInputFiles({ name: 'cities.xlsx', mimeType: 'application/octet-stream', buffer: await exportDossiers(compiled.ruleSet, imported()) });
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-row-yuzhou-2024').innerText()).toContain('新建');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-done').waitFor();
    await page.getByTestId('dossier-row-yuzhou-2024').waitFor();
    expect(await page.getByTestId('verdict-yuzhou-2024').getAttribute('data-status')).toBe('passed');
    expect(await page.getByTestId('verdict-rongcheng-2024').getAttribute('data-status')).toBe('failed');
    await screenshot(page, 'analyst-imported');

    // The form generated from the facts: a bad figure is marked at its field; a good one is saved with its evidence.
    await page.getByTestId('edit-yuzhou-2024').click();
    const revenue = page.getByTestId('fact-softwareRevenue');
    await revenue.waitFor();
    expect(await page.getByTestId('row-revenueGrowthPct').innerText()).toContain('未填时由本年与上年收入推算');
    await revenue.fill('两千');
    expect(await page.getByTestId('error-softwareRevenue').getAttribute('data-code')).toBe('not_a_number');
    await page.getByTestId('fact-bonusAwards.majorInnovation').fill('0.5');
    expect(await page.getByTestId('error-bonusAwards.majorInnovation').getAttribute('data-code')).toBe('invalid_award');
    await page.getByTestId('error-bonusAwards.majorInnovation').scrollIntoViewIfNeeded();
    await screenshot(page, 'analyst-form-errors');
    // Back to the figures as imported (so the later tests see the same city), now with the revenue's evidence.
    const facts = imported()[0].facts as { softwareRevenue: { value: number }; bonusAwards: { majorInnovation: number } };
    await revenue.fill(String(facts.softwareRevenue.value));
    await page.getByTestId('fact-bonusAwards.majorInnovation').fill(String(facts.bonusAwards.majorInnovation));
    await page.getByTestId('evidence-document-softwareRevenue').fill('渝州市2024年统计公报');
    await page.getByTestId('save-dossier').click();
    await expect.poll(() => page.getByTestId('form-message').innerText()).toContain('第 2 版');
    const stored = await fetch(`${server.url}/api/dossiers/yuzhou-2024`, { headers: { Authorization: `Bearer ${server.adminToken}` } }).then((r) => r.json());
    expect(stored.dossier.facts.softwareRevenue).toMatchObject({ value: facts.softwareRevenue.value, evidence: { document: '渝州市2024年统计公报' } });
    await page.close();
  });

  it("opens a city's report: verdict, gates, radar and waterfall render with the engine's numbers; printable", async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/analyst/dossiers`);
    await page.getByTestId('report-yuzhou-2024').click();
    await page.getByTestId('verdict').waitFor();
    const prepared = compiled.checkDossier(imported()[0]);
    if (!prepared.ok) throw new Error('sample does not check');
    const e: Evaluation = await compiled.evaluatePrepared(prepared.dossier);
    expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe(e.outcome.status);
    expect(await page.getByTestId('verdict').getAttribute('data-title')).toBe(e.outcome.title?.id);
    expect(await page.getByTestId('verdict-total').innerText()).toContain(String(e.outcome.total.value));

    // Radar: one axis per indicator, named with awarded/maximum, drawn as SVG.
    const score = e.stages.find((s) => s.kind === 'score')!;
    if (score.kind !== 'score') throw new Error('no score stage');
    const radar = page.getByTestId('radar-chart');
    await radar.locator('svg').waitFor();
    const radarText = await radar.locator('svg text').allTextContents();
    for (const i of score.items) {
      expect(radarText.join('|')).toContain(`${i.label.zh} ${i.points.value}/${i.max}`);
      expect(await page.getByTestId(`awarded-${i.id}`).innerText()).toBe(String(i.points.value));
    }
    expect(await radar.locator('svg path').count()).toBeGreaterThan(3);

    // Waterfall: base, one bar per bonus that adds points, total; labels carry the numbers; the pass mark is drawn.
    const wf = page.getByTestId('waterfall-chart');
    await wf.locator('svg').waitFor();
    const wfText = (await wf.locator('svg text').allTextContents()).join('|');
    const bonus = e.stages.find((s) => s.kind === 'bonus')!;
    if (bonus.kind !== 'bonus') throw new Error('no bonus stage');
    for (const b of bonus.items.filter((x) => (x.points.value ?? 0) > 0)) expect(wfText).toContain(`+${b.points.value}`);
    expect(wfText).toContain(String(e.outcome.baseScore.value));
    expect(wfText).toContain(String(e.outcome.total.value));
    expect(wfText).toContain(`通过线 ${e.outcome.passMark}`);
    expect(await page.getByTestId('wf-total').innerText()).toContain(String(e.outcome.total.value));
    expect(await page.getByTestId('pass-mark').innerText()).toBe(String(e.outcome.passMark));
    expect(await page.getByTestId('gates').locator('tr[data-status="passed"]').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('provenance').innerText()).toContain(compiled.contentHash);
    await screenshot(page, 'analyst-report');
    await page.getByTestId('radar-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'analyst-report-radar');
    await page.getByTestId('waterfall-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'analyst-report-waterfall');

    // Export JSON: the evaluation itself.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const json = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(json.evaluation.outcome.total.value).toBe(e.outcome.total.value);

    // Print: no navigation, the report alone.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.side-nav').isVisible()).toBe(false);
    expect(await page.getByTestId('print-report').isVisible()).toBe(false);
    await screenshot(page, 'analyst-report-print');
    const pdf = await page.pdf({ path: path.join(ROOT, 'test-results', 'analyst-report.pdf'), format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/MediaBox \[0 0 59[56]\.\d* 84[12]\.\d*\]/)).not.toBeNull();
    await page.close();
  });

  it('compares sfc-2017@1 with a variant (bonus cap of 10 points): the city that loses its title is highlighted, the drill-down says why, and the exported workbook reads back', async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-compare').click();
    await page.getByTestId('compare-period').selectOption('2024');
    await page.getByTestId('add-variant-select').selectOption('interp:bonus-cap=cap-10');
    await page.getByTestId('add-variant').click();
    await page.getByTestId('run-compare').click();
    await page.getByTestId('compare-table').waitFor();
    expect(await page.getByTestId('compare-row-yuzhou-2024').getAttribute('data-changed')).toBe('true');
    expect(await page.getByTestId('compare-row-lincheng-2024').getAttribute('data-changed')).toBe('false');
    const changedCell = page.getByTestId('cell-yuzhou-2024-1');
    expect(await changedCell.getAttribute('class')).toContain('changed');
    expect(await changedCell.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.getByTestId('title-yuzhou-2024-0').innerText()).toBe('中国软件名城');
    expect(await page.getByTestId('title-yuzhou-2024-1').innerText()).toBe('未授予称号');
    await page.getByTestId('drill-yuzhou-2024').click();
    await page.getByTestId('drilldown').waitFor();
    expect(await page.getByTestId('drill-total-1').innerText()).toBe('100.5 → 98');
    expect(await page.getByTestId('rule-changes').innerText()).toContain('bonusCap');
    expect(await page.getByTestId('move-stage:bonus').innerText()).toContain('bonusCap');
    await screenshot(page, 'analyst-compare');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-compare-xlsx').click()]);
    expect(download.suggestedFilename()).toBe('comparison.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const sheet = wb.worksheets[0];
    const row = sheet.getRows(3, sheet.rowCount - 2)!.find((r) => r.getCell(2).value === 'yuzhou-2024')!;
    expect([row.getCell(1).value, row.getCell(3).value, row.getCell(7).value, row.getCell(9).value, row.getCell(11).value]).toEqual(['渝州', 100.5, 98, '未授予称号 No title', '是']);
    expect((row.getCell(7).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFE08A');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-compare-csv').click()]);
    expect(readFileSync((await csv.path())!, 'utf8')).toContain('渝州,yuzhou-2024,100.5');
    await page.close();
  });

  it('compares sfc-2017@1 with a draft that lowers the revenue threshold to 900 亿元: the city just below 1000 gains a title, and the drill-down names the threshold', async () => {
    const auth = { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${server.url}/api/drafts`, { method: 'POST', headers: auth, body: JSON.stringify({ from: 'sfc-2017@1' }) });
    const draft = await created.json();
    draft.document.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value = 900;
    const put = await fetch(`${server.url}/api/drafts/${draft.id}`, { method: 'PUT', headers: { ...auth, 'If-Match': created.headers.get('ETag')! }, body: JSON.stringify({ document: draft.document }) });
    expect(put.status).toBe(200);

    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-compare').click();
    await page.getByTestId('compare-period').selectOption('2024');
    await expect.poll(() => page.getByTestId('add-version-select').locator(`option[value="${draft.id}"]`).count()).toBe(1);
    await page.getByTestId('add-version-select').selectOption(draft.id);
    await page.getByTestId('add-version').click();
    await page.getByTestId('run-compare').click();
    await page.getByTestId('compare-table').waitFor();
    expect(await page.getByTestId('compare-row-rongcheng-2024').getAttribute('data-changed')).toBe('true');
    expect(await page.getByTestId('title-rongcheng-2024-0').innerText()).toBe('未授予称号');
    expect(await page.getByTestId('title-rongcheng-2024-1').innerText()).toBe('中国软件特色名城');
    expect(await page.getByTestId('compare-row-yuzhou-2024').getAttribute('data-changed')).toBe('false');
    await page.getByTestId('drill-rongcheng-2024').click();
    await page.getByTestId('drilldown').waitFor();
    expect(await page.getByTestId('rule-changes').innerText()).toContain('revenueThreshold');
    expect(await page.getByTestId('moves').innerText()).toContain('revenueThreshold');
    await screenshot(page, 'analyst-compare-draft');
    await page.close();
  });

  it('sweeps the revenue threshold in a Web Worker: the step chart and the flips render; 300 dossiers × 1,000 values finish within seconds', async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-sensitivity').click();
    await expect.poll(() => page.getByTestId('run-sweep').isEnabled()).toBe(true);
    await page.getByTestId('sweep-parameter').selectOption('revenueThreshold');
    await page.getByTestId('sweep-from').fill('500');
    await page.getByTestId('sweep-to').fill('2000');
    await page.getByTestId('sweep-steps').fill('16');
    await page.getByTestId('run-sweep').click();
    await page.getByTestId('sweep-chart').locator('svg').waitFor();
    expect(await page.getByTestId('flip-fuzhou').innerText()).toContain('1000');
    expect(await page.getByTestId('sweep-point-500').innerText()).toContain('500');
    expect(await page.getByTestId('sweep-chart').locator('svg path').count()).toBeGreaterThan(2);
    await screenshot(page, 'analyst-sweep');

    // At scale: the chosen dossiers copied to 300, swept over 1,000 values, timed inside the worker.
    await page.getByTestId('sweep-steps').fill('1000');
    await page.getByTestId('sweep-scale').fill('300');
    const t0 = Date.now();
    await page.getByTestId('run-sweep').click();
    await expect.poll(() => page.getByTestId('sweep-timing').getAttribute('data-values'), { timeout: 60_000 }).toBe('1000');
    const wall = Date.now() - t0;
    const ms = Number(await page.getByTestId('sweep-timing').getAttribute('data-ms'));
    expect(await page.getByTestId('sweep-timing').getAttribute('data-dossiers')).toBe('300');
    console.log(`sweep in the page's worker: 300 dossiers × 1000 values in ${ms} ms (click to chart ${wall} ms)`);
    expect(ms).toBeLessThan(10_000);
    // The page kept painting while the worker ran: its 100 ms heartbeat kept firing.
    const beats = Number(await page.getByTestId('sweep-timing').getAttribute('data-heartbeats'));
    console.log(`main-thread heartbeats during the sweep: ${beats} (one per 100 ms)`);
    expect(beats).toBeGreaterThanOrEqual(Math.floor(ms / 300));
    await screenshot(page, 'analyst-sweep-300x1000');

    await page.getByTestId('sweep-scale').fill('');
    await page.getByTestId('run-flips').click();
    await page.getByTestId('flips-result').waitFor();
    expect(await page.getByTestId('flipopt-interp:bonus-cap-cap-10').innerText()).toContain('渝州');
    await page.close();
  });

  it('a viewer sees the dossiers and stored reports, but is offered no import, comparison, sweep or cohort', async () => {
    const res = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'reader', role: 'viewer' }) });
    const { token } = await res.json();
    const page = await newPage();
    await signIn(page, server.url, token);
    await page.getByTestId('nav-analyst-dossiers').click();
    await page.getByTestId('dossier-row-yuzhou-2024').waitFor();
    for (const id of ['nav-analyst-compare', 'nav-analyst-sensitivity', 'nav-analyst-cohort', 'import-label', 'new-dossier', 'edit-yuzhou-2024']) expect(await page.getByTestId(id).count(), id).toBe(0);
    await page.getByTestId('report-yuzhou-2024').click();
    expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('passed');
    // In English: the labels come from the translation files, the rule content from the rule set's own English text.
    await page.getByTestId('lang-switch').first().selectOption('en');
    await expect.poll(() => page.getByTestId('nav-analyst-dossiers').innerText()).toBe('Dossiers');
    expect(await page.getByTestId('verdict').innerText()).toContain('China Software Famous City');
    expect(await page.getByTestId('indicator-table').innerText()).toContain('Industrial strength');
    await screenshot(page, 'analyst-report-en');
    await page.close();
  });

  it('runs the cohort of a year: titles after the cap and promotion/demotion, each change with its reason', async () => {
    const page = await newPage();
    await signIn(page, server.url, server.adminToken);
    await page.getByTestId('nav-analyst-cohort').click();
    await page.getByTestId('cohort-period').selectOption('2024');
    await page.getByTestId('run-cohort').click();
    await page.getByTestId('cohort-table').waitFor();
    expect(await page.getByTestId('member-yuzhou').getAttribute('data-change')).toBe('awarded');
    expect(await page.getByTestId('member-rongcheng').getAttribute('data-change')).toBe('not-passed');
    expect(await page.getByTestId('member-yuzhou').innerText()).toContain('新授予');
    expect(await page.getByTestId('cohort-titles').innerText()).toContain('渝州');
    await screenshot(page, 'analyst-cohort');
    await page.close();
  });
});
