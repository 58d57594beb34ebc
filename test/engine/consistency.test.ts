// Dossier consistency checks of sfc-2017 v2: one fixture per check, asserting code, path and severity; errors refuse the dossier, warnings travel with it into the evaluation.
import { describe, expect, it } from 'vitest';
import { compiledVersion, readJson } from './fixtures.js';

const c = compiledVersion(2);
const golden = readJson('rules/sfc-2017/v2.golden.json');
const base = () => structuredClone(golden.cases.find((x: { id: string }) => x.id === 'base-comprehensive-passes').dossier);
const featured = () => structuredClone(golden.cases.find((x: { id: string }) => x.id === 'i2-10-featured-at-90-passes').dossier);
const firms = (...xs: [string, number][]) => xs.map(([name, softwareRevenue]) => ({ name, softwareRevenue }));

type Case = { name: string; patch: (f: Record<string, any>) => void; code: string; path: string; severity: 'error' | 'warning'; dossier?: () => any };
const cases: Case[] = [
  { name: 'a firm listed twice', patch: (f) => (f.largeFirms = firms(['甲软件', 120], ['乙信息', 60], ['甲软件', 70])), code: 'duplicate_entry', path: 'facts.largeFirms.2.name', severity: 'error' },
  { name: 'more firms over 50亿 than over 1亿', patch: (f) => (f.firmsOver100M = 1), code: 'list_exceeds_count', path: 'facts.largeFirms', severity: 'error' },
  { name: 'one firm larger than the city', patch: (f) => (f.largeFirms = firms(['甲软件', 1600])), code: 'firm_exceeds_city', path: 'facts.largeFirms', severity: 'warning' },
  { name: 'the listed firms together larger than the city', patch: (f) => (f.largeFirms = firms(['甲', 800], ['乙', 750])), code: 'firms_exceed_city', path: 'facts.largeFirms', severity: 'warning' },
  { name: 'a firm at 50亿 in the list of firms over 50亿', patch: (f) => (f.largeFirms = firms(['甲软件', 120], ['丁', 50])), code: 'firm_below_tier', path: 'facts.largeFirms', severity: 'warning' },
  { name: 'a published growth rate far from the revenues', patch: (f) => (f.revenueGrowthPct = 5), code: 'growth_inconsistent', path: 'facts.revenueGrowthPct', severity: 'warning' },
  { name: 'last year\'s revenue 0', patch: (f) => ((f.softwareRevenuePrev = 0), delete f.revenueGrowthPct), code: 'previous_revenue_zero', path: 'facts.softwareRevenuePrev', severity: 'warning' },
  { name: 'a municipality claim for a city that is not one', patch: (f) => (f.isMunicipality = true), code: 'not_a_municipality', path: 'facts.isMunicipality', severity: 'error' },
  { name: 'featured field "other" without its name', dossier: featured, patch: (f) => (f.featuredDomain = 'other'), code: 'unnamed_other_domain', path: 'facts.featuredDomainOther', severity: 'error' },
  { name: 'a revenue above the national total', patch: (f) => Object.assign(f, { softwareRevenue: 64000, softwareRevenuePrev: 55172.41 }), code: 'exceeds_national', path: 'facts.softwareRevenue', severity: 'error' },
  { name: 'more employees than the whole country', patch: (f) => (f.softwareEmployees = 7000000), code: 'exceeds_national', path: 'facts.softwareEmployees', severity: 'error' },
  { name: 'profits and taxes above revenue', patch: (f) => (f.profitAndTax = 1600), code: 'profit_exceeds_revenue', path: 'facts.profitAndTax', severity: 'warning' },
  { name: 'a title conferred after the period', patch: (f) => Object.assign(f, { currentTitle: 'featured', titleSince: 2019 }), code: 'title_after_period', path: 'facts.titleSince', severity: 'error' },
  { name: 'a year of conferral without a title', patch: (f) => Object.assign(f, { currentTitle: 'none', titleSince: 2016 }), code: 'title_year_without_title', path: 'facts.titleSince', severity: 'warning' },
];

describe('dossier consistency checks (sfc-2017 v2)', () => {
  it('covers every check the rule set declares', () => {
    const declared = new Set((c.ruleSet.dossierChecks ?? []).map((d) => d.code));
    expect(new Set(cases.map((x) => x.code))).toEqual(declared);
  });

  it.each(cases.map((x) => [x.name, x] as const))('%s', async (_n, x) => {
    const d = (x.dossier ?? base)();
    x.patch(d.facts);
    const r = c.checkDossier(d);
    if (x.severity === 'error') {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const hit = r.issues.find((i) => i.code === x.code)!;
      expect(hit).toMatchObject({ severity: 'error' });
      expect(hit.path.join('.')).toBe(x.path);
      // Bilingual words from the rule set, with the figures filled in (no placeholder left).
      expect(hit.text!.zh).not.toMatch(/\{[A-Za-z]/);
      expect(hit.text!.en).not.toMatch(/\{[A-Za-z]/);
      expect(hit.cites!.length).toBeGreaterThan(0);
      // evaluate refuses it the same way.
      const ev = await c.evaluate(d);
      expect(ev.ok).toBe(false);
    } else {
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const hit = r.warnings.find((i) => i.code === x.code)!;
      expect(hit).toMatchObject({ severity: 'warning' });
      expect(hit.path.join('.')).toBe(x.path);
      expect(hit.text!.zh).not.toMatch(/\{[A-Za-z]/);
      const ev = await c.evaluate(d);
      if (!ev.ok) throw new Error('refused');
      expect(ev.evaluation.warnings.find((w) => w.code === x.code)).toMatchObject({ path: hit.path, text: hit.text });
    }
  });

  it('names both growth figures in the warning', () => {
    const d = base();
    d.facts.revenueGrowthPct = 5;
    const r = c.checkDossier(d);
    if (!r.ok) throw new Error();
    expect(r.warnings[0].text!.zh).toBe('公布的产业发展速度 5% 与按两年收入（1300 → 1500 亿元）推算的 15.38% 相差 10.38 个百分点，超过 1 个百分点；增长检验按解读采用公布值');
  });

  it('a check that cannot be decided raises nothing (a missing fact is not read as 0 or false)', () => {
    const d = base();
    delete d.facts.firmsOver100M;
    delete d.facts.revenueGrowthPct;
    const r = c.checkDossier(d);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings).toEqual([]);
  });

  it('version 1, which declares no consistency checks, accepts the same dossiers as before', () => {
    const d = base();
    d.facts.largeFirms = firms(['甲软件', 120], ['甲软件', 120]);
    expect(compiledVersion(1).checkDossier(d).ok).toBe(true);
  });
});
