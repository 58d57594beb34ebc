// The verdict in words, the improvement opinions (改进意见, M5.2) and the gap to pass: one opinion per unmet requirement, and per way to pass only what actually closes it; pure.
import type { I18nText } from '../schema/common.js';
import type { ConditionTrace, Evaluation, FastResult, Opinion, Shortfall, Status } from '../schema/evaluation.js';
import type { OutcomeStage } from './types.js';
import type { CompiledRuleSetCore } from './compile.js';
import type { Values } from './conditions.js';
import { dec, fmt, type Dec as DecT } from './decimal.js';
import { alternatives, join, missingText, t } from './text.js';

/** A failed veto check or 备注 requirement, with what the engine knows of it. */
export interface FailedItem {
  itemId: string;
  cites: string[];
  label: I18nText;
  shortfalls: Shortfall[];
  trace: ConditionTrace | null;
  /** The condition as json-rules-engine runs it: equal keys mean the same requirement stated twice (a gate and the 备注 that repeats it). */
  conditionKey: string;
}

/** One outcome rule that applies to the subject: a way to pass. */
export interface RouteResult {
  ruleId: string;
  label: I18nText;
  outcome: string;
  requires: string[];
  min: DecT;
  status: Status;
  fallback: boolean;
  below: DecT | null;
}

export interface AdviceInput {
  core: CompiledRuleSetCore;
  status: 'passed' | 'failed' | 'undecided';
  indicative: boolean;
  confers: boolean;
  /** The outcome the result points to (the title when passed, the rank-0 outcome when failed, null when undecided). */
  outcome: string | null;
  total: { lo: DecT; hi: DecT | null };
  passMark: DecT | null;
  outcomeStage: OutcomeStage | null;
  primaryRequires: string[];
  primaryRuleId: string | null;
  routes: RouteResult[];
  failedChecks: Map<string, FailedItem[]>;
  failedRequirements: FailedItem[];
  disqualified: { itemId: string; cites: string[]; text: I18nText } | null;
  missing: string[];
  values: Values;
  whatIf: (changes: Record<string, number>) => { values: Values; fast: FastResult };
}

interface Merged {
  itemIds: string[];
  cites: string[];
  label: I18nText;
  trace: ConditionTrace | null;
  shortfalls: Shortfall[];
  kind: 'gate' | 'requirement';
  conditionKey: string;
}

/** Items naming the same condition become one, citing every clause that states it. */
function merge(items: { item: FailedItem; kind: 'gate' | 'requirement' }[]): Merged[] {
  const out: Merged[] = [];
  const byKey = new Map<string, Merged>();
  for (const { item, kind } of items) {
    const m = byKey.get(item.conditionKey);
    if (m) {
      if (!m.itemIds.includes(item.itemId)) m.itemIds.push(item.itemId);
      for (const c of item.cites) if (!m.cites.includes(c)) m.cites.push(c);
      continue;
    }
    const n: Merged = { itemIds: [item.itemId], cites: [...item.cites], label: item.label, trace: item.trace, shortfalls: item.shortfalls, kind, conditionKey: item.conditionKey };
    byKey.set(item.conditionKey, n);
    out.push(n);
  }
  return out;
}

/** Each stage's place in the rule set, by id: once per compiled rule set. */
const stageOrders = new WeakMap<CompiledRuleSetCore, Map<string, number>>();
function stageOrderOf(core: CompiledRuleSetCore): Map<string, number> {
  let m = stageOrders.get(core);
  if (!m) stageOrders.set(core, (m = new Map(core.stages.map((s, i) => [s.id, i]))));
  return m;
}

