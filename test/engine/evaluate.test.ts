// Evaluation behaviour: verdicts, exact decimals, missing facts, explanations, gaps and provenance.
import { describe, expect, it } from 'vitest';
import { Evaluation, compileRuleSet, withParameters, type Evaluation as EvaluationT } from '../../engine/index.js';
import { clauseIds, compiled, compiledVersion, dossier, readJson } from './fixtures.js';

async function ev(patch?: (f: Record<string, any>) => void): Promise<EvaluationT> {
  const r = await compiled().evaluate(dossier(patch), { now: '2026-11-26T00:00:00Z' });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.evaluation;
}
const bonusOf = (e: EvaluationT, id: string) => e.stages.flatMap((s) => (s.kind === 'bonus' ? s.items : [])).find((i) => i.id === id)!;
const checkOf = (e: EvaluationT, id: string) => e.stages.flatMap((s) => (s.kind === 'checks' ? s.items : [])).find((i) => i.id === id)!;

describe('evaluate', () => {
  it('passes a comprehensive city with base 85 + bonus 16 = 101, and matches the Evaluation schema', async () => {
    const e = await ev();
    expect(Evaluation.safeParse(e).success).toBe(true);
    expect(e.outcome).toMatchObject({ status: 'passed', passed: true, passMark: 100, ruleId: 'outcome:comprehensive' });
    expect(e.outcome.title?.id).toBe('comprehensive');
    expect(e.outcome.title?.label.zh).toBe('中国软件名城');
    expect([e.outcome.baseScore.value, e.outcome.bonus.value, e.outcome.total.value]).toEqual([85, 16, 101]);
    expect(e.improvementOpinions).toEqual([]);
    expect(e.gapToPass).toBeNull();
  });

  it('adds in exact decimals: 14.9 + … + 9.9 + bonus 0.2 is 100 and passes', async () => {
    const e = await ev((f) => {
      f.expertScores = { industryStrength: 14.9, enterpriseCultivation: 15, humanResources: 10, innovation: 15, applicationLevel: 15, environment: 20, drivingBenefit: 9.9 };
      f.softwareRevenue = 1000;
      f.softwareRevenuePrev = 850;
      f.firmsOver100M = 100;
      f.largeFirms = [];
      f.bonusAwards = { majorInnovation: 0, basicSoftware: 0, industrialSoftware: 0, strategies: { madeInChina2025: 0, manufacturingInternet: 0, internetPlus: 0, bigData: 0, beltAndRoad: 0, massInnovation: 0, secureReliable: 0 }, featuredDistinction: 0, internationalization: 0, drivingEffect: 0, leadershipInitiative: 0 };
    });
    // 14.9 + 9.9 in binary floating point is 24.799999999999997; the engine's sum must not drift.
    expect(e.outcome.baseScore.exact).toBe('99.8');
    expect(e.outcome.bonus.value).toBe(0);
    expect(e.outcome.status).toBe('failed');
    const e2 = await ev((f) => {
      f.expertScores = { industryStrength: 14.9, enterpriseCultivation: 15, humanResources: 10, innovation: 15, applicationLevel: 15, environment: 20, drivingBenefit: 9.9 };
      f.softwareRevenue = 1000;
      f.softwareRevenuePrev = 850;
      f.firmsOver100M = 101;
      f.largeFirms = [];
      f.bonusAwards = { majorInnovation: 0, basicSoftware: 0, industrialSoftware: 0, strategies: { madeInChina2025: 0, manufacturingInternet: 0, internetPlus: 0, bigData: 0, beltAndRoad: 0, massInnovation: 0, secureReliable: 0 }, featuredDistinction: 0, internationalization: 0, drivingEffect: 0, leadershipInitiative: 0 };
    });
    expect(e2.outcome.total.exact).toBe('100.3');
    expect(e2.outcome.status).toBe('passed');
  });

  it('explains the revenue bonus in words', async () => {
    const b = bonusOf(await ev(), 'bonus:revenue-steps');
    expect(b.points.value).toBe(1);
    expect(b.text.en).toBe('1450 − 1000 = 450 → 2 whole steps of 200 → 1');
    expect(b.cites).toEqual(['I2.1']);
  });

  it('reports a revenue gate miss with its gap, opinion and clause', async () => {
    const e = await ev((f) => {
      f.softwareRevenue = 912;
      f.softwareRevenuePrev = 800;
    });
    expect(e.outcome.status).toBe('failed');
    expect(e.outcome.stages['stage:control']).toBe('failed');
    const gate = checkOf(e, 'gate:industry-scale');
    expect(gate.status).toBe('failed');
    expect(gate.shortfalls[0]).toMatchObject({ fact: 'softwareRevenue', actual: 912, required: 1000, gap: 88 });
    expect(e.gapToPass!.checks.map((c) => c.itemId)).toContain('gate:industry-scale');
    expect(e.gapToPass!.text.en).toContain('revenue 912 亿元 (required: at least 1000 亿元; 88 亿元 short)');
    // Raising revenue to 1000 also lifts the derived growth (1000 − 800)/800 = 25% above the national rate: not a separate need.
    expect(e.gapToPass!.routes![0].needs.map((n) => n.itemIds)).toEqual([['gate:industry-scale']]);
    expect(e.gapToPass!.text.zh).toContain('随之满足');
    // The gate and the 备注 of I4.1 that repeats it are one opinion citing both clauses.
    expect(e.improvementOpinions[0]).toMatchObject({ itemId: 'gate:industry-scale', itemIds: ['gate:industry-scale', 'req:industry-scale'], cites: ['I1.1', 'I4.1'], kind: 'gate' });
  });

  it('says how many points a city that meets every gate still needs', async () => {
    const e = await ev((f) => {
      f.bonusAwards.majorInnovation = 0;
      f.bonusAwards.internationalization = 0;
    });
    expect(e.outcome.total.value).toBe(97);
    expect(e.gapToPass).toMatchObject({ checks: [], pointsNeeded: 3 });
  });

  it('never reads a missing fact as 0 or false: the gate is undecided and the fact listed', async () => {
    const e = await ev((f) => {
      delete f.softwareRevenuePrev;
      f.softwareRevenue = 1450;
    });
    expect(checkOf(e, 'gate:industry-growth').status).toBe('undecided');
    expect(e.outcome.status).toBe('undecided');
    expect(e.outcome.passed).toBeNull();
    expect(e.missingFacts.map((m) => m.fact)).toContain('softwareRevenuePrev');
    expect(e.missingFacts.find((m) => m.fact === 'softwareRevenuePrev')!.neededBy).toContain('gate:industry-growth');
  });

  it('a missing fact that cannot change the result does not make the verdict undecided', async () => {
    const e = await ev((f) => {
      delete f.softwareRevenuePrev;
      f.softwareRevenue = 900;
    });
    expect(e.outcome.status).toBe('failed');
  });

  it('a published growth rate decides the growth gate without last year\'s revenue', async () => {
    const e = await ev((f) => {
      delete f.softwareRevenuePrev;
      f.revenueGrowthPct = 14.2;
    });
    expect(checkOf(e, 'gate:industry-growth').status).toBe('passed');
    expect(e.outcome.status).toBe('passed');
  });

  it('a missing bonus award leaves the total as a range; decided when the range clears the mark', async () => {
    const e = await ev((f) => delete f.bonusAwards.leadershipInitiative);
    expect(e.outcome.total.value).toBeNull();
    expect([e.outcome.total.lo, e.outcome.total.hi]).toEqual([99.5, 102.5]);
    expect(e.outcome.status).toBe('undecided');
    const e2 = await ev((f) => {
      delete f.bonusAwards.leadershipInitiative;
      f.expertScores.environment = 20;
    });
    expect(e2.outcome.total.lo).toBe(102.5);
    expect(e2.outcome.status).toBe('passed');
  });

  it('without evaluators\' scores gives an indicative score from the remark requirements', async () => {
    const e = await ev((f) => delete f.expertScores);
    expect(e.outcome.indicative).toBe(true);
    const ind = e.stages.find((s) => s.kind === 'score')!;
    expect(ind.kind === 'score' && ind.items.every((i) => i.basis === 'indicative')).toBe(true);
    expect(e.missingFacts.map((m) => m.fact)).toContain('expertScores.industryStrength');
  });

  it('a municipality needs no provincial support letter; another city does', async () => {
    const m = await ev((f) => {
      f.isMunicipality = true;
      f.application.materials.provincialSupportLetter = false;
    });
    expect(checkOf(m, 'check:provincial-support').status).toBe('passed');
    const c = await ev((f) => (f.application.materials.provincialSupportLetter = false));
    expect(checkOf(c, 'check:provincial-support').status).toBe('failed');
    expect(c.outcome.stages['stage:formal-review']).toBe('failed');
    expect(c.outcome.status).toBe('failed');
  });

  it('fraud established means no title, whatever the score', async () => {
    const e = await ev((f) => (f.fraudFound = true));
    expect(e.outcome.status).toBe('failed');
    expect(e.outcome.stages['stage:integrity']).toBe('failed');
    expect(e.improvementOpinions[0].cites).toEqual(['M7.1']);
  });

  it('records provenance: rule set, version, content hash, engine version, dossier hash, time', async () => {
    const e = await ev();
    expect(e.provenance).toMatchObject({ ruleSetId: 'sfc-2017', version: 1, evaluatedAt: '2026-11-26T00:00:00Z' });
    expect(e.provenance.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(e.provenance.dossierHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(e.provenance.interpretations['interp:revenue-bonus-steps']).toBe('whole-steps');
    const e2 = await ev((f) => (f.softwareRevenue = 1451));
    expect(e2.provenance.dossierHash).not.toBe(e.provenance.dossierHash);
    expect(e2.provenance.contentHash).toBe(e.provenance.contentHash);
  });

  it('rejects a bad dossier with every problem and its path', async () => {
    const r = await compiled().evaluate({ facts: { cityId: 'x', softwareRevenue: '1000', bonusAwards: { majorInnovation: 0.5 }, extra: 1 } });
    expect(r.ok).toBe(false);
    const issues = !r.ok ? r.issues : [];
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.code]));
    expect(byPath).toMatchObject({
      'facts.period': 'missing_required_fact',
      'facts.softwareRevenue': 'invalid_type',
      'facts.bonusAwards.majorInnovation': 'invalid_award',
      'facts.extra': 'unknown_fact',
    });
  });

  it('accepts a fact with its evidence and source', async () => {
    const e = await ev((f) => (f.softwareRevenue = { value: 1450, source: 'MIIT 2018', evidence: { document: '统计年报', page: 12, year: 2018 } }));
    expect(e.outcome.status).toBe('passed');
  });
});

