// Words for explanations in Chinese and English: comparisons, shortfalls and computations; pure.
import type { I18nText } from '../schema/common.js';
import type { ConditionTrace, Shortfall } from '../schema/evaluation.js';
import type { FactDef } from '../schema/ruleSet.js';
import { dec, fmt, type Dec } from './decimal.js';

export const OP_SYMBOL: Record<string, string> = {
  equal: '=',
  notEqual: '≠',
  lessThan: '<',
  lessThanInclusive: '≤',
  greaterThan: '>',
  greaterThanInclusive: '≥',
  in: '∈',
  notIn: '∉',
};

export type Labeler = (fact: string) => { label: I18nText; unit?: string; values?: { id: string; label: I18nText }[] };

export function t(zh: string, en: string): I18nText {
  return { zh, en };
}

export function join(parts: I18nText[], sepZh = '；', sepEn = '; '): I18nText {
  return { zh: parts.map((p) => p.zh).join(sepZh), en: parts.map((p) => p.en).join(sepEn) };
}

function showValue(v: unknown, unit: string | undefined, lang: 'zh' | 'en', values?: { id: string; label: I18nText }[]): string {
  if (v === null || v === undefined) return lang === 'zh' ? '（缺失）' : '(missing)';
  if (values && typeof v === 'string') return values.find((x) => x.id === v)?.label[lang] ?? v;
  if (values && Array.isArray(v)) return v.map((x) => values.find((y) => y.id === x)?.label[lang] ?? String(x)).join(lang === 'zh' ? '、' : ', ');
  if (typeof v === 'boolean') return lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no';
  if (typeof v === 'number') return `${readable(v)}${unit ? ` ${unit}` : ''}`;
  if (Array.isArray(v)) return v.join(lang === 'zh' ? '、' : ', ');
  return String(v);
}

/** A number as people read it: exact when it has at most four decimals, else about two (≈). */
export function readable(v: number): string {
  const d = dec(v);
  return d.decimalPlaces() <= 4 ? fmt(d) : `≈${d.toDecimalPlaces(2).toString()}`;
}

/** One line per leaf: the fact, its value, the comparison and the verdict. */
export function describeTrace(tr: ConditionTrace, labeler: Labeler): I18nText {
  if (tr.op === 'leaf') {
    const { label, unit, values } = labeler(tr.fact!);
    const rhs = tr.compareTo!;
    const rhsName = rhs.source === 'fact' ? labeler(rhs.ref!).label : null;
    const sym = OP_SYMBOL[tr.operator!] ?? tr.operator!;
    const verdict = tr.result === null ? t('无法判定', 'undecided') : tr.result ? t('满足', 'met') : t('未满足', 'not met');
    const rhsUnit = rhs.source === 'fact' ? labeler(rhs.ref!).unit : unit;
    const rz = rhsName ? `${rhsName.zh} ${showValue(rhs.value, rhsUnit, 'zh')}` : showValue(rhs.value, rhsUnit, 'zh', values);
    const re = rhsName ? `${rhsName.en} ${showValue(rhs.value, rhsUnit, 'en')}` : showValue(rhs.value, rhsUnit, 'en', values);
    const miss = tr.missing?.length ? t(`（缺少：${tr.missing.join('、')}）`, ` (missing: ${tr.missing.join(', ')})`) : t('', '');
    if (typeof rhs.value === 'boolean' && (tr.operator === 'equal' || tr.operator === 'notEqual') && rhs.source !== 'fact') {
      const want = tr.operator === 'equal' ? rhs.value : !rhs.value;
      return t(
        `${label.zh}：${showValue(tr.factValue, undefined, 'zh')}（要求：${want ? '是' : '否'}）${tr.result === null ? '，无法判定' : ''}${miss.zh}`,
        `${label.en}: ${showValue(tr.factValue, undefined, 'en')} (required: ${want ? 'yes' : 'no'})${tr.result === null ? ', undecided' : ''}${miss.en}`,
      );
    }
    return t(
      `${label.zh} ${showValue(tr.factValue, unit, 'zh', values)}，要求 ${sym} ${rz}：${verdict.zh}${miss.zh}`,
      `${label.en} ${showValue(tr.factValue, unit, 'en', values)}, required ${sym} ${re}: ${verdict.en}${miss.en}`,
    );
  }
  const kids = (tr.children ?? []).map((c) => describeTrace(c, labeler));
  if (tr.op === 'any') return t(`以下任一：${kids.map((k) => k.zh).join(' 或 ')}`, `any of: ${kids.map((k) => k.en).join(' OR ')}`);
  if (tr.op === 'not') return t(`并非：${kids[0].zh}`, `not: ${kids[0].en}`);
  return kids.length === 1 ? kids[0] : join(kids);
}

/** Numeric shortfalls of a failed trace: for each unmet comparison, how far the value is from the requirement. */
export function shortfallsOf(tr: ConditionTrace, labeler: Labeler): Shortfall[] {
  if (tr.result !== false) return [];
  if (tr.op === 'leaf') {
    const a = tr.factValue;
    const b = tr.compareTo?.value;
    if (typeof a !== 'number' || typeof b !== 'number') return [];
    const { label, unit } = labeler(tr.fact!);
    const op = tr.operator!;
    let gap: Dec;
    if (op === 'greaterThanInclusive' || op === 'greaterThan') gap = dec(b).minus(dec(a));
    else if (op === 'lessThanInclusive' || op === 'lessThan') gap = dec(a).minus(dec(b));
    else return [];
    return [{ fact: tr.fact!, label, actual: a, required: b, operator: op, gap: gap.toNumber(), ...(unit ? { unit } : {}) }];
  }
  if (tr.op === 'not') return [];
  return (tr.children ?? []).flatMap((c) => shortfallsOf(c, labeler));
}

export function shortfallText(s: Shortfall): I18nText {
  const u = s.unit ?? '';
  const strict = s.operator === 'greaterThan' || s.operator === 'lessThan';
  const more = s.operator.startsWith('greater');
  return t(
    `${s.label.zh}：${fmt(s.actual)}${u}，要求 ${OP_SYMBOL[s.operator]} ${fmt(s.required)}${u}，${more ? '差' : '超出'} ${fmt(s.gap)}${u}${strict ? '（须严格超过）' : ''}`,
    `${s.label.en}: ${fmt(s.actual)} of ${fmt(s.required)}${u ? ' ' + u : ''} (${OP_SYMBOL[s.operator]}), ${more ? 'short by' : 'over by'} ${fmt(s.gap)}${u ? ' ' + u : ''}${strict ? ' (must be strictly exceeded)' : ''}`,
  );
}

export function factLabeler(facts: Map<string, FactDef>, extra: Map<string, { label: I18nText; unit?: string }>): Labeler {
  return (id) => {
    const f = facts.get(id);
    if (f) return { label: f.label, unit: f.unit, values: f.values };
    const d = extra.get(id);
    if (d) return d;
    return { label: t(id, id) };
  };
}
