// The format does not hard-code the 2017 shape: a synthetic star-rating regime for cities and parks runs on the same engine, as data only.
import { describe, expect, it } from 'vitest';
import { compileRuleSet, evaluateCohort, type RuleSetInput } from '../../engine/index.js';

const T = (zh: string, en: string) => ({ zh, en });
const stars: RuleSetInput = {
  formatVersion: 1,
  id: 'stars-demo',
  version: 1,
  status: 'draft',
  basedOn: null,
  effectiveFrom: '2023-01-01',
  effectiveTo: null,
  title: T('星级评价示例', 'Star rating example'),
  policy: 'none',
  changelog: [],
  numeric: { scale: 2, rounding: 'halfUp' },
  subject: {
    kinds: [
      { id: 'city', label: T('城市', 'City') },
      { id: 'park', label: T('园区', 'Park') },
    ],
    types: [
      { id: 'city', kind: 'city', label: T('名城', 'City') },
      { id: 'park', kind: 'park', label: T('名园', 'Park') },
    ],
    idFact: 'subjectId',
    nameFact: 'name',
    typeFact: 'kind',
    periodFact: 'year',
  },
  outcomes: [
    { id: 'none', label: T('未评星', 'No stars'), rank: 0 },
    { id: 'one-star', label: T('一星', 'One star'), rank: 1 },
    { id: 'two-star', label: T('二星', 'Two stars'), rank: 2 },
    { id: 'three-star', label: T('三星', 'Three stars'), rank: 3 },
  ],
  parameters: [
    { id: 'minRevenue', type: 'number', value: 300, label: T('收入门槛', 'Revenue floor'), cites: [] },
    { id: 'cityBonusCap', type: 'number', value: 5, label: T('加分上限', 'Bonus cap'), cites: [] },
  ],
  referenceData: [],
  interpretations: [],
  facts: [
    { id: 'subjectId', type: 'string', required: true, label: T('编号', 'Id'), cites: [] },
    { id: 'name', type: 'string', required: true, label: T('名称', 'Name'), cites: [] },
    { id: 'kind', type: 'enum', required: true, label: T('类别', 'Kind'), cites: [], values: [{ id: 'city', label: T('名城', 'City') }, { id: 'park', label: T('名园', 'Park') }] },
    { id: 'year', type: 'integer', required: true, label: T('年度', 'Year'), cites: [] },
    { id: 'revenue', type: 'number', label: T('收入', 'Revenue'), cites: [], unit: '亿元' },
    { id: 'scoreA', type: 'number', label: T('指标A', 'Indicator A'), cites: [], min: 0, max: 60 },
    { id: 'scoreB', type: 'number', label: T('指标B', 'Indicator B'), cites: [], min: 0, max: 40 },
    { id: 'patents', type: 'integer', label: T('专利', 'Patents'), cites: [], min: 0 },
  ],
  derived: [],
  stages: [
    {
      kind: 'checks',
      id: 'stage:entry',
      label: T('准入', 'Entry'),
      cites: [],
      items: [{ id: 'gate:revenue', label: T('收入门槛', 'Revenue floor'), cites: [], condition: { fact: 'revenue', operator: 'greaterThanInclusive', value: { param: 'minRevenue' } } }],
    },
    {
      kind: 'score',
      id: 'stage:score',
      label: T('评分', 'Score'),
      cites: [],
      base: 100,
      items: [
        { id: 'indicator:a', label: T('A', 'A'), cites: [], max: 60, scoreFact: 'scoreA', requirements: [] },
        { id: 'indicator:b', label: T('B', 'B'), cites: [], max: 40, scoreFact: 'scoreB', requirements: [] },
      ],
    },
    {
      kind: 'bonus',
      id: 'stage:bonus',
      label: T('加分', 'Bonus'),
      cites: [],
      cap: { param: 'cityBonusCap' },
      items: [{ id: 'bonus:patents', label: T('专利', 'Patents'), cites: [], formula: { kind: 'expression', expr: 'min(patents / 100, 10)' } }],
    },
    {
      kind: 'outcome',
      id: 'stage:stars',
      label: T('星级', 'Stars'),
      cites: [],
      rules: [
        { id: 'outcome:three', label: T('三星', 'Three'), cites: [], outcome: 'three-star', requires: ['stage:entry'], minTotal: 90 },
        { id: 'outcome:two', label: T('二星', 'Two'), cites: [], outcome: 'two-star', requires: ['stage:entry'], minTotal: 75 },
        { id: 'outcome:one', label: T('一星', 'One'), cites: [], outcome: 'one-star', requires: ['stage:entry'], minTotal: 60 },
      ],
    },
  ],
};

const subject = (id: string, kind: 'city' | 'park', revenue: number, a: number, b: number, patents: number) => ({
  facts: { subjectId: id, name: id.toUpperCase(), kind, year: 2024, revenue, scoreA: a, scoreB: b, patents },
});

describe('a star-rating regime as data', () => {
  const c = compileRuleSet(stars);
  it('compiles with no code change', () => {
    expect(c.ok ? [] : c.issues).toEqual([]);
  });
  it('awards the highest star tier reached, for cities and parks alike', async () => {
    if (!c.ok) throw new Error();
    const cases: [ReturnType<typeof subject>, string, number][] = [
      [subject('p1', 'park', 500, 55, 33, 250), 'three-star', 90.5], // 88 + min(2.5, 10) = 90.5
      [subject('c1', 'city', 500, 50, 24, 120), 'two-star', 75.2],
      [subject('c2', 'city', 500, 40, 20, 900), 'one-star', 65], // bonus 9 capped at 5
      [subject('c3', 'city', 200, 60, 40, 0), 'none', 100], // fails the entry gate
    ];
    for (const [d, want, total] of cases) {
      const r = await c.compiled.evaluate(d);
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      expect(r.evaluation.outcome.total.value).toBe(total);
      expect(r.evaluation.outcome.status === 'passed' ? r.evaluation.outcome.title!.id : 'none').toBe(want);
      const p = c.compiled.checkDossier(d);
      if (!p.ok) throw new Error();
      expect(c.compiled.evaluateFast(p.dossier).title).toBe(want);
    }
  });
  it('runs a cohort without cohort rules: each subject keeps its own rating', async () => {
    if (!c.ok) throw new Error();
    const r = await evaluateCohort(c.compiled, [subject('p1', 'park', 500, 55, 33, 250), subject('c1', 'city', 500, 50, 24, 120)], { mode: 'award' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.result.titles).toEqual({ 'one-star': [], 'two-star': ['c1'], 'three-star': ['p1'] });
  });
});
