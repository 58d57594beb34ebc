// Seeded property tests of cohorts: renaming or reordering the members never changes any city's result, and the cap is never exceeded without the result saying so.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCohort, type CohortResult, type Dossier } from '../../engine/index.js';
import { compiledVersion, readJson } from './fixtures.js';

const golden = readJson('rules/sfc-2017/v2.golden.json');
const base = (id: string): Dossier => structuredClone(golden.cases.find((c: { id: string }) => c.id === id).dossier);
const C0 = base('base-comprehensive-passes');
const F0 = base('i2-10-featured-at-90-passes');
const MAXES: Record<string, number> = { environment: 20, industryStrength: 15, enterpriseCultivation: 15, humanResources: 10, innovation: 15, applicationLevel: 15, drivingBenefit: 10 };

/** Moves the evaluators' scores by `delta` points (within each indicator's 0..max). */
function shiftScores(scores: Record<string, number>, delta: number) {
  let left = Math.round(delta * 10);
  for (const k of Object.keys(MAXES)) {
    if (left === 0) break;
    const cur = Math.round(scores[k] * 10);
    const room = left > 0 ? MAXES[k] * 10 - cur : -cur;
    const step = left > 0 ? Math.min(left, room) : Math.max(left, room);
    scores[k] = (cur + step) / 10;
    left -= step;
  }
}

const member = fc.record({
  featured: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  held: fc.constantFrom('none', 'comprehensive', 'featured'),
  // Few distinct totals and revenues, so that ties at the cap are common.
  shift: fc.constantFrom(-4, -2, -1, 0, 0, 1, 2, 3, 5),
  revenue: fc.constantFrom(1300, 1500, 1500, 2000),
  unknown: fc.oneof({ arbitrary: fc.constant('none'), weight: 14 }, { arbitrary: fc.constantFrom('award', 'fraud'), weight: 2 }, { arbitrary: fc.constant('experts'), weight: 1 }),
});

type Member = typeof member extends fc.Arbitrary<infer T> ? T : never;

function build(ms: Member[]): Dossier[] {
  return ms.map((m, i) => {
    const d = structuredClone(m.featured ? F0 : C0);
    const f = d.facts as Record<string, any>;
    f.cityId = `m${i}`;
    f.cityName = `成员${i}市`;
    f.currentTitle = m.held;
    f.softwareRevenue = m.revenue;
    f.softwareRevenuePrev = Math.round((m.revenue / 1.16) * 100) / 100;
    f.revenueGrowthPct = 16;
    if (m.featured) Object.assign(f, { categoriesComplete: true, competitivenessStrong: true, rdExpensePct: 11, top100Firms: 1, hasNationalSoftwarePark: true, firmsInParksPct: 75 });
    shiftScores(f.expertScores, m.shift);
    if (m.unknown === 'award') delete f.bonusAwards.internationalization;
    if (m.unknown === 'fraud') delete f.fraudFound;
    if (m.unknown === 'experts') delete f.expertScores;
    return d;
  });
}

/** The decisions of a cohort by subject, without the words (which name other cities). */
function decisions(r: CohortResult, rename: (id: string) => string = (x) => x) {
  const out: Record<string, unknown> = {};
  for (const m of r.members) out[rename(m.subjectId)] = { result: m.result, change: m.change, rank: m.rank, rankRange: m.rankRange ?? null, possible: m.possible ?? null, tied: (m.tiedWith ?? []).map(rename).sort() };
  return out;
}

describe('cohort properties under sfc-2017 v2', () => {
  const c = compiledVersion(2);

  it('renaming and reordering the members never changes any city\'s result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 11, maxLength: 16 }), fc.integer({ min: 0, max: 1e9 }), async (ms, seed) => {
        const ds = build(ms);
        const r1 = await evaluateCohort(c, ds, { mode: 'dynamic' });
        if (!r1.ok) throw new Error(JSON.stringify(r1.issues));
        // A bijection of ids (and names) and a shuffled order.
        const ids = ds.map((d) => d.facts.cityId as string);
        const fresh = ids.map((_, i) => `r${(i * 7919 + seed) % 100003}-${i}`);
        const to = new Map(ids.map((id, i) => [id, fresh[i]]));
        const renamed = ds.map((d) => {
          const x = structuredClone(d);
          x.facts.cityId = to.get(d.facts.cityId as string)!;
          x.facts.cityName = `改名${x.facts.cityId}`;
          return x;
        });
        const order = renamed.map((_, i) => i).sort((a, b) => ((a * 2654435761 + seed) % 1000) - ((b * 2654435761 + seed) % 1000));
        const r2 = await evaluateCohort(c, order.map((i) => renamed[i]), { mode: 'dynamic' });
        if (!r2.ok) throw new Error(JSON.stringify(r2.issues));
        expect(decisions(r2.result)).toEqual(decisions(r1.result, (id) => to.get(id)!));
        expect(r2.result.cap?.status).toBe(r1.result.cap?.status);
      }),
      { seed: 20261201, numRuns: 40 },
    );
  });

  it('the cap is never exceeded without the result saying so, and every undecided member is listed with what it may become', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 11, maxLength: 16 }), fc.constantFrom('award', 'dynamic') as fc.Arbitrary<'award' | 'dynamic'>, async (ms, mode) => {
        const r = await evaluateCohort(c, build(ms), { mode });
        if (!r.ok) throw new Error(JSON.stringify(r.issues));
        const cap = r.result.cap!;
        const holders = r.result.members.filter((m) => m.result === cap.outcome).length;
        expect(holders).toBe(cap.holders.length);
        if (cap.status !== 'exceeded') expect(holders).toBeLessThanOrEqual(cap.max);
        for (const m of r.result.members) {
          if (m.result === null) {
            expect(m.change).toBe('undecided');
            expect(m.possible!.length).toBeGreaterThanOrEqual(2);
            expect(r.result.undecided).toContain(m.subjectId);
          }
          expect(m.reasons.length).toBeGreaterThan(0);
          for (const why of m.reasons) expect(why.text.zh.length * why.text.en.length).toBeGreaterThan(0);
        }
      }),
      { seed: 20261202, numRuns: 40 },
    );
  });
});
