// Checking, compiling and evaluating rule-set versions: the engine's main entry points; pure and isomorphic.
import { z } from 'zod';
import type { Issue } from './schema/common.js';
import { RuleSet, type ParameterValue } from './schema/ruleSet.js';
import type { Evaluation, FastResult } from './schema/evaluation.js';
import { compileCore, type CompiledRuleSetCore } from './core/compile.js';
import { prepareDossier, type PreparedDossier } from './core/dossier.js';
import { dossierHash } from './core/hash.js';
import { decideLeaves } from './core/conditions.js';
import { prepareValues, runStages, type EvalContext } from './core/run.js';
import { consistencyIssues } from './core/consistency.js';
import { plain } from './core/plain.js';
import { parameterValueIssues, semanticIssues } from './semantic.js';
import { migrate } from './migrate.js';

export const ENGINE_VERSION = '1.2.0';

export type { PreparedDossier };

export interface CompiledRuleSet {
  ruleSet: RuleSet;
  contentHash: string;
  /** The zod schema of a dossier under this rule set. */
  dossierSchema: z.ZodType;
  /** Checks a dossier and flattens its facts; every problem is an issue with its path. Warnings (suspicious, not impossible) are returned with an accepted dossier. */
  checkDossier(input: unknown): { ok: true; dossier: PreparedDossier; warnings: Issue[] } | { ok: false; issues: Issue[] };
  /** The fully explained evaluation; conditions are run by json-rules-engine. */
  evaluate(input: unknown, opts?: { now?: string }): Promise<{ ok: true; evaluation: Evaluation } | { ok: false; issues: Issue[] }>;
  /** The fully explained evaluation of a dossier already checked by `checkDossier`. */
  evaluatePrepared(d: PreparedDossier, opts?: { now?: string }): Promise<Evaluation>;
  /** Outcome and scores only, with conditions compiled to closures. */
  evaluateFast(d: PreparedDossier): FastResult;
  /** The fast path reusing derived values computed under `origin` (a variant differing only in parameters that feed no derived value). */
  evaluateFastWith(d: PreparedDossier, origin: CompiledRuleSet): FastResult;
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
  return { ok: true, compiled: wrap(c.core) };
}

/** A variant of a compiled rule set with some parameter values replaced, without re-checking or rebuilding the dossier schema (for sweeps). */
export function withParameters(compiled: CompiledRuleSet, values: Record<string, ParameterValue>): { ok: true; compiled: CompiledRuleSet } | { ok: false; issues: Issue[] } {
  const rs = compiled.ruleSet;
  const parameters = rs.parameters.map((p) => (p.id in values ? { ...p, value: values[p.id] } : p));
  const issues: Issue[] = [];
  for (const [id, v] of Object.entries(values)) {
    const i = rs.parameters.findIndex((p) => p.id === id);
    if (i < 0) issues.push({ code: 'unknown_parameter', path: ['parameters', id], message: `unknown parameter "${id}"`, severity: 'error' });
    else issues.push(...parameterValueIssues(rs.parameters[i], v, i));
  }
  if (issues.length) return { ok: false, issues };
  const c = compileCore({ ...rs, parameters }, { schema: compiled.core.schema, accept: compiled.core.accept, from: compiled.core, changed: new Set(Object.keys(values)) });
  if (!c.ok) return { ok: false, issues: c.issues };
  return { ok: true, compiled: wrap(c.core) };
}

// Derived values of a checked dossier, computed once per compiled rule set and kept on the dossier as long as the caller
// keeps it: under a non-enumerable symbol, so it never shows in JSON and a copy ({...d, values}) does not carry it, and
// not in a WeakMap, whose entries every minor garbage collection visits (a batch holding thousands of checked dossiers
// made checking twice as slow).
const CONTEXT = Symbol('derived values');
type WithContext = PreparedDossier & { [CONTEXT]?: { core: CompiledRuleSetCore; ctx: EvalContext } };
function contextFor(core: CompiledRuleSetCore, d: PreparedDossier): EvalContext {
  const c = (d as WithContext)[CONTEXT];
  if (c && c.core === core) return c.ctx;
  const ctx = prepareValues(core, d);
  Object.defineProperty(d, CONTEXT, { value: new Kept(core, ctx), writable: true, configurable: true, enumerable: false });
  return ctx;
}

