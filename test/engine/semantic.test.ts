// Rule-set checks: one fixture per failure mode, asserting the issue code and its JSON path.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRuleSet, compileRuleSet, hasErrors, ruleSetJsonSchema, type RuleSet } from '../../engine/index.js';
import { clauseIds, ruleSetDoc } from './fixtures.js';

function issuesAfter(edit: (rs: any) => void) {
  const rs = structuredClone(ruleSetDoc()) as any;
  edit(rs);
  return checkRuleSet(rs, { clauseIds }).issues;
}
const stageIndex = (rs: RuleSet, id: string) => rs.stages.findIndex((s) => s.id === id);
const paramIndex = (rs: RuleSet, id: string) => rs.parameters.findIndex((p) => p.id === id);

describe('the sfc-2017 rule set', () => {
  it('has no schema or semantic issue', () => {
    expect(checkRuleSet(ruleSetDoc(), { clauseIds }).issues).toEqual([]);
  });
  it('declares seven indicators worth 100 and nine bonus clauses', () => {
    const rs = ruleSetDoc();
    const score = rs.stages.find((s) => s.kind === 'score')!;
    expect(score.kind === 'score' && score.items.length).toBe(7);
    const bonus = rs.stages.find((s) => s.kind === 'bonus')!;
    const cited = new Set(bonus.kind === 'bonus' ? bonus.items.flatMap((b) => b.cites) : []);
    for (let i = 1; i <= 9; i++) expect(cited.has(`I2.${i}`)).toBe(true);
  });
  it('generates a JSON Schema from the zod schema', () => {
    const js = ruleSetJsonSchema() as any;
    expect(js.type).toBe('object');
    expect(Object.keys(js.properties)).toContain('parameters');
    expect(js.required).toContain('stages');
  });
});

