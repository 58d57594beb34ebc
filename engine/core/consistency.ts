// Runs a rule set's dossier consistency checks (duplicates in lists, figures that contradict each other, claims the reference data refutes); pure.
import type { I18nText, Issue } from '../schema/common.js';
import type { CompiledRuleSetCore } from './compile.js';
import type { PreparedDossier } from './dossier.js';
import type { EvalContext } from './run.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9.]*)\}/g;

/** Every issue the rule set's dossier checks raise: errors (the dossier cannot be true) and warnings (suspicious). */
export function consistencyIssues(core: CompiledRuleSetCore, d: PreparedDossier, ctx: EvalContext): Issue[] {
  const issues: Issue[] = [];
  const w = core.words;
  const shown = (id: string): string | null => {
    const v = ctx.values[id];
    if (typeof v === 'number') return w.num(v);
    if (typeof v === 'string' || typeof v === 'boolean') return w.value(v, id).zh;
    const p = core.params.get(id);
    if (typeof p === 'number') return w.num(p);
    return null;
  };
  const fill = (text: I18nText, extra: Record<string, string> = {}): I18nText => {
    const f = (s: string, lang: 'zh' | 'en') =>
      s.replace(PLACEHOLDER, (m, id: string) => {
        if (id in extra) return extra[id];
        const v = ctx.values[id];
        if (typeof v === 'boolean' || typeof v === 'string') return w.value(v, id)[lang];
        return shown(id) ?? m;
      });
    return { zh: f(text.zh, 'zh'), en: f(text.en, 'en') };
  };
  const factPath = (id: string): (string | number)[] => ['facts', ...id.split('.')];
  for (const { def, condition, applies } of core.dossierChecks) {
    const base = { code: def.code, severity: def.severity, cites: def.cites };
    if (def.kind === 'unique') {
      const list = d.values[def.list];
      if (!Array.isArray(list)) continue;
      const seen = new Map<string, number>();
      list.forEach((entry, i) => {
        const raw = (entry as Record<string, unknown>)[def.key];
        if (raw === undefined || raw === null) return;
        const key = typeof raw === 'string' ? raw.trim().normalize('NFKC').toLowerCase() : JSON.stringify(raw);
        if (seen.has(key)) {
          const text = fill(def.message, { value: String(raw), index: String(i + 1), first: String(seen.get(key)! + 1) });
          issues.push({ ...base, path: [...factPath(def.list), i, def.key], message: text.en, text });
        } else seen.set(key, i);
      });
      continue;
    }
    if (applies && applies.fast(ctx.values) !== true) continue;
    // A check that cannot be decided (a fact is missing) raises nothing: the missing fact is reported where it matters.
    if (condition && condition.fast(ctx.values) === false) {
      const text = fill(def.message);
      issues.push({ ...base, path: factPath(def.facts[0]), message: text.en, text });
    }
  }
  return issues;
}
