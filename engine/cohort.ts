// Cohort evaluation for one period: each subject's own outcome, then the cap and promotion/demotion rules, each change explained with its clause.
import type { I18nText, Issue } from './schema/common.js';
import type { CohortChange, CohortMember, CohortResult, Evaluation } from './schema/evaluation.js';
import type { CompiledRuleSet } from './ruleSets.js';
import { Dec, fmt } from './core/decimal.js';
import { t } from './core/text.js';

interface Work {
  ev: Evaluation;
  held: string;
  qualified: string | null;
  result: string;
  overCap: boolean;
  metric: number | null;
  total: number | null;
  rank: number | null;
  reasons: { cites: string[]; text: I18nText }[];
}

/** Evaluates every dossier of a period and applies the rule set's cohort rules (cap, promotion/demotion). */
export async function evaluateCohort(
  compiled: CompiledRuleSet,
  dossiers: unknown[],
  opts: { mode?: 'award' | 'dynamic'; now?: string } = {},
): Promise<{ ok: true; result: CohortResult } | { ok: false; issues: Issue[] }> {
  const mode = opts.mode ?? 'dynamic';
  const rs = compiled.ruleSet;
  const core = compiled.core;
  const rules = rs.cohort;
  const issues: Issue[] = [];
  const works: Work[] = [];
  const outcomeLabel = (id: string) => core.outcomes.get(id)?.label ?? t(id, id);
  const rankOf = (id: string) => core.outcomes.get(id)?.rank ?? 0;
  const none = rs.outcomes.find((o) => o.rank === 0)!.id;

  for (const [i, d] of dossiers.entries()) {
    const p = compiled.checkDossier(d);
    if (!p.ok) {
      issues.push(...p.issues.map((x) => ({ ...x, path: [i, ...x.path], message: `dossier ${i}: ${x.message}` })));
      continue;
    }
    const ev = await compiled.evaluatePrepared(p.dossier, { now: opts.now });
    const heldRaw = rules ? p.dossier.values[rules.heldOutcomeFact] : undefined;
    if (mode === 'dynamic' && rules && heldRaw === undefined) {
      issues.push({ code: 'missing_fact', path: [i, 'facts', ...rules.heldOutcomeFact.split('.')], message: `dossier ${i} (${p.dossier.subject.id}): a dynamic evaluation needs ${rules.heldOutcomeFact}, the title held before` });
      continue;
    }
    const held = typeof heldRaw === 'string' ? heldRaw : none;
    const qualified = ev.outcome.status === 'passed' ? (ev.outcome.title?.id ?? none) : ev.outcome.status === 'failed' ? none : null;
    const metricFact = rules?.cap?.metricFact ?? rules?.promotion?.metricFact;
    const m = metricFact ? p.dossier.values[metricFact] : undefined;
    const reasons: Work['reasons'] = [];
    const stageCites = rs.stages.find((s) => s.kind === 'outcome')?.cites ?? [];
    if (ev.outcome.status === 'passed')
      reasons.push({ cites: stageCites, text: t(`评估通过：总分 ${fmt(ev.outcome.total.value)}，达标分数 ${fmt(ev.outcome.passMark)}，可获“${outcomeLabel(qualified!).zh}”`, `Passed: total ${fmt(ev.outcome.total.value)} against ${fmt(ev.outcome.passMark)}, qualifies for “${outcomeLabel(qualified!).en}”`) });
    else if (ev.outcome.status === 'failed') {
      const firstFail = ev.improvementOpinions[0];
      reasons.push({ cites: firstFail?.cites ?? stageCites, text: t(`未通过评估：${firstFail ? firstFail.text.zh : '总分未达标'}`, `Not passed: ${firstFail ? firstFail.text.en : 'total below the pass mark'}`) });
    } else reasons.push({ cites: stageCites, text: t(`无法判定：缺少 ${ev.missingFacts.map((x) => x.fact).join('、')}`, `Undecided: missing ${ev.missingFacts.map((x) => x.fact).join(', ')}`) });
    works.push({ ev, held, qualified, result: qualified ?? held, overCap: false, metric: typeof m === 'number' ? m : null, total: ev.outcome.total.value, rank: null, reasons });
  }
  if (issues.length) return { ok: false, issues };
  const periods = new Set(works.map((w) => w.ev.subject.period));
  if (periods.size > 1) return { ok: false, issues: [{ code: 'mixed_periods', path: [], message: `a cohort is one period; got ${[...periods].join(', ')}` }] };
  const ids = new Set<string>();
  for (const [i, w] of works.entries()) {
    if (ids.has(w.ev.subject.id)) return { ok: false, issues: [{ code: 'duplicate_subject', path: [i], message: `subject ${w.ev.subject.id} appears twice in the cohort` }] };
    ids.add(w.ev.subject.id);
  }

  // Cap (M5.1, I3.1): rank those qualifying for the capped outcome; the rest are listed as over the cap.
  if (rules?.cap) {
    const cap = rules.cap;
    const max = core.num(cap.max).toNumber();
    const by = core.str(cap.rankBy);
    const cmpDesc = (a: number | null, b: number | null) => (b ?? -Infinity) - (a ?? -Infinity);
    const q = works.filter((w) => w.qualified === cap.outcome);
    q.sort((a, b) => (by === 'metric' ? cmpDesc(a.metric, b.metric) || cmpDesc(a.total, b.total) : cmpDesc(a.total, b.total) || cmpDesc(a.metric, b.metric)));
    q.forEach((w, k) => {
      w.rank = k + 1;
      if (k >= max) {
        w.overCap = true;
        w.result = none;
        w.reasons.push({
          cites: cap.cites,
          text: t(
            `排名第 ${k + 1}（${by === 'metric' ? '按软件业务收入' : '按总分，其次软件业务收入'}），超出“${outcomeLabel(cap.outcome).zh}”数量上限 ${max} 家：达标但超出上限`,
            `Ranked ${k + 1} (${by === 'metric' ? 'by revenue' : 'by total, then revenue'}), beyond the cap of ${max} for “${outcomeLabel(cap.outcome).en}”: qualified, over the cap`,
          ),
        });
      }
    });
  }

  // Promotion and demotion (I3.1) at a dynamic evaluation.
  const promo = rules?.promotion;
  if (mode === 'dynamic' && promo && core.bool(promo.enabled as boolean | { param: string })) {
    const needMin = core.bool(promo.requireMinTotal as boolean | { param: string });
    const minTotal = core.num(promo.minTotal);
    for (let guard = 0; guard < works.length * works.length + 1; guard++) {
      const tops = works.filter((w) => w.result === promo.to && w.metric !== null).sort((a, b) => a.metric! - b.metric!);
      const smallest = tops[0];
      if (!smallest) break;
      const candidates = works
        .filter((w) => w.result === promo.from && w.metric !== null && w.metric > smallest.metric!)
        .filter((w) => !needMin || (w.total !== null && new Dec(w.total).gte(minTotal)))
        .sort((a, b) => b.metric! - a.metric!);
      const f = candidates[0];
      if (!f) break;
      f.result = promo.to;
      smallest.result = promo.from;
      f.reasons.push({
        cites: promo.cites,
        text: t(
          `晋级：产业规模 ${fmt(f.metric)} 亿元超过综合型名城 ${smallest.ev.subject.name}（${fmt(smallest.metric)} 亿元）`,
          `Promoted: industry scale ${fmt(f.metric)}亿 exceeds comprehensive city ${smallest.ev.subject.name} (${fmt(smallest.metric)}亿)`,
        ),
      });
      smallest.reasons.push({
        cites: promo.cites,
        text: t(
          `退级：特色型名城 ${f.ev.subject.name} 的产业规模 ${fmt(f.metric)} 亿元超过本市（${fmt(smallest.metric)} 亿元），本市为综合型中规模最小者`,
          `Demoted: featured city ${f.ev.subject.name} (${fmt(f.metric)}亿) exceeds this city (${fmt(smallest.metric)}亿), the smallest comprehensive city`,
        ),
      });
    }
  }

  const members: CohortMember[] = works.map((w) => {
    let change: CohortChange;
    if (w.qualified === null) change = 'undecided';
    else if (w.overCap) change = 'over-cap';
    else if (rankOf(w.result) > rankOf(w.held)) change = rankOf(w.held) === 0 ? 'awarded' : 'promoted';
    else if (rankOf(w.result) < rankOf(w.held)) change = rankOf(w.result) === 0 ? 'revoked' : 'demoted';
    else change = rankOf(w.result) === 0 ? 'not-passed' : 'kept';
    if (change === 'revoked')
      w.reasons.push({ cites: ['M7.3', 'I3.1', ...(w.ev.outcome.stages['stage:integrity'] === 'failed' ? ['M7.1'] : [])], text: t(`撤销原“${outcomeLabel(w.held).zh}”称号`, `The “${outcomeLabel(w.held).en}” title held is revoked`) });
    return {
      subjectId: w.ev.subject.id,
      name: w.ev.subject.name,
      type: w.ev.subject.type,
      held: w.held,
      qualified: w.qualified,
      result: w.result,
      change,
      rank: w.rank,
      total: w.total,
      metric: w.metric,
      reasons: w.reasons,
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
      evaluations: works.map((w) => w.ev),
    },
  };
}
