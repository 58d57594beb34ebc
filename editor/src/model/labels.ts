// The words the editor shows for a rule set's parameters: labels with their {parameter} placeholders filled, enum options by name, descriptions from the rule set or the policy notes; pure.
import { fillParameters, type I18nText, type Parameter, type ParameterValue, type RuleSet } from '../../../engine/index.js';

/** The rule set's bilingual text in a language (the same rule as i18n's pick, kept here so this module stays free of the DOM). */
const pick = (text: I18nText | null | undefined, lang: string) => (!text ? '' : lang.startsWith('en') ? text.en : text.zh);

export { fillParameters };

/** The policy notes on one parameter (GET /api/policies/:id/parameter-notes). */
export interface ParameterNote {
  description: I18nText;
  source: string;
  options?: Record<string, I18nText>;
}

export interface ParameterWords {
  /** The name of an enum option: the rule set's, the policy notes', or the interpretation option that sets it; null when none has one. */
  optionLabel(p: Parameter, option: string): string | null;
  /** A value as a person reads it: an enum option's name, 是/否, — for none, numbers as they are. */
  display(p: Parameter, value?: ParameterValue): string;
  /** The parameter's description: the rule set's own, or the policy notes' with where it comes from. */
  description(p: Parameter): { text: string; from: 'ruleSet' | 'notes'; source?: string } | null;
  /** A label in the UI language with its {parameterId} placeholders filled as displayed values. */
  label(text: I18nText | null | undefined): string;
  /** A parameter's label by id (its id only when the rule set does not have it). */
  parameterLabel(id: string): string;
  /** The policy notes on a parameter, both languages (to adopt a description into a draft). */
  note(id: string): ParameterNote | null;
}

/** The interpretation option that sets `p` to `option`, named by its label up to the colon (整步：0.5 × … → 整步). */
function fromInterpretations(rs: RuleSet, p: Parameter, option: string, lang: string): string | null {
  for (const it of rs.interpretations)
    for (const o of it.options)
      if (Object.prototype.hasOwnProperty.call(o.sets, p.id) && o.sets[p.id] === option) {
        const text = pick(o.label, lang);
        return text.split(/[：:]/)[0].trim() || text;
      }
  return null;
}

/** The words for a rule set's parameters in one language; `notes` are the policy notes by parameter id (null while loading or when there are none). */
export function parameterWords(rs: RuleSet, notes: Record<string, ParameterNote> | null, lang: string, yesNo: { yes: string; no: string }): ParameterWords {
  const byId = new Map(rs.parameters.map((p) => [p.id, p]));
  const optionLabel = (p: Parameter, option: string) => {
    const own = p.optionLabels?.[option];
    if (own) return pick(own, lang);
    const noted = notes?.[p.id]?.options?.[option];
    if (noted) return pick(noted, lang);
    return fromInterpretations(rs, p, option, lang);
  };
  const display = (p: Parameter, value: ParameterValue = p.value) => {
    if (value === null) return '—';
    if (typeof value === 'boolean') return value ? yesNo.yes : yesNo.no;
    if (p.type === 'enum' && typeof value === 'string') return optionLabel(p, value) ?? value;
    return String(value);
  };
  const shown = rs.parameters.map((p) => ({ id: p.id, value: display(p) }));
  return {
    optionLabel,
    display,
    description: (p) => {
      if (p.description) return { text: pick(p.description, lang), from: 'ruleSet' };
      const n = notes?.[p.id];
      return n ? { text: pick(n.description, lang), from: 'notes', source: n.source } : null;
    },
    label: (text) => fillParameters(pick(text, lang), shown),
    note: (id) => notes?.[id] ?? null,
    parameterLabel: (id) => {
      const p = byId.get(id);
      return p ? pick(p.label, lang) : id;
    },
  };
}
