// Shared test fixtures: the sfc-2017 rule set, its clause ids, and a passing comprehensive dossier to vary.
import fs from 'node:fs';
import path from 'node:path';
import { compileRuleSet, type CompiledRuleSet, type RuleSet } from '../../engine/index.js';

const root = path.resolve(import.meta.dirname, '../..');
export const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));
export const ruleSetDoc = (): RuleSet => readJson('rules/sfc-2017/v1.json');
export const clauseIds: string[] = readJson('rules/policy/miit-sfc-2017/clauses.json').map((c: { id: string }) => c.id);

const byVersion = new Map<number, CompiledRuleSet>();
/** A published version of sfc-2017, compiled once. */
export function compiledVersion(version: number): CompiledRuleSet {
  const hit = byVersion.get(version);
  if (hit) return hit;
  const c = compileRuleSet(readJson(`rules/sfc-2017/v${version}.json`), { clauseIds });
  if (!c.ok) throw new Error(JSON.stringify(c.issues));
  byVersion.set(version, c.compiled);
  return c.compiled;
}

let cached: CompiledRuleSet | null = null;
export function compiled(): CompiledRuleSet {
  if (cached) return cached;
  const c = compileRuleSet(ruleSetDoc(), { clauseIds });
  if (!c.ok) throw new Error(JSON.stringify(c.issues));
  cached = c.compiled;
  return cached;
}

/** A comprehensive city that passes with base 85 and bonus 16 (total 101). */
export function passingFacts(): Record<string, any> {
  return {
    cityId: 'testcity',
    cityName: '测试市',
    province: '测试省',
    isMunicipality: false,
    period: 2018,
    applicationType: 'comprehensive',
    application: {
      conditions: { govCommitment: true, regionalRepresentativeness: true, industryFoundation: true, drivingEffect: true, resourcesAndEnvironment: true },
      workingBody: true,
      materials: { applicationReport: true, workPlan: true, mouDraft: true, coordinationPlan: true, workPlanContents: true, responsibleBodyContact: true, provincialSupportLetter: true },
    },
    softwareRevenue: 1450,
    softwareRevenuePrev: 1250,
    categoriesComplete: true,
    competitivenessStrong: true,
    rdExpensePct: 11,
    top100Firms: 2,
    hasNationalSoftwarePark: true,
    firmsInParksPct: 75,
    firmsOver100M: 120,
    largeFirms: [
      { name: 'A', softwareRevenue: 120 },
      { name: 'B', softwareRevenue: 60 },
    ],
    expertScores: { industryStrength: 14, enterpriseCultivation: 13, humanResources: 8, innovation: 13, applicationLevel: 12, environment: 17, drivingBenefit: 8 },
    bonusAwards: {
      majorInnovation: 2,
      basicSoftware: 1,
      industrialSoftware: 1,
      strategies: { madeInChina2025: 1, manufacturingInternet: 1, internetPlus: 1, bigData: 1, beltAndRoad: 0, massInnovation: 0, secureReliable: 0 },
      featuredDistinction: 0,
      internationalization: 2,
      drivingEffect: 1.5,
      leadershipInitiative: 1.5,
    },
    fraudFound: false,
    currentTitle: 'none',
  };
}

export function dossier(patch: (f: Record<string, any>) => void = () => {}) {
  const facts = passingFacts();
  patch(facts);
  return { dossierFormat: 1, facts };
}
