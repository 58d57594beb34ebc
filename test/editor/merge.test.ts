// Three-way merge of concurrent draft edits and the minimal text edit that carries outside changes into the JSON view.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conflictItems, mergeDocuments } from '../../editor/src/model/merge.js';
import { applyEdit, applyEdits, lineEdits, minimalEdit, rebaseText } from '../../editor/src/model/textEdit.js';
import type { RuleSet } from '../../engine/index.js';

const v1 = (): RuleSet => JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../rules/sfc-2017/v1.json'), 'utf8'));
const setParam = (rs: RuleSet, id: string, value: unknown): RuleSet => ({ ...rs, parameters: rs.parameters.map((p) => (p.id === id ? { ...p, value } : p)) as RuleSet['parameters'] });
const param = (rs: RuleSet, id: string) => rs.parameters.find((p) => p.id === id)!;

describe('mergeDocuments', () => {
  it('combines changes to different parameters', () => {
    const base = v1();
    const mine = setParam(base, 'revenueThreshold', 1200);
    const theirs = setParam(base, 'passMarkFeatured', 95);
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(param(r.merged, 'revenueThreshold').value).toBe(1200);
    expect(param(r.merged, 'passMarkFeatured').value).toBe(95);
    // Everything else is as it was.
    expect(r.merged).toEqual(setParam(setParam(base, 'revenueThreshold', 1200), 'passMarkFeatured', 95));
  });

  it('combines different fields of one parameter and changes in different stages', () => {
    const base = v1();
    const mine = structuredClone(base);
    param(mine, 'revenueThreshold').value = 1100;
    mine.stages[0].label = { zh: '形式审查（新）', en: 'Formal review (new)' };
    const theirs = structuredClone(base);
    param(theirs, 'revenueThreshold').description = { zh: '说明', en: 'Note' };
    theirs.stages[3].label = { zh: '其他', en: 'Other' };
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(param(r.merged, 'revenueThreshold')).toMatchObject({ value: 1100, description: { zh: '说明', en: 'Note' } });
    expect(r.merged.stages[0].label.zh).toBe('形式审查（新）');
    expect(r.merged.stages[3].label.zh).toBe('其他');
  });

  it('keeps an item added on one side and an item removed on the other', () => {
    const base = v1();
    const mine = structuredClone(base);
    const added = { ...structuredClone(param(base, 'parksMin')), id: 'parksMinNew' };
    mine.parameters.splice(5, 0, added);
    const theirs = structuredClone(base);
    theirs.parameters = theirs.parameters.filter((p) => p.id !== 'floorAreaMin');
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    const ids = r.merged.parameters.map((p) => p.id);
    expect(ids).toContain('parksMinNew');
    expect(ids.indexOf('parksMinNew')).toBe(ids.indexOf(base.parameters[4].id) + 1);
    expect(ids).not.toContain('floorAreaMin');
    expect(ids).toHaveLength(base.parameters.length);
  });

  it('reports the same field changed two ways as one conflict of that item, with all three values', () => {
    const base = v1();
    const mine = setParam(setParam(base, 'revenueThreshold', 1200), 'bachelorMinPct', 65);
    const theirs = setParam(setParam(base, 'revenueThreshold', 1500), 'parksMin', 7);
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ key: 'parameters[revenueThreshold].value', itemKey: 'parameters[revenueThreshold]', field: 'value', base: 1000, mine: 1200, theirs: 1500, itemPath: ['parameters', 0] });
    expect((r.conflicts[0].item.mine as { value: number }).value).toBe(1200);
    // The rest merged: my other change and theirs are both in.
    expect(param(r.merged, 'bachelorMinPct').value).toBe(65);
    expect(param(r.merged, 'parksMin').value).toBe(7);
    // Choosing per item resolves it either way.
    expect(param(mergeDocuments(base, mine, theirs, () => 'mine').merged, 'revenueThreshold').value).toBe(1200);
    const t = mergeDocuments(base, mine, theirs, (k) => (k === 'parameters[revenueThreshold]' ? 'theirs' : undefined));
    expect(t.conflicts).toEqual([]);
    expect(param(t.merged, 'revenueThreshold').value).toBe(1500);
    expect(param(t.merged, 'bachelorMinPct').value).toBe(65);
  });

  it('treats a condition tree as one value: two different edits of one gate conflict, the same edit does not', () => {
    const base = v1();
    const si = base.stages.findIndex((s) => s.id === 'stage:control');
    const edit = (fn: (c: any) => void) => {
      const d = structuredClone(base);
      fn((d.stages[si] as any).items[0].condition);
      return d;
    };
    const mine = edit((c) => (c.operator = 'greaterThan'));
    const theirs = edit((c) => (c.value = 900));
    // Operator from one side and threshold from the other would be a rule neither wrote: one conflict, the gate.
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts.map((c) => c.field)).toEqual(['condition']);
    expect((r.merged.stages[si] as any).items[0].condition).toMatchObject({ operator: 'greaterThanInclusive', value: 900 });
    expect((mergeDocuments(base, mine, theirs, () => 'mine').merged.stages[si] as any).items[0].condition).toMatchObject({ operator: 'greaterThan' });
    const same = mergeDocuments(base, mine, structuredClone(mine));
    expect(same.conflicts).toEqual([]);
    const both = mergeDocuments(base, edit((c) => (c.operator = 'greaterThan')), edit((c) => (c.operator = 'lessThan')));
    expect(both.conflicts.map((c) => c.itemKey)).toEqual([`stages[stage:control].items[${(base.stages[si] as any).items[0].id}]`]);
  });

  it('a removal against a change of the same item is a conflict, not a silent loss', () => {
    const base = v1();
    const mine = structuredClone(base);
    mine.parameters = mine.parameters.filter((p) => p.id !== 'parksMin');
    const theirs = setParam(base, 'parksMin', 8);
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ itemKey: 'parameters[parksMin]', field: '', mine: undefined });
    expect(conflictItems(r.conflicts)).toHaveLength(1);
    expect(mergeDocuments(base, mine, theirs, () => 'mine').merged.parameters.some((p) => p.id === 'parksMin')).toBe(false);
    expect(param(mergeDocuments(base, mine, theirs, () => 'theirs').merged, 'parksMin').value).toBe(8);
  });

  it('never loses a change: every field changed on one side only ends up in the merge (property)', () => {
    const base = v1();
    const ids = base.parameters.filter((p) => p.type === 'number' && p.value !== null).map((p) => p.id);
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 8 }), fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 8 }), (a, b) => {
        let mine = base;
        let theirs = base;
        for (const id of a) mine = setParam(mine, id, 7001);
        for (const id of b) theirs = setParam(theirs, id, 7002);
        const r = mergeDocuments(base, mine, theirs);
        const both = a.filter((x) => b.includes(x));
        expect(r.conflicts.map((c) => c.itemKey).sort()).toEqual(both.map((x) => `parameters[${x}]`).sort());
        for (const id of a.filter((x) => !both.includes(x))) expect(param(r.merged, id).value).toBe(7001);
        for (const id of b) expect(param(r.merged, id).value).toBe(7002);
      }),
      { seed: 9, numRuns: 60 },
    );
  });
});