describe('dossier issues', () => {
  it('a missing required enum fact is missing, not an invalid value', () => {
    const r = compiled().checkDossier({ facts: { cityId: 'x', cityName: 'X', province: 'P', period: 2018 } });
    expect(!r.ok && r.issues).toEqual([expect.objectContaining({ code: 'missing_required_fact', path: ['facts', 'applicationType'] })]);
  });
  it('explanations show enum labels, not ids', async () => {
    const r = await compiled().evaluate(dossier((f) => {
      f.applicationType = 'featured';
      f.featuredDomain = 'industrialSoftware';
    }));
    if (!r.ok) throw new Error();
    const item = r.evaluation.stages.flatMap((s) => (s.kind === 'checks' ? s.items : [])).find((i) => i.id === 'basic:featured-domain')!;
    expect(item.text.zh).toContain('工业软件（工控系统）');
    expect(item.text.en).toContain('Industrial software');
  });
});

describe('labels naming parameters', () => {
  it('a label follows its parameter: {revenueThreshold} reads 1000 in v1 and 1500 after a change', async () => {
    const e = await ev();
    const gate = () => e.stages.flatMap((s) => (s.kind === 'checks' ? s.items : [])).find((i) => i.id === 'gate:industry-scale')!;
    expect(gate().label.zh).toBe('产业规模不低于1000亿元');
    const v = withParameters(compiled(), { revenueThreshold: 1500 });
    if (!v.ok) throw new Error();
    const r = await v.compiled.evaluate(dossier());
    if (!r.ok) throw new Error();
    const g2 = r.evaluation.stages.flatMap((s) => (s.kind === 'checks' ? s.items : [])).find((i) => i.id === 'gate:industry-scale')!;
    expect(g2.label).toEqual({ zh: '产业规模不低于1500亿元', en: 'Industry scale at least 1500亿' });
  });
});

