// Pure shaping of an evaluation for the report: gate checklist rows, radar and indicator table, and the waterfall from base score through each bonus to the total; tested without a DOM.
import type { Evaluation, I18nText } from '../../../../engine/index.js';

export interface GateRow {
  stage: I18nText;
  id: string;
  label: I18nText;
  cites: string[];
  status: string;
  severity: string;
  /** Compared values: actual against required, when the trace has them. */
  comparisons: { label: I18nText | null; fact: string; actual: unknown; operator: string; required: unknown }[];
  text: I18nText;
  /** Set when the stage does not apply to the subject's type but was evaluated for a fallback rule, a bonus precondition or a cohort rule. */
  shownFor?: 'fallback' | 'precondition' | 'cohort';
}

type Trace = NonNullable<Extract<Evaluation['stages'][number], { kind: 'checks' }>['items'][number]['trace']>;

function leaves(t: Trace | null, out: GateRow['comparisons'] = []): GateRow['comparisons'] {
  if (!t) return out;
  if (t.op === 'leaf' && t.fact) out.push({ label: t.label ?? null, fact: t.fact, actual: t.factValue ?? null, operator: t.operator ?? '', required: t.compareTo?.value ?? null });
  for (const c of t.children ?? []) leaves(c, out);
  return out;
}

/** The gates (every check stage item that applies, and those evaluated for a fallback or precondition) as a checklist with values against thresholds. */
export function gateRows(e: Evaluation): GateRow[] {
  const rows: GateRow[] = [];
  for (const st of e.stages) {
    if (st.kind !== 'checks') continue;
    // Stages evaluated only for the cohort rules are shown in the cohort, not in a single city's checklist.
    if (st.status === 'not-applicable' && (!st.shownFor || st.shownFor === 'cohort')) continue;
    for (const i of st.items) {
      if (i.status === 'not-applicable') continue;
      rows.push({ stage: st.label, id: i.id, label: i.label, cites: i.cites, status: i.status, severity: i.severity, comparisons: leaves(i.trace), text: i.text, ...(st.status === 'not-applicable' && st.shownFor ? { shownFor: st.shownFor } : {}) });
    }
  }
  return rows;
}

export interface IndicatorRow {
  id: string;
  label: I18nText;
  cites: string[];
  awarded: number | null;
  max: number;
  basis: string;
  requirementsMet: number;
  requirements: number;
}

/** The indicators (awarded against maximum) for the radar chart and its table. */
export function indicatorRows(e: Evaluation): IndicatorRow[] {
  const st = e.stages.find((s) => s.kind === 'score');
  if (!st || st.kind !== 'score') return [];
  return st.items.map((i) => ({
    id: i.id,
    label: i.label,
    cites: i.cites,
    awarded: i.points.value,
    max: i.max,
    basis: i.basis,
    requirementsMet: i.requirements.filter((r) => r.status === 'passed').length,
    requirements: i.requirements.filter((r) => r.status !== 'not-applicable').length,
  }));
}

export interface WaterfallStep {
  id: string;
  label: I18nText;
  kind: 'base' | 'bonus' | 'total';
  /** Where the bar starts (the invisible part of the stack) and how tall it is. */
  start: number;
  value: number;
  /** Running total after this step. */
  end: number;
  cites: string[];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The waterfall: base score, each bonus that adds points, the bonus stage cap when it bites, and the total; plus the pass mark. */
export function waterfall(e: Evaluation): { steps: WaterfallStep[]; passMark: number | null; total: number | null } {
  const steps: WaterfallStep[] = [];
  const base = e.outcome.baseScore.value ?? 0;
  steps.push({ id: 'base', label: { zh: '基础分', en: 'Base score' }, kind: 'base', start: 0, value: base, end: base, cites: [] });
  let run = base;
  const bonus = e.stages.find((s) => s.kind === 'bonus');
  if (bonus && bonus.kind === 'bonus') {
    let sum = 0;
    for (const i of bonus.items) {
      const v = i.points.value ?? 0;
      if (v === 0) continue;
      sum = round(sum + v);
      steps.push({ id: i.id, label: i.label, kind: 'bonus', start: run, value: v, end: round(run + v), cites: i.cites });
      run = round(run + v);
    }
    const stageBonus = bonus.points.value ?? sum;
    if (stageBonus < sum) {
      const cut = round(stageBonus - sum);
      steps.push({ id: `${bonus.id}:cap`, label: { zh: '加分上限', en: 'Bonus cap' }, kind: 'bonus', start: round(run + cut), value: cut, end: round(run + cut), cites: bonus.cites });
      run = round(run + cut);
    }
  }
  const total = e.outcome.total.value;
  steps.push({ id: 'total', label: { zh: '总分', en: 'Total' }, kind: 'total', start: 0, value: total ?? run, end: total ?? run, cites: [] });
  return { steps, passMark: e.outcome.passMark, total };
}

/** Clause ids an evaluation's opinions and gap cite, in order of first mention. */
export function citedClauses(e: Evaluation): string[] {
  const ids = [...e.improvementOpinions.flatMap((o) => o.cites), ...(e.gapToPass?.checks.flatMap((c) => c.cites) ?? []), ...e.warnings.flatMap((w) => w.cites)];
  return [...new Set(ids)];
}
