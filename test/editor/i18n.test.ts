// Every UI label comes from the translation files: both languages have the same keys, and every literal key the editor uses exists.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../editor/src');
const load = (f: string) => JSON.parse(readFileSync(path.join(SRC, 'i18n', f), 'utf8')) as Record<string, unknown>;

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
// Plural forms differ by language (Chinese has only "other"), so compare the keys without their plural suffix.
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

describe('translation files', () => {
  const zh = load('zh-CN.json');
  const en = load('en.json');

  it('zh-CN and en have the same keys', () => {
    expect([...new Set(keys(en).map(base))].sort()).toEqual([...new Set(keys(zh).map(base))].sort());
  });

  it('every literal t("...") key in editor/src exists in both files', () => {
    const zhKeys = new Set(keys(zh).map(base));
    const used = new Set<string>();
    for (const f of sources(SRC)) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('has a label for every operator, formula kind and evaluation status the engine knows', async () => {
    const { OPERATORS } = await import('../../engine/index.js');
    const zhKeys = new Set(keys(zh));
    for (const o of OPERATORS) expect(zhKeys.has(`operators.${o}`), o).toBe(true);
    for (const k of ['steps', 'threshold', 'perItemTiers', 'awards', 'expression']) expect(zhKeys.has(`bonus.kinds.${k}`), k).toBe(true);
    for (const s of ['passed', 'failed', 'undecided', 'not-applicable']) expect(zhKeys.has(`status.${s}`), s).toBe(true);
  });
});
