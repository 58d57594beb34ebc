// The scripts' own words in Chinese and English (headings, statuses, cohort changes); domain labels come from the rule set and the evaluation.
import type { CohortChange, Status } from '../../engine/index.js';

export type Lang = 'zh' | 'en';

const M = {
  reportTitle: { zh: '软件名城评估报告', en: 'Software Famous City evaluation report' },
  city: { zh: '城市', en: 'City' },
  period: { zh: '统计年度', en: 'Period' },
  type: { zh: '申请类型', en: 'Type' },
  ruleSet: { zh: '规则集', en: 'Rule set' },
  contentHash: { zh: '内容哈希', en: 'content hash' },
  engine: { zh: '引擎', en: 'engine' },
  verdict: { zh: '结论', en: 'Verdict' },
  title: { zh: '称号', en: 'Title' },
  noTitle: { zh: '不授予称号', en: 'no title' },
  undecidedTitle: { zh: '尚无法判定', en: 'cannot be decided yet' },
  indicative: { zh: '（部分指标无专家评分，按事实推算的参考分）', en: '(some indicators have no evaluators’ score: indicative points from the facts)' },
  selfAssessment: { zh: '（自评：部分指标无专家评分，按备注要求推算参考分；不授予称号）', en: '(self-assessment: some indicators have no evaluators’ score, so their points are indicative; no title is conferred)' },
  variant: { zh: '解读变体', en: 'Interpretation variant' },
  shownFor_fallback: { zh: '按兜底规则一并判定', en: 'evaluated for the fallback rule' },
  shownFor_precondition: { zh: '作为加分项的前提条件判定', en: 'evaluated as a bonus precondition' },
  shownFor_cohort: { zh: '供队列评估（晋级、退级）判定', en: 'evaluated for the cohort rules (promotion, demotion)' },
  route: { zh: '途径', en: 'Route' },
  or: { zh: '或者', en: 'or' },
  interpretation: { zh: '解读', en: 'reading' },
  capSummary: { zh: '名额', en: 'Cap' },
  undecidedList: { zh: '结果待定', en: 'Undecided' },
  awarded: { zh: '得分', en: 'awarded' },
  requirementsMet: { zh: '要求满足', en: 'requirements met' },
  basisEvaluators: { zh: '专家评分', en: 'evaluators' },
  basisIndicative: { zh: '参考分', en: 'indicative' },
  points: { zh: '分', en: 'pts' },
  base: { zh: '基础分', en: 'base' },
  bonus: { zh: '加分', en: 'bonus' },
  total: { zh: '总分', en: 'total' },
  totalHeading: { zh: '总分', en: 'Total' },
  passMark: { zh: '达标分数', en: 'pass mark' },
  reached: { zh: '达标', en: 'reached' },
  notReached: { zh: '未达标', en: 'not reached' },
  outcomeRules: { zh: '判定规则', en: 'Outcome rules' },
  derived: { zh: '推算值', en: 'Derived values' },
  opinions: { zh: '改进意见', en: 'Improvement opinions (改进意见)' },
  gap: { zh: '距通过的差距', en: 'Gap to pass' },
  missing: { zh: '缺失事实', en: 'Missing facts' },
  neededBy: { zh: '用于', en: 'needed by' },
  warnings: { zh: '提示', en: 'Warnings' },
  none: { zh: '无', en: 'none' },
  clausesCited: { zh: '引用条款', en: 'Clauses cited' },
  clauseUnknown: { zh: '（条款文本缺失）', en: '(clause text not found)' },
  cohortTitle: { zh: '队列评估', en: 'Cohort evaluation' },
  mode: { zh: '模式', en: 'mode' },
  modeAward: { zh: '授予评估', en: 'award' },
  modeDynamic: { zh: '动态评估', en: 'dynamic' },
  dossiers: { zh: '份申报材料', en: 'dossiers' },
  colCity: { zh: '城市', en: 'City' },
  colHeld: { zh: '原称号', en: 'Held' },
  colOwn: { zh: '自身结果', en: 'Own result' },
  colResult: { zh: '结果称号', en: 'Resulting title' },
  colChange: { zh: '变化', en: 'Change' },
  colRank: { zh: '排名', en: 'Rank' },
  colTotal: { zh: '总分', en: 'Total' },
  reasons: { zh: '理由', en: 'Reasons' },
  titlesAfter: { zh: '队列规则适用后的称号', en: 'Titles after the cohort rules' },
  coverageTitle: { zh: '条款覆盖', en: 'Clause coverage' },
  implementedBy: { zh: '由规则项实现', en: 'implemented by' },
  dataCiting: { zh: '引用的数据', en: 'data citing it' },
  interpretedBy: { zh: '解释说明', en: 'interpreted by' },
  notCited: { zh: '未引用', en: 'not cited' },
  normativeNotImplemented: { zh: '未实现的规范性条款', en: 'Normative clauses not implemented' },
  reason: { zh: '理由', en: 'reason' },
  noReason: { zh: '未实现且未说明理由', en: 'MISSING: not implemented and no reason given' },
  coverageOk: { zh: '全部规范性条款均已实现或已说明理由', en: 'every normative clause is implemented or has a reason' },
} as const;

export type MessageKey = keyof typeof M;

/** The script's word for a key in a language. */
export function msg(key: MessageKey, lang: Lang): string {
  return M[key][lang];
}

const STATUS: Record<Status, { zh: string; en: string; mark: string }> = {
  passed: { zh: '通过', en: 'passed', mark: '✓' },
  failed: { zh: '未通过', en: 'failed', mark: '✗' },
  undecided: { zh: '待定', en: 'undecided', mark: '?' },
  'not-applicable': { zh: '不适用', en: 'not applicable', mark: '–' },
};

/** A status in words. */
export function statusWord(s: Status, lang: Lang): string {
  return STATUS[s][lang];
}

/** ✓ passed, ✗ failed, ? undecided, – not applicable. */
export function statusMark(s: Status): string {
  return STATUS[s].mark;
}

const CHANGE: Record<CohortChange, { zh: string; en: string }> = {
  promoted: { zh: '晋级', en: 'promoted' },
  demoted: { zh: '退级', en: 'demoted' },
  awarded: { zh: '新授予', en: 'awarded' },
  'not-passed': { zh: '未通过', en: 'not passed' },
  revoked: { zh: '撤销', en: 'revoked' },
  'over-cap': { zh: '超出名额', en: 'over the cap' },
  kept: { zh: '保持', en: 'kept' },
  undecided: { zh: '待定', en: 'undecided' },
};

/** A cohort change in words. */
export function changeWord(c: CohortChange, lang: Lang): string {
  return CHANGE[c][lang];
}
