// Choosing interpretation options: a pure edit that records the choice and sets the parameters the option names.
import type { Issue } from './schema/common.js';
import type { RuleSet } from './schema/ruleSet.js';

/** Returns a new rule set with the given interpretation options chosen (`{interpretationId: optionId}`). */
export function applyInterpretations(ruleSet: RuleSet, choices: Record<string, string>): { ok: true; ruleSet: RuleSet } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  let parameters = ruleSet.parameters;
  const interpretations = ruleSet.interpretations.map((it) => ({ ...it }));
  for (const [id, optionId] of Object.entries(choices)) {
    const i = interpretations.findIndex((x) => x.id === id);
    if (i < 0) {
      issues.push({ code: 'unknown_interpretation', path: ['interpretations', id], message: `no interpretation "${id}" in ${ruleSet.id}@${ruleSet.version}` });
      continue;
    }
    const opt = interpretations[i].options.find((o) => o.id === optionId);
    if (!opt) {
      issues.push({ code: 'unknown_option', path: ['interpretations', id], message: `"${id}" has no option "${optionId}"; options: ${interpretations[i].options.map((o) => o.id).join(', ')}` });
      continue;
    }
    if (!opt.selectable) {
      issues.push({ code: 'option_not_selectable', path: ['interpretations', id], message: `option "${optionId}" of "${id}" is recorded for reference only` });
      continue;
    }
    interpretations[i].chosen = optionId;
    parameters = parameters.map((p) => (p.id in opt.sets ? { ...p, value: opt.sets[p.id] } : p));
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, ruleSet: { ...ruleSet, parameters, interpretations } };
}
