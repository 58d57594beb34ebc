// Evaluates one prepared dossier under a compiled rule set: the fast path (outcome and scores) and the fully explained path share this code.
import type { I18nText } from '../schema/common.js';
import type {
  BonusResult,
  CheckResult,
  ConditionTrace,
  Evaluation,
  FastResult,
  IndicatorResult,
  RequirementResult,
  Score,
  Shortfall,
  StageResult,
  Status,
} from '../schema/evaluation.js';
import type { BonusItem, BonusStage, ChecksStage, OutcomeStage, ScoreStage } from './types.js';
import type { CompiledRuleSetCore } from './compile.js';
import type { Tri, Values } from './conditions.js';
import type { ConditionExplainer } from './explain.js';
import { Dec, ZERO, dec, fmt, roundTo, type Dec as DecT } from './decimal.js';
import type { PreparedDossier } from './dossier.js';
import { Undecided, numbersOf, type ExprEnv, type Value } from './expr.js';
import { join, missingText, t } from './text.js';
import { plain } from './plain.js';
import { buildAdvice, type FailedItem, type RouteResult } from './advice.js';

/** A score known exactly or within bounds; hi null means unbounded. */
interface Range {
  lo: DecT;
  hi: DecT | null;
}
const exact = (x: DecT): Range => ({ lo: x, hi: x });
const decided = (r: Range): boolean => r.hi !== null && (r.lo === r.hi || r.lo.eq(r.hi));
const add = (a: Range, b: Range): Range => {
  const lo = a.lo.plus(b.lo);
  // Two exact scores: one sum.
  return { lo, hi: a.hi === null || b.hi === null ? null : a.hi === a.lo && b.hi === b.lo ? lo : a.hi.plus(b.hi) };
};
const capRange = (r: Range, cap: DecT | null): Range =>
  cap === null ? r : { lo: Dec.min(r.lo, cap), hi: r.hi === null ? cap : Dec.min(r.hi, cap) };
function toScore(r: Range, exactText?: string | null): Score {
  if (decided(r)) {
    const lo = r.lo;
    let value: number;
    let text: string;
    if (lo.isZero()) {
      value = lo.toNumber();
      text = lo.toString();
    } else {
      // A non-zero decimal's number is its text read as a number (which is how the decimal converts itself).
      text = lo.toString();
      value = Number(text);
    }
    return { value, exact: exactText === undefined ? text : exactText, lo: value, hi: r.hi === lo ? value : r.hi!.toNumber() };
  }
  return { value: null, exact: null, lo: r.lo.toNumber(), hi: r.hi === null ? null : r.hi.toNumber() };
}
const rangeText = (r: Range): string => (decided(r) ? fmt(r.lo) : `${fmt(r.lo)}–${r.hi ? fmt(r.hi) : '∞'}`);
const STATUS_WORD: Record<Status, I18nText> = {
  passed: { zh: '通过', en: 'passed' },
  failed: { zh: '未通过', en: 'failed' },
  undecided: { zh: '无法判定', en: 'undecided' },
  'not-applicable': { zh: '不适用', en: 'not applicable' },
};
const triStatus = (x: Tri): Status => (x === null ? 'undecided' : x ? 'passed' : 'failed');

/** Least common multiple of 1..n: a denominator every indicative share max × met / n divides. */
function lcmUpTo(n: number): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let l = 1;
  for (let k = 2; k <= n; k++) l = (l * k) / gcd(l, k);
  return l;
}

export interface EvalContext {
  values: Values;
  /** What expressions read: facts, derived values, parameters and reference data, as exact decimals. */
  env: ExprEnv;
  derived: Map<string, Value>;
  missingOf(fact: string): string[];
}

/**
 * Computes derived values (exact decimals) and the fact map conditions read. With `from` (the context of the same
 * dossier before some facts were `changed`), a derived value that reads none of them, directly or through another,
 * is taken over instead of computed again (what-if runs change one or two facts).
 */
export function prepareValues(core: CompiledRuleSetCore, d: PreparedDossier, from?: { ctx: EvalContext; changed: Iterable<string> }): EvalContext {
  // A spread keeps the fact map's shape (every fact and derived value has its place: dossier.ts), so this is a block copy.
  const values: Values = { ...d.values };
  const derived = new Map<string, Value>();
  const decCache = new Map<string, Value>();
  const k = constantsOf(core);
  const fact = (id: string): Value => {
    const dv = derived.get(id);
    if (dv !== undefined) return dv;
    if (core.derivedById.has(id)) return new Undecided([id]);
    const c = decCache.get(id);
    if (c !== undefined) return c;
    const raw = d.values[id];
    let v: Value;
    if (raw === undefined) v = new Undecided([id]);
    else if (typeof raw === 'number') v = dec(raw);
    else if (typeof raw === 'boolean' || typeof raw === 'string') v = raw;
    else v = new Undecided([], ['list_fact']);
    decCache.set(id, v);
    return v;
  };
  const list = (id: string): Record<string, unknown>[] | Undecided => {
    const raw = d.values[id];
    return Array.isArray(raw) ? (raw as Record<string, unknown>[]) : new Undecided([id]);
  };
  // sumOf, maxOf and minOf of one list's field read the same numbers: converted once.
  const listNumbers = (id: string, field: string): readonly Dec[] | Undecided => {
    const at = `${id}\u0000${field}`;
    let xs = lists?.get(at);
    if (xs === undefined) {
      const items = list(id);
      xs = items instanceof Undecided ? items : numbersOf(items, field);
      (lists ??= new Map()).set(at, xs);
    }
    return xs;
  };
  const env: ExprEnv = new Env(fact, k.param, k.ref, list, listNumbers, k.hasRow);
  let lists: Map<string, readonly Dec[] | Undecided> | undefined;
  const dirty = from ? new Set(from.changed) : null;
  for (const { def, fn, reads } of core.derived) {
    let v: Value | undefined;
    if (dirty && from) {
      if (reads.some((r) => dirty.has(r))) dirty.add(def.id);
      else {
        // Taken over with its place in the fact map (a number already converted, a yes/no or text, or none).
        v = from.ctx.derived.get(def.id);
        if (v !== undefined) {
          derived.set(def.id, v);
          const n = from.ctx.values[def.id];
          if (n !== undefined) values[def.id] = n;
          continue;
        }
      }
    }
    if (v === undefined) {
      // A derived value that reads one fact is kept by that fact's value (a year's national figures); an undecided one
      // is made anew each time (its missing-fact list goes into the explanation).
      const fact = k.memo.get(def.id);
      const key = fact === undefined ? undefined : d.values[fact];
      const byKey = fact !== undefined && (key === null || typeof key !== 'object') ? k.memoed.get(def.id) : undefined;
      const hit = byKey?.get(key);
      if (hit) {
        derived.set(def.id, hit.v);
        values[def.id] = hit.n;
        continue;
      }
      v = fn(env);
      if (byKey && !(v instanceof Undecided)) {
        if (byKey.size >= 256) byKey.clear();
        byKey.set(key, { v, n: v instanceof Dec ? v.toNumber() : v });
      }
    }
    derived.set(def.id, v);
    if (v instanceof Dec) values[def.id] = v.toNumber();
    else if (typeof v === 'boolean' || typeof v === 'string') values[def.id] = v;
  }
  const missingOf = (fact: string): string[] => {
    const v = derived.get(fact);
    if (v instanceof Undecided) return v.facts.length ? v.facts : v.reasons.map((r) => `(${r})`);
    return values[fact] === undefined ? [fact] : [];
  };
  return new Context(values, env, derived, missingOf);
}

