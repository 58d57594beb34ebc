// Semantic diff and interpretation switches between versions.
import { describe, expect, it } from 'vitest';
import { applyInterpretations, diffRuleSets, ruleSetHash } from '../../engine/index.js';
import { ruleSetDoc } from './fixtures.js';

describe('diffRuleSets', () => {
  it('names a parameter change with before and after', () => {
    const a = ruleSetDoc();
    const b = structuredClone(a);
    b.parameters.find((p) => p.id === 'revenueThreshold')!.value = 800;
    const d = diffRuleSets(a, b);
    expect(d).toEqual([expect.objectContaining({ kind: 'parameter', change: 'changed', id: 'revenueThreshold', before: 1000, after: 800 })]);
    expect(d[0].text.zh).toContain('1000 → 800');
  });
  it('names an interpretation switch and the parameters it sets', () => {
    const a = ruleSetDoc();
    const r = applyInterpretations(a, { 'interp:revenue-bonus-steps': 'pro-rata' });
    if (!r.ok) throw new Error();
    const d = diffRuleSets(a, r.ruleSet);
    expect(d.map((x) => [x.kind, x.id, x.before, x.after])).toEqual([
      ['parameter', 'revenueBonusRounding', 'floor', 'proRata'],
      ['interpretation', 'interp:revenue-bonus-steps', 'whole-steps', 'pro-rata'],
    ]);
  });
  it('names added items and changed formulas', () => {
    const a = ruleSetDoc();
    const b = structuredClone(a);
    const bonus = b.stages.find((s) => s.kind === 'bonus')!;
    if (bonus.kind !== 'bonus') throw new Error();
    bonus.items[0].formula = { kind: 'expression', expr: 'min(3, floor((softwareRevenue - 1000) / 100) * 0.5)' };
    bonus.items.push({ ...bonus.items[3], id: 'bonus:new-item' });
    const d = diffRuleSets(a, b);
    expect(d).toContainEqual(expect.objectContaining({ kind: 'bonus', change: 'changed', id: 'bonus:revenue-steps', field: 'formula' }));
    expect(d).toContainEqual(expect.objectContaining({ kind: 'bonus', change: 'added', id: 'bonus:new-item' }));
  });
  it('finds no change between a version and itself, and the content hash ignores status', () => {
    const a = ruleSetDoc();
    expect(diffRuleSets(a, structuredClone(a))).toEqual([]);
    expect(ruleSetHash({ ...a, status: 'draft' })).toBe(ruleSetHash(a));
    expect(ruleSetHash({ ...a, version: 2 })).not.toBe(ruleSetHash(a));
  });
});

describe('applyInterpretations', () => {
  it('refuses unknown interpretations, unknown options and options recorded only', () => {
    const a = ruleSetDoc();
    const r = applyInterpretations(a, { 'interp:nope': 'x', 'interp:rd-gate': 'soft', 'interp:control-veto': 'scored-only' });
    expect(!r.ok && r.issues.map((i) => i.code)).toEqual(['unknown_interpretation', 'unknown_option', 'option_not_selectable']);
  });
  it('every variant marked in the policy notes is selectable', () => {
    const a = ruleSetDoc();
    const variants = a.interpretations.flatMap((i) => i.options.filter((o) => o.variant).map((o) => [i.id, o.id] as const));
    expect(variants.length).toBe(9);
    for (const [i, o] of variants) expect(applyInterpretations(a, { [i]: o }).ok).toBe(true);
  });
});
