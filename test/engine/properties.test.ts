// Seeded property tests: the fast and explained paths agree, json-rules-engine agrees with the compiled conditions, and more revenue never lowers a score.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runJre } from '../../engine/core/conditions.js';
import { prepareValues } from '../../engine/core/run.js';
import { compiledVersion, passingFacts } from './fixtures.js';

const award = fc.constantFrom(0, 1, 1.5, 2, 2.5, 3);
const score = (max: number) => fc.integer({ min: 0, max: max * 10 }).map((x) => x / 10);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 8, nil: undefined });

/** A random dossier valid under sfc-2017, with some facts absent. */
const dossierArb = fc
  .record({
    type: fc.constantFrom('comprehensive', 'featured'),
    period: fc.integer({ min: 2017, max: 2024 }),
    revenue: fc.integer({ min: 50000, max: 500000 }).map((x) => x / 100),
    growth: fc.integer({ min: -50, max: 400 }).map((x) => x / 10),
    prev: maybe(fc.constant(true)),
    rd: maybe(fc.integer({ min: 0, max: 300 }).map((x) => x / 10)),
    firms: maybe(fc.integer({ min: 50, max: 150 })),
    large: maybe(fc.array(fc.integer({ min: 5000, max: 60000 }).map((x) => x / 100), { maxLength: 5 })),
    scores: fc.tuple(score(15), score(15), score(10), score(15), score(15), score(20), score(10)),
    awards: fc.array(award, { minLength: 14, maxLength: 14 }),
    bools: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    fraud: maybe(fc.boolean()),
    rank: fc.integer({ min: 1, max: 6 }),
    // Some indicators without the evaluators' score: indicative points (exact fractions, rounded once).
    unscored: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }).map((xs) => xs.map((x, i) => x && i % 2 === 0)),
  })
  .map((r) => {
    const f = passingFacts();
    f.applicationType = r.type;
    f.period = r.period;
    f.softwareRevenue = r.revenue;
    if (r.prev) f.softwareRevenuePrev = Math.round((r.revenue / (1 + r.growth / 100)) * 100) / 100;
    else delete f.softwareRevenuePrev;
    if (r.rd === undefined) delete f.rdExpensePct;
    else f.rdExpensePct = r.rd;
    if (r.firms === undefined) delete f.firmsOver100M;
    else f.firmsOver100M = r.firms;
    if (r.large === undefined) delete f.largeFirms;
    else f.largeFirms = r.large.map((v, i) => ({ name: `F${i}`, softwareRevenue: v }));
    const keys = Object.keys(f.expertScores);
    keys.forEach((k, i) => (f.expertScores[k] = r.scores[i]));
    keys.forEach((k, i) => r.unscored[i] && delete f.expertScores[k]);
    const a = r.awards;
    f.bonusAwards = { majorInnovation: a[0], basicSoftware: a[1], industrialSoftware: a[2], strategies: { madeInChina2025: a[3], manufacturingInternet: a[4], internetPlus: a[5], bigData: a[6], beltAndRoad: a[7], massInnovation: a[8], secureReliable: a[9] }, featuredDistinction: a[10], internationalization: a[11], drivingEffect: a[12], leadershipInitiative: a[13] };
    [f.categoriesComplete, f.competitivenessStrong, f.hasNationalSoftwarePark, f.coreIpProductSystem, f.featuredSpecialPolicy, f.application.materials.provincialSupportLetter] = r.bools;
    f.featuredDomain = 'bigData';
    f.featuredIndustryPct = 12;
    f.featuredLeaderNationalRank = r.rank;
    if (r.fraud === undefined) delete f.fraudFound;
    else f.fraudFound = r.fraud;
    return { dossierFormat: 1 as const, facts: f };
  });

const params = { seed: 20261126, numRuns: 300 };

