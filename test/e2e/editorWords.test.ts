// The rule editor's words and controls in Debian's chromium: labels with their parameters filled, enum options by name, a description for every parameter, explicit value sources and unit checks in the condition builder, keyboard undo/redo and tabs, and autosaves that change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureEditorBuilt, launchChromium, screenshots, signIn, startServer, type E2EServer } from './harness.js';

let server: E2EServer;
let browser: Browser;
const pageErrors: string[] = [];

const poll = <T,>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 15_000, interval: 50, ...opts });

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => server.api(method, url, body, { headers });

async function openDraft(tab = 'parameters'): Promise<{ page: Page; id: string }> {
  const created = await api('POST', '/api/drafts', { from: 'sfc-2017@1' });
  expect(created.status).toBe(201);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(30_000);
  await signIn(page, server.url, server.adminToken);
  await page.goto(`${server.url}/drafts/${created.body.id}?tab=${tab}`);
  await page.getByTestId(`tab-${tab}`).waitFor();
  return { page, id: created.body.id };
}

const savedDoc = async (id: string) => (await api('GET', `/api/drafts/${id}`)).body.document;

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

describe('words a policy officer reads', () => {
  it('fills every {parameter} in card titles, 备注 lists and condition labels, and follows a changed value', async () => {
    const { page } = await openDraft('conditions');
    const gate = page.getByTestId('item-gate:industry-scale');
    await poll(() => gate.locator('h3').innerText()).toBe('产业规模不低于1000亿元');
    // Nowhere on any tab does a placeholder reach the screen.
    for (const tab of ['conditions', 'indicators', 'bonus', 'outcome', 'parameters', 'interpretations'] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.locator('section[aria-label]').first().waitFor();
      expect(await page.locator('.tab-body').innerText(), tab).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
    }
    await page.getByTestId('tab-bonus').click();
    expect(await page.getByTestId('item-bonus:revenue-steps').locator('h3').innerText()).toBe('软件业务收入超过1000亿的加分');
    expect(await page.getByTestId('item-bonus:large-firm-tiers').locator('h3').innerText()).toBe('过50亿、100亿、300亿元企业');
    await screenshots(page, 'labels-bonus');
    await page.getByTestId('tab-indicators').click();
    expect(await page.getByTestId('requirement-req:listed-firms').innerText()).toBe('上市软件企业不低于8家');
    expect(await page.getByTestId('requirement-req:floor-area').innerText()).toBe('用房面积不低于500万平方米，每平方米产出不低于20000元');
    await screenshots(page, 'labels-indicators', page.getByTestId('requirement-req:listed-firms'));
    await page.getByTestId('tab-outcome').click();
    expect(await page.getByTestId('item-outcome:comprehensive').locator('h3').innerText()).toBe('综合型：总分达到100分，授予“中国软件名城”');
    await screenshots(page, 'labels-outcome', page.getByTestId('item-outcome:comprehensive'));
    // A new threshold shows in every title that names it.
    await page.getByTestId('tab-parameters').click();
    await page.getByTestId('param-value-revenueThreshold').fill('1200');
    await page.getByTestId('tab-conditions').click();
    await poll(() => gate.locator('h3').innerText()).toBe('产业规模不低于1200亿元');
    // The template stays visible as the tooltip.
    expect(await gate.locator('h3').getAttribute('title')).toBe('产业规模不低于{revenueThreshold}亿元');
    await screenshots(page, 'labels-gates', gate);
    await page.close();
  }, 120_000);

  it('shows enum parameters by the names of their options and a description for every parameter, from the policy notes when the rule set has none', async () => {
    const { page, id } = await openDraft('parameters');
    const rounding = page.getByTestId('param-value-revenueBonusRounding');
    // (The policy notes arrive just after the page; until then the interpretations name the options.)
    await poll(() => rounding.locator('option').allInnerTexts()).toEqual(['整步（字面）', '按比例']);
    expect(await page.getByTestId('param-value-firmTierMode').locator('option:checked').innerText()).toBe('只计最高档（字面）');
    // No option of any enum parameter shows its id.
    for (const pid of ['nationalIncrementMethod', 'rdGateSeverity', 'revenueBonusRounding', 'firmTierMode', 'capRankBy']) {
      const texts = await page.getByTestId(`param-value-${pid}`).locator('option').allInnerTexts();
      expect(texts.every((x) => /[\u4e00-\u9fff]/.test(x)), `${pid}: ${texts.join(' / ')}`).toBe(true);
    }
    // Every parameter row has a description: sfc-2017@1 carries none, so each comes from the policy notes, with its source.
    const rows = await page.locator('[data-testid^="param-row-"]').count();
    expect(rows).toBe(57);
    await poll(() => page.locator('[data-testid^="param-note-"]').count()).toBe(rows);
    const note = page.getByTestId('param-note-revenueBonusRounding');
    expect(await note.innerText()).toContain('只计整步');
    expect(await note.innerText()).toContain('default-interpretations.md #13');
    await screenshots(page, 'parameters-enum-descriptions', page.getByTestId('param-row-revenueBonusRounding'));
    // Choosing the other option by its name; the base value is shown by name too.
    await rounding.selectOption({ label: '按比例' });
    await poll(() => page.getByTestId('param-was-revenueBonusRounding').innerText()).toBe('原值 整步（字面）');
    // A note can be adopted as the draft's own description.
    await page.getByTestId('adopt-note-revenueThreshold').click();
    await poll(() => page.getByTestId('param-description-revenueThreshold').inputValue()).toContain('控制性指标');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const doc = await savedDoc(id);
    const p = (pid: string) => doc.parameters.find((x: { id: string }) => x.id === pid);
    expect(p('revenueBonusRounding').value).toBe('proRata');
    expect(p('revenueThreshold').description.en).toContain('Control indicator');
    // Interpretations say what they set in words.
    await page.getByTestId('tab-interpretations').click();
    expect(await page.getByTestId('sets-interp:revenue-bonus-steps-whole-steps').innerText()).toBe('设置参数: 收入加分步数取整方式 = 整步（字面）');
    expect(await page.getByTestId('sets-interp:bonus-cap-cap-10').innerText()).toBe('设置参数: 加分总上限 = 10 分');
    // In English too.
    await page.getByTestId('lang-switch').selectOption('en');
    await page.getByTestId('tab-parameters').click();
    expect(await page.getByTestId('param-value-firmTierMode').locator('option').allInnerTexts()).toEqual(['Highest tier only (literal)', 'Every tier adds up']);
    await screenshots(page, 'parameters-enum-descriptions-en', page.getByTestId('param-row-firmTierMode'));
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.close();
  }, 120_000);
});

