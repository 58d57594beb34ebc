// Checks run inside a page: English words left in the Chinese interface, text wrapped one character per line, and table cells too narrow to read (on screen or in print).
import type { Page } from 'playwright-core';

/** Tokens that may stand in Chinese text: ids, references, clause numbers, hashes, file types, units and the product's own names. */
const ALLOWED = [
  /^[a-z0-9]+(-[a-z0-9]+)*@(\d+|\d{4}-\d{2}-\d{2})$/, // rule-set refs: sfc-2017@1
  /^(draft|ev|tok)-\d+$/, // record ids
  /^[a-z]+(-[a-z0-9]+)*-\d{4}$/, // dossier ids: wuhan-2018
  /^[A-Z]{1,2}\d+(\.\d+)*$/, // clause ids: I1.1
  /^sha256:/,
  /^mc_/,
  /^\.?[a-z0-9-]+\.(json|xlsx|csv)$/, // file names: v1.json
];
/** Words of ASCII letters that Chinese text uses as they are: abbreviations, file types, the product's name. */
const WORDS = new Set(['JSON', 'CSV', 'xlsx', 'PDF', 'A4', 'API', 'Mingcheng', 'English', 'OpenAPI', 'ID', 'IT', 'GDP', 'R&D', 'kB', 'MB', 'sha256']);

/**
 * The visible words of ASCII letters on the page that are not ids, numbers or units, with the text they stand in.
 * `names` are names people chose (token holders, cities): data, not interface text. An id in brackets beside its label
 * ("产业规模门槛（revenueThreshold）") is a reference, not a word. `skip` selects parts of the page left out of the scan.
 */
export async function untranslated(page: Page, opts: { names?: string[]; skip?: string } = {}): Promise<string[]> {
  const names = new Set(opts.names ?? []);
  const found: { token: string; context: string }[] = await page.evaluate((extraSkip) => {
    const out: { token: string; context: string }[] = [];
    const sel = `.id, .mono, .user-name, code, pre, .monaco-editor, script, style, noscript, [data-ascii-ok]${extraSkip ? `, ${extraSkip}` : ''}`;
    const skip = (el: Element) => !!el.closest(sel);
    const visible = (el: Element) => {
      const st = getComputedStyle(el);
      return st.display !== 'none' && st.visibility !== 'hidden' && el.getClientRects().length > 0;
    };
    const scan = (raw: string, el: Element) => {
      // An id in brackets right after its label is a reference.
      const text = raw.replace(/[（(][A-Za-z][\w:.@-]*[）)]/g, ' ');
      for (const token of text.split(/[\s，。、：；（）()「」“”"'·,:;!?！？\[\]{}<>=+/|→←…—–]+/)) if (/[A-Za-z]{2,}/.test(token)) out.push({ token, context: raw.trim().slice(0, 80) + ` <${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? ` ${el.getAttribute('data-testid')}` : ''}>` });
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const n = walker.currentNode as Text;
      const el = n.parentElement;
      if (!el || el.closest('select') || skip(el) || !visible(el)) continue;
      scan(n.textContent ?? '', el);
    }
    // What a select offers is read too; placeholders and titles are words a person reads.
    for (const o of Array.from(document.querySelectorAll('select option'))) if (!skip(o) && visible(o.parentElement!)) scan(o.textContent ?? '', o);
    for (const el of Array.from(document.querySelectorAll('[placeholder], [aria-label]'))) if (!skip(el) && visible(el)) scan(`${el.getAttribute('placeholder') ?? ''} ${el.getAttribute('aria-label') ?? ''}`, el);
    return out;
  }, opts.skip ?? '');
  const ok = (token: string) => {
    const t = token.replace(/^[.#]+|[.#%]+$/g, '');
    if (names.has(t) || ALLOWED.some((re) => re.test(t))) return true;
    // Within a token (单位GDP综合能耗), each run of ASCII letters must be a known word.
    return (t.match(/[A-Za-z][A-Za-z0-9&]*/g) ?? []).every((w) => w.length < 2 || WORDS.has(w) || names.has(w));
  };
  return found.filter((f) => !ok(f.token)).map((f) => `${f.token} ← ${f.context}`);
}

/** Elements whose own text is laid out about one character per line (a column or button squeezed too narrow), counted by its line boxes. */
export async function oneCharPerLine(page: Page, selector = 'td, th, button, a, label, h1, h2, h3, .badge, .kind-tag, li'): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll(sel))) {
      if (!el.getClientRects().length) continue;
      for (const node of Array.from(el.childNodes)) {
        if (node.nodeType !== Node.TEXT_NODE) continue;
        const text = (node.textContent ?? '').trim();
        if (text.length < 2) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (tops.size >= 2 && tops.size >= text.length * 0.6) out.push(`${el.tagName.toLowerCase()} "${text.slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}px wide, ${tops.size} lines`);
      }
    }
    return out;
  }, selector);
}

/** Table cells narrower than two characters of their own font (text of two or more characters squeezed to a sliver). */
export async function narrowCells(page: Page, root = 'body'): Promise<string[]> {
  return page.evaluate((rootSel) => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelector(rootSel)!.querySelectorAll('td, th'))) {
      const text = (el.textContent ?? '').trim();
      if (text.length < 2) continue;
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      const fs = parseFloat(st.fontSize);
      const inner = r.width - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
      if (r.width > 0 && inner < fs * 1.8) out.push(`"${text.slice(0, 30)}" ${Math.round(inner)}px inside`);
    }
    return out;
  }, root);
}
