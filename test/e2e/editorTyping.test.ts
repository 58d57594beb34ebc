// Typing in the JSON view of the 5,000-line rule set, in Debian's chromium: fast and slow, at several places, the document holds exactly what was typed where it was typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureEditorBuilt, launchChromium, screenshots, signIn, startServer, type E2EServer } from './harness.js';

let server: E2EServer;
let browser: Browser;
const pageErrors: string[] = [];

const poll = <T,>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 20_000, interval: 100, ...opts });

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => server.api(method, url, body, { headers });

beforeAll(async () => {
  await ensureEditorBuilt();
  server = await startServer();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The lines Monaco shows, top to bottom (its DOM keeps recycled lines in any order; their `top` gives the order). */
function visibleText(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="json-editor"] .view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.textContent ?? '')
      .join('\n'),
  );
}

function firstDifference(got: string, expected: string): string {
  let k = 0;
  while (k < got.length && got[k] === expected[k]) k++;
  return `first difference at offset ${k}: got ${JSON.stringify(got.slice(k - 40, k + 60))}, expected ${JSON.stringify(expected.slice(k - 40, k + 60))}`;
}

/** One place to type at: where the cursor goes (an offset in the text) and how a person gets it there. */
interface Place {
  offset: number;
  typed: string;
  delay: number;
  go(page: Page): Promise<void>;
}

/** Unique English labels spread over the document: typing goes inside the string, just before its closing quote. */
function labelPlaces(text: string, fractions: number[]): { needle: string; offset: number; line: number }[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  let acc = 0;
  for (const l of lines) {
    starts.push(acc);
    acc += l.length + 1;
  }
  const out: { needle: string; offset: number; line: number }[] = [];
  for (const f of fractions) {
    for (let n = Math.floor(lines.length * f); n < lines.length; n++) {
      const m = /^\s*"en": "([A-Za-z][^"\\]{11,})",?$/.exec(lines[n]);
      if (!m) continue;
      const needle = m[1];
      if (text.indexOf(needle) !== text.lastIndexOf(needle)) continue;
      out.push({ needle, offset: text.indexOf(needle) + needle.length, line: n + 1 });
      break;
    }
  }
  return out;
}

/** The line that is the last element of a `cites` array (`"I4.1"` before `]`), from a given line on. */
function lastCiteLine(text: string, fromLine: number): { line: number; offset: number } {
  const lines = text.split('\n');
  let acc = lines.slice(0, fromLine - 1).reduce((s, l) => s + l.length + 1, 0);
  for (let n = fromLine - 1; n < lines.length - 1; n++) {
    if (/^\s*"[NMI][0-9.]+"$/.test(lines[n]) && /^\s*\],?$/.test(lines[n + 1])) return { line: n + 1, offset: acc + lines[n].length };
    acc += lines[n].length + 1;
  }
  throw new Error('no cites array');
}

