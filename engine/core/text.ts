// Words for explanations in Chinese and English: numbers at the rule set's precision with their units, comparisons, shortfalls and what must change; pure.
import type { I18nText } from '../schema/common.js';
import type { ConditionTrace, Shortfall } from '../schema/evaluation.js';
import type { FactDef, RuleSet } from '../schema/ruleSet.js';
import { Dec, dec, fmt, type Dec as DecT } from './decimal.js';

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

/** A comparison as a requirement in words: "不低于" / "at least". */
export const OP_WORD: Record<string, I18nText> = {
  equal: { zh: '为', en: 'equal to' },
  notEqual: { zh: '不为', en: 'other than' },
  lessThan: { zh: '低于', en: 'below' },
  lessThanInclusive: { zh: '不高于', en: 'at most' },
  greaterThan: { zh: '超过', en: 'more than' },
  greaterThanInclusive: { zh: '不低于', en: 'at least' },
  in: { zh: '属于', en: 'one of' },
  notIn: { zh: '不属于', en: 'none of' },
};

export type Labeler = (fact: string) => { label: I18nText; unit?: string; values?: { id: string; label: I18nText }[] };

export function t(zh: string, en: string): I18nText {
  return { zh, en };
}

export function join(parts: I18nText[], sepZh = '；', sepEn = '; '): I18nText {
  if (parts.length === 0) return { zh: '', en: '' };
  let zh = parts[0].zh;
  let en = parts[0].en;
  for (let i = 1; i < parts.length; i++) {
    zh += sepZh + parts[i].zh;
    en += sepEn + parts[i].en;
  }
  return { zh, en };
}

/** Alternatives, worded as such: "A；或 B" / "either A, or B". */
export function alternatives(parts: I18nText[]): I18nText {
  if (parts.length === 1) return parts[0];
  return { zh: parts.map((p, i) => (i === 0 ? p.zh : `或${p.zh}`)).join('；'), en: `either ${parts.map((p) => p.en).join(', or ')}` };
}

/** A number as people read it: exact when it has at most four decimals, else about two (≈). */
export function readable(v: number): string {
  const d = dec(v);
  return d.decimalPlaces() <= 4 ? fmt(d) : `≈${d.toDecimalPlaces(2).toString()}`;
}

/** Why a value could not be computed, in words (the engine's reason codes). */
const REASON: Record<string, I18nText> = {
  division_by_zero: { zh: '除数为零（如上年数值为 0），无法计算', en: 'division by zero (e.g. a previous-year figure of 0)' },
  type_mismatch: { zh: '数据类型不符，无法计算', en: 'a value of the wrong type' },
  list_fact: { zh: '列表数据不能直接用于计算', en: 'a list cannot be used as a number' },
  parameter_none: { zh: '参数未设定', en: 'a parameter has no value' },
  empty_list: { zh: '列表为空', en: 'the list is empty' },
  unsupported: { zh: '表达式不受支持', en: 'an unsupported expression' },
};

interface UnitWords {
  zh: string;
  en: string;
  percent: boolean;
}

/** The words of one rule set: labels, units and the precision it states. */
export interface Words {
  scale: number;
  labeler: Labeler;
  /** A number at the rule set's precision; a value that would round to 0 keeps its first significant digit. */
  num(x: number | DecT, scale?: number): string;
  /** The same text, not kept: for a figure that differs in every dossier. */
  numOnce(x: number | DecT, scale: number): string;
  /** A number with its unit: "980亿元" / "980 (100 million yuan)". */
  amount(x: number | DecT, unit?: string, scale?: number): I18nText;
  /** A difference: percentage points for percentages. */
  diff(x: number | DecT, unit?: string, scale?: number): I18nText;
  /** Two numbers shown with enough decimals that they do not look equal when they differ. */
  pairScale(a: number | DecT, b: number | DecT): number;
  /** The label of a fact, derived value, reference figure or reason a value is missing for. */
  missingLabel(id: string): I18nText;
  unit(u: string | undefined): UnitWords | null;
  /** What `amount` appends to a number for a unit: amount(x, u, sc).zh === num(x, sc) + unitSuffix(u).zh, and the same in English. */
  unitSuffix(u: string | undefined): I18nText;
  /** A value of a fact as shown in words (yes/no, enum labels, numbers with units). */
  value(v: unknown, fact?: string, lang?: 'zh' | 'en'): I18nText;
}

/**
 * A number's shortest decimal text rounded half away from zero to `sc` places, as Dec(x).toDecimalPlaces(sc,
 * ROUND_HALF_UP).toString() gives it, worked on the digits of String(x) (the same shortest text the decimal starts
 * from); null where that text has an exponent or the result would be zero, which the decimal path handles.
 */