describe('semantic checks', () => {
  it('unknown fields are schema errors with their path', () => {
    const issues = issuesAfter((rs) => (rs.parameters[0].colour = 'red'));
    expect(issues[0]).toMatchObject({ code: 'unknown_field', path: ['parameters', 0] });
  });
  it('duplicate parameter ids', () => {
    const issues = issuesAfter((rs) => rs.parameters.push({ ...rs.parameters[0] }));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'duplicate_id', path: ['parameters', 57, 'id'] }));
  });
  it('duplicate rule item ids across stages', () => {
    const issues = issuesAfter((rs) => (rs.stages[1].items[0].id = 'gate:industry-scale'));
    expect(issues.some((i) => i.code === 'duplicate_id' && i.path.join('.') === 'stages.2.items.0.id')).toBe(true);
  });
  it('a condition reading an undeclared fact', () => {
    const issues = issuesAfter((rs) => (rs.stages[stageIndex(rs, 'stage:control')].items[0].condition.fact = 'softwareRevenu'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_fact', path: ['stages', 2, 'items', 0, 'condition', 'fact'] }));
  });
  it('a fact-to-fact comparison with an undeclared fact', () => {
    const issues = issuesAfter((rs) => (rs.stages[2].items[1].condition.any[0].value = { fact: 'nationalGrowth' }));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_fact', path: ['stages', 2, 'items', 1, 'condition', 'any', 0, 'value', 'fact'] }));
  });
  it('an unknown parameter reference', () => {
    const issues = issuesAfter((rs) => (rs.stages[2].items[0].condition.value = { param: 'revenueTreshold' }));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_parameter', path: ['stages', 2, 'items', 0, 'condition', 'value', 'param'] }));
  });
  it('indicator maxima that do not add up to the base', () => {
    const issues = issuesAfter((rs) => (rs.parameters[paramIndex(rs, 'maxEnvironment')].value = 25));
    const i = stageIndex(ruleSetDoc(), 'stage:indicators');
    expect(issues).toContainEqual(expect.objectContaining({ code: 'indicator_sum_mismatch', path: ['stages', i, 'items'] }));
  });
  it('non-monotonic firm tiers', () => {
    const issues = issuesAfter((rs) => (rs.parameters[paramIndex(rs, 'firmTier3Points')].value = 0.2));
    expect(issues.some((i) => i.code === 'non_monotonic_tiers' && i.path.join('.').endsWith('formula.tiers.2.points'))).toBe(true);
  });
  it('a citation of a clause that does not exist', () => {
    const issues = issuesAfter((rs) => (rs.stages[2].items[0].cites = ['I1.1', 'I9.9']));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_clause', path: ['stages', 2, 'items', 0, 'cites', 1] }));
  });
  it('a label naming a parameter that does not exist', () => {
    const issues = issuesAfter((rs) => (rs.stages[2].items[0].label.zh = '产业规模不低于{revenueTreshold}亿元'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_parameter', path: ['stages', 2, 'items', 0, 'label', 'zh'] }));
  });
  it('a parameter citing a clause that does not exist', () => {
    const issues = issuesAfter((rs) => (rs.parameters[0].cites = ['I9.9']));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'unknown_clause', path: ['parameters', 0, 'cites', 0] }));
  });
  it('a derived expression with a syntax error gives the position', () => {
    const issues = issuesAfter((rs) => (rs.derived[1].expr = 'softwareRevenue - * softwareRevenuePrev'));
    const i = issues.find((x) => x.code === 'expression_syntax')!;
    expect(i.path).toEqual(['derived', 1, 'expr']);
    expect(i.message).toMatch(/position 18/);
  });
  it('a derived expression calling an unknown function or reading an unknown fact', () => {
    const issues = issuesAfter((rs) => (rs.derived[1].expr = 'eval(softwareRevenue) + nope'));
    expect(issues.map((i) => i.code)).toEqual(expect.arrayContaining(['unknown_function', 'unknown_fact']));
  });
  it('derived values that depend on each other in a cycle', () => {
    const rs = structuredClone(ruleSetDoc()) as any;
    rs.derived[4].expr = 'incrementRequired * 20';
    const c = compileRuleSet(rs, { clauseIds });
    expect(c.ok).toBe(false);
    expect(!c.ok && c.issues).toContainEqual(expect.objectContaining({ code: 'derived_cycle', path: ['derived'] }));
    expect(!c.ok && c.issues.find((i) => i.code === 'derived_cycle')!.message).toMatch(/nationalIncrement → incrementRequired → nationalIncrement|incrementRequired → nationalIncrement → incrementRequired/);
  });
  it('an interpretation whose chosen option disagrees with the parameters', () => {
    const issues = issuesAfter((rs) => (rs.parameters[paramIndex(rs, 'firmTierMode')].value = 'cumulative'));
    const i = ruleSetDoc().interpretations.findIndex((x) => x.id === 'interp:firm-tier-overlap');
    expect(issues).toContainEqual(expect.objectContaining({ code: 'interpretation_mismatch', path: ['interpretations', i, 'chosen'] }));
  });
  it('an enum parameter with a value outside its options', () => {
    const issues = issuesAfter((rs) => (rs.parameters[paramIndex(rs, 'revenueBonusRounding')].value = 'ceil'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'invalid_parameter', path: ['parameters', paramIndex(ruleSetDoc(), 'revenueBonusRounding'), 'value'] }));
  });
  it('a newer format version is refused, not guessed', () => {
    const issues = issuesAfter((rs) => (rs.formatVersion = 2));
    expect(issues).toEqual([expect.objectContaining({ code: 'unsupported_format_version', path: ['formatVersion'] })]);
  });
  it('never throws on junk', () => {
    for (const junk of [null, 1, 'x', [], {}, { formatVersion: 1 }, { formatVersion: 1, stages: 'no' }]) {
      const r = checkRuleSet(junk, { clauseIds });
      expect(hasErrors(r.issues)).toBe(true);
    }
  });
});

