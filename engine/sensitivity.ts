// Sensitivity analysis on the fast path: sweep one parameter over many values, or flip each interpretation, and report who passes and who flips.
import type { I18nText, Issue } from './schema/common.js';
import type { FastResult } from './schema/evaluation.js';
import type { ParameterValue, RuleSet } from './schema/ruleSet.js';
import { applyInterpretations } from './interpretations.js';
import { compileRuleSet, factValues, withParameters, type CompiledRuleSet, type PreparedDossier } from './ruleSets.js';
import type { FastPlan, PlanState } from './core/fast.js';
import { parameterValueIssues } from './semantic.js';

export interface SweepPoint {
  value: ParameterValue;
  passed: number;
  failed: number;
  undecided: number;
  /** Subject ids holding each outcome tier at this value. */
  titles: Record<string, number>;
}

export interface SweepResult {
  parameter: string;
  label: I18nText;
  unit?: string;
  baseline: ParameterValue;
  points: SweepPoint[];
  /** For each subject whose outcome changes across the sweep: the values at which it changes, and to what. */
  flips: { subjectId: string; name: string; changes: { at: ParameterValue; from: string; to: string }[] }[];
  /** status / title per subject per value, in the order of `points` (compact: "passed:comprehensive"). */
  matrix: Record<string, string[]>;
  elapsedMs?: number;
}

const key = (r: FastResult) => `${r.status}:${r.title ?? '-'}`;

/** One part of a sweep: the dossiers at some of the values (a worker computes a part; `joinSweep` puts parts together). */
export interface SweepSlice {
  subjects: { id: string; name: string }[];
  points: SweepPoint[];
  /** Per subject, in the order of `subjects`: the outcome key at each value of the part. */
  rows: string[][];
}

type Checked = { ok: true; prepared: PreparedDossier[] } | { ok: false; issues: Issue[] };

function checkAll(compiled: CompiledRuleSet, dossiers: unknown[]): Checked {
  const prepared: PreparedDossier[] = [];
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  dossiers.forEach((d, i) => {
    const r = compiled.checkDossier(d);
    if (!r.ok) issues.push(...r.issues.map((x) => ({ ...x, path: ['dossiers', i, ...x.path] })));
    else {
      const first = seen.get(r.dossier.subject.id);
      // The matrix and the flips are per subject: two dossiers of one city (two periods) would be counted as one row.
      if (first !== undefined) issues.push({ code: 'duplicate_subject', path: ['dossiers', i], message: `dossiers ${first} and ${i} are both of "${r.dossier.subject.id}"; sweep one period at a time` });
      else seen.set(r.dossier.subject.id, i);
      prepared.push(r.dossier);
    }
  });
  return issues.length ? { ok: false, issues } : { ok: true, prepared };
}

