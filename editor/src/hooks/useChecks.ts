// Checks the document as it changes (debounced): JSON syntax, schema and semantic issues, and the compiled rule set the live preview runs.
import { useEffect, useState } from 'react';
import { checkRuleSet, compileRuleSet, hasErrors, type CompiledRuleSet, type Issue, type RuleSet } from '../../../engine/index.js';

export interface Checks {
  issues: Issue[];
  /** The schema-valid rule set, or null while the schema fails. */
  ruleSet: RuleSet | null;
  /** Compiled once per change when there are no errors; the preview evaluates with it. */
  compiled: CompiledRuleSet | null;
  /** Milliseconds the last check and compile took. */
  ms: number;
}

const EMPTY: Checks = { issues: [], ruleSet: null, compiled: null, ms: 0 };

/** Runs checkRuleSet and compileRuleSet in the browser, `delay` ms after the last change. */
export function useChecks(value: unknown, syntaxError: { message: string } | null, clauseIds: string[] | null, delay = 150): Checks {
  const [checks, setChecks] = useState<Checks>(EMPTY);
  useEffect(() => {
    if (value === undefined && !syntaxError) return;
    const timer = setTimeout(() => {
      const t0 = performance.now();
      if (syntaxError) {
        setChecks({ issues: [{ code: 'json_syntax', path: [], message: syntaxError.message, severity: 'error' }], ruleSet: null, compiled: null, ms: performance.now() - t0 });
        return;
      }
      const checked = checkRuleSet(value, { clauseIds });
      const issues = [...checked.issues];
      let compiled: CompiledRuleSet | null = null;
      if (checked.ruleSet && !hasErrors(issues)) {
        const c = compileRuleSet(checked.ruleSet);
        if (c.ok) compiled = c.compiled;
        else issues.push(...c.issues);
      }
      setChecks({ issues, ruleSet: checked.ruleSet, compiled, ms: performance.now() - t0 });
    }, delay);
    return () => clearTimeout(timer);
  }, [value, syntaxError, clauseIds, delay]);
  return checks;
}
