// Clause coverage of sfc-2017 v1: every normative clause exists in the policy text and is implemented or left out with a reason.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clauseCoverage, compileRuleSet } from '../../engine/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8'));
const clauseIds: string[] = read('rules/policy/miit-sfc-2017/clauses.json').map((c: { id: string }) => c.id);
const scope: { normative: string[]; notImplemented: Record<string, string> } = read('rules/policy/miit-sfc-2017/scope.json');

describe('clause coverage of sfc-2017 v1', () => {
  it('leaves no normative clause unimplemented without a reason', () => {
    const c = compileRuleSet(read('rules/sfc-2017/v1.json'), { clauseIds });
    if (!c.ok) throw new Error(JSON.stringify(c.issues));
    expect(clauseCoverage(c.compiled.ruleSet, clauseIds, scope).missing).toEqual([]);
  });

  it('names only clauses that exist in clauses.json', () => {
    const known = new Set(clauseIds);
    expect(scope.normative.filter((id) => !known.has(id))).toEqual([]);
    expect(Object.keys(scope.notImplemented).filter((id) => !known.has(id))).toEqual([]);
  });
});