describe('the condition builder', () => {
  it('never picks a parameter or fact by itself, and lists a count compared with 亿元 as a problem', async () => {
    const { page, id } = await openDraft('conditions');
    const gate = page.getByTestId('item-gate:industry-scale');
    const leaf = gate.getByTestId('cond-leaf').first();
    // The gate compares revenue with the parameter; make it a literal: it keeps the value it compared with.
    await leaf.getByLabel('比较对象').selectOption('number');
    await poll(() => leaf.getByLabel('值', { exact: true }).inputValue()).toBe('1000');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const gateCondition = async () => (await savedDoc(id)).stages.find((s: { id: string }) => s.id === 'stage:control').items[0].condition;
    expect((await gateCondition()).value).toBe(1000);
    // Back to a parameter: the picker waits for a choice, and the document keeps the literal meanwhile.
    await leaf.getByLabel('比较对象').selectOption('param');
    const picker = leaf.getByTestId('pick-param');
    expect(await picker.inputValue()).toBe('');
    expect(await picker.locator('option:checked').innerText()).toBe('— 请选择参数 —');
    // Parameters in the same unit come first.
    expect(await picker.locator('optgroup').first().getAttribute('label')).toBe('单位相同（亿元）');
    expect(await picker.locator('optgroup').first().locator('option').allInnerTexts()).toContain('产业规模门槛 = 1000 亿元');
    await screenshots(page, 'condition-source-pending', gate);
    await page.waitForTimeout(1200);
    expect(await page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect((await gateCondition()).value).toBe(1000);
    await picker.selectOption('revenueThreshold');
    await poll(async () => (await gateCondition()).value).toEqual({ param: 'revenueThreshold' });
    // Another fact: the same, nothing is chosen for me.
    await leaf.getByLabel('比较对象').selectOption('fact');
    expect(await leaf.getByTestId('pick-fact').inputValue()).toBe('');
    await leaf.getByLabel('比较对象').selectOption('param');
    expect(await leaf.getByTestId('pick-param').inputValue()).toBe('revenueThreshold');

    // A count of firms compared with a threshold in 亿元: a problem in the panel and on the card.
    await leaf.getByLabel('数据项').selectOption('firmsOver100M');
    const problem = page.getByTestId('problem').filter({ hasText: '单位不同' });
    await problem.waitFor();
    // Where it is and what is compared, by the rule set's labels, in Chinese.
    expect(await problem.innerText()).toContain('“控制性”指标 › 产业规模不低于1000亿元');
    expect(await problem.innerText()).toContain('“软件业务收入过亿元企业数”（计数）与“产业规模门槛”（亿元）相比较');
    expect(await gate.locator('.inline-issues').innerText()).toContain('比较的两边单位不同');
    expect(await gate.locator('.inline-issues').innerText()).toContain('“软件业务收入过亿元企业数”（计数）');
    await page.getByTestId('preview-paused').waitFor();
    await screenshots(page, 'condition-unit-problem', gate);
    // Put back, the problem goes.
    await leaf.getByLabel('数据项').selectOption('softwareRevenue');
    await poll(() => page.getByTestId('problem').filter({ hasText: '单位不同' }).count()).toBe(0);

    // Adding a condition asks for its fact first; nothing enters the document until then.
    const body = page.getByTestId('item-check:working-body');
    await body.getByRole('button', { name: '套入“全部”' }).first().click();
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const before = (await savedDoc(id)).stages.find((s: { id: string }) => s.id === 'stage:formal-review').items[1].condition;
    await body.getByRole('button', { name: '+ 添加条件' }).click();
    await body.getByTestId('pending-fact').waitFor();
    await page.waitForTimeout(1200);
    expect((await savedDoc(id)).stages.find((s: { id: string }) => s.id === 'stage:formal-review').items[1].condition).toEqual(before);
    await screenshots(page, 'condition-add-pending', body);
    await body.getByTestId('pending-fact').selectOption('hasNationalSoftwarePark');
    await poll(async () => (await savedDoc(id)).stages.find((s: { id: string }) => s.id === 'stage:formal-review').items[1].condition.all).toHaveLength(2);
    expect((await savedDoc(id)).stages.find((s: { id: string }) => s.id === 'stage:formal-review').items[1].condition.all[1]).toEqual({ fact: 'hasNationalSoftwarePark', operator: 'equal', value: true });
    await page.close();
  }, 120_000);
});

describe('the keyboard', () => {
  it('undoes and redoes with Ctrl+Z / Ctrl+Shift+Z outside Monaco, and reaches every tab', async () => {
    const { page, id } = await openDraft('parameters');
    const value = page.getByTestId('param-value-revenueThreshold');
    // Typing in one box is one step of undo.
    await value.click();
    await value.press('Control+A');
    await value.pressSequentially('1250');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await page.getByTestId('param-value-passMarkFeatured').fill('95');
    // Focus outside any field, then the keys.
    await page.locator('h1').click();
    await page.keyboard.press('Control+Z');
    await poll(() => page.getByTestId('param-value-passMarkFeatured').inputValue()).toBe('90');
    await page.keyboard.press('Control+Z');
    await poll(() => value.inputValue()).toBe('1000');
    await page.keyboard.press('Control+Shift+Z');
    await poll(() => value.inputValue()).toBe('1250');
    // Inside a field the same keys step through the document's history too.
    await value.click();
    await page.keyboard.press('Control+Z');
    await poll(() => value.inputValue()).toBe('1000');
    await page.keyboard.press('Control+Y');
    await poll(() => value.inputValue()).toBe('1250');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect((await savedDoc(id)).parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value).toBe(1250);

    // Tabs: Tab reaches the open tab, arrows move along them and open them, Home and End go to the ends.
    await page.getByTestId('undo').focus();
    for (let n = 0; n < 12; n++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.getAttribute('role'))) === 'tab') break;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tab-parameters');
    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByTestId('tab-indicators').getAttribute('aria-selected')).toBe('true');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tab-indicators');
    await page.getByTestId('indicator-sum').waitFor();
    await screenshots(page, 'keyboard-tabs');
    await page.keyboard.press('End');
    await poll(() => page.getByTestId('tab-json').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await poll(() => page.getByTestId('tab-parameters').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await poll(() => page.getByTestId('tab-json').getAttribute('aria-selected')).toBe('true');
    // From the tab, Tab goes on into the open section.
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="tabpanel"]') !== null)).toBe(true);
    expect(new URL(page.url()).searchParams.get('tab')).toBe('parameters');
    await page.close();
  }, 120_000);
});

describe('autosave', () => {
  it('writes no revision and no audit entry when nothing changed: a JSON change of spacing only', async () => {
    const { page, id } = await openDraft('json');
    const puts: string[] = [];
    page.on('request', (r) => r.method() === 'PUT' && puts.push(r.url()));
    const auditCount = async () => (await api('GET', '/api/audit')).body.entries.length as number;
    const audit0 = await auditCount();
    expect(audit0).toBeGreaterThan(0);
    const rev0 = (await api('GET', `/api/drafts/${id}`)).body.revision;
    // A space added before a key changes the text, not the document.
    await page.locator('[data-testid="json-editor"] .monaco-editor').waitFor();
    await page.locator('[data-testid="json-editor"] .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.type(' ');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('dirty');
    await page.waitForTimeout(1500);
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect(puts).toEqual([]);
    expect((await api('GET', `/api/drafts/${id}`)).body.revision).toBe(rev0);
    expect(await auditCount()).toBe(audit0);
    await screenshots(page, 'autosave-unchanged');
    await page.close();
  }, 90_000);
});