describe('derived values kept with a checked dossier', () => {
  it('a copy with other values gets its own derived values, not the ones computed for the original', () => {
    const c = compiled();
    const p = c.checkDossier(dossier());
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    const before = c.evaluateFast(p.dossier);
    expect(before.status).toBe('passed');
    // The same dossier with far less revenue: it fails the scale gate whatever was computed for the original.
    const copy = { ...p.dossier, values: { ...p.dossier.values, softwareRevenue: 10, softwareRevenuePrev: 9 } };
    const after = c.evaluateFast(copy);
    expect(after.status).toBe('failed');
    expect(JSON.stringify(p.dossier)).not.toContain('derived');
    // The original still reads its own.
    expect(c.evaluateFast(p.dossier)).toEqual(before);
  });
});

describe('derived values made once per rule set', () => {
  const derivedOf = async (c: ReturnType<typeof compiledVersion>, patch: (f: Record<string, any>) => void) => {
    const r = await c.evaluate(dossier(patch));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return Object.fromEntries(r.evaluation.derived.map((x) => [x.id, x]));
  };

  it("a year's national figures are that year's, however the years of earlier dossiers came", async () => {
    const c = compiledVersion(2);
    // 2018: 63061 亿元 and 6,430,000 employees in the reference data; 643,000 employees are 10%.
    for (const [year, revenue, share] of [[2018, 63061, 10], [2019, 71768, 9.4907749077490775], [2018, 63061, 10]] as const) {
      const d = await derivedOf(c, (f) => {
        f.period = year;
        f.softwareEmployees = 643000;
      });
      expect(d.nationalRevenue.value, `${year}`).toBe(revenue);
      expect(d.employeeSharePct.value, `${year}`).toBeCloseTo(share, 12);
    }
    // 2016 has no employee figure: undecided, naming the reference figure, with a list of its own each time.
    const in2016 = (f: Record<string, any>) => {
      f.period = 2016;
      f.softwareEmployees = 643000;
    };
    const a = await derivedOf(c, in2016);
    const b = await derivedOf(c, in2016);
    expect(a.employeeSharePct.value).toBeNull();
    expect(a.employeeSharePct.missing).toEqual(['ref:national.employees@2016']);
    expect(a.employeeSharePct.missing).not.toBe(b.employeeSharePct.missing);
  });

  it('another rule set reads its own reference data; of two rows with one key, the first is the one read', async () => {
    const doc = readJson('rules/sfc-2017/v2.json');
    const national = doc.referenceData.find((t: { id: string }) => t.id === 'national');
    const row = national.rows.find((r: { year: number }) => r.year === 2018);
    row.softwareRevenue = 70000;
    national.rows.push({ ...row, softwareRevenue: 1 });
    const other = compileRuleSet(doc, { clauseIds });
    if (!other.ok) throw new Error(JSON.stringify(other.issues));
    expect((await derivedOf(compiledVersion(2), (f) => (f.period = 2018))).nationalRevenue.value).toBe(63061);
    expect((await derivedOf(other.compiled, (f) => (f.period = 2018))).nationalRevenue.value).toBe(70000);
  });

  it('sum, largest and smallest of a list in exact decimals; a missing list leaves all three undecided', async () => {
    const c = compiledVersion(2);
    const d = await derivedOf(c, (f) => (f.largeFirms = [{ name: 'A', softwareRevenue: 60.1 }, { name: 'B', softwareRevenue: 70.2 }, { name: 'C', softwareRevenue: 80.3 }]));
    expect([d.largeFirmsRevenueSum.value, d.largeFirmTopRevenue.value, d.largeFirmLowRevenue.value]).toEqual([210.6, 80.3, 60.1]);
    const none = await derivedOf(c, (f) => delete f.largeFirms);
    for (const id of ['largeFirmsRevenueSum', 'largeFirmTopRevenue', 'largeFirmLowRevenue']) expect(none[id].missing, id).toEqual(['largeFirms']);
  });
});

describe('derived values that are yes or no', () => {
  it('are given as true or false, not as missing: whether the city is a listed municipality', async () => {
    const c = compiledVersion(2);
    const of = async (patch: (f: Record<string, any>) => void) => {
      const r = await c.evaluate(dossier(patch));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return r.evaluation.derived.find((x) => x.id === 'cityIsListedMunicipality')!;
    };
    const city = await of(() => {});
    expect([city.value, city.missing]).toEqual([false, []]);
    const beijing = await of((f) => {
      f.cityName = '北京';
      f.isMunicipality = true;
    });
    expect([beijing.value, beijing.missing]).toEqual([true, []]);
    // The Evaluation schema takes them.
    const r = await c.evaluate(dossier());
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(Evaluation.safeParse(r.evaluation).success).toBe(true);
  });
});
