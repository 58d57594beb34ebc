// Cohort evaluation for one period: each subject's own outcome, then the cap (ranked by what is known), regrading by both standards and promotion/demotion, each change explained with its clause or interpretation; pure.
import type { I18nText, Issue } from './schema/common.js';
import type { CohortChange, CohortMember, CohortReason, CohortResult, Evaluation, Status } from './schema/evaluation.js';
import type { CompiledRuleSet } from './ruleSets.js';
import { dec, fmt } from './core/decimal.js';
import { join, missingText, t } from './core/text.js';

/** An interval of a ranking key; lo may be −∞ and hi +∞ when facts are missing. */
interface Iv {
  lo: number;
  hi: number;
}
const point = (x: number): Iv => ({ lo: x, hi: x });
const isPoint = (i: Iv) => i.lo === i.hi;

interface Work {
  ev: Evaluation;
  id: string;
  held: string;
  /** Outcomes its own evaluation leaves possible (one: decided). */
  own: Set<string>;
  ownReason: CohortReason;
  /** Possible results after the cohort rules; one: decided. */
  result: Set<string>;
  metric: Iv;
  metricValue: number | null;
  total: Iv;
  base: Iv;
  rank: number | null;
  rankRange: { lo: number; hi: number } | null;
  tiedWith: string[];
  overCap: boolean;
  capOpen: boolean;
  regraded: boolean;
  promoted: boolean;
  demoted: boolean;
  reasons: CohortReason[];
}

const one = (s: Set<string>): string | null => (s.size === 1 ? [...s][0] : null);