describe('the JSON view in chromium', () => {
  it('keeps every keystroke where it was typed, fast or slow, anywhere in the 5,000-line document', async () => {
    const created = await api('POST', '/api/drafts', { from: 'sfc-2017@1' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const original = JSON.stringify(created.body.document, null, 2);
    const lineCount = original.split('\n').length;
    expect(lineCount).toBeGreaterThan(5000);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(45_000);
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/drafts/${id}?tab=json`);
    const editor = page.locator('[data-testid="json-editor"] .monaco-editor');
    await editor.waitFor();
    await poll(async () => (await visibleText(page)).replace(/\u00a0/g, ' ')).toContain('"formatVersion": 1');
    await page.locator('[data-testid="json-editor"] .view-lines').click();
    // Saves are refused while typing (as when the server is out of reach), so the page's own copy of the text stays in
    // this browser and can be compared character for character; they go through afterwards.
    const route = `**/api/drafts/${id}`;
    await page.route(route, (r) => (r.request().method() === 'PUT' ? r.abort() : r.continue()));

    // Inside strings: letters, digits, CJK, escaped quotes, brackets and punctuation; outside strings: `, "I2.1"` after the last
    // clause of a cites array, where Monaco closes the quote itself and the typed closing quote steps over it (`"x"`, never `"x""`).
    const snippets = [
      ' (raised in 2026: "at least" means >=, {see} [I1.1]; 甲乙丙丁)',
      ' — fast typing check #2, with \\"escaped quotes\\" and 50% / 3.5 points',
      ' | third place: ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789',
      ' / 第四处：快速输入中文与 English mixed, commas, colons: done',
      ' ~ last place near the end of the document, typed at full speed!',
    ].map((s) => s.replace(/(^|[^\\])"/g, '$1\\"'));
    const labels = labelPlaces(original, [0.01, 0.25, 0.5, 0.75, 0.97]);
    expect(labels).toHaveLength(5);
    const places: Place[] = labels.map((l, n) => ({
      offset: l.offset,
      typed: snippets[n],
      // The second place is typed slowly, the others at full speed (no delay between keys).
      delay: n === 1 ? 40 : 0,
      // As a person would: find the label (Ctrl+F), close the search, step to the end of the match.
      go: async (p) => {
        await p.keyboard.press('Control+F');
        const find = p.locator('[data-testid="json-editor"] .find-widget textarea').first();
        await find.waitFor();
        await find.fill(l.needle);
        await p.keyboard.press('Enter');
        await p.keyboard.press('Escape');
        await p.keyboard.press('ArrowRight');
      },
    }));
    for (const from of [0.1, 0.6]) {
      const c = lastCiteLine(original, Math.floor(lineCount * from));
      places.push({
        offset: c.offset,
        typed: ', "I2.1"',
        delay: 0,
        // Ctrl+G, the line number, then End.
        go: async (p) => {
          await p.keyboard.press('Control+G');
          await p.keyboard.type(String(c.line));
          await p.keyboard.press('Enter');
          await p.keyboard.press('End');
        },
      });
    }

    let expected = original;
    let shift = 0;
    const done: { offset: number; len: number }[] = [];
    const t0 = Date.now();
    const perPlace: string[] = [];
    let held: string | null = null;
    for (const [n, pl] of places.entries()) {
      await pl.go(page);
      const k0 = Date.now();
      await page.keyboard.type(pl.typed, { delay: pl.delay });
      perPlace.push(`${pl.typed.length} chars in ${Date.now() - k0} ms`);
      // The typed text is on screen where it was typed.
      // (Long lines wrap, so whitespace is left out of the comparison.)
      const squash = (x: string) => x.replace(/\\"/g, '"').replace(/[\s\u00a0]+/g, '');
      const tail = squash(pl.typed.slice(-16));
      await poll(async () => squash(await visibleText(page))).toContain(tail);
      if (n === 0) await screenshots(page, 'json-typing');
      // The expected text: each snippet inserted at its offset (earlier insertions move later offsets).
      shift = done.filter((d) => d.offset <= pl.offset).reduce((s, d) => s + d.len, 0);
      expected = expected.slice(0, pl.offset + shift) + pl.typed + expected.slice(pl.offset + shift);
      done.push({ offset: pl.offset, len: pl.typed.length });
    }
    const typedChars = places.reduce((s, p) => s + p.typed.length, 0);
    console.log(`typed ${typedChars} characters at ${places.length} places (lines ${labels.map((l) => l.line).join(', ')} and two cites arrays) in ${Date.now() - t0} ms (${perPlace.join('; ')})`);
    expect(typedChars).toBeGreaterThan(300);

    // The page's own copy of the text is exactly the expected text, character for character...
    await page.waitForTimeout(600);
    held = await page.evaluate((key) => localStorage.getItem(key), `mingcheng.backup.${id}`);
    expect(held).not.toBeNull();
    if (held) {
      const heldText = (JSON.parse(held) as { text: string }).text;
      if (heldText !== expected) console.log(firstDifference(heldText, expected));
      expect(heldText === expected).toBe(true);
    }
    // ...and once the server answers again, the saved draft is the expected document.
    await page.unroute(route);
    await poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('saved');
    const saved = await api('GET', `/api/drafts/${id}`);
    expect(saved.body.document).toEqual(JSON.parse(expected));
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);
});

describe('the JSON view while saves go through', () => {
  it("keeps the cursor where it is, and lines as I formatted them, when a colleague's save is merged in while I type", async () => {
    const created = await api('POST', '/api/drafts', { from: 'sfc-2017@1' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const original = JSON.stringify(created.body.document, null, 2);
    const lineCount = original.split('\n').length;

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(45_000);
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/drafts/${id}?tab=json`);
    await page.locator('[data-testid="json-editor"] .monaco-editor').waitFor();
    await poll(async () => (await visibleText(page)).replace(/\u00a0/g, ' ')).toContain('"formatVersion": 1');
    await page.locator('[data-testid="json-editor"] .view-lines').click();
    const gotoLine = async (line: number) => {
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(line));
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
    };
    const findLabel = async (needle: string) => {
      await page.keyboard.press('Control+F');
      const find = page.locator('[data-testid="json-editor"] .find-widget textarea').first();
      await find.waitFor();
      await find.fill(needle);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await page.keyboard.press('ArrowRight');
    };

    // Two clauses typed into cites arrays on one line (as people type JSON), far apart: the merged document written out in
    // full would put them on lines of their own, moving the text around the cursor between them.
    const early = lastCiteLine(original, Math.floor(lineCount * 0.1));
    const late = lastCiteLine(original, Math.floor(lineCount * 0.8));
    await gotoLine(early.line);
    await page.keyboard.type(', "I2.1"');
    await gotoLine(late.line);
    await page.keyboard.type(', "I2.2"');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('saved');

    // Between them, I type into a label at full speed; my next save is held until I am halfway through.
    const [label] = labelPlaces(original, [0.5]);
    expect(label.line).toBeGreaterThan(early.line);
    expect(label.line).toBeLessThan(late.line);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    await page.route(`**/api/drafts/${id}`, async (r) => {
      if (r.request().method() === 'PUT') await gate;
      await r.fallback();
    });
    await findLabel(label.needle);
    const first = ' first half typed before the merge,';
    const second = ' second half typed after it — 第二段 at full speed';
    await page.keyboard.type(first);
    // Meanwhile a colleague changes the featured pass mark (a line between the two cites arrays) and saves.
    const cur = await api('GET', `/api/drafts/${id}`);
    cur.body.document.parameters.find((p: { id: string }) => p.id === 'passMarkFeatured').value = 93;
    expect((await api('PUT', `/api/drafts/${id}`, { document: cur.body.document }, { 'If-Match': cur.etag! })).status).toBe(200);
    // My save goes out after theirs: refused, merged, and the merged text applied to the model under the cursor.
    await page.waitForTimeout(1000);
    open();
    await page.getByTestId('merge-notice').waitFor();
    await page.keyboard.type(second);
    // The saved draft has the last keys (the save state on screen follows once the keys pause).
    await poll(async () => JSON.stringify((await api('GET', `/api/drafts/${id}`)).body.document).includes(second.trim().slice(-10)), { timeout: 30_000 }).toBe(true);
    await poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('saved');
    await screenshots(page, 'json-typing-merged');
    // The lines I formatted by hand are as I typed them.
    for (const [c, clause] of [[early, 'I2.1'], [late, 'I2.2']] as const) {
      await gotoLine(c.line);
      await poll(async () => (await visibleText(page)).replace(/\u00a0/g, ' ')).toMatch(new RegExp(`"[NMI][0-9.]+", "${clause.replace('.', '\\.')}"`));
    }

    const doc = JSON.parse(original);
    const expected = JSON.parse(JSON.stringify(doc).replace(JSON.stringify(label.needle), JSON.stringify(label.needle + first + second)));
    const saved = (await api('GET', `/api/drafts/${id}`)).body.document;
    expect(saved.parameters.find((p: { id: string }) => p.id === 'passMarkFeatured').value).toBe(93);
    // Every typed character is where it was typed: the label holds both halves in order, the cites arrays their clause.
    const flat = JSON.stringify(saved);
    const at = flat.indexOf(second.trim().slice(0, 12));
    expect(flat.includes(JSON.stringify(label.needle + first + second)), `the second half is at ${JSON.stringify(flat.slice(at - 120, at + 60))}`).toBe(true);
    expect(flat.split('"I2.1"').length - JSON.stringify(doc).split('"I2.1"').length).toBe(1);
    expect(flat.split('"I2.2"').length - JSON.stringify(doc).split('"I2.2"').length).toBe(1);
    // And nothing else changed.
    const strip = (d: any) => JSON.stringify(d).replace(/,"I2\.[12]"/g, '');
    expected.parameters.find((p: { id: string }) => p.id === 'passMarkFeatured').value = 93;
    expect(strip(saved)).toBe(strip(expected));
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
