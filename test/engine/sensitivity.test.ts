// Sensitivity on the fast path: a parameter sweep finds the value at which each city flips; interpretation flips list who changes.
import { describe, expect, it } from 'vitest';
import { flipInterpretations, sweepParameter, withParameters } from '../../engine/index.js';
import { compiled, dossier } from './fixtures.js';

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

describe('withParameters', () => {
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
