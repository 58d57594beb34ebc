// Compiles a rule-set version once: parameters resolved, expressions and conditions compiled, the dossier schema built; pure.
import type { Engine } from 'json-rules-engine';
import type { z } from 'zod';
import type { Issue } from '../schema/common.js';
import type { Condition } from '../schema/condition.js';
import type {
  BonusItem,
  DerivedFact,
  DossierCheck,
  FactDef,
  Formula,
  IndicatorItem,
  NumOrParamT,
  Outcome,
  ParameterValue,
  RuleSet,
  Stage,
} from './types.js';
import { buildDecider, buildJreEngine, compileCondition, leafSlots, type CompiledCondition, type Decider, type LeafSlots } from './conditions.js';
import { Dec, dec, type Dec as DecT } from './decimal.js';
import { compileExpr, type CompiledExpr } from './expr.js';
import { dossierSchema } from './dossier.js';
import { compileAccept, type Accept } from './accept.js';
import { buildFastPlan, type FastPlan } from './fast.js';
import { ruleSetHash } from './hash.js';
import { factLabeler, wordsFor, type Words } from './text.js';
import { compileExplainer, type ConditionExplainer } from './explain.js';

/** Why a check stage is evaluated for a subject it does not apply to. */
export type ShownFor = 'fallback' | 'precondition' | 'cohort';

export interface CompiledDossierCheck {
  def: DossierCheck;
  condition: CompiledCondition | null;
  applies: CompiledCondition | null;
}

export interface CompiledDerived {
  def: DerivedFact;
  fn: CompiledExpr;
  /** Facts and derived values the expression reads. */
  reads: string[];
}

export interface CompiledRuleSetCore {
  ruleSet: RuleSet;
  /** The stages with `{parameterId}` placeholders in labels replaced by the parameters' values, for explanations. */
  stages: Stage[];
  /** Those stages by id. */
  stageById: Map<string, Stage>;
  contentHash: string;
  params: Map<string, ParameterValue>;
  facts: Map<string, FactDef>;
  derived: CompiledDerived[];
  derivedById: Map<string, CompiledDerived>;
  outcomes: Map<string, Outcome>;
  conditions: Map<string, CompiledCondition>;
  /** Every fact and derived id, in the order json-rules-engine receives them. */
  factIds: string[];
  schema: z.ZodType;
  /** The fast accept path compiled from `schema` (zod parses whatever it does not accept). */
  accept: Accept;
  expressions: Map<string, CompiledExpr>;
  /** json-rules-engine with one rule per condition, named by its key. */
  jre(): Engine;
  /** json-rules-engine with every condition under one rule, as the explained path runs it (decideLeaves). */
  decider(): Decider;
  /** Where each condition's leaf results sit in what decideLeaves gives. */
  readonly leafSlots: LeafSlots;
  /** The compiled explanation (trace builder and words) of a condition, made when an explained evaluation first reads it. */
  explainer(key: string): ConditionExplainer;
  /** Labels, units and number formatting of the rule set. */
  words: Words;
  /** Check stages evaluated in full for every subject, with the reason (an enabled fallback rule, a bonus precondition, a cohort rule). */
  shownFor: Map<string, ShownFor>;
  dossierChecks: CompiledDossierCheck[];
  /** Stated facts and the derived values that recompute them in what-if calculations. */
  recomputed: Map<string, string>;
  /** The fast plan (scaled integers), built when first used; null when the rule set's precision needs decimals. */
  readonly plan: FastPlan | null;
  num(x: NumOrParamT): DecT;
  str(x: string | { param: string }): string;
  bool(x: boolean | { param: string }): boolean;
  numOrNull(x: NumOrParamT | null | undefined): DecT | null;
}

/** Topological order of derived facts; a cycle is reported, never looped on. */
export function orderDerived(defs: DerivedFact[], deps: Map<string, Set<string>>): { order: DerivedFact[]; cycle: string[] | null } {
  const byId = new Map(defs.map((d) => [d.id, d]));
  const state = new Map<string, 1 | 2>();
  const order: DerivedFact[] = [];
  let cycle: string[] | null = null;
  const visit = (id: string, stack: string[]) => {
    if (cycle) return;
    const s = state.get(id);
    if (s === 2) return;
    if (s === 1) {
      cycle = [...stack.slice(stack.indexOf(id)), id];
      return;
    }
    state.set(id, 1);
    for (const d of deps.get(id) ?? []) if (byId.has(d)) visit(d, [...stack, id]);
    state.set(id, 2);
    order.push(byId.get(id)!);
  };
  for (const d of defs) visit(d.id, []);
  return { order, cycle };
}

