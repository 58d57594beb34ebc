// Pure helpers of the re-scoring page: the interpretation variants an analyst may flip, and column labels in words; tested without a DOM.
import type { I18nText, RuleSet } from '../../../../engine/index.js';

export interface Variant {
  interpretation: string;
  question: I18nText;
  option: string;
  label: I18nText;
  /** The label of the option the version has chosen, so a column says "from → to" in words. */
  chosenLabel: I18nText | null;
}

/** Every selectable alternative option that changes a parameter (the ones that can move a score). */
export function interpretationVariants(ruleSet: RuleSet): Variant[] {
  return ruleSet.interpretations.flatMap((it) =>
    it.options
      .filter((o) => o.id !== it.chosen && o.selectable && Object.keys(o.sets).length > 0)
      .map((o) => ({ interpretation: it.id, question: it.question, option: o.id, label: o.label, chosenLabel: it.options.find((x) => x.id === it.chosen)?.label ?? null })),
  );
}

const pickText = (t: I18nText, lang: string) => (lang.startsWith('en') ? t.en : t.zh);

/** A column label for a version with one interpretation flipped, in words: "sfc-2017@1：加分上限10分". Falls back to the ids when the rule set does not know them. */
export function variantLabel(ref: string, ruleSet: RuleSet | null, interpretation: string, option: string, lang: string): string {
  const it = ruleSet?.interpretations.find((x) => x.id === interpretation);
  const o = it?.options.find((x) => x.id === option);
  if (!o) return `${ref} ${interpretation.replace(/^interp:/, '')}=${option}`;
  return `${ref}${lang.startsWith('en') ? ': ' : '：'}${pickText(o.label, lang)}`;
}

/** An interpretation switch in words: "question: chosen option → new option". */
export function switchText(ruleSet: RuleSet | null, interpretation: string, option: string, lang: string): string {
  const it = ruleSet?.interpretations.find((x) => x.id === interpretation);
  const o = it?.options.find((x) => x.id === option);
  const chosen = it?.options.find((x) => x.id === it.chosen);
  if (!it || !o) return `${interpretation} → ${option}`;
  return `${pickText(it.question, lang)}${lang.startsWith('en') ? ': ' : '：'}${chosen ? pickText(chosen.label, lang) : ''} → ${pickText(o.label, lang)}`;
}
