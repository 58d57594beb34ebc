// Sensitivity analysis on the fast path: sweep one parameter over many values, or flip each interpretation, and report who passes and who flips.
import type { I18nText, Issue } from './schema/common.js';
import type { FastResult } from './schema/evaluation.js';
import type { ParameterValue } from './schema/ruleSet.js';
import { applyInterpretations } from './interpretations.js';
import { compileRuleSet, withParameters, type CompiledRuleSet, type PreparedDossier } from './ruleSets.js';

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

/** Evaluates every dossier at each value of one parameter; dossiers are checked once, the rule set recompiled per value without re-checking. */
export function sweepParameter(
  compiled: CompiledRuleSet,
  dossiers: unknown[],
  parameter: string,
  values: ParameterValue[],
): { ok: true; result: SweepResult } | { ok: false; issues: Issue[] } {
  const p = compiled.ruleSet.parameters.find((x) => x.id === parameter);
  if (!p) return { ok: false, issues: [{ code: 'unknown_parameter', path: ['parameter'], message: `unknown parameter "${parameter}"` }] };
  const prepared: PreparedDossier[] = [];
  const issues: Issue[] = [];
  dossiers.forEach((d, i) => {
    const r = compiled.checkDossier(d);
    if (r.ok) prepared.push(r.dossier);
    else issues.push(...r.issues.map((x) => ({ ...x, path: ['dossiers', i, ...x.path] })));
  });
  if (issues.length) return { ok: false, issues };
  const matrix: Record<string, string[]> = Object.fromEntries(prepared.map((d) => [d.subject.id, []]));
  const points: SweepPoint[] = [];
  // Derived values read by the conditions are kept per dossier unless the swept parameter feeds them.
  const feedsDerived = compiled.ruleSet.derived.some((d) => d.expr.includes(`params.${parameter}`));
  for (const [vi, value] of values.entries()) {
    const v = withParameters(compiled, { [parameter]: value });
    if (!v.ok) return { ok: false, issues: v.issues.map((x) => ({ ...x, path: ['values', vi], message: `value ${JSON.stringify(value)}: ${x.message}` })) };
    const point: SweepPoint = { value, passed: 0, failed: 0, undecided: 0, titles: {} };
    for (const d of prepared) {
      const r = feedsDerived ? v.compiled.evaluateFast(d) : v.compiled.evaluateFastWith(d, compiled);
      point[r.status] += 1;
      if (r.status === 'passed' && r.title) point.titles[r.title] = (point.titles[r.title] ?? 0) + 1;
      matrix[d.subject.id].push(key(r));
    }
    points.push(point);
  }
  const flips = prepared
    .map((d) => {
      const row = matrix[d.subject.id];
      const changes: { at: ParameterValue; from: string; to: string }[] = [];
      for (let i = 1; i < row.length; i++) if (row[i] !== row[i - 1]) changes.push({ at: values[i], from: row[i - 1], to: row[i] });
      return { subjectId: d.subject.id, name: d.subject.name, changes };
    })
    .filter((f) => f.changes.length > 0);
  return { ok: true, result: { parameter, label: p.label, ...(p.unit ? { unit: p.unit } : {}), baseline: p.value, points, flips, matrix } };
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