describe.each([1, 2])('properties under sfc-2017 v%i', (version) => {
  const compiled = () => compiledVersion(version);
  it('the fast path and the explained path agree on status, title and every score', async () => {
    const c = compiled();
    await fc.assert(
      fc.asyncProperty(dossierArb, async (d) => {
        const p = c.checkDossier(d);
        expect(p.ok).toBe(true);
        if (!p.ok) return;
        const fast = c.evaluateFast(p.dossier);
        const r = await c.evaluate(d);
        if (!r.ok) throw new Error('rejected');
        const o = r.evaluation.outcome;
        expect(fast.status).toBe(o.status);
        expect(fast.total).toBe(o.total.value);
        expect(fast.base).toBe(o.baseScore.value);
        expect(fast.bonus).toBe(o.bonus.value);
        expect(fast.stages).toEqual(o.stages);
        expect(fast.title).toBe(o.status === 'passed' ? (o.title?.id ?? null) : o.status === 'failed' ? 'none' : null);
        expect(fast.indicatedTitle).toBe(o.status === 'passed' ? o.indicatedTitle!.id : o.status === 'failed' ? 'none' : null);
        expect(fast.indicative).toBe(o.indicative);
        // A self-assessment confers no title under v2; v1 lets indicative points confer it.
        if (o.status === 'passed') expect(o.title === null).toBe(version === 2 && o.indicative);
      }),
      params,
    );
  });

  it('the fast path agrees with the explained path on figures finer than millionths (its exact fallback)', async () => {
    const c = compiled();
    const fine = fc.tuple(dossierArb, fc.integer({ min: 1000, max: 3000 }), fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(0, 1e-7, 0.5e-6));
    await fc.assert(
      fc.asyncProperty(fine, async ([d, whole, frac, tiny]) => {
        d.facts.softwareRevenue = whole + frac / 1e9;
        d.facts.expertScores.environment = Math.min(20, 17 + tiny);
        const p = c.checkDossier(d);
        if (!p.ok) throw new Error('rejected');
        const fast = c.evaluateFast(p.dossier);
        const r = await c.evaluate(d);
        if (!r.ok) throw new Error('rejected');
        expect(fast.status).toBe(r.evaluation.outcome.status);
        expect(fast.total).toBe(r.evaluation.outcome.total.value);
        expect(fast.bonus).toBe(r.evaluation.outcome.bonus.value);
      }),
      { ...params, numRuns: 200 },
    );
  });

  it('json-rules-engine and the compiled closures agree on every condition whose facts are present', async () => {
    const c = compiled();
    await fc.assert(
      fc.asyncProperty(dossierArb, async (d) => {
        const p = c.checkDossier(d);
        if (!p.ok) throw new Error('rejected');
        const ctx = prepareValues(c.core, p.dossier);
        const jre = await runJre(c.core.jre(), c.core.factIds, ctx.values);
        for (const [key, cond] of c.core.conditions) {
          const fast = cond.fast(ctx.values);
          if (fast === null) continue;
          const ruleResult = jre.get(key);
          expect(ruleResult, key).toBeDefined();
          // With every fact present, json-rules-engine's own verdict on the rule must equal the closure's.
          const all = cond.facts.every((f) => ctx.values[f] !== undefined);
          if (all) expect(ruleResult!.result, key).toBe(fast);
          else if (fast !== null) expect(evaluateTree(ruleResult!.conditions), key).toBe(fast);
        }
      }),
      { ...params, numRuns: 150 },
    );
  });

  it('more revenue never lowers the bonus or the total', () => {
    const c = compiled();
    fc.assert(
      fc.property(dossierArb, fc.integer({ min: 1, max: 200000 }).map((x) => x / 100), (d, extra) => {
        const p1 = c.checkDossier(d);
        const d2 = structuredClone(d);
        d2.facts.softwareRevenue = d.facts.softwareRevenue + extra;
        if (d2.facts.softwareRevenuePrev !== undefined) d2.facts.softwareRevenuePrev = d.facts.softwareRevenuePrev;
        const p2 = c.checkDossier(d2);
        if (!p1.ok || !p2.ok) throw new Error('rejected');
        const a = c.evaluateFast(p1.dossier);
        const b = c.evaluateFast(p2.dossier);
        if (a.bonus !== null && b.bonus !== null) expect(b.bonus).toBeGreaterThanOrEqual(a.bonus);
        if (a.total !== null && b.total !== null) expect(b.total).toBeGreaterThanOrEqual(a.total);
      }),
      params,
    );
  });
});

/** The boolean json-rules-engine computed for a condition tree from its per-leaf results. */
function evaluateTree(n: any): boolean {
  if (n.all) return n.all.every(evaluateTree);
  if (n.any) return n.any.some(evaluateTree);
  if (n.not) return !evaluateTree(n.not);
  return Boolean(n.result);
}
