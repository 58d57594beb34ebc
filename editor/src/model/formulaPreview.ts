// Previews of the points a bonus formula gives for sample values, with the rule set's decimal arithmetic and rounding; pure.
import type { BonusItem, RuleSet } from '../../../engine/index.js';
import { Dec, dec, fmt, roundTo } from '../../../engine/core/decimal.js';
import { resolveNum, resolveValue } from './ruleSetOps.js';

export interface PreviewRow {
  input: string;
  points: string;
}

function capped(rs: RuleSet, item: BonusItem, pts: Dec): Dec {
  const cap = item.cap === null || item.cap === undefined ? null : resolveNum(rs, item.cap);
  return cap !== null && pts.gt(cap) ? dec(cap) : pts;
}

/** Points of a `steps` formula for one input value (cap applied). */
export function stepsPoints(rs: RuleSet, item: BonusItem, x: number): Dec {
  const f = item.formula;
  if (f.kind !== 'steps') throw new Error('not a steps formula');
  const base = resolveNum(rs, f.base) ?? 0;
  const step = resolveNum(rs, f.step) ?? 1;
  const pps = resolveNum(rs, f.pointsPerStep) ?? 0;
  const mode = resolveValue(rs, f.rounding);
  const excess = dec(x).minus(base);
  if (excess.lte(0) || step <= 0) return dec(0);
  const steps = mode === 'floor' ? excess.div(step).floor() : excess.div(step);
  return capped(rs, item, roundTo(steps.times(pps), rs.numeric.scale, rs.numeric.rounding));
}

/** Points of a `perItemTiers` formula for one item's field value (before the item-level cap, which applies to the sum). */
export function tierPoints(rs: RuleSet, item: BonusItem, v: number): Dec {
  const f = item.formula;
  if (f.kind !== 'perItemTiers') throw new Error('not a perItemTiers formula');
  const tiers = f.tiers
    .map((t) => ({ over: resolveNum(rs, t.over) ?? Infinity, points: resolveNum(rs, t.points) ?? 0, inclusive: t.inclusive }))
    .sort((a, b) => a.over - b.over);
  const passed = tiers.filter((t) => (t.inclusive ? v >= t.over : v > t.over));
  const mode = resolveValue(rs, f.mode);
  let pts = passed.length === 0 ? dec(0) : mode === 'cumulative' ? passed.reduce((s, t) => s.plus(t.points), dec(0)) : dec(passed[passed.length - 1].points);
  if (f.extension && resolveValue(rs, f.extension.enabled) === true) {
    const above = resolveNum(rs, f.extension.above) ?? Infinity;
    const step = resolveNum(rs, f.extension.step) ?? 1;
    const pps = resolveNum(rs, f.extension.pointsPerStep) ?? 0;
    if (v > above && step > 0) {
      const e = dec(v).div(step).floor().times(pps);
      const top = passed.length ? dec(passed[passed.length - 1].points) : dec(0);
      if (e.gt(top)) pts = pts.minus(top).plus(e);
    }
  }
  return pts;
}

/** Sample inputs around a formula's own numbers, so the preview shows each boundary. */
export function sampleInputs(rs: RuleSet, item: BonusItem): number[] {
  const f = item.formula;
  if (f.kind === 'steps') {
    const base = resolveNum(rs, f.base) ?? 0;
    const step = resolveNum(rs, f.step) ?? 1;
    return [base, base + step * 0.5, base + step, base + step * 2.5, base + step * 5];
  }
  if (f.kind === 'perItemTiers') {
    const overs = f.tiers.map((t) => resolveNum(rs, t.over) ?? 0).sort((a, b) => a - b);
    const out = new Set<number>([Math.max(0, (overs[0] ?? 0) / 2)]);
    for (const o of overs) {
      out.add(o);
      out.add(o + 1);
    }
    out.add((overs[overs.length - 1] ?? 0) * 2);
    return [...out].sort((a, b) => a - b);
  }
  return [];
}

/** The preview table of a formula: sample input → points, for the kinds that have an input. */
export function previewFormula(rs: RuleSet, item: BonusItem, inputs = sampleInputs(rs, item)): PreviewRow[] {
  const f = item.formula;
  if (f.kind === 'steps') return inputs.map((x) => ({ input: fmt(x), points: fmt(stepsPoints(rs, item, x)) }));
  if (f.kind === 'perItemTiers') return inputs.map((x) => ({ input: fmt(x), points: fmt(tierPoints(rs, item, x)) }));
  return [];
}

/** The range of points an awards formula allows: each fact's discretionary range, summed (cap applied). */
export function awardsRange(rs: RuleSet, item: BonusItem): { min: string; max: string; perFact: { fact: string; allowZero: boolean; min: number; max: number; step: number }[] } {
  const f = item.formula;
  if (f.kind !== 'awards') throw new Error('not an awards formula');
  const perFact = f.facts.map((id) => {
    const d = rs.facts.find((x) => x.id === id)?.discretionary;
    return { fact: id, allowZero: d?.allowZero ?? true, min: d?.min ?? 0, max: d?.max ?? 0, step: d?.step ?? 1 };
  });
  const max = perFact.reduce((s, x) => s.plus(x.max), dec(0));
  const min = perFact.reduce((s, x) => s.plus(x.allowZero ? 0 : x.min), dec(0));
  return { min: fmt(min), max: fmt(capped(rs, item, max)), perFact };
}
