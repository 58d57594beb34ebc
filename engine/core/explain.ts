// The explanation of each condition, compiled once per rule set: a trace builder specialised to the condition's shape
// that folds json-rules-engine's result tree, and the condition's words (checklist text, shortfalls, missing facts) from
// parts made once per leaf (labels, operator symbols, units, the threshold's text at each precision) with the values
// that vary filled in. Gives what traceFromJre, describeTrace, shortfallsOf and the trace's missing facts give; pure.
import type { I18nText } from '../schema/common.js';
import type { Condition, LeafCondition } from '../schema/condition.js';
import { isLeaf } from '../schema/condition.js';
import type { ConditionTrace, Shortfall } from '../schema/evaluation.js';
import type { Tri, Values } from './conditions.js';
import { dec, exactMinus, minusNumber, type Dec as DecT } from './decimal.js';
import { OP_SYMBOL, OP_WORD, alternatives, join, missingText, type Words } from './text.js';

type MissingOf = (fact: string) => string[];

/** A condition's trace for one evaluation and, when asked, its words. */
export interface ConditionExplainer {
  /**
   * The three-valued trace of the condition from json-rules-engine's leaf results: `bits[at + i]` is 1 where its i-th
   * leaf (depth first, in the tree json-rules-engine runs) held (conditions.ts: decideLeaves, leafResultsOf).
   */
  trace(bits: ArrayLike<number>, at: number, values: Values, missingOf: MissingOf): ConditionTrace;
  /** Its result alone: `trace(...).result` without building the trace. */
  result(bits: ArrayLike<number>, at: number, values: Values): Tri;
  /** The checklist text of a trace this explainer built (describeTrace). */
  text(tr: ConditionTrace): I18nText;
  /** Numeric shortfalls of that trace (shortfallsOf). */
  shortfalls(tr: ConditionTrace): Shortfall[];
  /** The facts its leaves miss, in order, repeats kept. */
  missing(tr: ConditionTrace): string[];
  /** What the unmet condition of that trace needs, in words (needText). */
  need(tr: ConditionTrace): I18nText;
}

interface Node {
  trace(bits: ArrayLike<number>, at: number, values: Values, missingOf: MissingOf): ConditionTrace;
  result(bits: ArrayLike<number>, at: number, values: Values): Tri;
  text(tr: ConditionTrace): I18nText;
  shortfalls(tr: ConditionTrace, out: Shortfall[]): void;
  missing(tr: ConditionTrace, out: string[]): void;
  need(tr: ConditionTrace): I18nText;
}

const EMPTY_TEXT: I18nText = Object.freeze({ zh: '', en: '' });
const UNDECIDED: I18nText = Object.freeze({ zh: '无法判定', en: 'undecided' });
const MET: I18nText = Object.freeze({ zh: '满足', en: 'met' });
const NOT_MET: I18nText = Object.freeze({ zh: '未满足', en: 'not met' });

/** Compiles the explainer of one condition (parameters resolved with `param`, as json-rules-engine receives them). */
export function compileExplainer(source: Condition, param: (id: string) => unknown, w: Words): ConditionExplainer {
  // Leaves are numbered depth first (json-rules-engine runs a lone leaf as `{all: [leaf]}`: its one leaf is leaf 0).
  const n = node(source, param, w, { next: 0 });
  return {
    trace: (bits, at, values, missingOf) => n.trace(bits, at, values, missingOf),
    result: (bits, at, values) => n.result(bits, at, values),
    text: (tr) => n.text(tr),
    shortfalls: (tr) => {
      const out: Shortfall[] = [];
      n.shortfalls(tr, out);
      return out;
    },
    missing: (tr) => {
      const out: string[] = [];
      n.missing(tr, out);
      return out;
    },
    need: (tr) => n.need(tr),
  };
}

function node(c: Condition, param: (id: string) => unknown, w: Words, leaves: { next: number }): Node {
  if (isLeaf(c)) return leaf(c, param, w, leaves.next++);
  if ('all' in c) return group('all', c.all.map((x) => node(x, param, w, leaves)), c.label);
  if ('any' in c) return group('any', c.any.map((x) => node(x, param, w, leaves)), c.label);
  return negation(node(c.not, param, w, leaves));
}

