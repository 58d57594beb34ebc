// Cohort rules: the cap of ten comprehensive titles, promotion and demotion, and the change for each city with its clause.
import { describe, expect, it } from 'vitest';
import { applyInterpretations, compileRuleSet, evaluateCohort, type CompiledRuleSet } from '../../engine/index.js';
import { compiled, dossier } from './fixtures.js';

const city = (id: string, patch: (f: Record<string, any>) => void) =>
  dossier((f) => {
    f.cityId = id;
    f.cityName = id.toUpperCase();
    patch(f);
  });

describe('evaluateCohort', () => {
  it('keeps ten comprehensive titles; the eleventh by total is listed as over the cap', async () => {
    const ds = Array.from({ length: 11 }, (_, i) =>
      city(`c${i + 1}`, (f) => {
        f.expertScores.environment = 20 - i * 0.1; // c1 highest total … c11 lowest
        f.currentTitle = 'none';
      }),
    );
    const r = await evaluateCohort(compiled(), ds, { mode: 'award' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const byId = Object.fromEntries(r.result.members.map((m) => [m.subjectId, m]));
    expect(byId.c11).toMatchObject({ qualified: 'comprehensive', result: 'none', change: 'over-cap', rank: 11 });
    expect(byId.c1).toMatchObject({ result: 'comprehensive', change: 'awarded', rank: 1 });
    expect(r.result.titles.comprehensive).toHaveLength(10);
    expect(byId.c11.reasons.at(-1)!.cites).toEqual(['M5.1', 'I3.1']);
  });

  it('ties on total are broken by revenue; the revenue variant ranks by revenue first', async () => {
    const ds = Array.from({ length: 11 }, (_, i) =>
      city(`c${i + 1}`, (f) => {
        f.softwareRevenue = 1450 + i; // all in the same 200亿 step, equal totals
      }),
    );
    const r = await evaluateCohort(compiled(), ds, { mode: 'award' });
    if (!r.ok) throw new Error();
    expect(r.result.members.find((m) => m.change === 'over-cap')!.subjectId).toBe('c1');
    const v = applyInterpretations(compiled().ruleSet, { 'interp:cap-ranking': 'revenue' });
    if (!v.ok) throw new Error();
    const c = compileRuleSet(v.ruleSet) as { ok: true; compiled: CompiledRuleSet };
    const ds2 = ds.map((d, i) => {
      const x = structuredClone(d);
      x.facts.expertScores.environment = 17 + i * 0.25; // c11 has the highest total but the lowest revenue
      x.facts.softwareRevenue = 1450 - i;
      return x;
    });
    const r2 = await evaluateCohort(c.compiled, ds2, { mode: 'award' });
    if (!r2.ok) throw new Error();
    expect(r2.result.members.find((m) => m.change === 'over-cap')?.subjectId).toBe('c11');
  });

  it('promotes a featured city larger than a comprehensive one and demotes the smallest comprehensive city', async () => {
    const ds = [
      city('big', (f) => {
        f.softwareRevenue = 3000;
        f.softwareRevenuePrev = 2600;
        f.currentTitle = 'comprehensive';
      }),
      city('small', (f) => {
        f.softwareRevenue = 1300;
        f.softwareRevenuePrev = 1100;
        f.currentTitle = 'comprehensive';
      }),
      city('feat', (f) => {
        f.applicationType = 'featured';
        f.featuredDomain = 'bigData';
        f.coreIpProductSystem = true;
        f.featuredIndustryPct = 15;
        f.featuredLeaderNationalRank = 2;
        f.featuredSpecialPolicy = true;
        f.softwareRevenue = 1600;
        f.softwareRevenuePrev = 1350;
        f.currentTitle = 'featured';
        f.expertScores.environment = 10; // total below 100
      }),
    ];
    const r = await evaluateCohort(compiled(), ds, { mode: 'dynamic' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const byId = Object.fromEntries(r.result.members.map((m) => [m.subjectId, m]));
    expect(byId.feat).toMatchObject({ result: 'comprehensive', change: 'promoted' });
    expect(byId.small).toMatchObject({ result: 'featured', change: 'demoted' });
    expect(byId.big).toMatchObject({ result: 'comprehensive', change: 'kept' });
    expect(byId.feat.reasons.at(-1)!.text.zh).toContain('晋级');
    // The variant that asks the promoted city to reach 100 points blocks this promotion.
    const v = applyInterpretations(compiled().ruleSet, { 'interp:promotion': 'revenue-swap-pass-mark' });
    if (!v.ok) throw new Error();
    const c = compileRuleSet(v.ruleSet) as { ok: true; compiled: CompiledRuleSet };
    const r2 = await evaluateCohort(c.compiled, ds, { mode: 'dynamic' });
    if (!r2.ok) throw new Error();
    expect(r2.result.members.find((m) => m.subjectId === 'feat')!.change).toBe('kept');
    // No promotion at an award (non-dynamic) evaluation.
    const r3 = await evaluateCohort(compiled(), ds, { mode: 'award' });
    if (!r3.ok) throw new Error();
    expect(r3.result.members.find((m) => m.subjectId === 'feat')!.result).toBe('featured');
  });

  it('revokes a held title after fraud and reports not-passed for a new failing city', async () => {
    const ds = [
      city('held', (f) => {
        f.currentTitle = 'comprehensive';
        f.fraudFound = true;
      }),
      city('newbie', (f) => {
        f.currentTitle = 'none';
        f.softwareRevenue = 900;
      }),
    ];
    const r = await evaluateCohort(compiled(), ds, { mode: 'dynamic' });
    if (!r.ok) throw new Error();
    const byId = Object.fromEntries(r.result.members.map((m) => [m.subjectId, m]));
    expect(byId.held.change).toBe('revoked');
    expect(byId.held.reasons.flatMap((x) => x.cites)).toContain('M7.1');
    expect(byId.newbie.change).toBe('not-passed');
  });

  it('refuses a dynamic evaluation without the held title, and mixed periods', async () => {
    const r = await evaluateCohort(compiled(), [city('a', (f) => delete f.currentTitle)], { mode: 'dynamic' });
    expect(!r.ok && r.issues[0]).toMatchObject({ code: 'missing_fact', path: [0, 'facts', 'currentTitle'] });
    const r2 = await evaluateCohort(compiled(), [city('a', () => {}), city('b', (f) => (f.period = 2019))], { mode: 'award' });
    expect(!r2.ok && r2.issues[0].code).toBe('mixed_periods');
  });
});
