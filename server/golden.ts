// Re-baselining a golden case: its expectation becomes what the engine now gives, for exactly the fields it already checked.
import { GoldenCase } from '../engine/schema/golden.js';
import type { ExpectedOutcome } from '../engine/schema/golden.js';
import type { CompiledRuleSetApi, EngineApi, Evaluation } from './engine.js';

function statusOf(e: Evaluation, id: string): string | undefined {
  for (const s of e.stages) {
    if (s.id === id) return s.status;
    if (s.kind === 'checks') for (const i of s.items) if (i.id === id) return i.status;
    if (s.kind === 'score')
      for (const i of s.items) {
        if (i.id === id) return i.points.value === null ? 'undecided' : 'passed';
        for (const r of i.requirements) if (r.id === id) return r.status;
      }
  }
  return undefined;
}

/** The expectation that the evaluation meets, keeping the keys the old one checked. */
export function expectationFrom(e: Evaluation, old: ExpectedOutcome): Record<string, unknown> {
  const o = e.outcome;
  const items = (kind: 'bonus' | 'score') => new Map(e.stages.flatMap((s) => (s.kind === kind ? s.items.map((i) => [i.id, i.points.value] as const) : [])));
  const pick = <T>(rec: Record<string, unknown> | undefined, get: (id: string) => T) => (rec ? Object.fromEntries(Object.keys(rec).map((id) => [id, get(id)])) : undefined);
  const next: Record<string, unknown> = {
    status: o.status,
    title: old.title === undefined ? undefined : o.status === 'passed' ? (o.title?.id ?? null) : o.status === 'failed' ? 'none' : null,
    base: old.base === undefined ? undefined : o.baseScore.value,
    bonus: old.bonus === undefined ? undefined : o.bonus.value,
    total: old.total === undefined ? undefined : o.total.value,
    passMark: old.passMark === undefined ? undefined : o.passMark,
    stages: pick(old.stages, (id) => o.stages[id]),
    checks: pick(old.checks, (id) => statusOf(e, id)),
    bonusItems: pick(old.bonusItems, (id) => items('bonus').get(id) ?? null),
    indicators: pick(old.indicators, (id) => items('score').get(id) ?? null),
    missingFacts: old.missingFacts === undefined ? undefined : e.missingFacts.map((m) => m.fact).sort(),
    pointsNeeded: old.pointsNeeded === undefined ? undefined : (e.gapToPass?.pointsNeeded ?? null),
  };
  return Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
}

/** The case with its expectation replaced by the current result under `compiled`, checked to pass; or why that is impossible. */
export async function rebaselineCase(engine: EngineApi, compiled: CompiledRuleSetApi, c: GoldenCase): Promise<{ ok: true; case: GoldenCase } | { ok: false; message: string }> {
  let target = compiled;
  if (c.interpretations && Object.keys(c.interpretations).length) {
    const applied = engine.applyInterpretations(compiled.ruleSet, c.interpretations);
    if (!applied.ok) return { ok: false, message: `Case ${c.id}: its interpretation switches do not apply (${applied.issues[0]?.message})` };
    const cc = engine.compileRuleSet(applied.ruleSet);
    if (!cc.ok) return { ok: false, message: `Case ${c.id}: the rule set does not compile under its switches` };
    target = cc.compiled;
  }
  let expect: unknown;
  if (c.kind === 'single') {
    const r = await target.evaluate(c.dossier);
    if (!r.ok) {
      const codes = [...new Set(r.issues.map((i) => i.code))];
      const paths = 'rejected' in c.expect ? c.expect.rejected.paths?.filter((p) => r.issues.some((i) => i.path.join('.') === p)) : undefined;
      expect = { rejected: { codes, ...(paths?.length ? { paths } : {}) } };
    } else expect = { outcome: expectationFrom(r.evaluation, 'outcome' in c.expect ? c.expect.outcome : { status: 'passed', title: null }) };
  } else {
    const r = await engine.evaluateCohort(target, c.dossiers, { mode: c.mode });
    if (!r.ok) return { ok: false, message: `Case ${c.id}: the cohort is rejected (${r.issues[0]?.message})` };
    expect = {
      members: Object.fromEntries(
        r.result.members.map((m) => [m.subjectId, { result: m.result, ...(c.expect.members[m.subjectId]?.change !== undefined ? { change: m.change } : {}) }]),
      ),
    };
  }
  const parsed = GoldenCase.safeParse({ ...c, expect });
  if (!parsed.success) return { ok: false, message: `Case ${c.id}: the current result does not fit a golden expectation (${parsed.error.issues[0]?.message})` };
  const check = await engine.runGoldenCases(compiled, [parsed.data]);
  if (check.failed > 0) return { ok: false, message: `Case ${c.id}: still fails after re-baselining (${check.results[0]?.problems.join('; ')})` };
  return { ok: true, case: parsed.data };
}