/** The fact values (derived values included) of a checked dossier under a compiled rule set, as its conditions read them. */
export function factValues(compiled: CompiledRuleSet, d: PreparedDossier): Readonly<Record<string, unknown>> {
  return contextFor(compiled.core, d).values;
}

// Made by constructor calls, not literals, as a checked dossier's other objects are (plain.ts says why).
const Kept = plain(function (this: { core: CompiledRuleSetCore; ctx: EvalContext }, core: CompiledRuleSetCore, ctx: EvalContext) {
  this.core = core;
  this.ctx = ctx;
});
const Checked = plain(function (this: { ok: true; dossier: PreparedDossier; warnings: Issue[] }, dossier: PreparedDossier, warnings: Issue[]) {
  this.ok = true;
  this.dossier = dossier;
  this.warnings = warnings;
});

function wrap(core: CompiledRuleSetCore): CompiledRuleSet {
  const rs = core.ruleSet;
  const interpretations = Object.fromEntries(rs.interpretations.map((i) => [i.id, i.chosen]));
  const plan = core.plan;
  // Types and ranges first (the zod schema), then the rule set's consistency checks: errors refuse the dossier, warnings travel with it.
  const check = (input: unknown): { ok: true; dossier: PreparedDossier; warnings: Issue[] } | { ok: false; issues: Issue[] } => {
    const p = prepareDossier(rs, core.schema, input, core.accept);
    if (!p.ok) return p;
    const ctx = contextFor(core, p.dossier);
    if (!core.dossierChecks.length) return new Checked(p.dossier, []);
    const found = consistencyIssues(core, p.dossier, ctx);
    if (found.some((i) => i.severity === 'error')) return { ok: false, issues: found };
    if (found.length) p.dossier.warnings = found;
    return new Checked(p.dossier, found);
  };
  const compiled: CompiledRuleSet = {
    ruleSet: rs,
    get contentHash() {
      return core.contentHash;
    },
    dossierSchema: core.schema,
    core,
    checkDossier(input) {
      return check(input);
    },
    evaluateFast(d) {
      const ctxv = contextFor(core, d);
      return (plan && plan(ctxv.values)) ?? runStages(core, d, ctxv, false).fast;
    },
    evaluateFastWith(d, origin) {
      const ctxv = contextFor(origin.core, d);
      return (plan && plan(ctxv.values)) ?? runStages(core, d, ctxv, false).fast;
    },
    async evaluate(input, opts = {}) {
      const p = check(input);
      if (!p.ok) return p;
      return { ok: true, evaluation: await compiled.evaluatePrepared(p.dossier, opts) };
    },
    async evaluatePrepared(d, opts = {}) {
      const ctxv = contextFor(core, d);
      const leaves = await decideLeaves(core.decider(), ctxv.values, core.leafSlots);
      const out = runStages(core, d, ctxv, true, leaves);
      const evaluation: Evaluation = {
        provenance: {
          ruleSetId: rs.id,
          version: rs.version,
          contentHash: core.contentHash,
          engineVersion: ENGINE_VERSION,
          dossierHash: dossierHash(d.dossier),
          evaluatedAt: opts.now ?? null,
          interpretations,
        },
        ...out.full!,
      };
      return evaluation;
    },
  };
  return compiled;
}

/** Evaluates one dossier under a rule-set version (compiled or not), fully explained. */
export async function evaluate(ruleSet: RuleSet | CompiledRuleSet, dossier: unknown, opts: { now?: string } = {}) {
  const compiled = 'core' in ruleSet ? ruleSet : compileRuleSet(ruleSet);
  if ('ok' in compiled && !compiled.ok) return compiled;
  const c = 'ok' in compiled ? compiled.compiled : compiled;
  return c.evaluate(dossier, opts);
}