function group(op: 'all' | 'any', kids: Node[], label: I18nText | undefined): Node {
  const k = kids.length;
  return {
    trace(bits, at, values, missingOf) {
      const children: ConditionTrace[] = new Array(k);
      let anyFalse = false;
      let anyTrue = false;
      let anyNull = false;
      for (let i = 0; i < k; i++) {
        const t = kids[i].trace(bits, at, values, missingOf);
        children[i] = t;
        if (t.result === false) anyFalse = true;
        else if (t.result === null) anyNull = true;
        else anyTrue = true;
      }
      const result = op === 'all' ? (anyFalse ? false : anyNull ? null : true) : anyTrue ? true : anyNull ? null : false;
      return label ? { op, result, children, label } : { op, result, children };
    },
    result(bits, at, values) {
      let anyFalse = false;
      let anyTrue = false;
      let anyNull = false;
      for (let i = 0; i < k; i++) {
        const r = kids[i].result(bits, at, values);
        if (r === false) anyFalse = true;
        else if (r === null) anyNull = true;
        else anyTrue = true;
      }
      return op === 'all' ? (anyFalse ? false : anyNull ? null : true) : anyTrue ? true : anyNull ? null : false;
    },
    text(tr) {
      const ch = tr.children!;
      if (op === 'all' && k === 1) return kids[0].text(ch[0]);
      let zh = '';
      let en = '';
      const sepZh = op === 'all' ? '；' : '；或 ';
      const sepEn = op === 'all' ? '; ' : '; or ';
      for (let i = 0; i < k; i++) {
        const x = kids[i].text(ch[i]);
        if (i) {
          zh += sepZh;
          en += sepEn;
        }
        zh += x.zh;
        en += x.en;
      }
      return op === 'all' ? { zh, en } : { zh: `以下任一：${zh}`, en: `any of: ${en}` };
    },
    shortfalls(tr, out) {
      if (tr.result !== false) return;
      const ch = tr.children!;
      for (let i = 0; i < k; i++) kids[i].shortfalls(ch[i], out);
    },
    missing(tr, out) {
      const ch = tr.children!;
      for (let i = 0; i < k; i++) kids[i].missing(ch[i], out);
    },
    need(tr) {
      const ch = tr.children!;
      if (op === 'all') {
        // The failed parts, or every part when none failed (an undecided condition).
        let anyFailed = false;
        for (let i = 0; i < k; i++) if (ch[i].result === false) anyFailed = true;
        const parts: I18nText[] = [];
        for (let i = 0; i < k; i++) if (!anyFailed || ch[i].result === false) parts.push(kids[i].need(ch[i]));
        return join(parts);
      }
      return alternatives(kids.map((x, i) => x.need(ch[i])));
    },
  };
}

function negation(kid: Node): Node {
  return {
    trace(bits, at, values, missingOf) {
      const child = kid.trace(bits, at, values, missingOf);
      return { op: 'not', result: child.result === null ? null : !child.result, children: [child] };
    },
    result(bits, at, values) {
      const r = kid.result(bits, at, values);
      return r === null ? null : !r;
    },
    text(tr) {
      const k = kid.text(tr.children![0]);
      return { zh: `并非：${k.zh}`, en: `not: ${k.en}` };
    },
    shortfalls() {},
    missing(tr, out) {
      kid.missing(tr.children![0], out);
    },
    need(tr) {
      const inner = kid.text(tr.children![0]);
      return { zh: `须不满足：${inner.zh}`, en: `must not hold: ${inner.en}` };
    },
  };
}

