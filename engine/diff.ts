// Semantic differences between two rule-set versions: parameters, interpretations, facts, items and formulas, each in words.
import type { I18nText } from './schema/common.js';
import type { RuleSet } from './schema/ruleSet.js';
import { canonicalJson } from './core/hash.js';

export interface RuleSetChange {
  kind: 'meta' | 'parameter' | 'interpretation' | 'fact' | 'derived' | 'stage' | 'check' | 'indicator' | 'requirement' | 'bonus' | 'outcomeRule' | 'reference' | 'cohort' | 'outcome';
  change: 'added' | 'removed' | 'changed';
  id: string;
  path: (string | number)[];
  field?: string;
  before?: unknown;
  after?: unknown;
  text: I18nText;
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? canonicalJson(v) : String(v));

/** The rule set's own fields in words, so a change says 基于 (based on) rather than basedOn. */
const META: Record<string, I18nText> = {
  id: { zh: '规则集编号', en: 'Rule-set id' },
  title: { zh: '标题', en: 'Title' },
  description: { zh: '说明', en: 'Description' },
  effectiveFrom: { zh: '生效日期', en: 'In force from' },
  effectiveTo: { zh: '失效日期', en: 'In force until' },
  policy: { zh: '政策依据', en: 'Policy' },
  numeric: { zh: '计算规则', en: 'Arithmetic' },
  subject: { zh: '评价对象', en: 'Subject' },
  basedOn: { zh: '基于', en: 'Based on' },
};
/** A version reference {id, version} as "sfc-2017@1"; none as "—". */
const ref = (v: unknown) => (v && typeof v === 'object' && 'id' in v && 'version' in v ? `${(v as { id: string }).id}@${(v as { version: number }).version}` : show(v));
/** An interpretation option by its label (the id only when the option is unknown). */
const optionLabel = (it: { options: { id: string; label: I18nText }[] }, id: string, lang: 'zh' | 'en') => it.options.find((o) => o.id === id)?.label[lang] ?? id;

