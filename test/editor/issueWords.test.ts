// The words for an engine issue: the place by the rule set's labels, and both sides of a mismatched comparison.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRuleSet, type RuleSet } from '../../engine/index.js';
import { comparisonSides, issuePlace } from '../../editor/src/model/issueWords.js';

const v1 = (): RuleSet => JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../rules/sfc-2017/v1.json'), 'utf8'));

describe('issue words', () => {
  it('names the stage and item of a unit mismatch and both sides of the comparison, in zh and en', () => {
    const rs = v1();
    const control = rs.stages.find((s) => s.id === 'stage:control') as { items: { condition: { fact: string } }[] };
    control.items[0].condition.fact = 'firmsOver100M';
    const issue = checkRuleSet(rs).issues.find((i) => i.code === 'unit_mismatch')!;
    expect(issue).toBeDefined();
    expect(issuePlace(rs, issue.path, 'zh-CN')).toEqual(['“控制性”指标', '产业规模不低于1000亿元']);
    expect(issuePlace(rs, issue.path, 'en')[0]).toBe('Control indicators');
    expect(comparisonSides(rs, issue.path, 'zh-CN')).toEqual({ left: { label: '软件业务收入过亿元企业数', kind: 'count' }, right: { label: '产业规模门槛', kind: '亿元' } });
    expect(comparisonSides(rs, issue.path, 'en')!.right).toEqual({ label: 'Industry scale threshold', kind: '亿元' });
  });
  it('a parameter issue is placed at the parameter; a path that is no comparison has no sides', () => {
    const rs = v1();
    const i = rs.parameters.findIndex((p) => p.id === 'revenueThreshold');
    expect(issuePlace(rs, ['parameters', i, 'value'], 'zh-CN')).toEqual(['产业规模门槛']);
    expect(comparisonSides(rs, ['parameters', i, 'value'], 'zh-CN')).toBeNull();
    expect(issuePlace(rs, [], 'zh-CN')).toEqual([]);
  });
});