function leaf(n: LeafCondition, param: (id: string) => unknown, w: Words, slot: number): Node {
  const fact = n.fact;
  const operator = n.operator;
  const label = n.label;
  const v = n.value as unknown;
  const isRef = v !== null && typeof v === 'object' && !Array.isArray(v);
  const rhsFact = isRef && 'fact' in (v as object) ? (v as { fact: string }).fact : undefined;
  const paramId = isRef && rhsFact === undefined && 'param' in (v as object) ? (v as { param: string }).param : undefined;
  const literal: unknown = rhsFact !== undefined ? undefined : paramId !== undefined ? param(paramId) : v;
  // The comparand of a literal or parameter is the same in every evaluation: one frozen object.
  const fixedCompare =
    rhsFact !== undefined
      ? null
      : Object.freeze(paramId !== undefined ? { value: literal, source: 'param' as const, ref: paramId } : { value: literal, source: 'literal' as const });

  const info = w.labeler(fact);
  const factLabel = info.label;
  const unit = info.unit;
  const rhsInfo = rhsFact !== undefined ? w.labeler(rhsFact) : null;
  const rhsName = rhsInfo ? rhsInfo.label : null;
  const rhsUnit = rhsInfo ? rhsInfo.unit : unit;
  const sym = OP_SYMBOL[operator] ?? operator;
  const lhsSuffix = w.unitSuffix(unit);
  const rhsSuffix = w.unitSuffix(rhsUnit);
  const word = OP_WORD[operator] ?? { zh: operator, en: operator };
  const gapSign = operator === 'greaterThanInclusive' || operator === 'greaterThan' ? 1 : operator === 'lessThanInclusive' || operator === 'lessThan' ? -1 : 0;

  // A yes/no requirement (equal or notEqual to true or false) reads "label：是（要求：否）".
  const boolWant = rhsFact === undefined && typeof literal === 'boolean' && (operator === 'equal' || operator === 'notEqual') ? (operator === 'equal' ? literal : !literal) : null;
  // Its texts without missing facts, by value and result (at most four).
  const boolTexts: (I18nText | undefined)[] = [];
  const boolPre = { zh: `${factLabel.zh}：`, en: `${factLabel.en}: ` };
  const boolReq = boolWant === null ? null : { zh: `（要求：${boolWant ? '是' : '否'}）`, en: ` (required: ${boolWant ? 'yes' : 'no'})` };

  // The right-hand side in words at each precision, for a literal or parameter number (the same in every evaluation).
  const rhsTexts: I18nText[] = [];
  const rhsWithName = (x: I18nText): I18nText => (rhsName ? { zh: `${rhsName.zh} ${x.zh}`, en: `${rhsName.en} ${x.en}` } : x);
  const rhsNums: string[] = [];
  const fixedRhsNum = (sc: number): string => (rhsNums[sc] ??= w.num(literal as number, sc));
  const fixedRhsText = (sc: number): I18nText => {
    let r = rhsTexts[sc];
    if (r === undefined) {
      const num = fixedRhsNum(sc);
      r = rhsTexts[sc] = Object.freeze({ zh: num + rhsSuffix.zh, en: num + rhsSuffix.en });
    }
    return r;
  };
  // A non-number literal right-hand side (a text, a list) in words: the same in every evaluation.
  let fixedRhsValue: I18nText | null = null;
  const preZh = `${factLabel.zh} `;
  const preEn = `${factLabel.en} `;
  const midZh = `，要求 ${sym} `;
  const midEn = `, required ${sym} `;

  function missText(tr: ConditionTrace): I18nText {
    if (!tr.missing?.length) return EMPTY_TEXT;
    const m = missingText(tr.missing, w);
    return { zh: `（缺少：${m.zh}）`, en: ` (missing: ${m.en})` };
  }

  return {
    trace(bits, at, values, missingOf) {
      const a = values[fact];
      let missing: string[] | null = null;
      if (a === undefined) missing = missingOf(fact);
      let compareTo: ConditionTrace['compareTo'];
      let decided: boolean;
      if (rhsFact !== undefined) {
        const b = values[rhsFact];
        if (b === undefined) {
          const m = missingOf(rhsFact);
          missing = missing ? missing.concat(m) : m;
        }
        compareTo = { value: b ?? null, source: 'fact', ref: rhsFact };
        decided = a !== undefined && b !== undefined;
      } else {
        compareTo = fixedCompare!;
        decided = a !== undefined;
      }
      const result = decided ? bits[at + slot] === 1 : null;
      const factValue = a ?? null;
      if (missing !== null && missing.length) {
        const m = [...new Set(missing)];
        return label ? { op: 'leaf', result, fact, operator, factValue, compareTo, missing: m, label } : { op: 'leaf', result, fact, operator, factValue, compareTo, missing: m };
      }
      return label ? { op: 'leaf', result, fact, operator, factValue, compareTo, label } : { op: 'leaf', result, fact, operator, factValue, compareTo };
    },
    result(bits, at, values) {
      if (values[fact] === undefined) return null;
      if (rhsFact !== undefined && values[rhsFact] === undefined) return null;
      return bits[at + slot] === 1;
    },
    text(tr) {
      const fv = tr.factValue;
      const result = tr.result;
      if (boolWant !== null) {
        const plain = !tr.missing?.length;
        const slot = typeof fv === 'boolean' && plain ? (fv ? 2 : 0) + (result === true ? 1 : 0) + (result === null ? 4 : 0) : -1;
        if (slot >= 0 && boolTexts[slot]) return boolTexts[slot]!;
        const have = w.value(fv);
        const miss = missText(tr);
        const text = {
          zh: `${boolPre.zh}${have.zh}${boolReq!.zh}${result === null ? '，无法判定' : ''}${miss.zh}`,
          en: `${boolPre.en}${have.en}${boolReq!.en}${result === null ? ', undecided' : ''}${miss.en}`,
        };
        if (slot >= 0) boolTexts[slot] = Object.freeze(text);
        return text;
      }
      const verdict = result === null ? UNDECIDED : result ? MET : NOT_MET;
      const miss = missText(tr);
      const rv = tr.compareTo!.value;
      const fvNum = typeof fv === 'number';
      const rvNum = typeof rv === 'number';
      let sc = w.scale;
      let lz: string;
      let le: string;
      if (fvNum) {
        // As w.pairScale: enough decimals that the value and the threshold do not read alike when they differ.
        let num = w.numOnce(fv, sc);
        if (rvNum && fv !== rv) {
          if (rhsFact === undefined) {
            while (sc < 8 && num === fixedRhsNum(sc)) num = w.numOnce(fv, ++sc);
          } else {
            while (sc < 8 && num === w.numOnce(rv, sc)) num = w.numOnce(fv, ++sc);
          }
        }
        lz = num + lhsSuffix.zh;
        le = num + lhsSuffix.en;
      } else {
        const x = w.value(fv, fact);
        lz = x.zh;
        le = x.en;
      }
      let r: I18nText;
      if (rhsFact === undefined) {
        if (rvNum) r = fixedRhsText(sc);
        else r = fixedRhsValue ??= Object.freeze(w.value(rv, fact));
      } else if (rvNum) {
        const num = w.numOnce(rv, sc);
        r = rhsWithName({ zh: num + rhsSuffix.zh, en: num + rhsSuffix.en });
      } else r = rhsWithName(w.value(rv, fact));
      return { zh: `${preZh}${lz}${midZh}${r.zh}：${verdict.zh}${miss.zh}`, en: `${preEn}${le}${midEn}${r.en}: ${verdict.en}${miss.en}` };
    },
    shortfalls(tr, out) {
      if (tr.result !== false || gapSign === 0) return;
      const a = tr.factValue;
      const b = tr.compareTo!.value;
      if (typeof a !== 'number' || typeof b !== 'number') return;
      const gap = gapSign > 0 ? minusNumber(b, a) : minusNumber(a, b);
      out.push(unit ? { fact, label: factLabel, actual: a, required: b, operator, gap, unit } : { fact, label: factLabel, actual: a, required: b, operator, gap });
    },
    missing(tr, out) {
      if (tr.missing) for (const m of tr.missing) out.push(m);
    },
    need(tr) {
      const fv = tr.factValue;
      if (tr.result === null) {
        const m = missingText(tr.missing ?? [fact], w);
        return { zh: `${factLabel.zh}：无法判定（缺少 ${m.zh}）`, en: `${factLabel.en}: undecided (missing ${m.en})` };
      }
      if (boolWant !== null) {
        const have = w.value(fv);
        return { zh: `${factLabel.zh}：${have.zh}（须为“${boolWant ? '是' : '否'}”）`, en: `${factLabel.en}: ${have.en} (required: ${boolWant ? 'yes' : 'no'})` };
      }
      const rv = tr.compareTo!.value;
      if (typeof fv === 'number' && typeof rv === 'number') {
        // The gap as a number where it is exact (both with at most six decimals), as a decimal otherwise.
        const gapN = gapSign > 0 ? exactMinus(rv, fv) : exactMinus(fv, rv);
        const gap: number | DecT = gapN !== null ? gapN : gapSign > 0 ? dec(rv).minus(dec(fv)) : dec(fv).minus(dec(rv));
        let sc = w.scale;
        let lnum = w.numOnce(fv, sc);
        let rnum = rhsFact === undefined ? fixedRhsNum(sc) : w.numOnce(rv, sc);
        if (fv !== rv) {
          while (sc < 8 && lnum === rnum) {
            sc++;
            lnum = w.numOnce(fv, sc);
            rnum = rhsFact === undefined ? fixedRhsNum(sc) : w.numOnce(rv, sc);
          }
        }
        const lz = lnum + lhsSuffix.zh;
        const le = lnum + lhsSuffix.en;
        const rz = rhsName ? `${rhsName.zh} ${rnum}${rhsSuffix.zh}` : rnum + rhsSuffix.zh;
        const re = rhsName ? `${rhsName.en}, ${rnum}${rhsSuffix.en}` : rnum + rhsSuffix.en;
        const more = gapSign > 0;
        if (gapN !== null ? gapN === 0 : (gap as DecT).isZero()) {
          return { zh: `${factLabel.zh} ${lz}，须${word.zh} ${rz}（目前恰好相等）`, en: `${factLabel.en} ${le} (required: ${word.en} ${re}; now exactly equal)` };
        }
        const g = w.diff(gap, unit, Math.max(sc, w.scale));
        return {
          zh: `${factLabel.zh} ${lz}，须${word.zh} ${rz}，${more ? '差' : '超出'} ${g.zh}`,
          en: `${factLabel.en} ${le} (required: ${word.en} ${re}; ${g.en} ${more ? 'short' : 'over'})`,
        };
      }
      const have = w.value(fv, fact);
      const want = rhsFact !== undefined ? { zh: `${rhsName!.zh} ${w.value(rv, rhsFact).zh}`, en: `${rhsName!.en} ${w.value(rv, rhsFact).en}` } : w.value(rv, fact);
      return { zh: `${factLabel.zh} 为 ${have.zh}，须${word.zh} ${want.zh}`, en: `${factLabel.en} ${have.en} (required: ${word.en} ${want.en})` };
    },
  };
}