/** Lists what changed from version `a` to version `b`, in domain terms. */
export function diffRuleSets(a: RuleSet, b: RuleSet): RuleSetChange[] {
  const out: RuleSetChange[] = [];
  const push = (c: Omit<RuleSetChange, 'text'> & { text?: I18nText }) => {
    const text =
      c.text ??
      (c.change === 'added'
        ? { zh: `新增 ${c.id}`, en: `added ${c.id}` }
        : c.change === 'removed'
          ? { zh: `删除 ${c.id}`, en: `removed ${c.id}` }
          : { zh: `${c.id}${c.field ? ` 的 ${c.field}` : ''}：${show(c.before)} → ${show(c.after)}`, en: `${c.id}${c.field ? ` ${c.field}` : ''}: ${show(c.before)} → ${show(c.after)}` });
    out.push({ ...c, text });
  };

  for (const k of ['id', 'title', 'description', 'effectiveFrom', 'effectiveTo', 'policy', 'numeric', 'subject', 'basedOn'] as const)
    if (!same(a[k], b[k])) {
      const word = META[k];
      const v = (x: unknown) => (k === 'basedOn' ? ref(x) : show(x));
      push({ kind: 'meta', change: 'changed', id: k, path: [k], before: a[k], after: b[k], text: { zh: `${word.zh}：${v(a[k])} → ${v(b[k])}`, en: `${word.en}: ${v(a[k])} → ${v(b[k])}` } });
    }

  byId(a.outcomes, b.outcomes, 'outcome', ['outcomes']);
  byId(a.parameters, b.parameters, 'parameter', ['parameters'], (x, y, path) => {
    if (!same(x.value, y.value))
      push({ kind: 'parameter', change: 'changed', id: x.id, path: [...path, 'value'], field: 'value', before: x.value, after: y.value, text: { zh: `参数 ${x.label.zh}（${x.id}）：${show(x.value)} → ${show(y.value)}${y.unit ? ' ' + y.unit : ''}`, en: `parameter ${x.label.en} (${x.id}): ${show(x.value)} → ${show(y.value)}${y.unit ? ' ' + y.unit : ''}` } });
    fields(x, y, ['unit', 'label', 'description', 'cites', 'min', 'max', 'options', 'type', 'nullable'], 'parameter', x.id, path);
  });
  byId(a.interpretations, b.interpretations, 'interpretation', ['interpretations'], (x, y, path) => {
    if (x.chosen !== y.chosen)
      push({ kind: 'interpretation', change: 'changed', id: x.id, path: [...path, 'chosen'], field: 'chosen', before: x.chosen, after: y.chosen, text: { zh: `解读 ${x.question.zh}：${optionLabel(x, x.chosen, 'zh')} → ${optionLabel(y, y.chosen, 'zh')}`, en: `interpretation ${x.question.en}: ${optionLabel(x, x.chosen, 'en')} → ${optionLabel(y, y.chosen, 'en')}` } });
    fields(x, y, ['question', 'cites', 'options', 'rationale'], 'interpretation', x.id, path);
  });
  byId(a.facts, b.facts, 'fact', ['facts'], (x, y, path) => fields(x, y, ['type', 'required', 'min', 'max', 'unit', 'values', 'discretionary', 'item', 'label', 'cites', 'help'], 'fact', x.id, path));
  byId(a.derived, b.derived, 'derived', ['derived'], (x, y, path) => fields(x, y, ['expr', 'unit', 'label', 'cites'], 'derived', x.id, path));
  byId(a.referenceData, b.referenceData, 'reference', ['referenceData'], (x, y, path) => fields(x, y, ['rows', 'fields', 'label'], 'reference', x.id, path));
  byId(a.stages, b.stages, 'stage', ['stages'], (x, y, path) => {
    fields(x, y, ['label', 'cites', 'appliesWhen', 'kind'], 'stage', x.id, path);
    if (x.kind === 'checks' && y.kind === 'checks')
      byId(x.items, y.items, 'check', [...path, 'items'], (i, j, p) => fields(i, j, ['condition', 'severity', 'appliesWhen', 'label', 'cites'], 'check', i.id, p));
    if (x.kind === 'score' && y.kind === 'score') {
      fields(x, y, ['base'], 'stage', x.id, path);
      byId(x.items, y.items, 'indicator', [...path, 'items'], (i, j, p) => {
        fields(i, j, ['max', 'scoreFact', 'label', 'cites'], 'indicator', i.id, p);
        byId(i.requirements, j.requirements, 'requirement', [...p, 'requirements'], (r, s, rp) => fields(r, s, ['condition', 'appliesWhen', 'label', 'cites'], 'requirement', r.id, rp));
      });
    }
    if (x.kind === 'bonus' && y.kind === 'bonus') {
      fields(x, y, ['cap'], 'stage', x.id, path);
      byId(x.items, y.items, 'bonus', [...path, 'items'], (i, j, p) => fields(i, j, ['formula', 'cap', 'appliesWhen', 'label', 'cites'], 'bonus', i.id, p));
    }
    if (x.kind === 'outcome' && y.kind === 'outcome')
      byId(x.rules, y.rules, 'outcomeRule', [...path, 'rules'], (i, j, p) => fields(i, j, ['minTotal', 'requires', 'when', 'enabled', 'outcome', 'fallback', 'label', 'cites'], 'outcomeRule', i.id, p));
  });
  if (!same(a.cohort, b.cohort)) push({ kind: 'cohort', change: 'changed', id: 'cohort', path: ['cohort'], before: a.cohort, after: b.cohort });
  return out;

  function fields<T extends object>(x: T, y: T, keys: string[], kind: RuleSetChange['kind'], id: string, path: (string | number)[]) {
    for (const k of keys) {
      const xv = (x as Record<string, unknown>)[k];
      const yv = (y as Record<string, unknown>)[k];
      if (!same(xv, yv)) push({ kind, change: 'changed', id, path: [...path, k], field: k, before: xv, after: yv });
    }
  }
  function byId<T extends { id: string }>(xs: T[], ys: T[], kind: RuleSetChange['kind'], path: (string | number)[], inner?: (x: T, y: T, p: (string | number)[]) => void) {
    const ym = new Map(ys.map((y, i) => [y.id, { y, i }]));
    const xm = new Set(xs.map((x) => x.id));
    xs.forEach((x, i) => {
      const hit = ym.get(x.id);
      if (!hit) push({ kind, change: 'removed', id: x.id, path: [...path, i], before: x });
      else if (inner && !same(x, hit.y)) inner(x, hit.y, [...path, hit.i]);
    });
    ys.forEach((y, i) => {
      if (!xm.has(y.id)) push({ kind, change: 'added', id: y.id, path: [...path, i], after: y });
    });
  }
}
