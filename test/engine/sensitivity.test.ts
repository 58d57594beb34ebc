// Sensitivity on the fast path: a parameter sweep finds the value at which each city flips; interpretation flips list who changes.
import { describe, expect, it } from 'vitest';
import { compileRuleSet, flipInterpretations, joinSweep, sweepParameter, sweepSlice, withParameters } from '../../engine/index.js';
import { compiled, compiledVersion, dossier, ruleSetDoc } from './fixtures.js';
import { generate, mulberry32 } from '../bench/dossiers.js';

const cities = [912, 1000, 1450, 2600].map((rev, i) =>
  dossier((f) => {
    f.cityId = `c${i}`;
    f.softwareRevenue = rev;
    f.softwareRevenuePrev = rev / 1.2;
    f.expertScores.environment = 20; // base 88 leaves room for the revenue bonus to matter
  }),
);

describe('sweepParameter', () => {
  it('counts passes at each threshold and finds where each city flips', () => {
    const r = sweepParameter(compiled(), cities, 'revenueThreshold', [800, 900, 950, 1000, 1100, 1500, 3000]);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.result.points.map((p) => p.passed)).toEqual([4, 4, 3, 3, 2, 1, 0]);
    const flip = (id: string) => r.result.flips.find((f) => f.subjectId === id)!.changes.map((c) => c.at);
    expect(flip('c0')).toEqual([950]);
    expect(flip('c1')).toEqual([1100]);
    expect(flip('c2')).toEqual([1500]);
    expect(flip('c3')).toEqual([3000]);
    expect(r.result.matrix.c0[0]).toBe('passed:comprehensive');
    expect(r.result.matrix.c0[2]).toBe('failed:none');
  });
  it('refuses unknown parameters and values of the wrong type, saying which value', () => {
    const r1 = sweepParameter(compiled(), cities, 'revenueTreshold', [1]);
    expect(!r1.ok && r1.issues[0].code).toBe('unknown_parameter');
    const r2 = sweepParameter(compiled(), cities, 'revenueThreshold', [900, 'x' as never]);
    expect(!r2.ok && r2.issues[0]).toMatchObject({ code: 'invalid_parameter', path: ['values', 1] });
  });
  it('a swept parameter that feeds a derived value recomputes it', () => {
    // Growth 12.7% is below the national 14.2%, so the increment test decides: 450亿 against 5% (403.05亿) or 6% (483.66亿) of 8061亿.
    const slow = dossier((f) => {
      f.softwareRevenue = 4000;
      f.softwareRevenuePrev = 3550;
    });
    const r = sweepParameter(compiled(), [slow], 'growthIncrementSharePct', [5, 6, 5]);
    if (!r.ok) throw new Error();
    expect(r.result.points.map((p) => p.passed)).toEqual([1, 0, 1]);
  });
});

describe('sweepSlice and joinSweep', () => {
  it('a sweep split into parts and joined equals the sweep in one piece', () => {
    const values = [800, 900, 950, 1000, 1100, 1500, 3000];
    const whole = sweepParameter(compiled(), cities, 'revenueThreshold', values);
    const a = sweepSlice(compiled(), cities, 'revenueThreshold', values.slice(0, 3));
    const b = sweepSlice(compiled(), cities, 'revenueThreshold', values.slice(3), 3);
    if (!whole.ok || !a.ok || !b.ok) throw new Error();
    expect(joinSweep(compiled().ruleSet, 'revenueThreshold', values, [a.slice, b.slice])).toEqual(whole.result);
    const bad = sweepSlice(compiled(), cities, 'revenueThreshold', ['x' as never], 5);
    expect(!bad.ok && bad.issues[0]).toMatchObject({ code: 'invalid_parameter', path: ['values', 5] });
  });
  it('refuses two dossiers of one city: the matrix has one row per city', () => {
    const r = sweepParameter(compiled(), [cities[0], cities[1], cities[0]], 'revenueThreshold', [900]);
    expect(!r.ok && r.issues).toEqual([expect.objectContaining({ code: 'duplicate_subject', path: ['dossiers', 2] })]);
  });
});