// The environment and the context are made by constructor calls, not literals (plain.ts says why).
const Env = plain(function (this: ExprEnv, fact: ExprEnv['fact'], param: ExprEnv['param'], ref: ExprEnv['ref'], list: ExprEnv['list'], listNumbers: ExprEnv['listNumbers'], hasRow: ExprEnv['hasRow']) {
  this.fact = fact;
  this.param = param;
  this.ref = ref;
  this.list = list;
  this.listNumbers = listNumbers;
  this.hasRow = hasRow;
});
const Context = plain(function (this: EvalContext, values: Values, env: ExprEnv, derived: Map<string, Value>, missingOf: EvalContext['missingOf']) {
  this.values = values;
  this.env = env;
  this.derived = derived;
  this.missingOf = missingOf;
});

/**
 * What stays the same for every dossier under one compiled rule set: parameters and reference figures as decimals, the
 * reference tables indexed by key, and derived values that read a single fact (directly or through other derived
 * values), such as the national figures of a year, remembered by that fact's value. Parameters and reference data are
 * fixed per compiled rule set (a sweep's variant is another one), so these are its own.
 */
interface Constants {
  param: ExprEnv['param'];
  ref: ExprEnv['ref'];
  hasRow: ExprEnv['hasRow'];
  /** Derived value → the one fact it reads; its values (not undecided ones) are kept by that fact's value. */
  memo: Map<string, string>;
  memoed: Map<string, Map<unknown, { v: Value; n: unknown }>>;
}
const constants = new WeakMap<CompiledRuleSetCore, Constants>();
function constantsOf(core: CompiledRuleSetCore): Constants {
  let c = constants.get(core);
  if (c) return c;
  // The first row with a key is the one a lookup finds (as rows.find did).
  const tables = new Map(core.ruleSet.referenceData.map((tb) => [tb.id, new Map<unknown, Record<string, unknown>>(tb.rows.map((r) => [r[tb.key], r] as const).reverse())]));
  const params = new Map<string, Value>();
  const refs = new Map<string, Value>();
  const keyOf = (key: Value): unknown => (key instanceof Dec ? key.toNumber() : key);
  const memo = new Map<string, string>();
  const factsRead = new Map<string, Set<string>>();
  for (const { def, reads } of core.derived) {
    const fs = new Set<string>();
    for (const r of reads) {
      const via = factsRead.get(r);
      if (via) via.forEach((f) => fs.add(f));
      else if (!core.derivedById.has(r)) fs.add(r);
    }
    factsRead.set(def.id, fs);
    if (fs.size === 1) memo.set(def.id, [...fs][0]);
  }
  c = {
    param(id) {
      let v = params.get(id);
      if (v === undefined) {
        const p = core.params.get(id);
        if (p === null || p === undefined) return new Undecided([], ['parameter_none']);
        v = typeof p === 'number' ? dec(p) : (p as Value);
        params.set(id, v);
      }
      return v;
    },
    ref(tableId, key, field) {
      if (key instanceof Undecided) return key;
      const keyNum = keyOf(key);
      const at = `${tableId}\u0000${typeof keyNum}:${String(keyNum)}\u0000${field}`;
      let v = refs.get(at);
      if (v === undefined) {
        const raw = tables.get(tableId)?.get(keyNum)?.[field];
        if (typeof raw !== 'number' && typeof raw !== 'string') return new Undecided([`ref:${tableId}.${field}@${String(keyNum)}`]);
        v = typeof raw === 'number' ? dec(raw) : raw;
        if (refs.size >= 4096) refs.clear();
        refs.set(at, v);
      }
      return v;
    },
    hasRow(tableId, key) {
      if (key instanceof Undecided) return key;
      return !!tables.get(tableId)?.has(keyOf(key));
    },
    memo,
    memoed: new Map([...memo.keys()].map((id) => [id, new Map()])),
  };
  constants.set(core, c);
  return c;
}

export interface RunOutput {
  fast: FastResult;
  full?: Omit<Evaluation, 'provenance'>;
}

/** What a what-if run needs: the dossier with some facts changed, evaluated on the fast path, and its fact values. */
export type WhatIf = (changes: Record<string, number>) => { values: Values; fast: FastResult };

/** Keys of the conditions saying where an item applies and when an outcome rule is considered, made once per id. */
/** A key made from an id once (`${id}${suffix}`), bounded: drafts of many rule sets name many ids. */
function keptKeys(suffix: string): (id: string) => string {
  const kept = new Map<string, string>();
  return (id) => {
    let k = kept.get(id);
    if (k === undefined) {
      if (kept.size >= 8192) kept.clear();
      kept.set(id, (k = `${id}${suffix}`));
    }
    return k;
  };
}
const appliesKey = keptKeys('#applies');
const whenKey = keptKeys('#when');
/** The last part of an award's label ("加分项：重大创新" → "重大创新"), as its line in the bonus text names it. */
const awardNames = new WeakMap<I18nText, I18nText>();
const awardName = (l: I18nText): I18nText => {
  let n = awardNames.get(l);
  if (n === undefined) awardNames.set(l, (n = { zh: l.zh.split('：').pop()!, en: l.en.split(': ').pop()! }));
  return n;
};

