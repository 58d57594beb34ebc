// Runs golden cases (hand-written dossiers with expected outcomes) against a compiled rule set and lists every mismatch.
import type { ExpectedOutcome, GoldenCase } from './schema/golden.js';
import type { Evaluation } from './schema/evaluation.js';
import { applyInterpretations } from './interpretations.js';
import { compileRuleSet, type CompiledRuleSet } from './ruleSets.js';
import { evaluateCohort } from './cohort.js';

export interface GoldenReport {
  passed: number;
  failed: number;
  results: { id: string; ok: boolean; problems: string[]; actual: unknown }[];
}

/** The outcome tier as golden cases name it: the title when passed, 'none' when failed, null when undecided. */
function titleOf(o: Evaluation['outcome']): string | null {
  return o.status === 'passed' ? (o.title?.id ?? null) : o.status === 'failed' ? 'none' : null;
}

/** The status an evaluation gives a stage, check, requirement or indicator id. */
export function statusOf(e: Evaluation, id: string): string | undefined {
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

/** Compares one evaluation with a case's expected outcome; returns the differences in words. */
export function compareOutcome(e: Evaluation, x: ExpectedOutcome): string[] {
  const p: string[] = [];
  const o = e.outcome;
  if (o.status !== x.status) p.push(`status: expected ${x.status}, got ${o.status}`);
  if (x.title !== undefined) {
    const got = titleOf(o);
    if (got !== x.title) p.push(`title: expected ${x.title}, got ${got}`);
  }
  for (const [k, v] of [
    ['base', o.baseScore.value],
    ['bonus', o.bonus.value],
    ['total', o.total.value],
    ['passMark', o.passMark],
  ] as const) {
    const want = x[k];
    if (want !== undefined && v !== want) p.push(`${k}: expected ${want}, got ${v}`);
  }
  for (const [id, want] of Object.entries(x.stages ?? {})) if (o.stages[id] !== want) p.push(`stage ${id}: expected ${want}, got ${o.stages[id]}`);
  for (const [id, want] of Object.entries(x.checks ?? {})) {
    const got = statusOf(e, id);
    if (got !== want) p.push(`check ${id}: expected ${want}, got ${got}`);
  }
  const bonusItems = new Map(e.stages.flatMap((s) => (s.kind === 'bonus' ? s.items.map((i) => [i.id, i.points.value] as const) : [])));
  for (const [id, want] of Object.entries(x.bonusItems ?? {})) {
    if (!bonusItems.has(id)) p.push(`bonus ${id}: no such item`);
    else if (bonusItems.get(id) !== want) p.push(`bonus ${id}: expected ${want}, got ${bonusItems.get(id)}`);
  }
  const inds = new Map(e.stages.flatMap((s) => (s.kind === 'score' ? s.items.map((i) => [i.id, i.points.value] as const) : [])));
  for (const [id, want] of Object.entries(x.indicators ?? {})) if (inds.get(id) !== want) p.push(`indicator ${id}: expected ${want}, got ${inds.get(id)}`);
  if (x.missingFacts) {
    const got = e.missingFacts.map((m) => m.fact).sort();
    const want = [...x.missingFacts].sort();
    if (got.join(',') !== want.join(',')) p.push(`missingFacts: expected [${want.join(', ')}], got [${got.join(', ')}]`);
  }
  if (x.pointsNeeded !== undefined && (e.gapToPass?.pointsNeeded ?? null) !== x.pointsNeeded)
    p.push(`pointsNeeded: expected ${x.pointsNeeded}, got ${e.gapToPass?.pointsNeeded ?? null}`);
  return p;
}

/** The expectation that the evaluation meets, keeping the keys the old one checked. */
export function expectationFrom(e: Evaluation, old: ExpectedOutcome): Record<string, unknown> {
  const o = e.outcome;
  const items = (kind: 'bonus' | 'score') => new Map(e.stages.flatMap((s) => (s.kind === kind ? s.items.map((i) => [i.id, i.points.value] as const) : [])));
  const pick = <T>(rec: Record<string, unknown> | undefined, get: (id: string) => T) => (rec ? Object.fromEntries(Object.keys(rec).map((id) => [id, get(id)])) : undefined);
  const next: Record<string, unknown> = {
    status: o.status,
    title: old.title === undefined ? undefined : titleOf(o),
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

/** Runs every case; a case with interpretation switches is run under the rule set with those options chosen. */
export async function runGoldenCases(compiled: CompiledRuleSet, cases: GoldenCase[]): Promise<GoldenReport> {
  const results: GoldenReport['results'] = [];
  for (const c of cases) {
    let target = compiled;
    if (c.interpretations && Object.keys(c.interpretations).length) {
      const a = applyInterpretations(compiled.ruleSet, c.interpretations);
      if (!a.ok) {
        results.push({ id: c.id, ok: false, problems: a.issues.map((i) => i.message), actual: null });
        continue;
      }
      const cc = compileRuleSet(a.ruleSet);
      if (!cc.ok) {
        results.push({ id: c.id, ok: false, problems: cc.issues.map((i) => i.message), actual: null });
        continue;
      }
      target = cc.compiled;
    }
    if (c.kind === 'single') {
      const r = await target.evaluate(c.dossier);
      let problems: string[];
      if ('rejected' in c.expect) {
        const want = c.expect.rejected;
        if (r.ok) problems = [`expected the dossier to be rejected (${want.codes.join(', ')}), but it was evaluated: ${r.evaluation.outcome.status}`];
        else {
          const codes = new Set(r.issues.map((i) => i.code));
          problems = want.codes.filter((k) => !codes.has(k)).map((k) => `expected issue ${k}, got ${[...codes].join(', ')}`);
          for (const path of want.paths ?? []) if (!r.issues.some((i) => i.path.join('.') === path)) problems.push(`expected an issue at ${path}`);
        }
        results.push({ id: c.id, ok: problems.length === 0, problems, actual: r.ok ? r.evaluation.outcome : r.issues });
      } else {
        problems = r.ok ? compareOutcome(r.evaluation, c.expect.outcome) : [`dossier rejected: ${r.issues.map((i) => i.message).join('; ')}`];
        results.push({ id: c.id, ok: problems.length === 0, problems, actual: r.ok ? r.evaluation.outcome : r.issues });
      }
    } else {
      const r = await evaluateCohort(target, c.dossiers, { mode: c.mode });
      let problems: string[] = [];
      if (!r.ok) problems = [`cohort rejected: ${r.issues.map((i) => i.message).join('; ')}`];
      else {
        for (const [sid, want] of Object.entries(c.expect.members)) {
          const m = r.result.members.find((x) => x.subjectId === sid);
          if (!m) problems.push(`${sid}: not in the cohort`);
          else {
            if (m.result !== want.result) problems.push(`${sid}: expected result ${want.result}, got ${m.result}`);
            if (want.change && m.change !== want.change) problems.push(`${sid}: expected change ${want.change}, got ${m.change}`);
          }
        }
      }
      results.push({ id: c.id, ok: problems.length === 0, problems, actual: r.ok ? r.result.members : r.issues });
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}
