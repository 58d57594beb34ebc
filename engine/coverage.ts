// Clause coverage: which clause ids a rule set implements (cites) and which normative clauses it leaves out, with the reason.
import type { RuleSet } from './schema/ruleSet.js';

export interface ClauseScope {
  /** Normative clauses a complete rule set must implement. */
  normative: string[];
  /** Clauses deliberately not implemented, with the reason (e.g. procedural only). */
  notImplemented: Record<string, string>;
}

export interface ClauseCoverage {
  clauses: { id: string; citedBy: string[] }[];
  normative: { id: string; citedBy: string[]; implemented: boolean; reason?: string }[];
  missing: string[];
}

/** Every place a rule set cites each clause, and which normative clauses are left without an implementation. */
export function clauseCoverage(rs: RuleSet, clauseIds: string[], scope: ClauseScope): ClauseCoverage {
  const cited = new Map<string, Set<string>>(clauseIds.map((id) => [id, new Set()]));
  const note = (ids: string[], by: string) => ids.forEach((id) => (cited.get(id) ?? cited.set(id, new Set()).get(id)!).add(by));
  rs.parameters.forEach((p) => note(p.cites, `parameter:${p.id}`));
  rs.facts.forEach((f) => note(f.cites, `fact:${f.id}`));
  rs.derived.forEach((d) => note(d.cites, `derived:${d.id}`));
  rs.interpretations.forEach((i) => note(i.cites, i.id));
  for (const s of rs.stages) {
    note(s.cites, s.id);
    if (s.kind === 'checks' || s.kind === 'bonus') s.items.forEach((i) => note(i.cites, i.id));
    if (s.kind === 'score')
      s.items.forEach((i) => {
        note(i.cites, i.id);
        i.requirements.forEach((r) => note(r.cites, r.id));
      });
    if (s.kind === 'outcome') s.rules.forEach((r) => note(r.cites, r.id));
  }
  if (rs.cohort) {
    note(rs.cohort.cites, 'cohort');
    if (rs.cohort.cap) note(rs.cohort.cap.cites, 'cohort:cap');
    if (rs.cohort.promotion) note(rs.cohort.promotion.cites, 'cohort:promotion');
  }
  // A clause counts as implemented when a rule, a parameter, a fact or the cohort rules cite it, not only an interpretation note.
  const implementedBy = (id: string) => [...(cited.get(id) ?? [])].filter((b) => !b.startsWith('interp:'));
  const normative = scope.normative.map((id) => {
    const by = implementedBy(id);
    const reason = scope.notImplemented[id];
    return { id, citedBy: [...(cited.get(id) ?? [])], implemented: by.length > 0, ...(reason ? { reason } : {}) };
  });
  return {
    clauses: [...cited.entries()].map(([id, by]) => ({ id, citedBy: [...by] })),
    normative,
    missing: normative.filter((n) => !n.implemented && !n.reason).map((n) => n.id),
  };
}