/** A condition read in one evaluation: its result, its trace (explained runs) and its words once made. */
type Resolved = { result: Tri; trace: ConditionTrace | null; ex: ConditionExplainer | null; text?: I18nText; shortfalls?: Shortfall[] };
/** What an item that does not apply reads instead of its condition. */
const NOT_RESOLVED: Resolved = Object.freeze({ result: null, trace: null, ex: null });
const NOT_APPLICABLE: I18nText = Object.freeze(t('不适用', 'not applicable'));

/** An awards formula's facts with the name its line gives each and the most an evaluator may award it, worked out once. */
type AwardsFormula = Extract<BonusItem['formula'], { kind: 'awards' }>;
const awardsPlans = new WeakMap<AwardsFormula, { id: string; name: I18nText; max: DecT }[]>();
function awardsPlan(core: CompiledRuleSetCore, f: AwardsFormula): { id: string; name: I18nText; max: DecT }[] {
  let p = awardsPlans.get(f);
  if (!p) {
    p = f.facts.map((id) => {
      const fd = core.facts.get(id);
      return { id, name: fd?.label ? awardName(fd.label) : t(id, id), max: dec(fd?.discretionary?.max ?? 0) };
    });
    awardsPlans.set(f, p);
  }
  return p;
}

/** A per-item tiers formula of a compiled rule set: its tiers in ascending order and their words, worked out once. */
interface TierPlan {
  tiers: { over: DecT; points: DecT; inclusive: boolean | undefined }[];
  cumulative: boolean;
  ext: { above: DecT; step: DecT; pps: DecT } | null;
  none: I18nText;
  /** "highest tier > over" by the index of the tier. */
  highest: I18nText[];
  cumulated(count: number): I18nText;
}
type TiersFormula = Extract<BonusItem['formula'], { kind: 'perItemTiers' }>;
const tierPlans = new WeakMap<TiersFormula, TierPlan>();
function tierPlan(core: CompiledRuleSetCore, f: TiersFormula): TierPlan {
  let p = tierPlans.get(f);
  if (p) return p;
  const tiers = f.tiers.map((x) => ({ over: core.num(x.over), points: core.num(x.points), inclusive: x.inclusive })).sort((a, c) => a.over.cmp(c.over));
  const cum: I18nText[] = [];
  p = {
    tiers,
    cumulative: core.str(f.mode) === 'cumulative',
    ext: f.extension && core.bool(f.extension.enabled) ? { above: core.num(f.extension.above), step: core.num(f.extension.step), pps: core.num(f.extension.pointsPerStep) } : null,
    none: Object.freeze(t('未达任何档次', 'below every tier')),
    highest: tiers.map((x) => Object.freeze(t(`最高档 > ${fmt(x.over)}`, `highest tier > ${fmt(x.over)}`))),
    cumulated: (n) => (cum[n] ??= Object.freeze(t(`累加 ${n} 档`, `${n} tiers cumulated`))),
  };
  tierPlans.set(f, p);
  return p;
}

/** An indicator's points from the evaluators' score, with the words before "met/n". */
interface ScoredPoints {
  pts: Range;
  zh: string;
  en: string;
}
/** An indicator's indicative share for n counted requirements, met of them met and open undecided. */
interface IndicativeShare {
  /** The share's bounds times the stage's common denominator, exact (what the stage sums). */
  lo: DecT;
  hi: DecT;
  /** Shown rounded. */
  pts: Range;
  exactText: string | null | undefined;
  text: I18nText;
}
interface IndicatorPlan {
  max: DecT;
  maxNumber: number;
  /** "indicator：requirement", as a failed requirement is labelled. */
  requirementLabels: I18nText[];
  scored(score: number): ScoredPoints;
  share(n: number, met: number, open: number): IndicativeShare;
}
interface ScorePlan {
  L: number;
  base: number;
  items: IndicatorPlan[];
}
// What a score stage's indicators give for each evaluators' score and each count of met and open requirements is the
// same in every evaluation: kept per stage of a compiled rule set (its rendered stages are its own objects).
const scorePlans = new WeakMap<ScoreStage, ScorePlan>();
function scorePlan(core: CompiledRuleSetCore, stage: ScoreStage): ScorePlan {
  let sp = scorePlans.get(stage);
  if (sp) return sp;
  const { scale, rounding } = core.ruleSet.numeric;
  const words = core.words;
  const L = lcmUpTo(Math.max(1, ...stage.items.map((i) => i.requirements.length)));
  const items = stage.items.map((ind): IndicatorPlan => {
    const max = core.num(ind.max);
    const byScore = new Map<number, ScoredPoints>();
    const byCount = new Map<number, IndicativeShare>();
    const shown = (x: DecT) => words.num(x);
    return {
      max,
      maxNumber: max.toNumber(),
      requirementLabels: ind.requirements.map((r) => Object.freeze(join([ind.label, r.label], '：', ': '))),
      scored(score) {
        let e = byScore.get(score);
        if (e === undefined) {
          if (byScore.size >= 4096) byScore.clear();
          const s = fmt(dec(score));
          e = { pts: exact(Dec.min(Dec.max(dec(score), ZERO), max)), zh: `专家评分 ${s} 分（满分 ${fmt(max)}）；备注要求满足 `, en: `Evaluators' score ${s} of ${fmt(max)}; remark requirements met ` };
          byScore.set(score, e);
        }
        return e;
      },
      share(n, met, open) {
        const key = (n * 1024 + met) * 1024 + open;
        let e = byCount.get(key);
        if (e === undefined) {
          let lo: DecT;
          let hi: DecT;
          let pts: Range;
          let exactText: string | null | undefined;
          if (n === 0) {
            lo = ZERO;
            hi = max.times(L);
            pts = { lo: ZERO, hi: max };
          } else {
            lo = max.times(met).times(L / n);
            hi = max.times(met + open).times(L / n);
            pts = { lo: roundTo(lo.div(L), scale, rounding), hi: roundTo(hi.div(L), scale, rounding) };
            const ex = lo.div(L);
            exactText = ex.times(L).eq(lo) && ex.decimalPlaces() <= 12 ? ex.toString() : null;
          }
          const text = decided(pts)
            ? t(
                `参考分：${fmt(max)} × ${met}/${n} = ${shown(pts.lo)} 分（无专家评分${exactText === null ? '；合计时按精确值计算' : ''}）`,
                `Indicative: ${fmt(max)} × ${met}/${n} = ${shown(pts.lo)} (no evaluators' score${exactText === null ? '; summed exactly' : ''})`,
              )
            : t(`参考分：${shown(pts.lo)}–${pts.hi ? shown(pts.hi) : '?'} 分（部分要求无法判定）`, `Indicative: ${shown(pts.lo)}–${pts.hi ? shown(pts.hi) : '?'} (some requirements undecided)`);
          e = { lo, hi, pts, exactText, text: Object.freeze(text) };
          byCount.set(key, e);
        }
        return e;
      },
    };
  });
  sp = { L, base: core.num(stage.base).toNumber(), items };
  scorePlans.set(stage, sp);
  return sp;
}

