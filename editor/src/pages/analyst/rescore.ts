// Pure helpers of the re-scoring page: the interpretation variants an analyst may flip, and column labels; tested without a DOM.
import type { I18nText, RuleSet } from '../../../../engine/index.js';

export interface Variant {
  interpretation: string;
  question: I18nText;
  option: string;
  label: I18nText;
}

/** Every selectable alternative option that changes a parameter (the ones that can move a score). */
export function interpretationVariants(ruleSet: RuleSet): Variant[] {
  return ruleSet.interpretations.flatMap((it) =>
    it.options
      .filter((o) => o.id !== it.chosen && o.selectable && Object.keys(o.sets).length > 0)
      .map((o) => ({ interpretation: it.id, question: it.question, option: o.id, label: o.label })),
  );
}

/** A short column label for a version with one interpretation flipped: "sfc-2017@1 bonus-cap=cap-10". */
export function variantLabel(ref: string, interpretation: string, option: string): string {
  return `${ref} ${interpretation.replace(/^interp:/, '')}=${option}`;
}
