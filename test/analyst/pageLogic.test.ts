// The analyst pages' pure logic without a DOM: report shaping (gates, indicators, waterfall), the generated dossier form, re-scoring variants and sweep ranges.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSet, type CompiledRuleSet, type Dossier, type Evaluation } from '../../engine/index.js';
import { gateRows, indicatorRows, waterfall, citedClauses } from '../../editor/src/pages/analyst/reportData.js';
import { checkField, formErrors, fromForm, sections, toForm } from '../../editor/src/pages/analyst/dossierForm.js';
import { interpretationVariants, switchText, variantLabel } from '../../editor/src/pages/analyst/rescore.js';
import { range } from '../../editor/src/workers/sensitivityProtocol.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let compiled: CompiledRuleSet;
const sample = (f: string): Dossier => JSON.parse(readFileSync(path.join(ROOT, 'rules/samples', f), 'utf8'));
async function evaluation(d: Dossier, interpretations: Record<string, string> = {}): Promise<Evaluation> {
  const c = Object.keys(interpretations).length ? (await import('../../engine/index.js')).applyInterpretations(compiled.ruleSet, interpretations) : null;
  const cc = c && c.ok ? compileRuleSet(c.ruleSet) : { ok: true as const, compiled };
  if (!cc.ok) throw new Error('compile');
  const r = await cc.compiled.evaluate(d);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.evaluation;
}

beforeAll(() => {
  const c = compileRuleSet(JSON.parse(readFileSync(path.join(ROOT, 'rules/sfc-2017/v1.json'), 'utf8')));
  if (!c.ok) throw new Error('v1');
  compiled = c.compiled;
});

describe('report data', () => {
  it('chongqing 2020: seven indicators summing to the base score, a waterfall from base through each bonus to the total', async () => {
    const e = await evaluation(sample('chongqing-2020.json'));
    const ind = indicatorRows(e);
    expect(ind).toHaveLength(7);
    expect(ind.reduce((a, r) => a + r.max, 0)).toBe(100);
    expect(ind.reduce((a, r) => a + (r.awarded ?? 0), 0)).toBe(e.outcome.baseScore.value);
    const wf = waterfall(e);
    expect(wf.steps[0]).toMatchObject({ id: 'base', start: 0, value: e.outcome.baseScore.value });
    expect(wf.steps.at(-1)).toMatchObject({ id: 'total', value: 100.5, end: 100.5 });
    expect(wf.steps.at(-2)!.end).toBe(100.5);
    for (const s of wf.steps.filter((x) => x.kind === 'bonus')) expect(s.end).toBeCloseTo(s.start + s.value, 9);
    expect(wf.passMark).toBe(100);
  });

  it('a bonus cap that bites shows as a negative step down to the capped total', async () => {
    const e = await evaluation(sample('chongqing-2020.json'), { 'interp:bonus-cap': 'cap-10' });
    const wf = waterfall(e);
    const cap = wf.steps.find((s) => s.id.endsWith(':cap'))!;
    expect(cap.value).toBeLessThan(0);
    expect(wf.steps.at(-1)).toMatchObject({ value: 98, end: 98 });
    expect(cap.end).toBe(98);
  });

  it('gates list values against thresholds; a failing city has opinions citing clauses', async () => {
    const e = await evaluation(sample('fuzhou-2021.json'));
    const gate = gateRows(e).find((g) => g.cites.includes('I1.1'))!;
    expect(gate.status).toBe('failed');
    expect(gate.comparisons[0]).toMatchObject({ fact: 'softwareRevenue', actual: 980, operator: 'greaterThanInclusive', required: 1000 });
    expect(citedClauses(e)).toContain('I1.1');
  });
});