export function roundedText(x: number, sc: number): string | null {
  if (!Number.isFinite(x) || x === 0) return null;
  const s = String(x);
  if (s.includes('e')) return null;
  const neg = s.charCodeAt(0) === 45;
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  if (dot < 0 || body.length - dot - 1 <= sc) return s;
  // digits of the integer part and the kept fraction, then the first dropped digit decides
  const kept = body.slice(0, dot) + body.slice(dot + 1, dot + 1 + sc);
  const up = body.charCodeAt(dot + 1 + sc) >= 53;
  let digits = kept;
  if (up) {
    const arr = digits.split('');
    let i = arr.length - 1;
    while (i >= 0) {
      if (arr[i] === '9') {
        arr[i] = '0';
        i--;
      } else {
        arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
        break;
      }
    }
    digits = (i < 0 ? '1' : '') + arr.join('');
  }
  const intLen = digits.length - sc;
  let int = digits.slice(0, intLen).replace(/^0+(?=\d)/, '');
  let frac = digits.slice(intLen).replace(/0+$/, '');
  if (int === '') int = '0';
  if (int === '0' && frac === '') return null;
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Builds the words of a rule set. */
export function wordsFor(rs: Pick<RuleSet, 'numeric' | 'units' | 'referenceData'>, labeler: Labeler): Words {
  const scale = rs.numeric.scale;
  const units = new Map((rs.units ?? []).map((u) => [u.id, { zh: u.label.zh, en: u.label.en, percent: u.kind === 'percent' }]));
  const unit = (u: string | undefined): UnitWords | null => {
    if (!u) return null;
    return units.get(u) ?? { zh: u, en: u, percent: u === '%' };
  };
  // Numbers repeat across items and evaluations (thresholds, the same fact read by many conditions): their text is kept per scale.
  const numTexts = new Map<number, Map<number, string>>();
  const num = (x: number | DecT, sc = scale): string => {
    if (typeof x !== 'number') return numText(x, sc);
    let m = numTexts.get(sc);
    if (!m) numTexts.set(sc, (m = new Map()));
    let s = m.get(x);
    if (s === undefined) {
      if (m.size >= 4096) m.clear();
      m.set(x, (s = numText(x, sc)));
    }
    return s;
  };
  const numText = (x: number | DecT, sc: number): string => {
    if (typeof x === 'number') {
      const quick = roundedText(x, sc);
      if (quick !== null) return quick;
    }
    const d = dec(x);
    const r = d.toDecimalPlaces(sc, Dec.ROUND_HALF_UP);
    if (r.isZero() && !d.isZero()) return d.toSignificantDigits(1).toDecimalPlaces(Math.max(sc, 8)).toString();
    return r.toString();
  };
  const withUnit = (n: string, u: UnitWords | null, lang: 'zh' | 'en'): string => {
    if (!u) return n;
    if (lang === 'zh') return `${n}${u.zh}`;
    if (u.percent || u.en === '%') return `${n}%`;
    if (!u.en) return n;
    return /^[0-9]/.test(u.en) ? `${n} × ${u.en}` : `${n} ${u.en}`;
  };
  const suffixes = new Map<string | undefined, I18nText>();
  const unitSuffix = (u: string | undefined): I18nText => {
    let s = suffixes.get(u);
    if (s === undefined) {
      const uw = unit(u);
      suffixes.set(u, (s = Object.freeze({ zh: withUnit('', uw, 'zh'), en: withUnit('', uw, 'en') })));
    }
    return s;
  };
  const amount = (x: number | DecT, u?: string, sc = scale): I18nText => {
    const n = num(x, sc);
    const uw = unit(u);
    return { zh: withUnit(n, uw, 'zh'), en: withUnit(n, uw, 'en') };
  };
  const diff = (x: number | DecT, u?: string, sc = scale): I18nText => {
    const uw = unit(u);
    if (uw?.percent) {
      const n = num(x, sc);
      return { zh: `${n} 个百分点`, en: `${n} percentage point${n === '1' ? '' : 's'}` };
    }
    return amount(x, u, sc);
  };
  const pairScale = (a: number | DecT, b: number | DecT): number => {
    if (typeof a === 'number' && typeof b === 'number') {
      // Plain numbers: their texts come from num's cache (a === b exactly when their decimals are equal).
      if (a === b) return scale;
      let sc = scale;
      while (sc < 8 && num(a, sc) === num(b, sc)) sc++;
      return sc;
    }
    const da = dec(a);
    const db = dec(b);
    if (da.eq(db)) return scale;
    let sc = scale;
    while (sc < 8 && num(da, sc) === num(db, sc)) sc++;
    return sc;
  };
  const missingLabel = (id: string): I18nText => {
    if (id.startsWith('(') && id.endsWith(')')) return REASON[id.slice(1, -1)] ?? t(id.slice(1, -1), id.slice(1, -1));
    const ref = /^ref:([^.]+)\.([^@]+)@(.*)$/.exec(id);
    if (ref) {
      const [, table, field, key] = ref;
      const tb = rs.referenceData.find((x) => x.id === table);
      const f = tb?.fields.find((x) => x.id === field);
      const name = f?.label ?? t(field, field);
      const tl = tb?.label ?? t(table, table);
      return t(`${tl.zh}：${name.zh}（${key} 年，参考数据缺失）`, `${tl.en}: ${name.en} (${key}; reference figure missing)`);
    }
    return labeler(id).label;
  };
  const value = (v: unknown, fact?: string): I18nText => {
    const info = fact ? labeler(fact) : undefined;
    if (v === null || v === undefined) return t('（缺失）', '(missing)');
    if (typeof v === 'boolean') return v ? t('是', 'yes') : t('否', 'no');
    if (typeof v === 'number') return amount(v, info?.unit);
    const lab = (x: unknown) => info?.values?.find((y) => y.id === x)?.label ?? t(String(x), String(x));
    if (Array.isArray(v)) return join(v.map(lab), '、', ', ');
    return lab(v);
  };
  return { scale, labeler, num, numOnce: (x, sc) => numText(x, sc), amount, diff, pairScale, missingLabel, unit, unitSuffix, value };
}

/** A list of missing things in words. */
export function missingText(ids: string[], w: Words): I18nText {
  return join(ids.map((x) => w.missingLabel(x)), '、', ', ');
}

/** One line per leaf: the fact, its value, the comparison and the verdict (the checklist text of an item). */
export function describeTrace(tr: ConditionTrace, w: Words): I18nText {
  const labeler = w.labeler;
  if (tr.op === 'leaf') {
    const { label, unit } = labeler(tr.fact!);
    const rhs = tr.compareTo!;
    const rhsName = rhs.source === 'fact' ? labeler(rhs.ref!).label : null;
    const sym = OP_SYMBOL[tr.operator!] ?? tr.operator!;
    const verdict = tr.result === null ? t('无法判定', 'undecided') : tr.result ? t('满足', 'met') : t('未满足', 'not met');
    const miss = tr.missing?.length ? (() => { const m = missingText(tr.missing!, w); return t(`（缺少：${m.zh}）`, ` (missing: ${m.en})`); })() : t('', '');
    if (typeof rhs.value === 'boolean' && (tr.operator === 'equal' || tr.operator === 'notEqual') && rhs.source !== 'fact') {
      const want = tr.operator === 'equal' ? rhs.value : !rhs.value;
      const have = w.value(tr.factValue);
      return t(
        `${label.zh}：${have.zh}（要求：${want ? '是' : '否'}）${tr.result === null ? '，无法判定' : ''}${miss.zh}`,
        `${label.en}: ${have.en} (required: ${want ? 'yes' : 'no'})${tr.result === null ? ', undecided' : ''}${miss.en}`,
      );
    }
    const both = typeof tr.factValue === 'number' && typeof rhs.value === 'number' ? w.pairScale(tr.factValue, rhs.value) : w.scale;
    const rhsUnit = rhs.source === 'fact' ? labeler(rhs.ref!).unit : unit;
    const lhsV = typeof tr.factValue === 'number' ? w.amount(tr.factValue, unit, both) : w.value(tr.factValue, tr.fact);
    const rhsV = typeof rhs.value === 'number' ? w.amount(rhs.value, rhsUnit, both) : w.value(rhs.value, tr.fact);
    const rz = rhsName ? `${rhsName.zh} ${rhsV.zh}` : rhsV.zh;
    const re = rhsName ? `${rhsName.en} ${rhsV.en}` : rhsV.en;
    return t(`${label.zh} ${lhsV.zh}，要求 ${sym} ${rz}：${verdict.zh}${miss.zh}`, `${label.en} ${lhsV.en}, required ${sym} ${re}: ${verdict.en}${miss.en}`);
  }
  const kids = (tr.children ?? []).map((c) => describeTrace(c, w));
  if (tr.op === 'any') return t(`以下任一：${kids.map((k) => k.zh).join('；或 ')}`, `any of: ${kids.map((k) => k.en).join('; or ')}`);
  if (tr.op === 'not') return t(`并非：${kids[0].zh}`, `not: ${kids[0].en}`);
  return kids.length === 1 ? kids[0] : join(kids);
}

/** What an unmet condition needs, in words: each failed comparison with its gap; alternatives of an `any` as alternatives. */
export function needText(tr: ConditionTrace, w: Words): I18nText {
  if (tr.op === 'leaf') return leafNeed(tr, w);
  if (tr.op === 'all') {
    const failed = (tr.children ?? []).filter((c) => c.result === false);
    return join((failed.length ? failed : tr.children ?? []).map((c) => needText(c, w)));
  }
  if (tr.op === 'any') return alternatives((tr.children ?? []).map((c) => needText(c, w)));
  const inner = describeTrace(tr.children![0], w);
  return t(`须不满足：${inner.zh}`, `must not hold: ${inner.en}`);
}

function leafNeed(tr: ConditionTrace, w: Words): I18nText {
  const { label, unit } = w.labeler(tr.fact!);
  const rhs = tr.compareTo!;
  const op = tr.operator!;
  if (tr.result === null) {
    const m = missingText(tr.missing ?? [tr.fact!], w);
    return t(`${label.zh}：无法判定（缺少 ${m.zh}）`, `${label.en}: undecided (missing ${m.en})`);
  }
  if (typeof rhs.value === 'boolean' && (op === 'equal' || op === 'notEqual') && rhs.source !== 'fact') {
    const want = op === 'equal' ? rhs.value : !rhs.value;
    return t(`${label.zh}：${w.value(tr.factValue).zh}（须为“${want ? '是' : '否'}”）`, `${label.en}: ${w.value(tr.factValue).en} (required: ${want ? 'yes' : 'no'})`);
  }
  const rhsName = rhs.source === 'fact' ? w.labeler(rhs.ref!).label : null;
  const rhsUnit = rhs.source === 'fact' ? w.labeler(rhs.ref!).unit : unit;
  const word = OP_WORD[op] ?? t(op, op);
  if (typeof tr.factValue === 'number' && typeof rhs.value === 'number') {
    const a = dec(tr.factValue);
    const b = dec(rhs.value);
    const sc = w.pairScale(a, b);
    const lhs = w.amount(a, unit, sc);
    const req = w.amount(b, rhsUnit, sc);
    const rz = rhsName ? `${rhsName.zh} ${req.zh}` : req.zh;
    const re = rhsName ? `${rhsName.en}, ${req.en}` : req.en;
    const more = op.startsWith('greater');
    const gap = more ? b.minus(a) : a.minus(b);
    if (gap.isZero()) {
      return t(`${label.zh} ${lhs.zh}，须${word.zh} ${rz}（目前恰好相等）`, `${label.en} ${lhs.en} (required: ${word.en} ${re}; now exactly equal)`);
    }
    const g = w.diff(gap, unit, Math.max(sc, w.scale));
    return t(`${label.zh} ${lhs.zh}，须${word.zh} ${rz}，${more ? '差' : '超出'} ${g.zh}`, `${label.en} ${lhs.en} (required: ${word.en} ${re}; ${g.en} ${more ? 'short' : 'over'})`);
  }
  const have = w.value(tr.factValue, tr.fact);
  const want = rhs.source === 'fact' ? t(`${rhsName!.zh} ${w.value(rhs.value, rhs.ref).zh}`, `${rhsName!.en} ${w.value(rhs.value, rhs.ref).en}`) : w.value(rhs.value, tr.fact);
  return t(`${label.zh} 为 ${have.zh}，须${word.zh} ${want.zh}`, `${label.en} ${have.en} (required: ${word.en} ${want.en})`);
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
    let gap: DecT;
    if (op === 'greaterThanInclusive' || op === 'greaterThan') gap = dec(b).minus(dec(a));
    else if (op === 'lessThanInclusive' || op === 'lessThan') gap = dec(a).minus(dec(b));
    else return [];
    return [{ fact: tr.fact!, label, actual: a, required: b, operator: op, gap: gap.toNumber(), ...(unit ? { unit } : {}) }];
  }
  if (tr.op === 'not') return [];
  return (tr.children ?? []).flatMap((c) => shortfallsOf(c, labeler));
}

/** Labels for facts, derived values and anything else a rule set names. */
export function factLabeler(facts: Map<string, FactDef>, extra: Map<string, { label: I18nText; unit?: string }>): Labeler {
  return (id) => {
    const f = facts.get(id);
    if (f) return { label: f.label, unit: f.unit, values: f.values };
    const d = extra.get(id);
    if (d) return d;
    return { label: t(id, id) };
  };
}
