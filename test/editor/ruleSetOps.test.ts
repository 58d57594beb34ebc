// The visual editor's pure rule-set edits, on the real sfc-2017@1: parameters, interpretations, indicators, formulas, conditions and locating issues.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleSet, checkRuleSet, compileRuleSet, type BonusItem } from '../../engine/index.js';
import {
  addTier, chooseInterpretation, getAt, indicatorTotals, removeTier, resolveNum, setAt, setConditionAt,
  setFormulaField, setNumOrParam, setParameterField, setParameterValue,
} from '../../editor/src/model/ruleSetOps.js';
import { awardsRange, previewFormula, stepsPoints, tierPoints } from '../../editor/src/model/formulaPreview.js';
import { lineColumn, rangeOf, sectionOf } from '../../editor/src/model/locate.js';
import { changeLeaf } from '../../editor/src/model/conditionOps.js';

const v1 = RuleSet.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../rules/sfc-2017/v1.json'), 'utf8')));
const param = (rs: RuleSet, id: string) => rs.parameters.find((p) => p.id === id)!;
const bonusPath = (rs: RuleSet, id: string) => {
  const si = rs.stages.findIndex((s) => s.kind === 'bonus');
  const s = rs.stages[si] as Extract<RuleSet['stages'][number], { kind: 'bonus' }>;
  return ['stages', si, 'items', s.items.findIndex((i) => i.id === id)] as (string | number)[];
};

describe('setAt / getAt', () => {
  it('copies only along the path and leaves the input as it was', () => {
    const doc = { a: { b: [1, 2, 3] }, c: { d: 1 } };
    const out = setAt(doc, ['a', 'b', 1], 20);
    expect(out).toEqual({ a: { b: [1, 20, 3] }, c: { d: 1 } });
    expect(doc.a.b).toEqual([1, 2, 3]);
    expect(out.c).toBe(doc.c);
    expect(setAt(doc, ['c', 'd'], undefined)).toEqual({ a: { b: [1, 2, 3] }, c: {} });
    expect(() => setAt(doc, ['a', 'b', 7], 1)).toThrow(RangeError);
    expect(getAt(out, ['a', 'b', 1])).toBe(20);
    expect(getAt(out, ['x', 'y'])).toBeUndefined();
  });
});

describe('parameters', () => {
  it('sets a threshold and the result still compiles', () => {
    const out = setParameterValue(v1, 'revenueThreshold', 1100);
    expect(param(out, 'revenueThreshold').value).toBe(1100);
    expect(param(v1, 'revenueThreshold').value).toBe(1000);
    expect(compileRuleSet(out).ok).toBe(true);
    expect(() => setParameterValue(v1, 'noSuchParam', 1)).toThrow();
  });

  it('sets unit, description and cites, and clears an emptied field', () => {
    let out = setParameterField(v1, 'revenueThreshold', 'unit', '万元');
    expect(param(out, 'revenueThreshold').unit).toBe('万元');
    out = setParameterField(out, 'revenueThreshold', 'cites', ['I1.1']);
    expect(param(out, 'revenueThreshold').cites).toEqual(['I1.1']);
    out = setParameterField(out, 'revenueThreshold', 'unit', '' as never);
    expect('unit' in param(out, 'revenueThreshold')).toBe(false);
  });

  it('sets a literal-or-parameter number through its parameter', () => {
    const si = v1.stages.findIndex((s) => s.kind === 'score');
    const out = setNumOrParam(v1, ['stages', si, 'items', 0, 'max'], 16);
    expect(param(out, 'maxIndustryStrength').value).toBe(16);
    expect(getAt(out, ['stages', si, 'items', 0, 'max'])).toEqual({ param: 'maxIndustryStrength' });
    const lit = setAt(v1, ['stages', si, 'items', 0, 'max'], 15);
    expect(getAt(setNumOrParam(lit, ['stages', si, 'items', 0, 'max'], 17), ['stages', si, 'items', 0, 'max'])).toBe(17);
  });
});

