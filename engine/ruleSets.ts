// Checking, compiling and evaluating rule-set versions: the engine's main entry points; pure and isomorphic.
import { z } from 'zod';
import type { Issue } from './schema/common.js';
import { RuleSet } from './schema/ruleSet.js';
import type { Evaluation, FastResult } from './schema/evaluation.js';
import { compileCore, type CompiledRuleSetCore } from './core/compile.js';
import { prepareDossier, type PreparedDossier } from './core/dossier.js';
import { dossierHash } from './core/hash.js';
import { runJre } from './core/conditions.js';
import { prepareValues, runStages, type EvalContext } from './core/run.js';
import { buildFastPlan } from './core/fast.js';
import { semanticIssues } from './semantic.js';
import { migrate } from './migrate.js';

export const ENGINE_VERSION = '1.0.0';

export type { PreparedDossier };

export interface CompiledRuleSet {
  ruleSet: RuleSet;
  contentHash: string;
  /** The zod schema of a dossier under this rule set. */
  dossierSchema: z.ZodType;
  /** Checks a dossier and flattens its facts; every problem is an issue with its path. */
  checkDossier(input: unknown): { ok: true; dossier: PreparedDossier } | { ok: false; issues: Issue[] };
  /** The fully explained evaluation; conditions are run by json-rules-engine. */
  evaluate(input: unknown, opts?: { now?: string }): Promise<{ ok: true; evaluation: Evaluation } | { ok: false; issues: Issue[] }>;
  /** Outcome and scores only, with conditions compiled to closures. */
  evaluateFast(d: PreparedDossier): FastResult;
  /** @internal */
  core: CompiledRuleSetCore;
}

/** Turns zod issues into the engine's issues. */
export function zodIssues(e: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return e.issues.map((i) => {
    const path = [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))] as (string | number)[];
    const code = i.code === 'unrecognized_keys' ? 'unknown_field' : i.code === 'invalid_type' && (i as any).input === undefined ? 'missing_field' : i.code;
    const extra = i.code === 'unrecognized_keys' ? `: ${(i as any).keys.join(', ')}` : '';
    return { code, path, message: `${path.join('.') || '(root)'}: ${i.message}${extra}`, severity: 'error' as const };
  });
}

/** Schema and semantic checks of a rule-set document; `ruleSet` is null when the schema fails. Valid iff no issue is an error. */
export function checkRuleSet(doc: unknown, ctx: { clauseIds?: Iterable<string> | null } = {}): { ruleSet: RuleSet | null; issues: Issue[] } {
  const m = migrate(doc);
  if (!m.ok) return { ruleSet: null, issues: m.issues };
  const parsed = RuleSet.safeParse(m.doc);
  if (!parsed.success) return { ruleSet: null, issues: zodIssues(parsed.error) };
  const issues = semanticIssues(parsed.data, ctx.clauseIds ? new Set(ctx.clauseIds) : null);
  return { ruleSet: parsed.data, issues };
}

export function hasErrors(issues: Issue[]): boolean {
  return issues.some((i) => (i.severity ?? 'error') === 'error');
}

/** Compiles a rule set once for many evaluations; refuses one with semantic errors. */
export function compileRuleSet(doc: RuleSet | unknown, ctx: { clauseIds?: Iterable<string> | null } = {}): { ok: true; compiled: CompiledRuleSet } | { ok: false; issues: Issue[] } {
  const checked = checkRuleSet(doc, ctx);
  if (!checked.ruleSet || hasErrors(checked.issues)) return { ok: false, issues: checked.issues };
  const c = compileCore(checked.ruleSet);
  if (!c.ok) return { ok: false, issues: c.issues };
  const core = c.core;
  const rs = core.ruleSet;
  const interpretations = Object.fromEntries(rs.interpretations.map((i) => [i.id, i.chosen]));
  const plan = buildFastPlan(core);
  // Derived values of a checked dossier, computed once and kept for as long as the caller keeps the dossier.
  const contexts = new WeakMap<PreparedDossier, EvalContext>();
  const compiled: CompiledRuleSet = {
    ruleSet: rs,
    contentHash: core.contentHash,
    dossierSchema: core.schema,
    core,
    checkDossier(input) {
      const p = prepareDossier(rs, core.schema, input);
      if (p.ok) contexts.set(p.dossier, prepareValues(core, p.dossier));
      return p;
    },
    evaluateFast(d) {
      let ctxv = contexts.get(d);
      if (!ctxv) {
        ctxv = prepareValues(core, d);
        contexts.set(d, ctxv);
      }
      return (plan && plan(ctxv.values)) ?? runStages(core, d, ctxv, false).fast;
    },
    async evaluate(input, opts = {}) {
      const p = prepareDossier(rs, core.schema, input);
      if (!p.ok) return p;
      const ctxv = prepareValues(core, p.dossier);
      const jre = await runJre(core.jre(), core.factIds, ctxv.values);
      const out = runStages(core, p.dossier, ctxv, true, jre);
      const evaluation: Evaluation = {
        provenance: {
          ruleSetId: rs.id,
          version: rs.version,
          contentHash: core.contentHash,
          engineVersion: ENGINE_VERSION,
          dossierHash: dossierHash(p.dossier.dossier),
          evaluatedAt: opts.now ?? null,
          interpretations,
        },
        ...out.full!,
      };
      return { ok: true, evaluation };
    },
  };
  return { ok: true, compiled };
}

/** Evaluates one dossier under a rule-set version (compiled or not), fully explained. */
export async function evaluate(ruleSet: RuleSet | CompiledRuleSet, dossier: unknown, opts: { now?: string } = {}) {
  const compiled = 'core' in ruleSet ? ruleSet : compileRuleSet(ruleSet);
  if ('ok' in compiled && !compiled.ok) return compiled;
  const c = 'ok' in compiled ? compiled.compiled : compiled;
  return c.evaluate(dossier, opts);
}