/** The sweep at `values` only (e.g. one worker's share); `offset` is the index of values[0] in the whole sweep, for issue paths. */
export function sweepSlice(
  compiled: CompiledRuleSet,
  dossiers: unknown[],
  parameter: string,
  values: ParameterValue[],
  offset = 0,
): { ok: true; slice: SweepSlice } | { ok: false; issues: Issue[] } {
  const p = compiled.ruleSet.parameters.find((x) => x.id === parameter);
  if (!p) return { ok: false, issues: [{ code: 'unknown_parameter', path: ['parameter'], message: `unknown parameter "${parameter}"` }] };
  const checked = checkAll(compiled, dossiers);
  if (!checked.ok) return checked;
  const prepared = checked.prepared;
  const rows: string[][] = prepared.map(() => new Array<string>(values.length));
  const points: SweepPoint[] = [];
  // Outcome keys are interned: a sweep yields hundreds of thousands of cells but only a handful of distinct outcomes.
  const keys = new Map<string, Map<string | null, string>>();
  const keyOf = (r: FastResult) => {
    let byTitle = keys.get(r.status);
    if (!byTitle) keys.set(r.status, (byTitle = new Map()));
    let k = byTitle.get(r.title);
    if (k === undefined) byTitle.set(r.title, (k = key(r)));
    return k;
  };
  // Derived values read by the conditions are kept per dossier unless the swept parameter feeds them.
  const feedsDerived = readsParameter(compiled.ruleSet.derived, parameter);
  // The stages before the first one that reads the parameter give the same result at every value: their state is
  // computed once per dossier and each value runs the rest (a pass mark is read by the outcome stage alone).
  const plan = feedsDerived ? null : compiled.core.plan;
  const byId = new Map(compiled.ruleSet.stages.map((s) => [s.id, s]));
  const k = plan ? plan.stageIds.findIndex((id) => readsParameter(byId.get(id), parameter)) : -1;
  const unchanged = plan ? (k === -1 ? plan.stageIds.length : k) : 0;
  // Resuming costs a copy of the state per evaluation: it pays where most steps are skipped (measured: a pass-mark
  // sweep 1.0 → 0.6 s; a revenue threshold read by the third of seven stages 1.0 → 1.3 s, so that one runs in full).
  const resumes = plan !== null && unchanged * 2 >= plan.stageIds.length;
  const states: (PlanState | null)[] = resumes ? prepared.map((d) => plan!.stateAfter(factValues(compiled, d), unchanged)) : [];
  // A parameter read only as the threshold of comparisons (softwareRevenue ≥ revenueThreshold, total ≥ a pass mark)
  // changes a dossier's result only where it passes a figure compared with it: every value between two such figures,
  // and each figure itself, gives the dossier one result, evaluated once (a variant is compiled only for a value some
  // dossier needs evaluated at).
  const compared = feedsDerived ? null : thresholdsOf(compiled.ruleSet, parameter);
  const figures = compared ? prepared.map((d) => comparedValues(factValues(compiled, d), compared, () => compiled.evaluateFast(d).total)) : null;
  const known = figures ? prepared.map(() => new Map<number, FastResult>()) : null;
  const index = compiled.ruleSet.parameters.indexOf(p);
  for (let vi = 0; vi < values.length; vi++) {
    const value = values[vi];
    const bad = parameterValueIssues(p, value, index);
    if (bad.length) return { ok: false, issues: bad.map((x) => ({ ...x, path: ['values', offset + vi], message: `value ${JSON.stringify(value)}: ${x.message}` })) };
    let variant: { c: CompiledRuleSet; vplan: FastPlan | null } | null = null;
    const at = (): { c: CompiledRuleSet; vplan: FastPlan | null } | { issues: Issue[] } => {
      if (variant) return variant;
      const v = withParameters(compiled, { [parameter]: value });
      if (!v.ok) return { issues: v.issues };
      const c = v.compiled;
      return (variant = { c, vplan: states.length && samePrefix(c.core.plan, plan!, unchanged) ? c.core.plan : null });
    };
    const point: SweepPoint = { value, passed: 0, failed: 0, undecided: 0, titles: {} };
    for (let di = 0; di < prepared.length; di++) {
      const d = prepared[di];
      const cell = figures && typeof value === 'number' ? stretchOf(figures[di], value) : -1;
      let r = cell >= 0 ? known![di].get(cell) : undefined;
      if (!r) {
        const v = at();
        if ('issues' in v) return { ok: false, issues: v.issues.map((x) => ({ ...x, path: ['values', offset + vi], message: `value ${JSON.stringify(value)}: ${x.message}` })) };
        const { c, vplan } = v;
        const state = vplan ? states[di] : null;
        r = (state && vplan!.resume(factValues(compiled, d), state, unchanged)) || (feedsDerived ? c.evaluateFast(d) : c.evaluateFastWith(d, compiled));
        if (cell >= 0) known![di].set(cell, r);
      }
      point[r.status] += 1;
      if (r.status === 'passed' && r.title) point.titles[r.title] = (point.titles[r.title] ?? 0) + 1;
      rows[di][vi] = keyOf(r);
    }
    points.push(point);
  }
  return { ok: true, slice: { subjects: prepared.map((d) => ({ id: d.subject.id, name: d.subject.name })), points, rows } };
}