describe('interpretations', () => {
  it('choosing an option records it and sets the parameters the option names', () => {
    const it0 = v1.interpretations.find((i) => i.options.some((o) => o.selectable && Object.keys(o.sets).length > 0 && o.id !== i.chosen))!;
    const opt = it0.options.find((o) => o.selectable && Object.keys(o.sets).length > 0 && o.id !== it0.chosen)!;
    const r = chooseInterpretation(v1, it0.id, opt.id);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ruleSet.interpretations.find((i) => i.id === it0.id)!.chosen).toBe(opt.id);
    for (const [pid, value] of Object.entries(opt.sets)) expect(param(r.ruleSet, pid).value).toEqual(value);
    expect(v1.interpretations.find((i) => i.id === it0.id)!.chosen).toBe(it0.chosen);
  });

  it('refuses an option recorded for reference only', () => {
    const r = chooseInterpretation(v1, 'interp:control-veto', 'scored-only');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.code)).toEqual(['option_not_selectable']);
  });
});

describe('indicators', () => {
  it('the seven maxima add up to the base, and a change shows the gap', () => {
    const t = indicatorTotals(v1)!;
    expect(t.items).toHaveLength(7);
    expect(t.adds).toBe(true);
    expect(t.sum).toBe(t.base);
    const out = indicatorTotals(setParameterValue(v1, 'maxIndustryStrength', resolveNum(v1, { param: 'maxIndustryStrength' })! + 1))!;
    expect(out.adds).toBe(false);
    expect(out.sum).toBe(t.sum + 1);
  });
});

describe('bonus formulas', () => {
  it('edits formula fields and previews steps with the cap', () => {
    const p = bonusPath(v1, 'bonus:revenue-steps');
    const item = getAt(v1, p) as BonusItem;
    if (item.formula.kind !== 'steps') throw new Error('steps expected');
    const base = resolveNum(v1, item.formula.base)!;
    const step = resolveNum(v1, item.formula.step)!;
    expect(stepsPoints(v1, item, base).toString()).toBe('0');
    expect(stepsPoints(v1, item, base + step).toNumber()).toBeGreaterThan(0);
    const rows = previewFormula(v1, item);
    expect(rows.length).toBe(5);
    const proRata = setFormulaField(v1, p, 'rounding', 'proRata');
    expect((getAt(proRata, [...p, 'formula', 'rounding']))).toBe('proRata');
    const itemPR = getAt(proRata, p) as BonusItem;
    expect(stepsPoints(proRata, itemPR, base + step / 2).toNumber()).toBeGreaterThan(0);
    expect(stepsPoints(v1, item, base + step / 2).toNumber()).toBe(0);
    expect(() => setFormulaField(v1, ['stages', 0], 'base', 1)).toThrow();
  });

  it('adds and removes tiers of a per-firm formula and previews each firm', () => {
    const p = bonusPath(v1, 'bonus:large-firm-tiers');
    const item = getAt(v1, p) as BonusItem;
    const n = (item.formula as { tiers: unknown[] }).tiers.length;
    const more = addTier(v1, p);
    expect((getAt(more, [...p, 'formula', 'tiers']) as unknown[]).length).toBe(n + 1);
    const fewer = removeTier(more, p, n);
    expect(getAt(fewer, [...p, 'formula', 'tiers'])).toEqual(getAt(v1, [...p, 'formula', 'tiers']));
    expect(tierPoints(v1, item, 0).toNumber()).toBe(0);
    expect(tierPoints(v1, item, 1e6).toNumber()).toBeGreaterThan(0);
    expect(checkRuleSet(more).ruleSet).not.toBeNull();
  });

  it('gives the range a discretionary award allows', () => {
    const item = getAt(v1, bonusPath(v1, 'bonus:major-innovation')) as BonusItem;
    const r = awardsRange(v1, item);
    expect(r.min).toBe('0');
    expect(Number(r.max)).toBeGreaterThan(0);
  });
});

describe('conditions in the rule set', () => {
  it('replaces a gate condition edited with the builder', () => {
    const si = v1.stages.findIndex((s) => s.id === 'stage:control');
    const path = ['stages', si, 'items', 0, 'condition'];
    const cond = getAt(v1, path) as never;
    const out = setConditionAt(v1, path, changeLeaf(cond, [], { operator: 'greaterThan' }));
    expect((getAt(out, path) as { operator: string }).operator).toBe('greaterThan');
    expect(compileRuleSet(out).ok).toBe(true);
  });
});