describe('units and kinds in comparisons', () => {
  const control = (rs: any) => rs.stages[stageIndex(rs, 'stage:control')];
  const at = (rs: RuleSet) => ['stages', stageIndex(rs, 'stage:control'), 'items', 0, 'condition', 'value'];
  it('a count of firms against a threshold in 亿元 is a unit mismatch at the compared value', () => {
    const issues = issuesAfter((rs) => (control(rs).items[0].condition.fact = 'firmsOver100M'));
    expect(issues).toEqual([expect.objectContaining({ code: 'unit_mismatch', path: at(ruleSetDoc()), severity: 'error' })]);
  });
  it('two declared units that differ (人 against 亿元) are a unit mismatch', () => {
    const issues = issuesAfter((rs) => (control(rs).items[0].condition.fact = 'softwareEmployees'));
    expect(issues.map((i) => i.code)).toEqual(['unit_mismatch']);
  });
  it('a fact compared with another fact in another unit (亿美元 against 亿元) is a unit mismatch', () => {
    const issues = issuesAfter((rs) => (control(rs).items[0].condition.value = { fact: 'exportRevenue' }));
    expect(issues).toEqual([expect.objectContaining({ code: 'unit_mismatch', path: at(ruleSetDoc()) })]);
  });
  it('a count against a count parameter (家) and a literal number are fine', () => {
    expect(issuesAfter((rs) => Object.assign(control(rs).items[0].condition, { fact: 'top100Firms', value: { param: 'top100FirmsMin' } }))).toEqual([]);
    expect(issuesAfter((rs) => (control(rs).items[0].condition.value = 1200))).toEqual([]);
  });
  it('a derived value that counts list entries (in 家) is a count, so a 家 parameter beside a count fact stays fine', () => {
    const withCount = (rs: RuleSet) => {
      rs.derived.push({ id: 'firmsListed', label: { zh: '列出的企业数', en: 'Firms listed' }, cites: [], unit: '家', expr: 'count(largeFirms)' } as RuleSet['derived'][number]);
      Object.assign(control(rs).items[0].condition, { fact: 'top100Firms', value: { param: 'top100FirmsMin' } });
    };
    expect(issuesAfter(withCount)).toEqual([]);
    // ...and it is compared as a count: against a threshold in 亿元 it is a mismatch.
    expect(issuesAfter((rs) => (withCount(rs), Object.assign(control(rs).items[0].condition, { fact: 'firmsListed', value: { param: 'revenueThreshold' } }))).map((i) => i.code)).toEqual(['unit_mismatch']);
  });
  it('a derived yes/no value (has(…), a comparison) is compared with true or false, not with a number', () => {
    const withFlag = (rs: RuleSet) => rs.derived.push({ id: 'prevGiven', label: { zh: '已填上年收入', en: 'Previous revenue given' }, cites: [], expr: 'has(softwareRevenuePrev)' } as RuleSet['derived'][number]);
    expect(issuesAfter((rs) => (withFlag(rs), Object.assign(control(rs).items[0].condition, { fact: 'prevGiven', operator: 'equal', value: true })))).toEqual([]);
    expect(issuesAfter((rs) => (withFlag(rs), Object.assign(control(rs).items[0].condition, { fact: 'prevGiven', operator: 'equal', value: 1 }))).map((i) => i.code)).toEqual(['type_mismatch']);
  });
  it('every rule set published in rules/ passes the semantic checks', () => {
    const dir = path.resolve(import.meta.dirname, '../../rules/sfc-2017');
    const files = readdirSync(dir).filter((f) => /^v\d+\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const r = checkRuleSet(JSON.parse(readFileSync(path.join(dir, f), 'utf8')), { clauseIds });
      expect(r.issues.filter((i) => i.severity !== 'warning'), f).toEqual([]);
    }
  });
  it('a yes/no fact ordered or compared with a number is a type mismatch', () => {
    const issues = issuesAfter((rs) => (control(rs).items[0].condition.fact = 'hasNationalSoftwarePark'));
    expect(issues.map((i) => [i.code, i.path.at(-1)])).toEqual([
      ['type_mismatch', 'operator'],
      ['type_mismatch', 'value'],
    ]);
  });
  it('a number compared with text, and an enum compared with a value it does not have', () => {
    expect(issuesAfter((rs) => (control(rs).items[0].condition.value = '1000')).map((i) => i.code)).toEqual(['type_mismatch']);
    const issues = issuesAfter((rs) => Object.assign(control(rs).items[0].condition, { fact: 'applicationType', operator: 'equal', value: 'comprehensiv' }));
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_value', path: at(ruleSetDoc()) })]);
  });
  it('names for enum options must name options the parameter has', () => {
    const i = paramIndex(ruleSetDoc(), 'revenueBonusRounding');
    expect(issuesAfter((rs) => (rs.parameters[i].optionLabels = { floor: { zh: '整步', en: 'Whole steps' } }))).toEqual([]);
    expect(issuesAfter((rs) => (rs.parameters[i].optionLabels = { flor: { zh: '整步', en: 'Whole steps' } }))).toEqual([expect.objectContaining({ code: 'unknown_option', path: ['parameters', i, 'optionLabels', 'flor'] })]);
  });
});