/** Runs every stage; with `explain`, also builds traces, words, opinions, gaps and the missing-fact list. */
export function runStages(core: CompiledRuleSetCore, d: PreparedDossier, ctx: EvalContext, explain: boolean, leaves?: Uint8Array): RunOutput {
  const rs = core.ruleSet;
  const { scale, rounding } = rs.numeric;
  const words = core.words;
  const labeler = words.labeler;
  const stageLabel = (id: string): I18nText => core.stageById.get(id)?.label ?? t(id, id);

  const slots = core.leafSlots;
  // Each condition's trace is folded once per evaluation, however many items read it; its words are made when first read.
  const resolved = new Map<string, Resolved>();
  const missingOf = (f: string) => ctx.missingOf(f);
  const resolve = (key: string): Resolved => {
    let r = resolved.get(key);
    if (!r) {
      if (!explain || !leaves) r = { result: core.conditions.get(key)!.fast(ctx.values), trace: null, ex: null };
      else {
        const ex = core.explainer(key);
        const tr = ex.trace(leaves, slots.at.get(key)!, ctx.values, missingOf);
        r = { result: tr.result, trace: tr, ex };
      }
      resolved.set(key, r);
    }
    return r;
  };
  /** The result alone of a condition whose trace no item shows (where a stage, item or rule applies). */
  const results = new Map<string, Tri>();
  const resultOf = (key: string): Tri => {
    let r = results.get(key);
    if (r === undefined) {
      const known = resolved.get(key);
      if (known) r = known.result;
      else if (!explain || !leaves) r = core.conditions.get(key)!.fast(ctx.values);
      else r = core.explainer(key).result(leaves, slots.at.get(key)!, ctx.values);
      results.set(key, r);
    }
    return r;
  };
  /** The words of a condition's trace: its checklist text and shortfalls, made once per evaluation. */
  const traceText = (key: string, _tr: ConditionTrace): I18nText => {
    const r = resolved.get(key)!;
    return (r.text ??= r.ex!.text(r.trace!));
  };
  const traceShortfalls = (key: string, _tr: ConditionTrace): Shortfall[] => {
    const r = resolved.get(key)!;
    return (r.shortfalls ??= r.ex!.shortfalls(r.trace!));
  };
  const applies = (key: string, has: boolean): Tri => (has ? resultOf(appliesKey(key)) : true);

  const missing = new Map<string, Set<string>>();
  const noteMissing = (facts: string[] | undefined, by: string) => {
    if (!explain || !facts) return;
    for (const f of facts) {
      if (!missing.has(f)) missing.set(f, new Set());
      missing.get(f)!.add(by);
    }
  };
  const traceMissing = (tr: ConditionTrace | null, key: string): string[] => (tr ? resolved.get(key)!.ex!.missing(tr) : []);

  const stageStatus: Record<string, Status> = {};
  const vetoStatus = new Map<string, Status>();
  /** Facts missing for the undecided veto items of each check stage (listed only where they leave the verdict open). */
  const stageMissing = new Map<string, { itemId: string; facts: string[] }[]>();
  const stages: StageResult[] = [];
  const warnings: Evaluation['warnings'] = [];
  const failedChecks = new Map<string, FailedItem[]>();
  const failedRequirements: FailedItem[] = [];
  let disqualified: { itemId: string; cites: string[]; text: I18nText } | null = null;
  let base: Range = exact(ZERO);
  let bonus: Range = exact(ZERO);
  let indicative = false;

  for (const stage of core.stages) {
    if (stage.kind === 'checks') runChecks(stage);
    else if (stage.kind === 'score') runScore(stage);
    else if (stage.kind === 'bonus') runBonus(stage);
  }
  const total = add(base, bonus);
  const outcomeStage = core.stages.find((s): s is OutcomeStage => s.kind === 'outcome');
  const verdict = outcomeStage
    ? runOutcome(outcomeStage, total)
    : { outcome: null, status: 'undecided' as const, passMark: null, ruleId: null, primaryRequires: [] as string[], confers: true, routes: [] as RouteResult[] };
  const conferred = verdict.confers ? verdict.outcome : verdict.status === 'passed' ? null : verdict.outcome;

  const fast: FastResult = {
    status: verdict.status,
    passed: verdict.status === 'undecided' ? null : verdict.status === 'passed',
    title: conferred,
    base: decided(base) ? base.lo.toNumber() : null,
    bonus: decided(bonus) ? bonus.lo.toNumber() : null,
    total: decided(total) ? total.lo.toNumber() : null,
    passMark: verdict.passMark === null ? null : verdict.passMark.toNumber(),
    stages: stageStatus,
    indicative,
    indicatedTitle: verdict.outcome,
  };
  if (!explain) return { fast };

  // What-if runs take the fast plan (the decimal path only where it declines), once per set of changes.
  const whatIfs = new Map<string, ReturnType<WhatIf>>();
  const whatIf: WhatIf = (changes) => {
    const key = JSON.stringify(changes);
    let hit = whatIfs.get(key);
    if (!hit) whatIfs.set(key, (hit = whatIfRun(changes)));
    return hit;
  };
  const whatIfRun: WhatIf = (changes) => {
    const values = { ...d.values, ...changes };
    const d2: PreparedDossier = { ...d, values };
    let ctx2 = prepareValues(core, d2, { ctx, changed: Object.keys(changes) });
    // A stated figure computed from changed facts follows them (a published growth rate from two revenues).
    const follow: Record<string, number> = {};
    for (const [fact, by] of core.recomputed) {
      if (d.values[fact] === undefined || fact in changes) continue;
      const reads = core.derivedById.get(by)?.reads ?? [];
      const v = ctx2.values[by];
      if (reads.some((r) => r in changes) && typeof v === 'number') follow[fact] = v;
    }
    if (Object.keys(follow).length) ctx2 = prepareValues(core, { ...d2, values: { ...values, ...follow } }, { ctx, changed: [...Object.keys(changes), ...Object.keys(follow)] });
    const plan = core.plan;
    return { values: ctx2.values, fast: (plan && plan(ctx2.values)) ?? runStages(core, { ...d2, values: { ...values, ...follow } }, ctx2, false).fast };
  };
  const indicatedRank = verdict.outcome ? core.outcomes.get(verdict.outcome) : undefined;
  const advice = buildAdvice({
    core,
    status: verdict.status,
    indicative,
    confers: verdict.confers,
    outcome: verdict.outcome,
    total: { lo: total.lo, hi: total.hi },
    passMark: verdict.passMark,
    outcomeStage: outcomeStage ?? null,
    primaryRequires: verdict.primaryRequires,
    primaryRuleId: verdict.ruleId,
    routes: verdict.routes,
    failedChecks,
    failedRequirements,
    disqualified,
    missing: [...missing.keys()],
    values: ctx.values,
    whatIf,
  });

  const full: Omit<Evaluation, 'provenance'> = {
    subject: d.subject,
    outcome: {
      status: verdict.status,
      passed: fast.passed,
      title: conferred && verdict.status === 'passed' ? { id: conferred, label: core.outcomes.get(conferred)!.label, rank: core.outcomes.get(conferred)!.rank } : null,
      stages: stageStatus,
      baseScore: toScore(base),
      bonus: toScore(bonus),
      total: toScore(total),
      passMark: fast.passMark,
      indicative,
      ruleId: verdict.ruleId,
      confers: verdict.confers,
      indicatedTitle: indicatedRank && verdict.status === 'passed' ? { id: indicatedRank.id, label: indicatedRank.label, rank: indicatedRank.rank } : null,
      verdict: advice.verdict,
      disqualified,
      vetoes: Object.fromEntries(vetoStatus),
    },
    stages,
    derived: core.derived.map(({ def, reads }) => {
      const v = ctx.derived.get(def.id);
      // A decimal derived value's number is already in the fact map (prepareValues put it there); a yes/no or a text is
      // itself; null only when it cannot be computed (and then `missing` says why).
      const value = v instanceof Dec ? (ctx.values[def.id] as number) : typeof v === 'boolean' || typeof v === 'string' ? v : null;
      const inputs = reads.map((f) => ({ fact: f, value: ctx.values[f] ?? null }));
      const miss = v instanceof Undecided ? (v.facts.length ? v.facts : v.reasons.map((r) => `(${r})`)) : [];
      return def.unit
        ? { id: def.id, label: def.label, value, unit: def.unit, expr: def.expr, inputs, missing: miss, cites: def.cites }
        : { id: def.id, label: def.label, value, expr: def.expr, inputs, missing: miss, cites: def.cites };
    }),
    improvementOpinions: advice.opinions,
    gapToPass: advice.gap,
    missingFacts: [...missing.entries()].map(([fact, by]) => ({
      fact,
      label: words.missingLabel(fact),
      neededBy: [...by],
    })),
    warnings: [
      ...warnings,
      ...(d.warnings ?? []).map((w) => ({
        itemId: w.code,
        cites: w.cites ?? [],
        text: w.text ?? t(w.message, w.message),
        code: w.code,
        path: w.path,
      })),
    ],
  };
  return { fast, full };

  function runChecks(stage: ChecksStage) {
    const ap = applies(stage.id, !!stage.appliesWhen);
    const shownFor = ap === false ? core.shownFor.get(stage.id) : undefined;
    // Missing facts count where the stage applies, or where an enabled fallback rule needs it for the verdict.
    const notes = ap !== false || shownFor === 'fallback';
    const items: CheckResult[] = [];
    let veto: Status = 'passed';
    const failed: FailedItem[] = [];
    const open: { itemId: string; facts: string[] }[] = [];
    for (const it of stage.items) {
      const itAp = applies(it.id, !!it.appliesWhen);
      const severity = core.str(it.severity as string | { param: string }) as 'veto' | 'advisory';
      const { result, trace } = itAp === false ? { result: null, trace: null } : resolve(it.id);
      const status: Status = itAp === false ? 'not-applicable' : itAp === null ? 'undecided' : triStatus(result);
      const shown: Status = ap === false && !shownFor ? 'not-applicable' : status;
      if (severity === 'veto') {
        if (status === 'failed') veto = 'failed';
        else if (status === 'undecided' && veto !== 'failed') veto = 'undecided';
      }
      if (explain) {
        const shortfalls = trace ? traceShortfalls(it.id, trace) : [];
        const miss = shown === 'not-applicable' ? [] : traceMissing(trace, it.id);
        // A missing fact is listed only where it leaves something undecided.
        if (shown === 'undecided') {
          if (notes) noteMissing(miss, it.id);
          if (severity === 'veto') open.push({ itemId: it.id, facts: miss });
        }
        if (status === 'failed') {
          if (severity === 'veto') {
            failed.push({ itemId: it.id, cites: it.cites, label: it.label, shortfalls, trace, conditionKey: conditionKey(it.id) });
            if (it.disqualifies && ap !== false && !disqualified) disqualified = { itemId: it.id, cites: it.cites, text: it.label };
          } else if (ap !== false)
            warnings.push({ itemId: it.id, cites: it.cites, text: join([t('提示（不否决）', 'Advisory (not a veto)'), it.label, ...(trace ? [traceText(it.id, trace)] : [])], '：', ': ') });
        }
        items.push({
          id: it.id,
          label: it.label,
          cites: it.cites,
          status: shown,
          severity,
          trace: shown === 'not-applicable' ? null : trace,
          shortfalls,
          missing: miss,
          text: trace && shown !== 'not-applicable' ? traceText(it.id, trace) : t('不适用', 'not applicable'),
        });
      }
    }
    vetoStatus.set(stage.id, veto);
    const status: Status = ap === false ? 'not-applicable' : ap === null ? 'undecided' : veto;
    stageStatus[stage.id] = status;
    failedChecks.set(stage.id, failed);
    stageMissing.set(stage.id, open);
    if (explain) stages.push({ kind: 'checks', id: stage.id, label: stage.label, cites: stage.cites, status, items, ...(shownFor ? { shownFor } : {}) });
  }

  function conditionKey(id: string): string {
    const c = core.conditions.get(id);
    return c ? c.jreKey : id;
  }

  function runScore(stage: ScoreStage) {
    // Indicative shares max × met / n are kept as exact fractions over a common denominator and rounded once, at the end.
    const sp = scorePlan(core, stage);
    const L = sp.L;
    let given: Range = exact(ZERO);
    let shareLo = ZERO;
    let shareHi: DecT | null = ZERO;
    let anyIndicative = false;
    const items: IndicatorResult[] = [];
    for (let ii = 0; ii < stage.items.length; ii++) {
      const ind = stage.items[ii];
      const ip = sp.items[ii];
      const max = ip.max;
      const nReq = ind.requirements.length;
      const reqAp: Tri[] = new Array(nReq);
      const reqRes: Resolved[] = new Array(nReq);
      let n = 0;
      let met = 0;
      let open = 0;
      for (let ri = 0; ri < nReq; ri++) {
        const r = ind.requirements[ri];
        const ap = applies(r.id, !!r.appliesWhen);
        const res = ap === false ? NOT_RESOLVED : resolve(r.id);
        reqAp[ri] = ap;
        reqRes[ri] = res;
        if (ap !== false) {
          n++;
          if (ap === true && res.result === true) met++;
          if (ap === null || res.result === null) open++;
        }
      }
      const score = ind.scoreFact ? d.values[ind.scoreFact] : undefined;
      let pts: Range;
      let exactText: string | null | undefined;
      let basis: 'evaluators' | 'indicative';
      let shown: IndicativeShare | null = null;
      let scored: ScoredPoints | null = null;
      if (typeof score === 'number') {
        basis = 'evaluators';
        scored = ip.scored(score);
        pts = scored.pts;
        given = add(given, pts);
      } else {
        basis = 'indicative';
        anyIndicative = true;
        shown = ip.share(n, met, open);
        pts = shown.pts;
        exactText = shown.exactText;
        if (n === 0) shareHi = shareHi === null ? null : shareHi.plus(shown.hi);
        else {
          shareLo = shareLo.plus(shown.lo);
          shareHi = shareHi === null ? null : shareHi.plus(shown.hi);
        }
      }
      if (explain) {
        const reqResults: RequirementResult[] = new Array(nReq);
        for (let ri = 0; ri < nReq; ri++) {
          const r = ind.requirements[ri];
          const ap = reqAp[ri];
          const { result, trace } = reqRes[ri];
          const status: Status = ap === false ? 'not-applicable' : ap === null ? 'undecided' : triStatus(result);
          const shortfalls = trace ? traceShortfalls(r.id, trace) : [];
          const miss = traceMissing(trace, r.id);
          if (basis === 'indicative' && status === 'undecided') noteMissing(miss, r.id);
          if (status === 'failed') failedRequirements.push({ itemId: r.id, cites: r.cites, label: ip.requirementLabels[ri], shortfalls, trace, conditionKey: conditionKey(r.id) });
          reqResults[ri] = { id: r.id, label: r.label, cites: r.cites, status, trace, shortfalls, missing: miss, text: trace ? traceText(r.id, trace) : NOT_APPLICABLE };
        }
        if (basis === 'indicative' && ind.scoreFact) noteMissing([ind.scoreFact], ind.id);
        const text = scored ? t(`${scored.zh}${met}/${n}`, `${scored.en}${met}/${n}`) : shown!.text;
        items.push({ id: ind.id, label: ind.label, cites: ind.cites, max: ip.maxNumber, points: toScore(pts, exactText), basis, requirements: reqResults, text });
      }
    }
    const shares: Range = anyIndicative ? { lo: roundTo(shareLo.div(L), scale, rounding), hi: shareHi === null ? null : roundTo(shareHi.div(L), scale, rounding) } : exact(ZERO);
    const sum = add(given, shares);
    indicative = indicative || anyIndicative;
    base = add(base, sum);
    const status: Status = decided(sum) ? 'passed' : 'undecided';
    stageStatus[stage.id] = status;
    if (explain) stages.push({ kind: 'score', id: stage.id, label: stage.label, cites: stage.cites, status, base: sp.base, points: toScore(sum), indicative: anyIndicative, items });
  }

  function runBonus(stage: BonusStage) {
    let sum: Range = exact(ZERO);
    const items: BonusResult[] = [];
    for (const b of stage.items) {
      const ap = applies(b.id, !!b.appliesWhen);
      const cap = core.numOrNull(b.cap ?? null);
      let r: { range: Range; text: I18nText | null; missing: string[] };
      if (ap === false) r = { range: exact(ZERO), text: t('不适用', 'not applicable'), missing: [] };
      else r = formula(b);
      let capped = capRange(r.range, cap);
      if (ap === null) capped.lo = ZERO;
      const pre = ap !== false && b.precondition && core.bool(b.precondition.enabled) ? precondition(b.precondition) : null;
      if (pre && pre.status !== 'passed' && !(decided(capped) && capped.lo.isZero())) {
        const p = b.precondition!;
        if (pre.status === 'failed') {
          capped = exact(ZERO);
          r = {
            range: capped,
            text: explain ? join([r.text ?? t('', ''), t(`须满足${p.label.zh}，未满足：${pre.failed.map((x) => x.zh).join('、')} → 0 分`, `requires ${p.label.en}; not met: ${pre.failed.map((x) => x.en).join(', ')} → 0`)], '；', '; ') : null,
            missing: [],
          };
        } else {
          capped = { lo: ZERO, hi: capped.hi };
          r = {
            range: capped,
            text: explain ? join([r.text ?? t('', ''), t(`须满足${p.label.zh}，尚无法判定（缺少 ${missingText(pre.missing, words).zh}）`, `requires ${p.label.en}, which cannot be decided (missing ${missingText(pre.missing, words).en})`)], '；', '; ') : null,
            missing: pre.missing,
          };
        }
      }
      sum = add(sum, capped);
      if (explain) {
        if (!decided(capped)) noteMissing(r.missing, b.id);
        let text = r.text ?? t('', '');
        if (cap !== null && decided(r.range) && r.range.lo.gt(cap)) text = join([text, t(`封顶 ${fmt(cap)} 分`, `capped at ${fmt(cap)}`)], '，', ', ');
        items.push({
          id: b.id,
          label: b.label,
          cites: pre && pre.status === 'failed' ? [...new Set([...b.cites, ...b.precondition!.cites])] : b.cites,
          status: ap === false ? 'not-applicable' : decided(capped) ? 'passed' : 'undecided',
          points: toScore(capped),
          cap: cap === null ? null : cap.toNumber(),
          missing: r.missing,
          text,
        });
      }
    }
    const cap = core.numOrNull(stage.cap ?? null);
    const total = capRange(sum, cap);
    bonus = add(bonus, total);
    const status: Status = decided(total) ? 'passed' : 'undecided';
    stageStatus[stage.id] = status;
    if (explain) {
      const over = cap !== null && decided(sum) && sum.lo.gt(cap);
      stages.push({
        kind: 'bonus',
        id: stage.id,
        label: stage.label,
        cites: stage.cites,
        status,
        points: toScore(total),
        cap: cap === null ? null : cap.toNumber(),
        items,
        text: over ? t(`加分合计 ${fmt(sum.lo)}，封顶 ${fmt(cap)} 分`, `Bonus sum ${fmt(sum.lo)}, capped at ${fmt(cap)}`) : t(`加分合计 ${rangeText(total)}`, `Bonus total ${rangeText(total)}`),
      });
    }
  }

  /** Whether the veto items of the stages a bonus precondition names are met, with what fails or is missing. */
  function precondition(p: NonNullable<BonusItem['precondition']>): { status: Status; failed: I18nText[]; missing: string[] } {
    const st = p.stages.map((id) => vetoStatus.get(id) ?? 'undecided');
    const failed = p.stages.flatMap((id) => (failedChecks.get(id) ?? []).map((f) => f.label));
    const missingFacts = [...new Set(p.stages.flatMap((id) => (stageMissing.get(id) ?? []).flatMap((x) => x.facts)))];
    const status: Status = st.includes('failed') ? 'failed' : st.every((x) => x === 'passed') ? 'passed' : 'undecided';
    return { status, failed, missing: missingFacts };
  }

  function formula(b: BonusItem): { range: Range; text: I18nText | null; missing: string[] } {
    const f = b.formula;
    switch (f.kind) {
      case 'steps': {
        const raw = ctx.values[f.input];
        const cap = core.numOrNull(b.cap ?? null);
        if (typeof raw !== 'number') return { range: { lo: ZERO, hi: cap }, text: explain ? t(`缺少 ${labeler(f.input).label.zh}`, `${labeler(f.input).label.en} missing`) : null, missing: ctx.missingOf(f.input) };
        const x = dec(raw);
        const baseV = core.num(f.base);
        const step = core.num(f.step);
        const pps = core.num(f.pointsPerStep);
        const mode = core.str(f.rounding);
        const excess = x.minus(baseV);
        if (excess.lte(0)) {
          return { range: exact(ZERO), text: explain ? t(`${fmt(x)} 未超过基准 ${fmt(baseV)} → 0 分`, `${fmt(x)} is not above the base ${fmt(baseV)} → 0`) : null, missing: [] };
        }
        const steps = mode === 'floor' ? excess.div(step).floor() : excess.div(step);
        const pts = roundTo(steps.times(pps), scale, rounding);
        const text = explain
          ? mode === 'floor'
            ? t(`${fmt(x)} − ${fmt(baseV)} = ${fmt(excess)} → ${fmt(steps)} 个整步（每步 ${fmt(step)}）→ ${fmt(pts)} 分`, `${fmt(x)} − ${fmt(baseV)} = ${fmt(excess)} → ${fmt(steps)} whole steps of ${fmt(step)} → ${fmt(pts)}`)
            : t(`${fmt(x)} − ${fmt(baseV)} = ${fmt(excess)} → ${fmt(excess)} ÷ ${fmt(step)} × ${fmt(pps)} = ${fmt(pts)} 分（按比例）`, `${fmt(x)} − ${fmt(baseV)} = ${fmt(excess)} → ${fmt(excess)} ÷ ${fmt(step)} × ${fmt(pps)} = ${fmt(pts)} (pro rata)`)
          : null;
        return { range: exact(pts), text, missing: [] };
      }
      case 'threshold': {
        const pts = core.num(f.points);
        const { result, trace } = resolve(b.id);
        const text = explain && trace ? join([traceText(b.id, trace), t(`→ ${result === null ? '?' : result ? fmt(pts) : '0'} 分`, `→ ${result === null ? '?' : result ? fmt(pts) : '0'}`)], ' ', ' ') : null;
        return { range: result === null ? { lo: ZERO, hi: pts } : exact(result ? pts : ZERO), text, missing: traceMissing(trace, b.id) };
      }
      case 'perItemTiers': {
        const list = d.values[f.list];
        if (!Array.isArray(list)) return { range: { lo: ZERO, hi: null }, text: explain ? t(`缺少 ${labeler(f.list).label.zh}`, `${labeler(f.list).label.en} missing`) : null, missing: [f.list] };
        const tp = tierPlan(core, f);
        const { tiers, ext, cumulative } = tp;
        let sumPts = ZERO;
        const lines: I18nText[] = [];
        for (const item of list as Record<string, unknown>[]) {
          const raw = item[f.field] as number;
          const v = dec(raw);
          // The tiers the value passes: how many, the last of them (in ascending order) and, cumulated, their points.
          let count = 0;
          let last = -1;
          let cum = ZERO;
          for (let ti = 0; ti < tiers.length; ti++) {
            const x = tiers[ti];
            if (x.inclusive ? v.gte(x.over) : v.gt(x.over)) {
              count++;
              last = ti;
              if (cumulative) cum = cum.plus(x.points);
            }
          }
          let pts = count === 0 ? ZERO : cumulative ? cum : tiers[last].points;
          let how = count === 0 ? tp.none : cumulative ? tp.cumulated(count) : tp.highest[last];
          if (ext && v.gt(ext.above)) {
            const e = v.div(ext.step).floor().times(ext.pps);
            const top = count ? tiers[last].points : ZERO;
            if (e.gt(top)) {
              pts = pts.minus(top).plus(e);
              how = t(`以此类推：每满 ${fmt(ext.step)} 得 ${fmt(ext.pps)} 分 → ${fmt(e)}`, `extended: ${fmt(ext.pps)} per full ${fmt(ext.step)} → ${fmt(e)}`);
            }
          }
          sumPts = sumPts.plus(pts);
          if (explain) {
            const name = f.nameField ? String(item[f.nameField]) : '';
            const vt = typeof raw === 'number' ? fmt(raw) : fmt(v);
            const pt = fmt(pts);
            lines.push(t(`${name} ${vt}：${how.zh} → ${pt} 分`, `${name} ${vt}: ${how.en} → ${pt}`));
          }
        }
        const text = explain ? (lines.length ? join([...lines, t(`合计 ${fmt(sumPts)} 分`, `total ${fmt(sumPts)}`)]) : t('无符合条件的企业 → 0 分', 'no qualifying firms → 0')) : null;
        return { range: exact(sumPts), text, missing: [] };
      }
      case 'awards': {
        const ap = awardsPlan(core, f);
        let lo = ZERO;
        let hiExtra = ZERO;
        const miss: string[] = [];
        const parts: I18nText[] = [];
        for (const a of ap) {
          const v = d.values[a.id];
          if (typeof v === 'number') {
            lo = lo.plus(dec(v));
            if (explain) {
              const n = fmt(v);
              parts.push(t(`${a.name.zh} ${n}`, `${a.name.en} ${n}`));
            }
          } else {
            miss.push(a.id);
            hiExtra = hiExtra.plus(a.max);
          }
        }
        const range: Range = { lo, hi: lo.plus(hiExtra) };
        const text = explain ? (miss.length ? t(`已评：${parts.map((p) => p.zh).join('、') || '无'}；缺少 ${miss.length} 项评定`, `awarded: ${parts.map((p) => p.en).join(', ') || 'none'}; ${miss.length} award(s) missing`) : join([...parts, t(`合计 ${fmt(lo)} 分`, `total ${fmt(lo)}`)], '，', ', ')) : null;
        return { range, text, missing: miss };
      }
      case 'expression': {
        const v = core.expressions.get(b.id)!(ctx.env);
        if (v instanceof Dec) {
          const pts = roundTo(v, scale, rounding);
          return { range: exact(pts), text: explain ? t(`${f.expr} = ${fmt(pts)}`, `${f.expr} = ${fmt(pts)}`) : null, missing: [] };
        }
        return { range: { lo: ZERO, hi: null }, text: explain ? t(`无法计算 ${f.expr}`, `cannot compute ${f.expr}`) : null, missing: v instanceof Undecided ? v.facts : [] };
      }
    }
  }

  function runOutcome(stage: OutcomeStage, tot: Range) {
    type R = { rule: (typeof stage.rules)[number]; status: Status; min: DecT };
    const results: R[] = stage.rules.map((rule) => {
      const min = core.num(rule.minTotal);
      const enabled = core.bool(rule.enabled as boolean | { param: string });
      const when = rule.when ? resultOf(whenKey(rule.id)) : true;
      if (!enabled || when === false) return { rule, status: 'not-applicable' as Status, min };
      // A rule for totals below a mark (a 90–99 fallback) does not apply at or above it.
      const below = rule.belowTotal === undefined ? null : core.num(rule.belowTotal);
      const inBand: Tri = below === null ? true : tot.lo.gte(below) ? false : tot.hi !== null && tot.hi.lt(below) ? true : null;
      if (inBand === false) return { rule, status: 'not-applicable' as Status, min };
      const req = rule.requires.map((s) => vetoStatus.get(s) ?? 'undecided');
      let status: Status;
      if (req.includes('failed') || (tot.hi !== null && tot.hi.lt(min))) status = 'failed';
      else if (when === true && inBand === true && req.every((x) => x === 'passed') && tot.lo.gte(min)) status = 'passed';
      else status = 'undecided';
      return { rule, status, min };
    });
    const rank = (o: string) => core.outcomes.get(o)?.rank ?? 0;
    const primary = results.filter((r) => !r.rule.fallback && r.status !== 'not-applicable');
    const fallback = results.filter((r) => r.rule.fallback && r.status !== 'not-applicable');
    const best = (rs2: R[]) => rs2.filter((r) => r.status === 'passed').sort((a, c) => rank(c.rule.outcome) - rank(a.rule.outcome))[0];
    let chosen = best(primary);
    let status: 'passed' | 'failed' | 'undecided';
    if (chosen) status = 'passed';
    else if (primary.some((r) => r.status === 'undecided')) status = 'undecided';
    else {
      chosen = best(fallback);
      status = chosen ? 'passed' : fallback.some((r) => r.status === 'undecided') ? 'undecided' : 'failed';
    }
    const first = primary[0] ?? fallback[0];
    const passMark = chosen ? chosen.min : first ? first.min : null;
    // Without evaluators' scores the total is a self-assessment: it confers no title unless the rule set says so.
    const confers = !indicative || stage.indicativeConfers === undefined || core.bool(stage.indicativeConfers);
    stageStatus[stage.id] = status;
    if (explain) {
      stages.push({
        kind: 'outcome',
        id: stage.id,
        label: stage.label,
        cites: stage.cites,
        status,
        rules: results.map((r) => ({
          id: r.rule.id,
          label: r.rule.label,
          cites: r.rule.cites,
          outcome: r.rule.outcome,
          status: r.status,
          minTotal: r.min.toNumber(),
          text:
            r.status === 'not-applicable'
              ? r.rule.belowTotal !== undefined && core.bool(r.rule.enabled as boolean | { param: string }) && (!r.rule.when || resultOf(whenKey(r.rule.id)) !== false)
                ? t(`不适用：总分 ${rangeText(tot)} 不低于 ${fmt(core.num(r.rule.belowTotal))} 分，本规则只适用于低于该分数的总分`, `not applicable: the total ${rangeText(tot)} is not below ${fmt(core.num(r.rule.belowTotal))}, and this rule is for totals below it`)
                : t('不适用', 'not applicable')
              : t(
                  `总分 ${rangeText(tot)}，达标分数 ${fmt(r.min)}；前置条件：${r.rule.requires.map((s) => `${stageLabel(s).zh}${STATUS_WORD[vetoStatus.get(s) ?? 'undecided'].zh}`).join('，')} → ${STATUS_WORD[r.status].zh}`,
                  `total ${rangeText(tot)} against ${fmt(r.min)}; required: ${r.rule.requires.map((s) => `${stageLabel(s).en} ${STATUS_WORD[vetoStatus.get(s) ?? 'undecided'].en}`).join(', ')} → ${STATUS_WORD[r.status].en}`,
                ),
        })),
      });
    }
    const none = [...core.outcomes.values()].find((o) => o.rank === 0)?.id ?? null;
    const routes: RouteResult[] = [...primary, ...fallback].map((r) => ({ ruleId: r.rule.id, label: core.stages.find((s): s is OutcomeStage => s.kind === 'outcome')!.rules.find((x) => x.id === r.rule.id)!.label, outcome: r.rule.outcome, requires: r.rule.requires, min: r.min, status: r.status, fallback: r.rule.fallback, below: r.rule.belowTotal === undefined ? null : core.num(r.rule.belowTotal) }));
    return {
      outcome: chosen ? chosen.rule.outcome : status === 'failed' ? none : null,
      status,
      passMark,
      ruleId: chosen ? chosen.rule.id : (first?.rule.id ?? null),
      primaryRequires: first ? first.rule.requires : [],
      confers,
      routes,
    };
  }
}
