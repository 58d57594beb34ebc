// A small stand-in for the engine with the same API shape: revenue against `revenueThreshold` decides the outcome; for server tests that must not depend on scoring.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { RuleSet } from '../../engine/schema/ruleSet.js';
import { Dossier } from '../../engine/schema/dossier.js';
import type { EngineApi, CompiledRuleSetApi, Evaluation, Issue, FastResult } from '../../server/engine.js';

const hash = (v: unknown) => 'sha256:' + createHash('sha256').update(canonicalize(v) ?? '').digest('hex');

function fact(d: Dossier, id: string): unknown {
  let v: unknown = d.facts;
  for (const p of id.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
}

function compile(rs: RuleSet): CompiledRuleSetApi {
  const threshold = Number(rs.parameters.find((p) => p.id === 'revenueThreshold')?.value ?? 0);
  const contentHash = fakeEngine.ruleSetHash(rs);
  const checkDossier = (input: unknown) => {
    const p = Dossier.safeParse(input);
    if (!p.success) return { ok: false as const, issues: p.error.issues.map((i) => ({ code: 'schema', path: i.path as (string | number)[], message: i.message })) };
    const issues: Issue[] = [];
    for (const id of ['cityId', 'cityName', 'applicationType']) if (typeof fact(p.data, id) !== 'string') issues.push({ code: 'missing_required_fact', path: ['facts', id], message: `${id} (text) is required` });
    if (!Number.isInteger(fact(p.data, 'period'))) issues.push({ code: 'missing_required_fact', path: ['facts', 'period'], message: 'period (a year) is required' });
    return issues.length ? { ok: false as const, issues } : { ok: true as const, dossier: p.data };
  };
  const fast = (d: Dossier): FastResult => {
    const revenue = fact(d, 'softwareRevenue');
    if (typeof revenue !== 'number') return { status: 'undecided', passed: null, title: null, base: null, bonus: null, total: null, passMark: null, stages: {} };
    const passed = revenue >= threshold;
    return { status: passed ? 'passed' : 'failed', passed, title: passed ? String(fact(d, 'applicationType')) : 'none', base: revenue / 100, bonus: 0, total: revenue / 100, passMark: threshold / 100, stages: {} };
  };
  return {
    ruleSet: rs,
    contentHash,
    checkDossier,
    evaluateFast: fast,
    async evaluate(input, opts) {
      const c = checkDossier(input);
      if (!c.ok) return c;
      const f = fast(c.dossier);
      const score = { value: f.total, exact: f.total === null ? null : String(f.total), lo: f.total ?? 0, hi: f.total };
      const evaluation = {
        provenance: { ruleSetId: rs.id, version: rs.version, contentHash, engineVersion: fakeEngine.ENGINE_VERSION, dossierHash: fakeEngine.dossierHash(c.dossier), evaluatedAt: opts?.now ?? null, interpretations: {} },
        subject: { id: String(fact(c.dossier, 'cityId')), name: String(fact(c.dossier, 'cityName')), type: String(fact(c.dossier, 'applicationType')), period: Number(fact(c.dossier, 'period')) },
        outcome: {
          status: f.status,
          passed: f.passed,
          title: f.title ? { id: f.title, label: { zh: f.title, en: f.title }, rank: f.title === 'none' ? 0 : 1 } : null,
          stages: {},
          baseScore: score,
          bonus: score,
          total: score,
          passMark: f.passMark,
          indicative: true,
          ruleId: null,
        },
        stages: [],
        derived: [],
        improvementOpinions: [],
        gapToPass: null,
        missingFacts: [],
        warnings: [],
      } as Evaluation;
      return { ok: true, evaluation };
    },
  };
}

export const fakeEngine: EngineApi = {
  ENGINE_VERSION: 'fake-0',
  checkRuleSet(doc, ctx) {
    const p = RuleSet.safeParse(doc);
    if (!p.success) return { ruleSet: null, issues: p.error.issues.map((i) => ({ code: 'schema', path: i.path as (string | number)[], message: i.message, severity: 'error' as const })) };
    const known = new Set(ctx.clauseIds);
    const issues: Issue[] = [];
    p.data.parameters.forEach((param, i) =>
      param.cites.forEach((c, j) => {
        if (!known.has(c)) issues.push({ code: 'unknown_clause', path: ['parameters', i, 'cites', j], message: `No clause ${c}`, severity: 'error' });
      }),
    );
    return { ruleSet: p.data, issues };
  },
  compileRuleSet: (rs) => ({ ok: true, compiled: compile(rs) }),
  async evaluateCohort(compiled, dossiers, opts) {
    const members = [];
    for (const d of dossiers) {
      const out = await compiled.evaluate(d, opts);
      if (!out.ok) return out;
      const e = out.evaluation;
      members.push({ subjectId: e.subject.id, name: e.subject.name, type: e.subject.type, held: 'none', qualified: e.outcome.title?.id ?? null, result: e.outcome.title?.id ?? 'none', change: e.outcome.passed ? ('awarded' as const) : ('not-passed' as const), rank: null, total: e.outcome.total.value, metric: null, reasons: [] });
    }
    const titles: Record<string, string[]> = {};
    for (const m of members) (titles[m.result] ??= []).push(m.subjectId);
    return { ok: true, result: { period: 0, mode: opts?.mode ?? 'award', provenance: { ruleSetId: compiled.ruleSet.id, version: compiled.ruleSet.version, contentHash: compiled.contentHash, engineVersion: 'fake-0', evaluatedAt: opts?.now ?? null, interpretations: {} }, members, titles, evaluations: [] } };
  },
  ruleSetHash: (rs) => hash({ ...rs, status: undefined }),
  dossierHash: (d) => hash(d),
  diffRuleSets(a, b) {
    const changes = [];
    for (const p of b.parameters) {
      const old = a.parameters.find((x) => x.id === p.id);
      if (old && old.value !== p.value) changes.push({ kind: 'parameter.value', id: p.id, path: ['parameters', p.id, 'value'], before: old.value, after: p.value, text: { zh: `${p.id} 改变`, en: `${p.id} changed` } });
    }
    return changes;
  },
  applyInterpretations(rs, choices) {
    const issues: Issue[] = [];
    for (const [k, v] of Object.entries(choices)) {
      const interp = rs.interpretations.find((i) => i.id === k);
      if (!interp || !interp.options.some((o) => o.id === v)) issues.push({ code: 'unknown_interpretation', path: [k], message: `No option ${k}=${v}` });
    }
    return issues.length ? { ok: false, issues } : { ok: true, ruleSet: rs };
  },
  async runGoldenCases(compiled, cases) {
    const results = [];
    for (const c of cases) {
      if (c.kind !== 'single' || !('outcome' in c.expect)) {
        results.push({ id: c.id, ok: true, problems: [], actual: null });
        continue;
      }
      const out = await compiled.evaluate(c.dossier);
      const actual = out.ok ? { status: out.evaluation.outcome.status, title: out.evaluation.outcome.title?.id ?? null } : { rejected: { codes: out.issues.map((i) => i.code) } };
      const problems: string[] = [];
      if ('status' in actual && actual.status !== c.expect.outcome.status) problems.push(`status ${actual.status} ≠ ${c.expect.outcome.status}`);
      if ('title' in actual && c.expect.outcome.title !== undefined && actual.title !== c.expect.outcome.title) problems.push(`title ${actual.title} ≠ ${c.expect.outcome.title}`);
      if ('rejected' in actual) problems.push('rejected');
      results.push({ id: c.id, ok: problems.length === 0, problems, actual });
    }
    return { passed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
  },
  ruleSetJsonSchema: () => ({}),
};