const COMPARISONS = new Set(['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);

/** What a parameter is compared with, when comparisons are all it is read by. */
interface Thresholds {
  /** Facts (or derived values) of condition leaves whose value it is. */
  facts: string[];
  /** Whether it is an outcome rule's minimum total or the total a rule is for totals below (compared with the total). */
  total: boolean;
}

/**
 * What a parameter is compared with, when comparisons are all it is read by: every {param} reference to it is the value
 * of a condition leaf with an ordering or equality operator, or an outcome rule's minTotal or belowTotal, and no
 * expression names it (the cohort rules aside). Null otherwise (a score, a severity, a bonus step, an expression…): the sweep then evaluates
 * every value.
 */
function thresholdsOf(ruleSet: RuleSet, id: string): Thresholds | null {
  const inExpr = new RegExp(`\\bparams\\.${id}\\b`);
  const facts = new Set<string>();
  let total = false;
  let elsewhere = false;
  const walk = (x: unknown, parent: Record<string, unknown> | null, key: string | null): void => {
    if (elsewhere) return;
    if (typeof x === 'string') {
      if (inExpr.test(x)) elsewhere = true;
      return;
    }
    if (Array.isArray(x)) return x.forEach((y) => walk(y, null, null));
    if (x === null || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.param === id) {
      if (key === 'value' && parent && typeof parent.fact === 'string' && COMPARISONS.has(parent.operator as string)) facts.add(parent.fact);
      else elsewhere = true;
      return;
    }
    if (o.kind === 'outcome' && Array.isArray(o.rules)) {
      for (const [k, y] of Object.entries(o)) if (k !== 'rules') walk(y, o, k);
      for (const rule of o.rules as Record<string, unknown>[]) {
        for (const [k, y] of Object.entries(rule)) {
          if ((k === 'minTotal' || k === 'belowTotal') && (y as { param?: unknown } | null)?.param === id) total = true;
          else walk(y, rule, k);
        }
      }
      return;
    }
    for (const [k, y] of Object.entries(o)) walk(y, o, k);
  };
  // The cohort rules (promotion, cap) are not read by a dossier's own result, which is all a sweep counts.
  for (const [k, y] of Object.entries(ruleSet)) if (k !== 'cohort') walk(y, ruleSet as Record<string, unknown>, k);
  return elsewhere ? null : { facts: [...facts], total };
}

/**
 * The figures a dossier compares with the parameter, sorted and distinct: its values of the facts, and its total (which
 * the stages before the outcome fix, whatever the parameter). Null when one is not a number, or the total is a range:
 * that dossier is evaluated at every value.
 */
function comparedValues(values: Readonly<Record<string, unknown>>, th: Thresholds, total: () => number | null): number[] | null {
  const xs: number[] = [];
  for (const f of th.facts) {
    const v = values[f];
    if (v === undefined) continue; // a missing fact leaves its comparison undecided at every value
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    xs.push(v);
  }
  if (th.total) {
    const t = total();
    if (t === null) return null;
    xs.push(t);
  }
  return [...new Set(xs)].sort((a, b) => a - b);
}

/**
 * Which stretch of the line a value lies in, given the compared values p₀ < p₁ < …: 2k below pₖ (and above pₖ₋₁), 2k + 1
 * at pₖ itself; every comparison with each pₖ comes out the same for two values of one stretch. −1: no stretch (not a
 * finite number, or a dossier whose compared values are not all numbers).
 */
function stretchOf(points: number[] | null, value: number): number {
  if (points === null || !Number.isFinite(value)) return -1;
  let k = 0;
  while (k < points.length && points[k] < value) k++;
  return 2 * k + (k < points.length && points[k] === value ? 1 : 0);
}

/** Whether a part of a rule set names a parameter: a {param} reference, or params.<id> in an expression. */
function readsParameter(x: unknown, id: string, inExpr = new RegExp(`\\bparams\\.${id}\\b`)): boolean {
  if (typeof x === 'string') return inExpr.test(x);
  if (Array.isArray(x)) return x.some((y) => readsParameter(y, id, inExpr));
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (o.param === id) return true;
  return Object.values(o).some((y) => readsParameter(y, id, inExpr));
}

/** Whether a variant's plan runs the same stages as the origin's in its first `k` steps. */
function samePrefix(a: FastPlan | null, b: FastPlan, k: number): boolean {
  if (!a) return false;
  for (let i = 0; i < k; i++) if (a.stageIds[i] !== b.stageIds[i]) return false;
  return true;
}

/** Puts the parts of a sweep together, in the order of the values, and finds where each subject's outcome changes. */
export function joinSweep(ruleSet: RuleSet, parameter: string, values: ParameterValue[], slices: SweepSlice[]): SweepResult {
  const p = ruleSet.parameters.find((x) => x.id === parameter)!;
  const subjects = slices[0]?.subjects ?? [];
  const points = slices.flatMap((s) => s.points);
  const matrix: Record<string, string[]> = {};
  const flips: SweepResult['flips'] = [];
  subjects.forEach((subject, si) => {
    const row = slices.length === 1 ? slices[0].rows[si] : slices.flatMap((s) => s.rows[si]);
    matrix[subject.id] = row;
    const changes: { at: ParameterValue; from: string; to: string }[] = [];
    for (let i = 1; i < row.length; i++) if (row[i] !== row[i - 1]) changes.push({ at: values[i], from: row[i - 1], to: row[i] });
    if (changes.length) flips.push({ subjectId: subject.id, name: subject.name, changes });
  });
  return { parameter, label: p.label, ...(p.unit ? { unit: p.unit } : {}), baseline: p.value, points, flips, matrix };
}

/** Evaluates every dossier at each value of one parameter; dossiers are checked once, the rule set recompiled per value without re-checking. */
export function sweepParameter(
  compiled: CompiledRuleSet,
  dossiers: unknown[],
  parameter: string,
  values: ParameterValue[],
): { ok: true; result: SweepResult } | { ok: false; issues: Issue[] } {
  const s = sweepSlice(compiled, dossiers, parameter, values);
  if (!s.ok) return s;
  return { ok: true, result: joinSweep(compiled.ruleSet, parameter, values, [s.slice]) };
}

export interface FlipResult {
  interpretation: string;
  question: I18nText;
  option: string;
  label: I18nText;
  passed: number;
  changed: { subjectId: string; name: string; from: string; to: string; totalFrom: number | null; totalTo: number | null }[];
}

/** Re-scores the dossiers with each selectable alternative option of each interpretation, one at a time, against the rule set as it is. */
export function flipInterpretations(compiled: CompiledRuleSet, dossiers: unknown[]): { ok: true; baselinePassed: number; flips: FlipResult[] } | { ok: false; issues: Issue[] } {
  const prepared: PreparedDossier[] = [];
  for (const [i, d] of dossiers.entries()) {
    const r = compiled.checkDossier(d);
    if (!r.ok) return { ok: false, issues: r.issues.map((x) => ({ ...x, path: ['dossiers', i, ...x.path] })) };
    prepared.push(r.dossier);
  }
  const base = prepared.map((d) => compiled.evaluateFast(d));
  const flips: FlipResult[] = [];
  for (const it of compiled.ruleSet.interpretations) {
    for (const o of it.options) {
      if (o.id === it.chosen || !o.selectable || Object.keys(o.sets).length === 0) continue;
      const a = applyInterpretations(compiled.ruleSet, { [it.id]: o.id });
      if (!a.ok) return { ok: false, issues: a.issues };
      const c = compileRuleSet(a.ruleSet);
      if (!c.ok) return { ok: false, issues: c.issues };
      let passed = 0;
      const changed: FlipResult['changed'] = [];
      prepared.forEach((d, i) => {
        const dd = c.compiled.checkDossier(d.dossier);
        if (!dd.ok) return;
        const r = c.compiled.evaluateFast(dd.dossier);
        if (r.status === 'passed') passed++;
        if (key(r) !== key(base[i]) || r.total !== base[i].total)
          changed.push({ subjectId: d.subject.id, name: d.subject.name, from: key(base[i]), to: key(r), totalFrom: base[i].total, totalTo: r.total });
      });
      flips.push({ interpretation: it.id, question: it.question, option: o.id, label: o.label, passed, changed });
    }
  }
  return { ok: true, baselinePassed: base.filter((r) => r.status === 'passed').length, flips };
}
