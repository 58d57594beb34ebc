// Small shared helpers of the analyst pages: outcome labels, verdict badges and number formatting.
import type { TFunction } from 'i18next';
import type { RuleSet } from '../../../../engine/index.js';
import { pick } from '../../i18n/i18n.js';

/** The label of an outcome tier (title) in the UI language; the id when unknown. */
export function outcomeLabel(ruleSet: RuleSet | null, id: string | null | undefined, lang: string): string {
  if (!id) return '—';
  const o = ruleSet?.outcomes.find((x) => x.id === id);
  return o ? pick(o.label, lang) : id;
}

/** Badge class of a status. */
export function statusClass(status: string | null | undefined): string {
  return status === 'passed' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
}

/** A score for display: up to two decimals, no trailing zeros. */
export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return String(Math.round(n * 100) / 100);
}

/** The label of a subject type (综合型 / 特色型) in the UI language. */
export function typeLabel(ruleSet: RuleSet | null, id: string | null | undefined, lang: string): string {
  if (!id) return '—';
  const x = ruleSet?.subject.types.find((t) => t.id === id);
  return x ? pick(x.label, lang) : id;
}

/** A rule set's unit ("亿元", "%", "家") in the UI language: English mode says "100 million yuan", not 亿元. */
export function unitLabel(unit: string | null | undefined, t: TFunction): string {
  if (!unit) return '';
  return t(`units.${unit}`, { defaultValue: unit });
}