describe('withParameters', () => {
  it('a variant that reuses the compiled conditions and expressions evaluates as a fresh compile does, for every parameter it changes', async () => {
    const changes: Record<string, number | boolean | string>[] = [
      { revenueThreshold: 1460 },
      { growthIncrementSharePct: 6 },
      { passMarkComprehensive: 95 },
      { revenueBonusStep: 100, revenueBonusCap: 5 },
      { firmTier2Over: 80, firmTier3Points: 2 },
      { rdExpenseMinPct: 12, top100FirmsMin: 2 },
      { maxEnvironment: 10, maxDrivingBenefit: 20 },
    ];
    for (const change of changes) {
      const v = withParameters(compiled(), change);
      if (!v.ok) throw new Error(JSON.stringify(v.issues));
      const doc = ruleSetDoc();
      doc.parameters = doc.parameters.map((p) => (p.id in change ? { ...p, value: change[p.id] } : p));
      const fresh = compileRuleSet(doc);
      if (!fresh.ok) throw new Error(JSON.stringify(fresh.issues));
      for (const city of cities) {
        const a = v.compiled.checkDossier(city);
        const b = fresh.compiled.checkDossier(city);
        if (!a.ok || !b.ok) throw new Error();
        expect(v.compiled.evaluateFast(a.dossier), JSON.stringify(change)).toEqual(fresh.compiled.evaluateFast(b.dossier));
        const ea = await v.compiled.evaluate(city);
        const eb = await fresh.compiled.evaluate(city);
        expect(ea, JSON.stringify(change)).toEqual(eb);
      }
    }
  });

  it('gives a variant whose evaluation matches a full recompile', async () => {
    const v = withParameters(compiled(), { revenueThreshold: 1500 });
    if (!v.ok) throw new Error();
    const p = v.compiled.checkDossier(cities[2]);
    if (!p.ok) throw new Error();
    expect(v.compiled.evaluateFast(p.dossier).status).toBe('failed');
    const e = await v.compiled.evaluate(cities[2]);
    expect(e.ok && e.evaluation.outcome.status).toBe('failed');
    expect(v.compiled.contentHash).not.toBe(compiled().contentHash);
  });
});

describe('flipInterpretations', () => {
  it('re-scores under each selectable variant and lists who changes', () => {
    const r = flipInterpretations(compiled(), cities);
    if (!r.ok) throw new Error();
    expect(r.flips.map((f) => f.interpretation)).toContain('interp:firm-tier-overlap');
    const cum = r.flips.find((f) => f.interpretation === 'interp:firm-tier-overlap')!;
    // Cumulative tiers: the 120亿 firm scores 1.5 instead of 1, raising every total by 0.5.
    expect(cum.changed.map((c) => [c.subjectId, (c.totalTo ?? 0) - (c.totalFrom ?? 0)])).toEqual([
      ['c0', 0.5],
      ['c1', 0.5],
      ['c2', 0.5],
      ['c3', 0.5],
    ]);
    expect(r.flips.every((f) => f.option !== 'not-implemented')).toBe(true);
  });
});

describe('sweeps that reuse the stages before the swept parameter', () => {
  it.each([1, 2])('give, under sfc-2017@%i, for every numeric parameter, what evaluating each variant from scratch gives', (version) => {
    const c = compiledVersion(version);
    const rng = mulberry32(version * 31);
    const ds = Array.from({ length: 40 }, (_, i) => JSON.parse(JSON.stringify(generate(c.ruleSet, rng, i))));
    const numeric = c.ruleSet.parameters.filter((p) => typeof p.value === 'number');
    expect(numeric.length).toBeGreaterThan(10);
    let differentOutcomes = 0;
    for (const p of numeric) {
      const v0 = p.value as number;
      // Values a full compile accepts (a variant is checked less: an indicator maximum may no longer add up).
      const recompile = (value: number) => compileRuleSet({ ...c.ruleSet, parameters: c.ruleSet.parameters.map((x) => (x.id === p.id ? { ...x, value } : x)) });
      const values = [0.5, 0.9, 1, 1.1, 2].map((m) => Math.round(v0 * m * 100) / 100).filter((v) => withParameters(c, { [p.id]: v }).ok && recompile(v).ok);
      if (!values.length) continue;
      const r = sweepParameter(c, ds, p.id, values);
      if (!r.ok) throw new Error(`${p.id}: ${JSON.stringify(r.issues)}`);
      values.forEach((value, vi) => {
        const fresh = recompile(value);
        if (!fresh.ok) throw new Error(JSON.stringify(fresh.issues));
        const seen = new Set<string>();
        ds.forEach((d, di) => {
          const checked = fresh.compiled.checkDossier(d);
          if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
          const e = fresh.compiled.evaluateFast(checked.dossier);
          const want = `${e.status}:${e.title ?? '-'}`;
          seen.add(want);
          expect(r.result.matrix[checked.dossier.subject.id][vi], `${p.id} = ${value}, dossier ${di}`).toBe(want);
        });
        if (seen.size > 1) differentOutcomes++;
      });
    }
    expect(differentOutcomes).toBeGreaterThan(10);
  });
});