/** Evaluates every dossier of a period and applies the rule set's cohort rules (cap, regrading, promotion/demotion). */
export async function evaluateCohort(
  compiled: CompiledRuleSet,
  dossiers: unknown[],
  opts: { mode?: 'award' | 'dynamic'; now?: string } = {},
): Promise<{ ok: true; result: CohortResult } | { ok: false; issues: Issue[] }> {
  const mode = opts.mode ?? 'dynamic';
  const rs = compiled.ruleSet;
  const core = compiled.core;
  const w = core.words;
  const rules = rs.cohort;
  const issues: Issue[] = [];
  const works: Work[] = [];
  const outcomeLabel = (id: string): I18nText => core.outcomes.get(id)?.label ?? t(id, id);
  const rankOf = (id: string) => core.outcomes.get(id)?.rank ?? 0;
  const none = rs.outcomes.find((o) => o.rank === 0)!.id;
  const outcomeStage = core.stages.find((s) => s.kind === 'outcome');
  const stageCites = outcomeStage?.cites ?? [];
  /** Interpretations whose options set any of these parameters: the recorded readings a rule rests on. */
  const interpsFor = (...xs: unknown[]): string[] => {
    const ps = new Set(xs.flatMap((x) => (x && typeof x === 'object' && 'param' in (x as object) ? [(x as { param: string }).param] : [])));
    return rs.interpretations.filter((i) => i.options.some((o) => Object.keys(o.sets).some((p) => ps.has(p)))).map((i) => i.id);
  };
  const interpLabel = (id: string): I18nText => {
    const it = rs.interpretations.find((i) => i.id === id);
    const opt = it?.options.find((o) => o.id === it.chosen);
    return opt ? opt.label : t(id, id);
  };
  const metricFact = rules?.cap?.metricFact ?? rules?.promotion?.metricFact;
  const metricLabel = metricFact ? w.labeler(metricFact) : null;
  const metricWords = (x: number | null) => (x === null ? t('（缺失）', '(missing)') : w.amount(x, metricLabel?.unit));

  for (const [i, d] of dossiers.entries()) {
    const p = compiled.checkDossier(d);
    if (!p.ok) {
      issues.push(...p.issues.filter((x) => x.severity !== 'warning').map((x) => ({ ...x, path: [i, ...x.path], message: `dossier ${i}: ${x.message}` })));
      continue;
    }
    const ev = await compiled.evaluatePrepared(p.dossier, { now: opts.now });
    const heldRaw = rules ? p.dossier.values[rules.heldOutcomeFact] : undefined;
    if (mode === 'dynamic' && rules && heldRaw === undefined) {
      issues.push({ code: 'missing_fact', path: [i, 'facts', ...rules.heldOutcomeFact.split('.')], message: `dossier ${i} (${p.dossier.subject.id}): a dynamic evaluation needs ${rules.heldOutcomeFact}, the title held before` });
      continue;
    }
    const held = typeof heldRaw === 'string' ? heldRaw : none;
    const m = metricFact ? p.dossier.values[metricFact] : undefined;
    const metric = typeof m === 'number' ? point(m) : { lo: -Infinity, hi: Infinity };
    const { own, reason } = ownOutcome(ev);
    const total = officialTotal(ev);
    works.push({
      ev,
      id: ev.subject.id,
      held,
      own,
      ownReason: reason,
      result: new Set(own),
      metric,
      metricValue: typeof m === 'number' ? m : null,
      total,
      base: officialBase(ev),
      rank: null,
      rankRange: null,
      tiedWith: [],
      overCap: false,
      capOpen: false,
      regraded: false,
      promoted: false,
      demoted: false,
      reasons: [reason],
    });
  }
  if (issues.length) return { ok: false, issues };
  const periods = new Set(works.map((x) => x.ev.subject.period));
  if (periods.size > 1) return { ok: false, issues: [{ code: 'mixed_periods', path: [], message: `a cohort is one period; got ${[...periods].join(', ')}` }] };
  const ids = new Set<string>();
  for (const [i, x] of works.entries()) {
    if (ids.has(x.id)) return { ok: false, issues: [{ code: 'duplicate_subject', path: [i], message: `subject ${x.id} appears twice in the cohort` }] };
    ids.add(x.id);
  }

  const regrade = mode === 'dynamic' && rules?.regrade && core.bool(rules.regrade.enabled) ? rules.regrade : null;
  // M7.3: a holder that fails its own standard is graded by the lower one before the cap is applied.
  if (regrade) {
    for (const x of works) {
      if (x.held !== regrade.from || !x.own.has(none) || x.ev.outcome.disqualified) continue;
      const keep = [...x.own].filter((o) => o !== none);
      applyRegrade(x, keep.length ? t('可能未达到原称号的标准', 'it may not meet the standard of the title it holds') : t('未达到原称号的标准', 'it does not meet the standard of the title it holds'), keep);
    }
  }

  // Cap (M5.1, I3.1): ranked by what is known; a place that a range or an exact tie leaves open is undecided.
  let capSummary: CohortResult['cap'] = null;
  if (rules?.cap) {
    const cap = rules.cap;
    const max = core.num(cap.max).toNumber();
    const by = core.str(cap.rankBy);
    const tieBreak = cap.tieBreak === undefined ? 'undecided' : core.str(cap.tieBreak);
    const rankInterps = interpsFor(cap.rankBy);
    const tieInterps = interpsFor(cap.tieBreak);
    const keyOf = (x: Work): Iv[] => {
      const k = by === 'metric' ? [x.metric, x.total] : [x.total, x.metric];
      return tieBreak === 'baseScore' ? [...k, x.base] : k;
    };
    const cands = works.filter((x) => x.result.has(cap.outcome));
    // Whether a candidate's own result is decided, fixed before any place is settled so that the order of members cannot matter.
    const sure = new Set(cands.filter((x) => x.result.size === 1));
    const certain = (x: Work) => sure.has(x);
    const keys = new Map(cands.map((x) => [x, keyOf(x)]));
    const strictTies = tieBreak === 'admitAll';
    for (const x of cands) {
      const kx = keys.get(x)!;
      let above = 0;
      let maybe = 0;
      const ties: string[] = [];
      for (const y of cands) {
        if (y === x) continue;
        const ky = keys.get(y)!;
        if (certain(y) && certainlyGreater(ky, kx)) above++;
        if (strictTies ? possiblyGreater(ky, kx) : possiblyGreaterOrEqual(ky, kx)) maybe++;
        if (ky.every(isPoint) && kx.every(isPoint) && ky.every((iv, k) => iv.lo === kx[k].lo)) ties.push(y.id);
      }
      x.tiedWith = ties.sort();
      x.rankRange = { lo: above + 1, hi: maybe + 1 };
      x.rank = above === maybe ? above + 1 : null;
      if (!certain(x)) continue;
      const ordered = by === 'metric' ? t(`按${metricLabel?.label.zh ?? '产业规模'}，其次总分`, `by ${metricLabel?.label.en ?? 'industry scale'}, then total`) : t(`按总分，其次${metricLabel?.label.zh ?? '产业规模'}`, `by total, then ${metricLabel?.label.en ?? 'industry scale'}`);
      const orderWords = tieBreak === 'baseScore' ? t(`${ordered.zh}，再次基础分`, `${ordered.en}, then base score`) : ordered;
      const orderInterps = tieBreak === 'baseScore' ? [...rankInterps, ...tieInterps] : rankInterps;
      if (maybe < max) {
        if (strictTies && ties.length && above + 1 + ties.length > max)
          x.reasons.push({
            cites: cap.cites,
            interpretations: [...rankInterps, ...tieInterps],
            text: t(
              `与 ${names(ties).zh} 并列第 ${above + 1} 名（${tieWords(x).zh}），按解读“${tieInterps.map((i) => interpLabel(i).zh).join('、')}”一并授予`,
              `tied at place ${above + 1} with ${names(ties).en} (${tieWords(x).en}); by the reading “${tieInterps.map((i) => interpLabel(i).en).join(', ')}” all are admitted`,
            ),
          });
        continue;
      }
      if (above >= max) {
        x.overCap = true;
        x.result = new Set([none]);
        const tiedZh = ties.length ? `与 ${names(ties).zh} 并列` : '';
        const tiedEn = ties.length ? `tied with ${names(ties).en} at ` : '';
        x.reasons.push({
          cites: cap.cites,
          interpretations: orderInterps,
          text: t(
            `${tiedZh}排名第 ${above + 1} 名（${orderWords.zh}），超出“${outcomeLabel(cap.outcome).zh}”名额上限 ${max} 家：达标但超出名额`,
            `${tiedEn ? `${tiedEn}place` : 'ranked'} ${above + 1} (${orderWords.en}), beyond the cap of ${max} for “${outcomeLabel(cap.outcome).en}”: qualified, over the cap`,
          ),
        });
        continue;
      }
      // Open: a range or a tie makes the place at the cap uncertain.
      x.capOpen = true;
      x.result = new Set([cap.outcome, none]);
      const why: I18nText[] = [];
      if (ties.length && x.rankRange.lo <= max && x.rankRange.hi > max) why.push(t(`与 ${names(ties).zh} 并列（${tieWords(x).zh}），政策文本未规定并列时如何取舍`, `tied with ${names(ties).en} (${tieWords(x).en}); the text gives no tie-break`));
      const openRivals = cands.filter((y) => y !== x && !keys.get(y)!.every(isPoint) && possiblyGreaterOrEqual(keys.get(y)!, kx) && !certainlyGreater(keys.get(y)!, kx));
      const selfOpen = !kx.every(isPoint);
      if (selfOpen) why.push(t(`本市总分尚为区间 ${ivText(x.total)}（缺少 ${missingText(x.ev.missingFacts.map((m) => m.fact), w).zh}）`, `its own total is still a range ${ivText(x.total)} (missing ${missingText(x.ev.missingFacts.map((m) => m.fact), w).en})`));
      if (openRivals.length) why.push(t(`${names(openRivals.map((y) => y.id)).zh} 的总分尚为区间，可能排在本市之前`, `${names(openRivals.map((y) => y.id)).en} may rank above it: their totals are still ranges`));
      const uncertainRivals = cands.filter((y) => y !== x && !certain(y) && possiblyGreaterOrEqual(keys.get(y)!, kx));
      if (uncertainRivals.length && !openRivals.length) why.push(t(`${names(uncertainRivals.map((y) => y.id)).zh} 的自身结果待定`, `the own results of ${names(uncertainRivals.map((y) => y.id)).en} are undecided`));
      x.reasons.push({
        cites: cap.cites,
        interpretations: [...rankInterps, ...(ties.length ? tieInterps : [])],
        text: t(
          `名额待定：可能排在第 ${x.rankRange.lo}–${x.rankRange.hi} 名之间（${orderWords.zh}），上限 ${max} 家；${join(why, '；', '; ').zh}`,
          `the place at the cap is undecided: it may rank ${x.rankRange.lo}–${x.rankRange.hi} (${orderWords.en}) against a cap of ${max}; ${join(why, '；', '; ').en}`,
        ),
      });
    }
    // M7.3: a holder that passed but ends over the cap is graded by the lower standard.
    if (regrade && regrade.from === cap.outcome) {
      for (const x of works)
        if (x.held === regrade.from && (x.overCap || x.capOpen))
          applyRegrade(x, x.overCap ? t('达标但超出名额', 'it qualified but ends over the cap') : t('若未获名额', 'should it not get a place'), x.overCap ? [] : [cap.outcome]);
    }
    capSummary = { outcome: cap.outcome, max, status: 'within', holders: [], undecided: [], reasons: [] };
  }

  // Promotion and demotion (I3.1) at a dynamic evaluation.
  const promo = rules?.promotion;
  if (mode === 'dynamic' && promo && core.bool(promo.enabled as boolean | { param: string })) promote(promo);

  // Summary of the cap after every rule.
  if (capSummary && rules?.cap) {
    const cap = rules.cap;
    const holders = works.filter((x) => one(x.result) === cap.outcome).map((x) => x.id).sort();
    const open = works.filter((x) => x.result.size > 1 && x.result.has(cap.outcome)).map((x) => x.id).sort();
    capSummary.holders = holders;
    capSummary.undecided = open;
    const max = capSummary.max;
    const lab = outcomeLabel(cap.outcome);
    if (holders.length > max) {
      capSummary.status = 'exceeded';
      capSummary.reasons.push({
        cites: cap.cites,
        interpretations: interpsFor(cap.tieBreak),
        text: t(`“${lab.zh}”共 ${holders.length} 家，超出名额上限 ${max} 家：并列者按解读一并授予（上限为“原则上”）`, `${holders.length} hold “${lab.en}”, above the cap of ${max}: tied cities are admitted together by the recorded reading (the cap holds “in principle”)`),
      });
    } else if (open.length) {
      capSummary.status = 'undecided';
      capSummary.reasons.push({
        cites: cap.cites,
        interpretations: interpsFor(cap.rankBy, cap.tieBreak),
        text: t(
          `“${lab.zh}”名额上限 ${max} 家：已确定 ${holders.length} 家，${names(open).zh} 是否获得待定（见各市理由）`,
          `cap of ${max} for “${lab.en}”: ${holders.length} decided; whether ${names(open).en} hold it is undecided (see each city's reasons)`,
        ),
      });
    } else {
      capSummary.reasons.push({ cites: cap.cites, text: t(`“${lab.zh}”共 ${holders.length} 家，未超出名额上限 ${max} 家`, `${holders.length} hold “${lab.en}”, within the cap of ${max}`) });
    }
  }

  const members: CohortMember[] = works.map((x) => {
    const result = one(x.result);
    let change: CohortChange;
    if (result === null) change = 'undecided';
    else if (x.overCap && !x.regraded) change = 'over-cap';
    else if (rankOf(result) > rankOf(x.held)) change = rankOf(x.held) === 0 ? 'awarded' : 'promoted';
    else if (rankOf(result) < rankOf(x.held)) change = rankOf(result) === 0 ? 'revoked' : 'demoted';
    else change = rankOf(result) === 0 ? 'not-passed' : 'kept';
    if (change === 'revoked') {
      const fraud = x.ev.outcome.disqualified;
      x.reasons.push(
        fraud
          ? { cites: fraud.cites, text: t(`撤销原“${outcomeLabel(x.held).zh}”称号：${x.ev.outcome.verdict?.zh ?? '取消资格'}`, `The “${outcomeLabel(x.held).en}” title held is revoked: ${x.ev.outcome.verdict?.en ?? 'disqualified'}`) }
          : {
              cites: x.regraded ? regrade!.cites : (rules?.cites.filter((c) => c === 'M7.3') ?? []),
              interpretations: regrade ? interpsFor(regrade.enabled) : [],
              text: t(`撤销原“${outcomeLabel(x.held).zh}”称号：动态评估未通过${x.regraded ? '，也未达到较低一级的标准' : ''}`, `The “${outcomeLabel(x.held).en}” title held is revoked: it did not pass the dynamic evaluation${x.regraded ? ', nor the lower standard' : ''}`),
            },
      );
    }
    if (change === 'awarded') x.reasons.push({ cites: stageCites, text: t(`新授予“${outcomeLabel(result!).zh}”称号`, `“${outcomeLabel(result!).en}” is conferred`) });
    if (change === 'kept' && result !== none) x.reasons.push({ cites: rules?.cites.filter((c) => c === 'M7.3') ?? [], text: t(`保持“${outcomeLabel(result!).zh}”称号`, `keeps “${outcomeLabel(result!).en}”`) });
    return {
      subjectId: x.id,
      name: x.ev.subject.name,
      type: x.ev.subject.type,
      held: x.held,
      qualified: one(x.own),
      result,
      change,
      rank: x.rank,
      rankRange: x.rankRange && x.rankRange.lo !== x.rankRange.hi ? x.rankRange : null,
      tiedWith: x.tiedWith,
      possible: result === null ? [...x.result].sort((a, b) => rankOf(b) - rankOf(a)) : undefined,
      total: x.ev.outcome.total.value,
      totalRange: { lo: x.total.lo === -Infinity ? 0 : x.total.lo, hi: x.total.hi === Infinity ? null : x.total.hi },
      metric: x.metricValue,
      reasons: x.reasons,
    };
  });
  const titles: Record<string, string[]> = {};
  for (const o of rs.outcomes) if (o.rank > 0) titles[o.id] = members.filter((m) => m.result === o.id).map((m) => m.subjectId);
  return {
    ok: true,
    result: {
      period: works[0]?.ev.subject.period ?? 0,
      mode,
      provenance: {
        ruleSetId: rs.id,
        version: rs.version,
        contentHash: compiled.contentHash,
        engineVersion: works[0]?.ev.provenance.engineVersion ?? '',
        interpretations: Object.fromEntries(rs.interpretations.map((i) => [i.id, i.chosen])),
        evaluatedAt: opts.now ?? null,
      },
      members,
      titles,
      undecided: members.filter((m) => m.result === null).map((m) => m.subjectId),
      cap: capSummary,
      evaluations: works.map((x) => x.ev),
    },
  };

  function names(idList: string[]): I18nText {
    const ns = idList.map((id) => works.find((x) => x.id === id)?.ev.subject.name ?? id);
    return t(ns.join('、'), ns.join(', '));
  }

  function ivText(i: Iv): string {
    return isPoint(i) ? fmt(i.lo) : `${i.lo === -Infinity ? '?' : fmt(i.lo)}–${i.hi === Infinity ? '∞' : fmt(i.hi)}`;
  }

  function tieWords(x: Work): I18nText {
    return t(`总分 ${ivText(x.total)} 分、${metricLabel?.label.zh ?? '产业规模'} ${metricWords(x.metricValue).zh} 均相同`, `the same total ${ivText(x.total)} and ${metricLabel?.label.en ?? 'industry scale'} ${metricWords(x.metricValue).en}`);
  }

  /** The subject's own possible outcomes and the reason in words. */
  function ownOutcome(ev: Evaluation): { own: Set<string>; reason: CohortReason } {
    const o = ev.outcome;
    const verdict = o.verdict ?? t(o.status, o.status);
    if (o.disqualified) return { own: new Set([none]), reason: { cites: o.disqualified.cites, text: verdict } };
    const rulesOut = ev.stages.find((s) => s.kind === 'outcome');
    const applicable = rulesOut && rulesOut.kind === 'outcome' ? rulesOut.rules.filter((r) => r.status !== 'not-applicable') : [];
    if (o.indicative && o.confers === false) {
      // A self-assessment confers nothing: only what expert scores cannot change is decided.
      const vetoFailed = (ruleId: string) => {
        const rule = outcomeStage?.kind === 'outcome' ? outcomeStage.rules.find((r) => r.id === ruleId) : undefined;
        return !!rule && rule.requires.some((sid) => o.vetoes?.[sid] === 'failed');
      };
      const total = officialTotal(ev);
      const open = applicable.filter((r) => !vetoFailed(r.id) && total.hi >= r.minTotal);
      const interps = interpsFor(outcomeStage?.kind === 'outcome' ? outcomeStage.indicativeConfers : undefined);
      if (!open.length) return { own: new Set([none]), reason: { cites: ev.improvementOpinions[0]?.cites ?? stageCites, text: t(`未通过：${firstOpinion(ev).zh}`, `not passed: ${firstOpinion(ev).en}`) } };
      return {
        own: new Set([none, ...open.map((r) => r.outcome)]),
        reason: {
          cites: [],
          interpretations: interps,
          text: t(`${verdict.zh}；结果待专家组评分（按解读“${interps.map((i) => interpLabel(i).zh).join('、')}”）`, `${verdict.en}; the result awaits the expert panel's scores (by the reading “${interps.map((i) => interpLabel(i).en).join(', ')}”)`),
        },
      };
    }
    if (o.status === 'passed' && o.title) {
      const tot = officialTotal(ev);
      const missing = isPoint(tot) ? '' : missingText(ev.missingFacts.map((m) => m.fact), w).zh;
      const missingEn = isPoint(tot) ? '' : missingText(ev.missingFacts.map((m) => m.fact), w).en;
      return {
        own: new Set([o.title.id]),
        reason: {
          cites: stageCites,
          text: t(
            `评估通过：总分 ${ivText(tot)} 分${missing ? `（缺少 ${missing}，但不影响达标）` : ''}，达标分数 ${fmt(o.passMark)} 分，可获“${o.title.label.zh}”`,
            `passed: total ${ivText(tot)}${missingEn ? ` (missing ${missingEn}, which cannot change the verdict)` : ''} against ${fmt(o.passMark)}, qualifies for “${o.title.label.en}”`,
          ),
        },
      };
    }
    if (o.status === 'failed') return { own: new Set([none]), reason: { cites: ev.improvementOpinions[0]?.cites ?? stageCites, text: t(`未通过评估：${firstOpinion(ev).zh}`, `not passed: ${firstOpinion(ev).en}`) } };
    const possible = applicable.filter((r) => r.status === 'undecided' || r.status === 'passed').map((r) => r.outcome);
    return { own: new Set([none, ...possible]), reason: { cites: stageCites, text: verdict } };
  }

  function firstOpinion(ev: Evaluation): I18nText {
    const ops = ev.improvementOpinions;
    if (!ops.length) return t('总分未达标', 'the total is below the pass mark');
    return ops.length === 1 ? ops[0].text : t(`${ops[0].text.zh}（另有 ${ops.length - 1} 项改进意见）`, `${ops[0].text.en} (and ${ops.length - 1} more improvement opinion${ops.length > 2 ? 's' : ''})`);
  }

  /** The total as the cohort may rank it: a self-assessment's indicative points are unknown expert scores (0 to the maximum). */
  function officialTotal(ev: Evaluation): Iv {
    const o = ev.outcome;
    const b = officialBase(ev);
    const bonus = { lo: o.bonus.lo, hi: o.bonus.hi ?? Infinity };
    return { lo: b.lo + bonus.lo, hi: b.hi + bonus.hi };
  }

  function officialBase(ev: Evaluation): Iv {
    const o = ev.outcome;
    if (!(o.indicative && o.confers === false)) return { lo: o.baseScore.lo, hi: o.baseScore.hi ?? Infinity };
    let lo = dec(0);
    let hi = dec(0);
    for (const s of ev.stages) {
      if (s.kind !== 'score') continue;
      for (const it of s.items) {
        if (it.basis === 'evaluators' && it.points.value !== null) {
          lo = lo.plus(it.points.value);
          hi = hi.plus(it.points.value);
        } else hi = hi.plus(it.max);
      }
    }
    return { lo: lo.toNumber(), hi: hi.toNumber() };
  }

  /** M7.3: graded by the lower standard (its check stages and pass mark), from what the evaluation knows; `keep` are outcomes still possible otherwise. */
  function applyRegrade(x: Work, because: I18nText, keep: string[]) {
    const r = regrade!;
    const st = r.requires.map((sid) => x.ev.outcome.vetoes?.[sid] ?? 'undecided');
    const min = core.num(r.minTotal).toNumber();
    const status: Status = st.includes('failed') || x.total.hi < min ? 'failed' : st.every((s) => s === 'passed') && x.total.lo >= min ? 'passed' : 'undecided';
    const interps = interpsFor(r.enabled);
    const lab = outcomeLabel(r.to);
    x.regraded = true;
    const lower = status === 'passed' ? [r.to] : status === 'failed' ? [none] : [r.to, none];
    x.result = new Set([...keep, ...lower]);
    const miss = [...new Set(x.ev.stages.flatMap((s) => (s.kind === 'checks' && r.requires.includes(s.id) ? s.items.filter((i) => i.status === 'undecided').flatMap((i) => i.missing) : [])))];
    const graded =
      status === 'passed'
        ? t(`达到，退为“${lab.zh}”`, `met, so it becomes “${lab.en}”`)
        : status === 'failed'
          ? t('也未达到', 'not met either')
          : t(`尚无法判定${miss.length ? `（缺少 ${missingText(miss, w).zh}）` : ''}`, `cannot be decided yet${miss.length ? ` (missing ${missingText(miss, w).en})` : ''}`);
    x.reasons.push({ cites: r.cites, interpretations: interps, text: t(`${because.zh}；按${r.label.zh}评定：${graded.zh}`, `${because.en}; graded by ${r.label.en}: ${graded.en}`) });
  }

  function promote(p: NonNullable<NonNullable<typeof rules>['promotion']>) {
    const needMin = core.bool(p.requireMinTotal as boolean | { param: string });
    const minTotal = core.num(p.minTotal).toNumber();
    const heldOnly = p.heldOnly !== undefined && core.bool(p.heldOnly);
    const req = p.requires && core.bool(p.requires.enabled) ? p.requires : null;
    const room = p.whenCapHasRoom === undefined ? 'swap' : core.str(p.whenCapHasRoom);
    const capMax = rules?.cap && rules.cap.outcome === p.to ? core.num(rules.cap.max).toNumber() : Infinity;
    const baseInterps = interpsFor(p.enabled, p.requireMinTotal);
    const metricOf = (x: Work) => x.metricValue!;
    const TO = outcomeLabel(p.to);
    const FROM = outcomeLabel(p.from);
    const isDecided = (x: Work, o: string) => one(x.result) === o;

    // Eligibility of each featured result, with the reason it is not eligible.
    type Elig = 'yes' | 'no' | 'open';
    const eligible = new Map<Work, Elig>();
    for (const x of works) {
      if (!x.result.has(p.from) || x.metricValue === null) continue;
      let e: Elig = 'yes';
      const why: CohortReason[] = [];
      if (heldOnly && x.held !== p.from) {
        e = 'no';
        why.push({ cites: [], interpretations: interpsFor(p.heldOnly), text: t(`不参与晋级：本市本期首次获评“${outcomeLabel(p.from).zh}”，尚不是该称号的持有者（按解读“${interpsFor(p.heldOnly).map((i) => interpLabel(i).zh).join('、')}”）`, `not eligible for promotion: it is not yet a holder of “${outcomeLabel(p.from).en}” (by the reading “${interpsFor(p.heldOnly).map((i) => interpLabel(i).en).join(', ')}”)`) });
      }
      if (e !== 'no' && req) {
        const st = req.stages.map((sid) => x.ev.outcome.vetoes?.[sid] ?? 'undecided');
        if (st.includes('failed')) {
          e = 'no';
          why.push({ cites: req.cites, interpretations: interpsFor(req.enabled), text: t(`不参与晋级：未满足${req.label.zh}`, `not eligible for promotion: ${req.label.en} not met`) });
        } else if (!st.every((s) => s === 'passed')) {
          e = 'open';
          why.push({ cites: req.cites, interpretations: interpsFor(req.enabled), text: t(`能否晋级待定：${req.label.zh}尚无法判定`, `promotion undecided: ${req.label.en} cannot be decided yet`) });
        }
      }
      if (e !== 'no' && needMin) {
        if (x.total.hi < minTotal) {
          e = 'no';
          why.push({ cites: [], interpretations: interpsFor(p.requireMinTotal), text: t(`不参与晋级：总分 ${ivText(x.total)} 分未达到 ${fmt(minTotal)} 分`, `not eligible for promotion: total ${ivText(x.total)} below ${fmt(minTotal)}`) });
        } else if (x.total.lo < minTotal) e = 'open';
      }
      eligible.set(x, e);
      (x as Work & { promoWhy?: CohortReason[] }).promoWhy = why;
    }
    const why = (x: Work) => (x as Work & { promoWhy?: CohortReason[] }).promoWhy ?? [];

    // With heldOnly, promotion and demotion happen between title holders only (I3.1 speaks of 特色型 and 综合型名城 under the dynamic evaluation).
    const tops = () => works.filter((x) => isDecided(x, p.to) && x.metricValue !== null && !x.promoted && (!heldOnly || x.held === p.to));
    let count = works.filter((x) => isDecided(x, p.to)).length;
    const promoted: { f: Work; s: Work | null }[] = [];
    const candidates = works.filter((x) => isDecided(x, p.from) && eligible.get(x) === 'yes');
    const used = new Set<Work>();
    for (;;) {
      const open = candidates.filter((x) => !used.has(x));
      if (!open.length) break;
      const fm = Math.max(...open.map(metricOf));
      const F = open.filter((x) => metricOf(x) === fm);
      if (room === 'promote' && count < capMax) {
        // Below the cap a larger featured city is promoted without demoting anyone.
        const smaller = tops().filter((x) => metricOf(x) < fm);
        if (!smaller.length) break;
        const n = Math.min(F.length, capMax - count);
        if (n < F.length) {
          for (const f of F) {
            used.add(f);
            f.result = new Set([p.to, p.from]);
            f.reasons.push({ cites: p.cites, interpretations: [...baseInterps, ...interpsFor(p.whenCapHasRoom)], text: t(`能否晋级待定：与 ${names(F.filter((y) => y !== f).map((y) => y.id)).zh} 的${metricLabel?.label.zh ?? '产业规模'}相同，名额只余 ${capMax - count} 个`, `promotion undecided: the same ${metricLabel?.label.en ?? 'industry scale'} as ${names(F.filter((y) => y !== f).map((y) => y.id)).en}, with only ${capMax - count} place(s) left`) });
          }
          break;
        }
        for (const f of F) {
          used.add(f);
          f.result = new Set([p.to]);
          f.promoted = true;
          count++;
          const low = Math.min(...smaller.map(metricOf));
          const sn = names(smaller.filter((x) => metricOf(x) === low).map((x) => x.id).sort());
          promoted.push({ f, s: null });
          f.reasons.push({ cites: p.cites, interpretations: [...baseInterps, ...interpsFor(p.whenCapHasRoom)], text: t(`晋级：${metricLabel?.label.zh ?? '产业规模'} ${metricWords(metricOf(f)).zh} 超过“${TO.zh}” ${sn.zh}（${metricWords(low).zh}）；名额尚有空余，无城市退级`, `promoted: ${metricLabel?.label.en ?? 'industry scale'} ${metricWords(metricOf(f)).en} exceeds that of “${TO.en}” ${sn.en} (${metricWords(low).en}); the cap has room, so nobody is demoted`) });
        }
        continue;
      }
      const below = tops()
        .filter((x) => metricOf(x) < fm)
        .sort((a, b) => metricOf(a) - metricOf(b));
      if (!below.length) break;
      if (F.length > below.length) {
        for (const s of below) demote(s, F[0]);
        for (const f of F) {
          used.add(f);
          f.result = new Set([p.to, p.from]);
          f.reasons.push({ cites: p.cites, interpretations: baseInterps, text: t(`能否晋级待定：${names(F.map((y) => y.id)).zh} 的${metricLabel?.label.zh ?? '产业规模'}相同，可交换的“${TO.zh}”只有 ${below.length} 个`, `promotion undecided: ${names(F.map((y) => y.id)).en} have the same ${metricLabel?.label.en ?? 'industry scale'} and only ${below.length} holder(s) of “${TO.en}” can be exchanged`) });
        }
        break;
      }
      // The |F| smallest comprehensive cities are demoted; a tie at the last of them leaves the tied ones undecided.
      const k = F.length;
      const cutMetric = metricOf(below[k - 1]);
      const sure = below.filter((x) => metricOf(x) < cutMetric);
      const tied = below.filter((x) => metricOf(x) === cutMetric);
      const needFromTied = k - sure.length;
      for (const s of sure) demote(s, F[0]);
      if (tied.length > needFromTied) {
        for (const s of tied) {
          s.result = new Set([p.to, p.from]);
          s.reasons.push({ cites: p.cites, interpretations: baseInterps, text: t(`是否退级待定：与 ${names(tied.filter((y) => y !== s).map((y) => y.id)).zh} 的${metricLabel?.label.zh ?? '产业规模'}相同（${metricWords(cutMetric).zh}），政策文本未规定谁退级`, `demotion undecided: the same ${metricLabel?.label.en ?? 'industry scale'} (${metricWords(cutMetric).en}) as ${names(tied.filter((y) => y !== s).map((y) => y.id)).en}; the text does not say which is demoted`) });
        }
      } else for (const s of tied) demote(s, F[0]);
      // The smallest holders it exceeds, named together so the words do not depend on the members' order.
      const smallest = below.filter((x) => metricOf(x) === metricOf(below[0]));
      const sn = names(smallest.map((x) => x.id).sort());
      for (const f of F) {
        used.add(f);
        f.result = new Set([p.to]);
        f.promoted = true;
        promoted.push({ f, s: smallest[0] });
        f.reasons.push({ cites: p.cites, interpretations: baseInterps, text: t(`晋级：${metricLabel?.label.zh ?? '产业规模'} ${metricWords(metricOf(f)).zh} 超过“${TO.zh}” ${sn.zh}（${metricWords(metricOf(smallest[0])).zh}）`, `promoted: ${metricLabel?.label.en ?? 'industry scale'} ${metricWords(metricOf(f)).en} exceeds that of “${TO.en}” ${sn.en} (${metricWords(metricOf(smallest[0])).en})`) });
      }
    }

    function demote(s: Work, by: Work) {
      s.result = new Set([p.from]);
      s.demoted = true;
      s.reasons.push({
        cites: p.cites,
        interpretations: baseInterps,
        text: t(
          `退级：“${FROM.zh}” ${by.ev.subject.name} 的${metricLabel?.label.zh ?? '产业规模'} ${metricWords(metricOf(by)).zh} 超过本市（${metricWords(metricOf(s)).zh}），本市为“${TO.zh}”中该指标最小者`,
          `demoted: “${FROM.en}” ${by.ev.subject.name} (${metricWords(metricOf(by)).en}) exceeds this city (${metricWords(metricOf(s)).en}), the smallest holder of “${TO.en}” by ${metricLabel?.label.en ?? 'industry scale'}`,
        ),
      });
    }

    // Not promoted though larger than a comprehensive city: say why.
    for (const x of works) {
      if (x.promoted || !x.result.has(p.from) || x.metricValue === null) continue;
      const larger = works.some((y) => y !== x && isDecided(y, p.to) && (!heldOnly || y.held === p.to) && y.metricValue !== null && y.metricValue < x.metricValue!);
      if (larger) x.reasons.push(...why(x));
    }

    // What undecided members could still change.
    const couldBeTo = works.filter((x) => x.result.size > 1 && x.result.has(p.to) && (!heldOnly || x.held === p.to));
    const couldBeFrom = works.filter((x) => x.result.size > 1 && x.result.has(p.from) && eligible.get(x) !== 'no');
    const eligibleOpen = works.filter((x) => one(x.result) === p.from && eligible.get(x) === 'open');
    const unsettle = (x: Work, because: Work[], text: I18nText) => {
      if (x.result.size > 1) return;
      const now = one(x.result)!;
      x.result = new Set([now, now === p.to ? p.from : p.to]);
      x.reasons.push({ cites: p.cites, interpretations: baseInterps, text: t(`${text.zh}（${names(because.map((y) => y.id)).zh} 的结果待定）`, `${text.en} (the results of ${names(because.map((y) => y.id)).en} are undecided)`) });
    };
    const m = (x: Work) => x.metricValue ?? -Infinity;
    for (const x of works) {
      if (x.demoted) {
        const rivals = couldBeTo.filter((u) => u.metricValue === null || m(u) < m(x));
        if (rivals.length) unsettle(x, rivals, t(`是否退级待定：规模更小的城市可能获得“${TO.zh}”并代替本市退级`, `demotion undecided: a smaller city may hold “${TO.en}” and be demoted instead`));
      } else if (isDecided(x, p.to) && !x.promoted && (!heldOnly || x.held === p.to)) {
        const rivals = [...couldBeFrom, ...eligibleOpen].filter((u) => u.metricValue === null || m(u) > m(x));
        if (rivals.length) unsettle(x, rivals, t(`是否退级待定：规模更大的“${FROM.zh}”可能晋级`, `demotion undecided: a larger holder of “${FROM.en}” may be promoted`));
      } else if (x.promoted) {
        const rivals = couldBeFrom.filter((u) => u.metricValue === null || m(u) >= m(x));
        if (rivals.length) unsettle(x, rivals, t(`能否晋级待定：规模更大的“${FROM.zh}”可能先行晋级`, `promotion undecided: a larger holder of “${FROM.en}” may be promoted first`));
      } else if (isDecided(x, p.from) && eligible.get(x) === 'yes') {
        const rivals = couldBeTo.filter((u) => u.metricValue === null || m(u) < m(x));
        if (rivals.length) unsettle(x, rivals, t(`能否晋级待定：规模更小的城市可能获得“${TO.zh}”`, `promotion undecided: a smaller city may hold “${TO.en}”`));
      }
    }
    for (const x of eligibleOpen) {
      const smaller = works.some((y) => isDecided(y, p.to) && (!heldOnly || y.held === p.to) && y.metricValue !== null && y.metricValue < x.metricValue!);
      if (smaller && x.result.size === 1) {
        x.result = new Set([p.from, p.to]);
        x.reasons.push(...why(x));
      }
    }
    void promoted;
  }
}

/** Whether in every completion of the missing facts key y ranks strictly above key x (lexicographic). */
function certainlyGreater(y: Iv[], x: Iv[]): boolean {
  for (let k = 0; k < y.length; k++) {
    if (y[k].lo > x[k].hi) return true;
    if (!(isPoint(y[k]) && isPoint(x[k]) && y[k].lo === x[k].lo)) return false;
  }
  return false;
}

/** Whether some completion ranks y at or above x (an exact tie counts). */
function possiblyGreaterOrEqual(y: Iv[], x: Iv[]): boolean {
  for (let k = 0; k < y.length; k++) {
    if (y[k].hi > x[k].lo) return true;
    if (y[k].hi < x[k].lo) return false;
  }
  return true;
}

/** Whether some completion ranks y strictly above x. */
function possiblyGreater(y: Iv[], x: Iv[]): boolean {
  for (let k = 0; k < y.length; k++) {
    if (y[k].hi > x[k].lo) return true;
    if (y[k].hi < x[k].lo) return false;
  }
  return false;
}