describe('minimalEdit', () => {
  it('replaces only what differs', () => {
    expect(minimalEdit('abcdef', 'abXYef')).toEqual({ start: 2, end: 4, text: 'XY' });
    expect(minimalEdit('abc', 'abc')).toBeNull();
    expect(minimalEdit('', 'x')).toEqual({ start: 0, end: 0, text: 'x' });
    expect(minimalEdit('aaa', 'aa')).toEqual({ start: 2, end: 3, text: '' });
  });
  it('never splits a surrogate pair', () => {
    const e = minimalEdit('x😀y', 'x😃y')!;
    expect(e).toEqual({ start: 1, end: 3, text: '😃' });
  });
  it('always turns the old text into the new one (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(applyEdit(a, minimalEdit(a, b))).toBe(b);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('lineEdits', () => {
  it('keeps changes far apart as separate edits, each narrowed to what differs', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `  "line ${i}",`);
    const to = lines.slice();
    to[100] = '  "line 100 changed",';
    to.splice(4000, 1, '  "a",', '  "b",');
    const from = lines.join('\n');
    const e = lineEdits(from, to.join('\n'));
    expect(e).toHaveLength(2);
    expect(e[0].text).toBe(' changed');
    expect(from.slice(0, e[0].start).split('\n')).toHaveLength(101);
    expect(from.slice(0, e[1].start).split('\n').length).toBeGreaterThan(4000);
    expect(applyEdits(from, e)).toBe(to.join('\n'));
    expect(lineEdits(from, from)).toEqual([]);
  });
  it('a JSON document written out again: a line I joined by hand and a value changed elsewhere are two edits', () => {
    const doc = { a: ['x', 'y'], pad: Array.from({ length: 50 }, (_, i) => i), b: 1 };
    const pretty = JSON.stringify(doc, null, 2);
    const mine = pretty.replace('"y"\n  ]', '"y", "z"\n  ]');
    const merged = JSON.stringify({ ...doc, a: ['x', 'y', 'z'], b: 2 }, null, 2);
    const e = lineEdits(mine, merged);
    expect(e).toHaveLength(2);
    expect(applyEdits(mine, e)).toBe(merged);
  });
  it('always turns the old text into the new one, with sorted edits that do not overlap (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '{', '}', '', '  "k": 1,', '😀'), { maxLength: 40 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const e = lineEdits(a, b);
        expect(applyEdits(a, e)).toBe(b);
        for (let i = 1; i < e.length; i++) expect(e[i].start).toBeGreaterThanOrEqual(e[i - 1].end);
      }),
      { seed: 5, numRuns: 1000 },
    );
  });
});