describe('sweeps of a threshold: one evaluation per stretch between the values compared with it', () => {
  it.each([1, 2])('under sfc-2017@%i give, at each value and at every compared value itself, what a full compile gives', (version) => {
    const c = compiledVersion(version);
    const rng = mulberry32(version * 7 + 1);
    const ds = Array.from({ length: 30 }, (_, i) => JSON.parse(JSON.stringify(generate(c.ruleSet, rng, i))));
    // Revenues around the default threshold, some missing, two equal: the threshold lands exactly on some of them.
    ds.forEach((d, i) => {
      if (i % 10 === 9) delete d.facts.softwareRevenue;
      else d.facts.softwareRevenue = i % 10 === 8 ? 1000 : Math.round((700 + 20 * i + rng()) * 10) / 10;
    });
    const revenues = ds.map((d) => d.facts.softwareRevenue).filter((x): x is number => typeof x === 'number');
    const values = [...new Set([...revenues.flatMap((r) => [r - 0.1, r, r + 0.1]), 500, 999.9, 1000, 1000.1, 1500, 2000])].filter((v) => v >= 500 && v <= 2000);
    values.sort(() => rng() - 0.5);
    const r = sweepParameter(c, ds, 'revenueThreshold', values);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    let flips = 0;
    values.forEach((value, vi) => {
      const fresh = compileRuleSet({ ...c.ruleSet, parameters: c.ruleSet.parameters.map((x) => (x.id === 'revenueThreshold' ? { ...x, value } : x)) });
      if (!fresh.ok) throw new Error(JSON.stringify(fresh.issues));
      let passed = 0;
      ds.forEach((d, di) => {
        const checked = fresh.compiled.checkDossier(d);
        if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
        const e = fresh.compiled.evaluateFast(checked.dossier);
        if (e.status === 'passed') passed++;
        expect(r.result.matrix[checked.dossier.subject.id][vi], `revenueThreshold = ${value}, dossier ${di}`).toBe(`${e.status}:${e.title ?? '-'}`);
      });
      expect(r.result.points[vi].passed, `revenueThreshold = ${value}`).toBe(passed);
    });
    for (const f of r.result.flips) flips += f.changes.length;
    expect(flips).toBeGreaterThan(5);
  });

  it.each([1, 2])('under sfc-2017@%i give, for a pass mark at each total and just beside it, what a full compile gives', (version) => {
    const c = compiledVersion(version);
    const rng = mulberry32(version * 13 + 5);
    const ds = Array.from({ length: 30 }, (_, i) => JSON.parse(JSON.stringify(generate(c.ruleSet, rng, i))));
    const p = c.ruleSet.parameters.find((x) => x.id === 'passMarkComprehensive')!;
    const totals = ds.map((d) => {
      const checked = c.checkDossier(d);
      if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
      return c.evaluateFast(checked.dossier).total;
    });
    const decided = totals.filter((x): x is number => x !== null);
    expect(decided.length).toBeGreaterThan(5);
    const values = [...new Set([...decided.flatMap((t) => [t - 0.5, t - 0.01, t, t + 0.01, t + 0.5]), 80, 100, 120].map((v) => Math.round(v * 100) / 100))].filter(
      (v) => withParameters(c, { [p.id]: v }).ok,
    );
    values.sort(() => rng() - 0.5);
    const r = sweepParameter(c, ds, p.id, values);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    values.forEach((value, vi) => {
      const fresh = compileRuleSet({ ...c.ruleSet, parameters: c.ruleSet.parameters.map((x) => (x.id === p.id ? { ...x, value } : x)) });
      if (!fresh.ok) throw new Error(JSON.stringify(fresh.issues));
      ds.forEach((d, di) => {
        const checked = fresh.compiled.checkDossier(d);
        if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
        const e = fresh.compiled.evaluateFast(checked.dossier);
        expect(r.result.matrix[checked.dossier.subject.id][vi], `${p.id} = ${value}, dossier ${di} (total ${totals[di]})`).toBe(`${e.status}:${e.title ?? '-'}`);
      });
    });
    expect(r.result.flips.length).toBeGreaterThan(2);
  });

  it('still refuses a value out of range, naming it, though no dossier needs it evaluated', () => {
    const c = compiledVersion(2);
    const d = JSON.parse(JSON.stringify(generate(c.ruleSet, mulberry32(3), 0)));
    const p = c.ruleSet.parameters.find((x) => x.id === 'revenueThreshold')!;
    const r = sweepParameter(c, [d], 'revenueThreshold', [1000, 1000.5, -5]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0].path).toEqual(['values', 2]);
    expect(r.issues[0].message).toContain('value -5');
    expect(p.min).toBeDefined();
  });
});