/** What a variant compiled from an already compiled rule set may take over unchanged (sweeps compile one variant per value). */
export interface CompileReuse {
  /** The dossier schema, when facts are unchanged. */
  schema?: z.ZodType;
  /** The accept path compiled from that schema. */
  accept?: Accept;
  /** A compiled rule set differing only in the values of the `changed` parameters: its expressions (which read parameters when run) and its conditions that name none of them are reused. */
  from?: CompiledRuleSetCore;
  changed?: ReadonlySet<string>;
}

/** Whether a condition tree compares with one of the parameters. */
function namesParam(c: Condition, ids: ReadonlySet<string>): boolean {
  if ('all' in c) return c.all.some((x) => namesParam(x, ids));
  if ('any' in c) return c.any.some((x) => namesParam(x, ids));
  if ('not' in c) return namesParam(c.not, ids);
  const v = c.value as unknown;
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'param' in v && ids.has((v as { param: string }).param);
}

/** Compiles a schema-valid rule set; problems that make it impossible to run are returned as issues. */
export function compileCore(ruleSet: RuleSet, reuse: CompileReuse = {}): { ok: true; core: CompiledRuleSetCore } | { ok: false; issues: Issue[] } {
  const from = reuse.from && reuse.changed ? reuse.from : null;
  const issues: Issue[] = [];
  const params = new Map<string, ParameterValue>(ruleSet.parameters.map((p) => [p.id, p.value]));
  const facts = new Map(ruleSet.facts.map((f) => [f.id, f]));
  const derivedIds = new Set(ruleSet.derived.map((d) => d.id));
  const tables = new Map(ruleSet.referenceData.map((t) => [t.id, t]));

  const param = (id: string): ParameterValue => {
    if (!params.has(id)) throw new UnknownParam(id);
    return params.get(id)!;
  };
  // Decimals are immutable: one per literal and per parameter, made when first read (explanations read them for every item).
  const literalDecs = new Map<number, DecT>();
  const paramDecs = new Map<string, DecT>();
  const num = (x: NumOrParamT): DecT => {
    if (typeof x === 'number') {
      let d = literalDecs.get(x);
      if (d === undefined) literalDecs.set(x, (d = dec(x)));
      return d;
    }
    const hit = paramDecs.get(x.param);
    if (hit !== undefined) return hit;
    const v = param(x.param);
    if (typeof v !== 'number') throw new UnknownParam(x.param, 'a number');
    const d = dec(v);
    paramDecs.set(x.param, d);
    return d;
  };
  const numOrNull = (x: NumOrParamT | null | undefined): DecT | null => {
    if (x === null || x === undefined) return null;
    if (typeof x === 'object' && param(x.param) === null) return null;
    return num(x);
  };
  const str = (x: string | { param: string }): string => {
    const v = typeof x === 'string' ? x : param(x.param);
    if (typeof v !== 'string') throw new UnknownParam(typeof x === 'string' ? x : x.param, 'text');
    return v;
  };
  const bool = (x: boolean | { param: string }): boolean => {
    const v = typeof x === 'boolean' ? x : param(x.param);
    if (typeof v !== 'boolean') throw new UnknownParam(typeof x === 'boolean' ? String(x) : x.param, 'true or false');
    return v;
  };

  const scope = {
    hasFact: (id: string) => facts.has(id) || derivedIds.has(id),
    hasParam: (id: string) => params.has(id),
    hasTable: (id: string, field?: string) => {
      const t = tables.get(id);
      return !!t && (field === undefined || t.fields.some((f) => f.id === field));
    },
  };

  const expressions = new Map<string, CompiledExpr>();
  const deps = new Map<string, Set<string>>();
  const compiledDerived = new Map<string, CompiledExpr>();
  ruleSet.derived.forEach((d, i) => {
    const known = from?.derivedById.get(d.id);
    if (known && known.def.expr === d.expr) {
      compiledDerived.set(d.id, known.fn);
      deps.set(d.id, new Set(known.reads));
      return;
    }
    const r = compileExpr(d.expr, scope);
    for (const e of r.issues) issues.push({ code: e.code, path: ['derived', i, 'expr'], message: `derived "${d.id}": ${e.message}` });
    if (r.fn) compiledDerived.set(d.id, r.fn);
    deps.set(d.id, r.facts);
  });
  const { order, cycle } = orderDerived(ruleSet.derived, deps);
  if (cycle) issues.push({ code: 'derived_cycle', path: ['derived'], message: `derived values depend on each other in a cycle: ${(cycle as string[]).join(' → ')}` });

  const conditions = new Map<string, CompiledCondition>();
  const addCond = (key: string, c: Condition | undefined, path: (string | number)[]) => {
    if (!c) return;
    const known = from?.conditions.get(key);
    if (known && known.source === c && !namesParam(c, reuse.changed!)) {
      conditions.set(key, known);
      return;
    }
    try {
      conditions.set(key, compileCondition(key, c, (id) => param(id)));
    } catch (e) {
      if (e instanceof UnknownParam) issues.push({ code: 'unknown_parameter', path, message: e.message });
      else throw e;
    }
  };

  ruleSet.stages.forEach((s: Stage, si) => {
    addCond(`${s.id}#applies`, s.appliesWhen, ['stages', si, 'appliesWhen']);
    if (s.kind === 'checks') {
      s.items.forEach((it, ii) => {
        addCond(it.id, it.condition, ['stages', si, 'items', ii, 'condition']);
        addCond(`${it.id}#applies`, it.appliesWhen, ['stages', si, 'items', ii, 'appliesWhen']);
      });
    } else if (s.kind === 'score') {
      s.items.forEach((ind: IndicatorItem, ii) =>
        ind.requirements.forEach((r, ri) => {
          addCond(r.id, r.condition, ['stages', si, 'items', ii, 'requirements', ri, 'condition']);
          addCond(`${r.id}#applies`, r.appliesWhen, ['stages', si, 'items', ii, 'requirements', ri, 'appliesWhen']);
        }),
      );
    } else if (s.kind === 'bonus') {
      s.items.forEach((b: BonusItem, bi) => {
        addCond(`${b.id}#applies`, b.appliesWhen, ['stages', si, 'items', bi, 'appliesWhen']);
        const f: Formula = b.formula;
        if (f.kind === 'threshold') addCond(b.id, f.condition, ['stages', si, 'items', bi, 'formula', 'condition']);
        if (f.kind === 'expression') {
          const known = from?.expressions.get(b.id);
          if (known && from!.ruleSet.stages[si] === s) {
            expressions.set(b.id, known);
            return;
          }
          const r = compileExpr(f.expr, scope);
          for (const e of r.issues) issues.push({ code: e.code, path: ['stages', si, 'items', bi, 'formula', 'expr'], message: `${b.id}: ${e.message}` });
          if (r.fn) expressions.set(b.id, r.fn);
        }
      });
    } else if (s.kind === 'outcome') {
      s.rules.forEach((r, ri) => addCond(`${r.id}#when`, r.when, ['stages', si, 'rules', ri, 'when']));
    }
  });

  // Dossier consistency checks are validations, run by the closures only (never part of the evaluated rules).
  const dossierChecks: CompiledDossierCheck[] = [];
  const dcConds = new Map<string, CompiledCondition>();
  (ruleSet.dossierChecks ?? []).forEach((dc, i) => {
    if (dc.kind !== 'condition') {
      dossierChecks.push({ def: dc, condition: null, applies: null });
      return;
    }
    const add = (key: string, c: Condition | undefined, path: (string | number)[]) => {
      if (!c) return;
      const known = from?.dossierChecks.find((x) => x.def === dc);
      const hit = known && (key === dc.id ? known.condition : known.applies);
      if (hit && !namesParam(c, reuse.changed!)) {
        dcConds.set(key, hit);
        return;
      }
      try {
        dcConds.set(key, compileCondition(key, c, (id) => param(id)));
      } catch (e) {
        if (e instanceof UnknownParam) issues.push({ code: 'unknown_parameter', path, message: e.message });
        else throw e;
      }
    };
    add(dc.id, dc.condition, ['dossierChecks', i, 'condition']);
    add(`${dc.id}#applies`, dc.appliesWhen, ['dossierChecks', i, 'appliesWhen']);
    dossierChecks.push({ def: dc, condition: dcConds.get(dc.id) ?? null, applies: dcConds.get(`${dc.id}#applies`) ?? null });
  });

  if (issues.length) return { ok: false, issues };

  const derived = order.map((def) => ({ def, fn: compiledDerived.get(def.id)!, reads: [...(deps.get(def.id) ?? [])] }));
  let engine: Engine | null = null;
  let decider: Decider | null = null;
  let slotsOf: LeafSlots | undefined;
  const explainers = new Map<string, ConditionExplainer>();
  let hash: string | null = null;
  // Labels may name a parameter ({revenueThreshold}) so that they follow its value in every version.
  const fill = (text: string) => fillParameters(text, ruleSet.parameters);
  const renderLabels = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(renderLabels);
    if (x === null || typeof x !== 'object') return x;
    const o = x as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'label' && v && typeof v === 'object' && 'zh' in v) {
        const l = v as { zh: string; en: string };
        out[k] = { zh: fill(l.zh), en: fill(l.en) };
      } else out[k] = renderLabels(v);
    }
    return out;
  };
  const labeler = factLabeler(facts, new Map(ruleSet.derived.map((x) => [x.id, { label: x.label, unit: x.unit }])));
  const shownFor = new Map<string, ShownFor>();
  const isOn = (x: boolean | { param: string }) => (typeof x === 'boolean' ? x : param(x.param) === true);
  for (const s of ruleSet.stages) {
    if (s.kind === 'outcome') for (const r of s.rules) if (r.fallback && isOn(r.enabled as boolean | { param: string })) for (const id of r.requires) shownFor.set(id, 'fallback');
  }
  for (const s of ruleSet.stages) {
    if (s.kind === 'bonus') for (const b of s.items) if (b.precondition && isOn(b.precondition.enabled)) for (const id of b.precondition.stages) if (!shownFor.has(id)) shownFor.set(id, 'precondition');
  }
  const co = ruleSet.cohort;
  const cohortStages = [
    ...(co?.promotion?.requires && isOn(co.promotion.requires.enabled) ? co.promotion.requires.stages : []),
    ...(co?.regrade && isOn(co.regrade.enabled) ? co.regrade.requires : []),
  ];
  for (const id of cohortStages) if (!shownFor.has(id)) shownFor.set(id, 'cohort');
  let stages: Stage[] | null = null;
  let stageById: Map<string, Stage> | null = null;
  let plan: FastPlan | null | undefined;
  const schema = reuse.schema ?? dossierSchema(ruleSet);
  const core: CompiledRuleSetCore = {
    ruleSet,
    // Rendered when an explanation first needs them; the fast path never does.
    get stages() {
      return (stages ??= renderLabels(ruleSet.stages) as Stage[]);
    },
    get stageById() {
      return (stageById ??= new Map(core.stages.map((x) => [x.id, x])));
    },
    words: wordsFor(ruleSet, labeler),
    shownFor,
    dossierChecks,
    recomputed: new Map(ruleSet.facts.filter((f) => f.recomputedBy).map((f) => [f.id, f.recomputedBy!])),
    // Hashing 80 kB of canonical JSON costs milliseconds; sweeps compile many variants and never read it.
    get contentHash() {
      return (hash ??= ruleSetHash(ruleSet));
    },
    get plan() {
      return plan === undefined ? (plan = buildFastPlan(core)) : plan;
    },
    params,
    facts,
    derived,
    derivedById: new Map(derived.map((d) => [d.def.id, d])),
    outcomes: new Map(ruleSet.outcomes.map((o) => [o.id, o])),
    conditions,
    factIds: [...facts.keys(), ...derivedIds],
    schema,
    accept: reuse.accept && reuse.schema === schema ? reuse.accept : compileAccept(schema),
    expressions,
    jre: () => (engine ??= buildJreEngine([...conditions.values()])),
    decider: () => (decider ??= buildDecider([...conditions.values()])),
    get leafSlots() {
      return (slotsOf ??= leafSlots([...conditions.values()]));
    },
    explainer(key) {
      let x = explainers.get(key);
      if (!x) explainers.set(key, (x = compileExplainer(conditions.get(key)!.source, (id) => params.get(id), core.words)));
      return x;
    },
    num,
    numOrNull,
    str,
    bool,
  };
  return { ok: true, core };
}

/** A parameter named in a label: `{revenueThreshold}`. */
export const LABEL_PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A label's {parameterId} placeholders filled with the parameters' values ('—' for none); unknown names stay visible. */
export function fillParameters(text: string, parameters: { id: string; value: unknown }[]): string {
  return text.replace(LABEL_PLACEHOLDER, (m, id: string) => {
    const p = parameters.find((x) => x.id === id);
    return p ? String(p.value ?? '—') : m;
  });
}

export class UnknownParam extends Error {
  constructor(
    readonly id: string,
    readonly expected?: string,
  ) {
    super(expected ? `parameter "${id}" must be ${expected}` : `unknown parameter "${id}"`);
  }
}

export { Dec };