describe('rebaseText', () => {
  const pretty = (v: unknown) => JSON.stringify(v, null, 2);
  it("applies the merged document's changes to the text as typed, keeping lines formatted by hand", () => {
    const doc = { cites: ['I1.1', 'I2.1'], pad: Array.from({ length: 30 }, (_, i) => i), value: 90, label: 'x' };
    const mine = pretty(doc).replace('"I1.1",\n    "I2.1"', '"I1.1", "I2.1"');
    const merged = { ...doc, value: 93 };
    const out = rebaseText(mine, pretty(doc), pretty(merged))!;
    expect(out).toContain('"I1.1", "I2.1"');
    expect(JSON.parse(out)).toEqual(merged);
    expect(out).toBe(mine.replace('"value": 90', '"value": 93'));
    // A change next to the line formatted by hand: that line stays as typed too.
    const more = { ...doc, cites: ['I1.1', 'I2.1', 'I3'] };
    const out2 = rebaseText(mine, pretty(doc), pretty(more))!;
    expect(out2).toContain('"I1.1", "I2.1",');
    expect(JSON.parse(out2)).toEqual(more);
    expect(rebaseText(pretty(doc), pretty(doc), pretty(merged))).toBe(pretty(merged));
  });
  it('gives the merged document or nothing (property)', () => {
    let rebased = 0;
    const val = fc.record({ a: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 5 }), b: fc.integer({ min: 0, max: 3 }), c: fc.array(fc.constantFrom('x', 'y'), { maxLength: 4 }) });
    fc.assert(
      fc.property(val, val, fc.integer({ min: 0, max: 3 }), (m, target, style) => {
        // Mine formatted by hand: one of its arrays on one line.
        const mp = pretty(m);
        const mine = style === 0 ? mp : style === 1 ? mp.replace(/\[\n\s*([^\]]*?)\n\s*\]/, (_x, inner) => `[${inner.replace(/\n\s*/g, ' ')}]`) : JSON.stringify(m, null, style);
        const out = rebaseText(mine, mp, pretty(target));
        if (out !== null) {
          rebased++;
          expect(JSON.parse(out)).toEqual(target);
        }
      }),
      { seed: 11, numRuns: 1000 },
    );
    expect(rebased).toBeGreaterThan(500);
  });
});