describe('dossier form', () => {
  it('groups the facts by section, in rule-set order', () => {
    expect(sections(compiled.ruleSet).map((s) => s.group)).toEqual(['identity', 'application', 'scale', 'basic', 'indicators', 'evaluators', 'title']);
  });

  it('checks each field: number, integer, range, award steps, enum, yes/no, required, list', () => {
    const f = (id: string) => compiled.ruleSet.facts.find((x) => x.id === id)!;
    expect(checkField(f('softwareRevenue'), '1,000')).toMatchObject({ ok: false, error: { code: 'not_a_number' } });
    expect(checkField(f('softwareRevenue'), '1450.5')).toEqual({ ok: true, value: 1450.5 });
    expect(checkField(f('top100Firms'), '2.5')).toMatchObject({ ok: false, error: { code: 'not_an_integer' } });
    expect(checkField(f('rdExpensePct'), '101')).toMatchObject({ ok: false, error: { code: 'out_of_range', key: 'max' } });
    expect(checkField(f('bonusAwards.majorInnovation'), '0.5')).toMatchObject({ ok: false, error: { code: 'invalid_award' } });
    expect(checkField(f('bonusAwards.majorInnovation'), '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(checkField(f('applicationType'), 'mixed')).toMatchObject({ ok: false, error: { code: 'invalid_enum' } });
    expect(checkField(f('isMunicipality'), 'true')).toEqual({ ok: true, value: true });
    expect(checkField(f('cityId'), '')).toMatchObject({ ok: false, error: { code: 'required' } });
    expect(checkField(f('province'), '  ')).toMatchObject({ ok: false, error: { code: 'required' } });
    expect(checkField(f('largeFirms'), '[{"name":"A"}]')).toMatchObject({ ok: false, error: { code: 'invalid_list' } });
    expect(checkField(f('revenueGrowthPct'), '')).toEqual({ ok: true, value: undefined });
  });

  it('reads a dossier into the form and writes the same facts back, evidence included', () => {
    for (const file of ['wuhan-2018.json', 'xiamen-2017.json']) {
      const d = sample(file);
      const form = toForm(compiled.ruleSet, d);
      expect(formErrors(compiled.ruleSet, form)).toEqual({});
      const back = fromForm(compiled.ruleSet, form, d.meta);
      const a = compiled.checkDossier(d);
      const b = compiled.checkDossier(back);
      if (!a.ok || !b.ok) throw new Error('check');
      expect(b.dossier.values).toEqual(a.dossier.values);
      expect(b.dossier.evidence).toEqual(a.dossier.evidence);
    }
  });

  it('evidence: a page without the document is an error; a document, page and year wrap the value', () => {
    const form = toForm(compiled.ruleSet, sample('wuhan-2018.json'));
    form.softwareEmployees = { ...form.softwareEmployees, page: '12' };
    expect(formErrors(compiled.ruleSet, form)).toEqual({ softwareEmployees: { code: 'missing_document', key: 'evidenceDocument' } });
    form.softwareEmployees.document = '武汉市统计年鉴 2019';
    form.softwareEmployees.year = '2019';
    const d = fromForm(compiled.ruleSet, form);
    expect(d.facts.softwareEmployees).toEqual({ value: 330000, evidence: { document: '武汉市统计年鉴 2019', page: 12, year: 2019 } });
  });
});

describe('re-scoring and sweeps', () => {
  it('offers the selectable interpretation alternatives that set parameters', () => {
    const v = interpretationVariants(compiled.ruleSet).map((x) => `${x.interpretation}=${x.option}`);
    expect(v).toContain('interp:bonus-cap=cap-10');
    expect(v).toContain('interp:firm-tier-overlap=cumulative');
    expect(v).not.toContain('interp:control-veto=scored-only');
    // Column labels and switches are in words, never "none → cap-10".
    const cap = compiled.ruleSet.interpretations.find((i) => i.id === 'interp:bonus-cap')!;
    const capOption = cap.options.find((o) => o.id === 'cap-10')!;
    const chosen = cap.options.find((o) => o.id === cap.chosen)!;
    expect(variantLabel('sfc-2017@1', compiled.ruleSet, 'interp:bonus-cap', 'cap-10', 'zh-CN')).toBe(`sfc-2017@1：${capOption.label.zh}`);
    expect(variantLabel('sfc-2017@1', compiled.ruleSet, 'interp:bonus-cap', 'cap-10', 'en')).toBe(`sfc-2017@1: ${capOption.label.en}`);
    expect(switchText(compiled.ruleSet, 'interp:bonus-cap', 'cap-10', 'zh-CN')).toBe(`${cap.question.zh}：${chosen.label.zh} → ${capOption.label.zh}`);
    expect(variantLabel('sfc-2017@1', null, 'interp:bonus-cap', 'cap-10', 'zh-CN')).toBe('sfc-2017@1 bonus-cap=cap-10');
  });

  it('ranges include both ends and stay clean', () => {
    expect(range(500, 2000, 16)).toEqual([500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000]);
    expect(range(0, 1, 11)[3]).toBe(0.3);
    expect(range(500, 2000, 1000)).toHaveLength(1000);
  });
});

describe('sweep input', async () => {
  const { checkSweep } = await import('../../editor/src/pages/analyst/sweepInput.js');
  it('gives the values of a good range and the copies asked for', () => {
    expect(checkSweep({ from: '500', to: '2000', steps: '4', scale: '' })).toEqual({ ok: true, values: [500, 1000, 1500, 2000], copies: 0 });
    expect(checkSweep({ from: ' 0.5', to: '1 ', steps: '2', scale: '300' })).toEqual({ ok: true, values: [0.5, 1], copies: 300 });
  });
  it('names each bad field: not a number, reversed range, steps out of range, copies not whole, outside the parameter bounds', () => {
    const bad = (input: Partial<Record<'from' | 'to' | 'steps' | 'scale', string>>, bounds = {}) => {
      const r = checkSweep({ from: '500', to: '2000', steps: '16', scale: '', ...input }, bounds);
      return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.key}`);
    };
    expect(bad({ from: 'abc' })).toEqual(['from:notANumber']);
    expect(bad({ from: '2000', to: '500' })).toEqual(['to:order']);
    expect(bad({ from: '700', to: '700' })).toEqual(['to:order']);
    expect(bad({ steps: '1' })).toEqual(['steps:stepsRange']);
    expect(bad({ steps: '1001' })).toEqual(['steps:stepsRange']);
    expect(bad({ steps: '2.5' })).toEqual(['steps:notAWhole']);
    expect(bad({ scale: '-3' })).toEqual(['scale:notAWhole']);
    expect(bad({ scale: '0' })).toEqual(['scale:scaleRange']);
    expect(bad({ from: '-10' }, { min: 0 })).toEqual(['from:belowMin']);
    expect(bad({ from: '', to: '' })).toEqual(['from:notANumber', 'to:notANumber']);
  });
});