describe('locating issues', () => {
  it('maps a path to its visual section and item', () => {
    const bi = v1.stages.findIndex((s) => s.kind === 'bonus');
    expect(sectionOf(v1, ['parameters', 3, 'value'])).toEqual({ section: 'parameters', item: ['parameters', 3] });
    expect(sectionOf(v1, ['stages', bi, 'items', 2, 'formula', 'tiers', 0])).toEqual({ section: 'bonus', item: ['stages', bi, 'items', 2] });
    expect(sectionOf(v1, ['interpretations', 1, 'chosen']).section).toBe('interpretations');
    expect(sectionOf(v1, ['facts', 0]).section).toBe('json');
    expect(sectionOf(v1, ['cohort', 'cap']).section).toBe('outcome');
  });

  it('finds the character range of a path in the JSON text, or of its nearest parent', () => {
    const text = '{\n  "a": [1, {"b": 22}],\n  "c": "x"\n}';
    const r = rangeOf(text, ['a', 1, 'b'])!;
    expect(text.slice(r.offset, r.offset + r.length)).toBe('22');
    const missing = rangeOf(text, ['a', 1, 'zz'])!;
    expect(text.slice(missing.offset, missing.offset + missing.length)).toBe('{"b": 22}');
    expect(lineColumn(text, r.offset)).toEqual({ line: 2, column: 18 });
    expect(rangeOf('{ broken', ['a'])).not.toBeUndefined();
  });
});

describe('fillParameters', () => {
  it('fills a label\'s parameter names with the draft\'s values and leaves unknown names visible', async () => {
    const { fillParameters } = await import('../../editor/src/model/labels.js');
    expect(fillParameters('产业规模不低于{revenueThreshold}亿元', [{ id: 'revenueThreshold', value: 1300 }])).toBe('产业规模不低于1300亿元');
    expect(fillParameters('x {nope}', [])).toBe('x {nope}');
  });
});

describe('parameterWords', () => {
  const v1 = async () => JSON.parse((await import('node:fs')).readFileSync(new URL('../../rules/sfc-2017/v1.json', import.meta.url), 'utf8'));
  const notes = async () => JSON.parse((await import('node:fs')).readFileSync(new URL('../../rules/policy/miit-sfc-2017/parameter-notes.json', import.meta.url), 'utf8')).parameters;
  const yesNo = { yes: '是', no: '否' };
  it('names enum options from the rule set first, then the policy notes, then the interpretation that sets them; never the id when a name exists', async () => {
    const { parameterWords } = await import('../../editor/src/model/labels.js');
    const rs = await v1();
    const p = rs.parameters.find((x: { id: string }) => x.id === 'revenueBonusRounding');
    expect(parameterWords(rs, await notes(), 'zh-CN', yesNo).display(p)).toBe('整步（字面）');
    expect(parameterWords(rs, await notes(), 'en', yesNo).display(p, 'proRata')).toBe('Pro rata');
    // Without notes: the interpretation option that sets the value, up to its colon.
    expect(parameterWords(rs, null, 'zh-CN', yesNo).display(p)).toBe('整步');
    const own = { ...rs, parameters: rs.parameters.map((x: { id: string }) => (x.id === p.id ? { ...x, optionLabels: { floor: { zh: '只计整步', en: 'Whole steps only' } } } : x)) };
    expect(parameterWords(own, await notes(), 'zh-CN', yesNo).display(own.parameters.find((x: { id: string }) => x.id === p.id))).toBe('只计整步');
    const words = parameterWords(rs, await notes(), 'zh-CN', yesNo);
    for (const q of rs.parameters.filter((x: { type: string }) => x.type === 'enum')) for (const o of q.options) expect(words.optionLabel(q, o), `${q.id} ${o}`).not.toBeNull();
  });
  it('fills labels with displayed values (an enum by name, none as —) and describes every parameter', async () => {
    const { parameterWords } = await import('../../editor/src/model/labels.js');
    const rs = await v1();
    const words = parameterWords(rs, await notes(), 'zh-CN', yesNo);
    expect(words.label({ zh: '产业规模不低于{revenueThreshold}亿元', en: 'x' })).toBe('产业规模不低于1000亿元');
    expect(words.label({ zh: '{revenueBonusRounding}，上限 {bonusCap}', en: 'x' })).toBe('整步（字面），上限 —');
    for (const p of rs.parameters) expect(words.description(p), p.id).toMatchObject({ from: 'notes', text: expect.any(String) });
    const described = { ...rs.parameters[0], description: { zh: '本规则集的说明', en: 'Own' } };
    expect(words.description(described)).toEqual({ text: '本规则集的说明', from: 'ruleSet' });
  });
});
