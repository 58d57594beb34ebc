// Seeded random dossiers valid under an sfc-2017 rule set, for the benchmark and the validation property tests.
import type { RuleSet } from '../../engine/index.js';
import type { FactDef } from '../../engine/schema/ruleSet.js';

/** mulberry32: a small, fast, seedable 32-bit PRNG; floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Ranges for counts, so that thresholds (e.g. 8 listed firms, 100 firms over 1亿) fall inside them and both sides are exercised.
const INT_RANGE: Record<string, [number, number]> = {
  period: [2017, 2023],
  top100Firms: [0, 6],
  listedSoftwareFirms: [0, 20],
  firmsWithOverseasBranches: [0, 40],
  firmsOver100M: [50, 200],
  softwareEmployees: [50_000, 600_000],
  innovationPlatforms: [0, 25],
  platformProjectsPerYear: [0, 250],
  softwareCopyrights: [1_000, 60_000],
  parksNationalProvincial: [0, 12],
  platformServiceFunctions: [0, 10],
  featuredLeaderNationalRank: [1, 5],
  titleSince: [2010, 2020],
};
const NUM_RANGE: Record<string, [number, number]> = {
  softwareRevenue: [500, 5000],
  exportRevenue: [0, 100],
  profitAndTax: [0, 800],
  specialFund: [0, 5],
  specialFundPrev: [0.5, 4],
  floorArea: [100, 1500],
  outputPerM2: [5_000, 60_000],
  rdExpensePct: [7, 20],
  firmsInParksPct: [60, 95],
  featuredIndustryPct: [5, 40],
  bachelorOrAbovePct: [40, 85],
  revenueInParksPct: [60, 98],
  firmsServedPct: [40, 90],
  rdCycleReductionPct: [0, 25],
  govCloudPct: [30, 90],
};
const AWARDS = [0, 1, 1.5, 2, 2.5, 3];
// Share of true values: most conditions are met, so that later stages and the totals are exercised too.
const TRUE_SHARE: Record<string, number> = { fraudFound: 0.03, isMunicipality: 0.15 };

/** One dossier valid under the rule set's fact declarations, with the variation the benchmark brief asks for. */
export function generate(rs: RuleSet, rng: () => number, i: number): { dossierFormat: 1; facts: Record<string, unknown> } {
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
  const values = new Map<string, unknown>();
  const growth = 8 + rng() * 22;
  for (const f of rs.facts) {
    if (!f.required && rng() < 0.05) continue; // deliberately absent
    values.set(f.id, valueOf(f));
  }
  // Keep the two revenue years consistent with the drawn growth.
  const rev = values.get('softwareRevenue');
  if (typeof rev === 'number' && values.has('softwareRevenuePrev')) values.set('softwareRevenuePrev', round(rev / (1 + growth / 100), 1));
  if (values.has('revenueGrowthPct')) {
    if (rng() < 0.7) values.delete('revenueGrowthPct');
    else values.set('revenueGrowthPct', round(growth, 1));
  }
  // Consistent with the rule set's dossier checks (sfc-2017@2): a municipality is one by name, a title year only with a title and not after the period, another domain named.
  if (values.get('isMunicipality') === true) values.set('cityName', pick(['北京市', '天津市', '上海市', '重庆市']));
  if (values.get('currentTitle') === 'none') values.delete('titleSince');
  const period = values.get('period');
  if (typeof period === 'number' && typeof values.get('titleSince') === 'number') values.set('titleSince', Math.min(period, values.get('titleSince') as number));
  if (values.get('featuredDomain') === 'other') values.set('featuredDomainOther', `其他领域${i}`);
  const facts: Record<string, unknown> = {};
  for (const [id, v] of values) {
    const parts = id.split('.');
    let node = facts;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = v;
  }
  return { dossierFormat: 1, facts };

  function valueOf(f: FactDef): unknown {
    // Some values sit exactly on a threshold or a step edge (I1.1, I2.1, I2.2), where the paths are most likely to part.
    const edge = rng() < 0.15;
    if (f.id === 'softwareRevenue' && edge) return 1000 + 200 * int(0, 20);
    if (f.id === 'firmsOver100M' && edge) return pick([100, 101]);
    if (f.id === 'cityId') return `city${i}`;
    if (f.id === 'cityName') return `城市${i}`;
    if (f.discretionary) return pick(AWARDS.filter((a) => a === 0 || (a >= f.discretionary!.min && a <= f.discretionary!.max)));
    switch (f.type) {
      case 'boolean':
        return rng() < (TRUE_SHARE[f.id] ?? 0.99);
      case 'string':
        return `${f.id}-${i}`;
      case 'enum':
        return pick((f.values ?? []).map((v) => v.id));
      case 'integer': {
        const [lo, hi] = INT_RANGE[f.id] ?? [f.min ?? 0, f.max ?? 100];
        return int(Math.max(lo, f.min ?? lo), Math.min(hi, f.max ?? hi));
      }
      case 'number': {
        // 0–max in 0.1 steps; mostly in the upper range, as real evaluators' scores are, so that totals straddle the pass marks.
        if (f.id.startsWith('expertScores.')) return round((rng() < 0.8 ? 0.65 + 0.35 * rng() : rng()) * (f.max ?? 10), 1);
        const [lo, hi] = NUM_RANGE[f.id] ?? (f.unit === '%' ? [0, 100] : [f.min ?? 0, f.max ?? 100]);
        return round(Math.max(f.min ?? -Infinity, Math.min(f.max ?? Infinity, lo + rng() * (hi - lo))), 1);
      }
      case 'list': {
        const n = int(0, 6);
        return Array.from({ length: n }, (_, k) => ({ name: `企业${i}-${k}`, softwareRevenue: rng() < 0.15 ? pick([50, 100, 300, 600]) : round(50 + rng() * 550, 1) }));
      }
    }
  }
}
