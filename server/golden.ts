// Re-baselining a golden case: its expectation becomes what the engine now gives, for exactly the fields it already checked.
import { GoldenCase } from '../engine/schema/golden.js';
import { expectationFrom } from '../engine/golden.js';
import type { CompiledRuleSetApi, EngineApi } from './engine.js';

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