/** Builds the verdict words, the opinions and the gap for one evaluation. */
export function buildAdvice(x: AdviceInput): { verdict: I18nText; opinions: Opinion[]; gap: Evaluation['gapToPass'] } {
  const { core } = x;
  const w = core.words;
  // What an unmet condition needs, in words: once per trace (an opinion and every route that lists it read it), by the
  // compiled explanation of the condition whose trace it is.
  const needTexts = new Map<ConditionTrace, I18nText>();
  const needWords = (m: Merged, tr: ConditionTrace): I18nText => {
    let n = needTexts.get(tr);
    if (n === undefined) needTexts.set(tr, (n = core.explainer(m.itemIds[0]).need(tr)));
    return n;
  };
  const outcomeLabel = (id: string | null) => (id ? (core.outcomes.get(id)?.label ?? t(id, id)) : null);
  const stageOrder = stageOrderOf(core);
  const checksOf = (stageIds: string[]): FailedItem[] => {
    if (stageIds.length === 1) return x.failedChecks.get(stageIds[0]) ?? [];
    return [...stageIds].sort((a, b) => (stageOrder.get(a) ?? 0) - (stageOrder.get(b) ?? 0)).flatMap((sid) => x.failedChecks.get(sid) ?? []);
  };

  // The verdict line.
  let verdict: I18nText;
  const title = outcomeLabel(x.outcome);
  const disq = x.disqualified ? disqualificationWords(x) : null;
  if (disq) verdict = t(`取消创建资格：${disq.zh}`, `Disqualified: ${disq.en}`);
  else if (x.status === 'passed' && title) {
    if (!x.confers)
      verdict = t(
        `自评达标（参考分，无专家评分）：指向“${title.zh}”，但不授予称号，须经专家组实地评估`,
        `Self-assessment reaches the pass mark (indicative points, no evaluators' scores): it points to “${title.en}” but confers no title before the expert panel's on-site evaluation`,
      );
    else if (x.indicative) verdict = t(`通过：${title.zh}（部分指标为参考分）`, `Passed: ${title.en} (some indicators on indicative points)`);
    else verdict = t(`通过：${title.zh}`, `Passed: ${title.en}`);
  } else if (x.status === 'failed') {
    verdict = x.indicative && !x.confers ? t('自评未达标（参考分，无专家评分）：不授予称号', 'Self-assessment does not reach the pass mark (indicative points, no evaluators\' scores): no title') : t('未通过：不授予称号', 'Not passed: no title');
  } else {
    // The verdict line names at most five; the missing-facts list has them all.
    const shown = x.missing.slice(0, 5);
    const m = missingText(shown, w);
    const more = x.missing.length > shown.length;
    verdict = x.missing.length
      ? t(`待定：缺少 ${x.missing.length} 项事实（${m.zh}${more ? ' 等' : ''}）`, `Undecided: ${x.missing.length} fact${x.missing.length === 1 ? '' : 's'} missing (${m.en}${more ? ', …' : ''})`)
      : t('待定', 'Undecided');
  }

  if (x.status === 'passed') return { verdict, opinions: [], gap: null };

  // A disqualification is not a shortfall to close.
  if (disq) {
    const d = x.disqualified!;
    const text = t(`${disq.zh}：取消创建资格，已授予的称号予以撤销；这不是可以弥补的差距`, `${disq.en}: eligibility is cancelled and a title held is revoked; this is not a gap that can be closed`);
    return {
      verdict,
      opinions: [{ itemId: d.itemId, itemIds: [d.itemId], cites: d.cites, text, shortfalls: [], kind: 'disqualification' }],
      gap: { checks: [], pointsNeeded: null, text, routes: [], disqualified: true },
    };
  }

  // Improvement opinions: each unmet requirement once.
  const merged = merge([
    ...checksOf(x.primaryRequires).map((item) => ({ item, kind: 'gate' as const })),
    ...x.failedRequirements.map((item) => ({ item, kind: 'requirement' as const })),
  ]);
  const opinions: Opinion[] = merged.map((m) => ({
    itemId: m.itemIds[0],
    itemIds: m.itemIds,
    cites: m.cites,
    text: m.trace ? join([m.label, needWords(m, m.trace)], '：', ': ') : join([m.label, t('未满足', 'not met')], '：', ': '),
    shortfalls: m.shortfalls,
    kind: m.kind,
  }));
  const totalDecided = x.total.hi !== null && x.total.lo.eq(x.total.hi);
  if (x.passMark && totalDecided && x.total.lo.lt(x.passMark) && x.outcomeStage) {
    const short = x.passMark.minus(x.total.lo);
    opinions.push({
      itemId: x.primaryRuleId ?? x.outcomeStage.id,
      itemIds: [x.primaryRuleId ?? x.outcomeStage.id],
      cites: x.outcomeStage.cites,
      text: t(`总分 ${fmt(x.total.lo)} 分，低于达标分数 ${fmt(x.passMark)} 分，差 ${fmt(short)} 分`, `Total ${fmt(x.total.lo)}, below the pass mark of ${fmt(x.passMark)}: ${fmt(short)} points short`),
      shortfalls: [],
      kind: 'total',
    });
  }

  // The gap: per way to pass, what closes it.
  const routes = x.routes.filter((r) => r.status !== 'passed').map((r) => route(r));
  const primary = routes[0];
  const text =
    routes.length === 0
      ? t('尚有事实缺失，无法判定差距', 'Facts are missing; the gap cannot be decided')
      : routes.length === 1
        ? routes[0].text
        : alternatives(routes.map((r, i) => t(`途径${'一二三四五六七八九'[i] ?? i + 1}（${r.label.zh}）：${r.text.zh}`, `route ${i + 1} (${r.label.en}): ${r.text.en}`)));
  const primaryChecks = checksOf(x.primaryRequires).map((c) => ({ itemId: c.itemId, cites: c.cites, label: c.label, shortfalls: c.shortfalls }));
  return {
    verdict,
    opinions,
    gap: {
      checks: primaryChecks,
      pointsNeeded: primary ? primary.pointsNeeded : totalDecided ? 0 : null,
      text,
      routes,
    },
  };

  function route(r: RouteResult) {
    const failed = merge(checksOf(r.requires).map((item) => ({ item, kind: 'gate' as const })));
    // Facts a failed comparison names directly (not derived values, not one branch of an alternative) can be set to what it requires.
    const own = new Map<Merged, Record<string, number>>();
    const changes: Record<string, number> = {};
    for (const m of failed) {
      const c: Record<string, number> = {};
      if (m.trace) directChanges(m.trace, c);
      own.set(m, c);
      for (const [f, v] of Object.entries(c)) {
        const op = pickDirection(m.trace, f);
        changes[f] = f in changes ? (op === 'up' ? Math.max(changes[f], v) : Math.min(changes[f], v)) : v;
      }
    }
    const changed = Object.keys(changes).length > 0;
    const after = changed ? x.whatIf(changes) : null;
    const needs: { itemIds: string[]; cites: string[]; text: I18nText }[] = [];
    const cleared: I18nText[] = [];
    for (const m of failed) {
      const hasOwn = Object.keys(own.get(m)!).length > 0;
      const cond = m.itemIds.map((id) => core.conditions.get(id)).find(Boolean);
      const passesAfter = after && cond ? cond.fast(after.values) === true : false;
      if (!hasOwn && passesAfter) {
        cleared.push(m.label);
        continue;
      }
      needs.push({ itemIds: m.itemIds, cites: m.cites, text: m.trace ? join([m.label, needWords(m, m.trace)], '：', ': ') : join([m.label, t('未满足', 'not met')], '：', ': ') });
    }
    if (cleared.length && needs.length) {
      const first = needs.find((n) => n.itemIds.some((id) => failed.find((m) => m.itemIds.includes(id) && Object.keys(own.get(m)!).length)));
      const c = join(cleared, '、', ', ');
      if (first) first.text = t(`${first.text.zh}（达到这一要求也会使“${c.zh}”随之满足）`, `${first.text.en} (meeting this also meets “${c.en}”)`);
    }
    // Points: after the listed changes (more revenue can also earn bonus points).
    const tot = after ? after.fast.total : x.total.hi !== null && x.total.lo.eq(x.total.hi) ? x.total.lo.toNumber() : null;
    let pointsNeeded: number | null = null;
    if (tot !== null) {
      const short = r.min.minus(dec(tot));
      pointsNeeded = short.gt(0) ? short.toNumber() : 0;
      if (short.gt(0)) needs.push({ itemIds: [r.ruleId], cites: x.outcomeStage?.cites ?? [], text: t(`总分还差 ${fmt(short)} 分（达标分数 ${fmt(r.min)} 分）`, `${fmt(short)} more points on the total (pass mark ${fmt(r.min)})`) });
    }
    if (r.status === 'undecided' && x.missing.length) {
      const m = missingText(x.missing, w);
      needs.push({ itemIds: [], cites: [], text: t(`补充缺失事实：${m.zh}`, `supply the missing facts: ${m.en}`) });
    }
    if (r.below && r.fallback) {
      // A fallback band: say what it is for.
      needs.unshift({ itemIds: [], cites: [], text: t(`适用于总分低于 ${fmt(r.below)} 分的情形`, `for totals below ${fmt(r.below)}`) });
    }
    const text = needs.length ? join(needs.map((n) => n.text)) : t('无可列出的差距', 'nothing to list');
    return { ruleId: r.ruleId, label: r.label, outcome: r.outcome, needs, pointsNeeded, text };
  }

  function directChanges(tr: ConditionTrace, out: Record<string, number>) {
    if (tr.result !== false) return;
    if (tr.op === 'all') for (const c of tr.children ?? []) directChanges(c, out);
    if (tr.op !== 'leaf') return;
    const f = core.facts.get(tr.fact!);
    const rhs = tr.compareTo;
    if (!f || (f.type !== 'number' && f.type !== 'integer') || !rhs || rhs.source === 'fact' || typeof rhs.value !== 'number') return;
    const step = f.type === 'integer' ? 1 : 10 ** -core.ruleSet.numeric.scale;
    const req = rhs.value;
    const target =
      tr.operator === 'greaterThanInclusive' ? req : tr.operator === 'greaterThan' ? dec(req).plus(step).toNumber() : tr.operator === 'lessThanInclusive' ? req : tr.operator === 'lessThan' ? dec(req).minus(step).toNumber() : null;
    if (target !== null) out[tr.fact!] = target;
  }

  function pickDirection(tr: ConditionTrace | null, fact: string): 'up' | 'down' {
    const find = (n: ConditionTrace | null): string | undefined => (!n ? undefined : n.op === 'leaf' ? (n.fact === fact ? n.operator : undefined) : (n.children ?? []).map(find).find(Boolean));
    return find(tr)?.startsWith('less') ? 'down' : 'up';
  }
}

/** What was found, in words: the fact a disqualifying check reads (e.g. 查实隐瞒事实、弄虚作假). */
function disqualificationWords(x: AdviceInput): I18nText {
  const d = x.disqualified!;
  const c = x.core.conditions.get(d.itemId);
  const fact = c?.facts[0];
  return fact ? x.core.words.labeler(fact).label : d.text;
}
