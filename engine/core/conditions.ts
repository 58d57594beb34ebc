// Conditions in json-rules-engine format: compiled once to closures for the fast path, run by json-rules-engine for the explained path; both three-valued.
import { Engine, Fact } from 'json-rules-engine';
import type { Condition, ConditionValue, LeafCondition } from '../schema/condition.js';
import { isLeaf } from '../schema/condition.js';
import type { ConditionTrace } from '../schema/evaluation.js';

/** Fact values of one evaluation: raw dossier values and derived numbers; a missing fact is absent (undefined). */
export type Values = Record<string, unknown>;

export type Tri = boolean | null;

export interface CompiledCondition {
  key: string;
  source: Condition;
  /** The condition in json-rules-engine's own format, parameters resolved to literals. */
  jre: Record<string, unknown>;
  fast: (v: Values) => Tri;
  facts: string[];
  /** `jre` as JSON text: equal texts are the same requirement (made when first read). */
  readonly jreKey: string;
}

type ParamLookup = (id: string) => unknown;


// Same semantics as json-rules-engine's default operators, so both paths agree on every present value.
function numberLike(a: unknown): boolean {
  // For a number, parseFloat(String(a)) is a itself: only NaN fails (and no number-to-text conversion is paid on the fast path).
  if (typeof a === 'number') return a === a;
  return Number.parseFloat(a as string).toString() !== 'NaN';
}
const OPS: Record<string, (a: any, b: any) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => Array.isArray(b) && b.indexOf(a) > -1,
  notIn: (a, b) => Array.isArray(b) && b.indexOf(a) === -1,
  lessThan: (a, b) => numberLike(a) && a < b,
  lessThanInclusive: (a, b) => numberLike(a) && a <= b,
  greaterThan: (a, b) => numberLike(a) && a > b,
  greaterThanInclusive: (a, b) => numberLike(a) && a >= b,
};

/** A leaf against a literal with its operator written out, so each call site sees one comparison (a shared `op(a, b)` call is not inlined). */
function leafAgainst(fact: string, operator: string, lit: unknown): ((v: Values) => Tri) | null {
  switch (operator) {
    case 'equal':
      return (v) => {
        const a = v[fact];
        return a === undefined ? null : a === lit;
      };
    case 'notEqual':
      return (v) => {
        const a = v[fact];
        return a === undefined ? null : a !== lit;
      };
    case 'lessThan':
      return (v) => {
        const a = v[fact] as number;
        return a === undefined ? null : typeof a === 'number' ? a < (lit as number) : numberLike(a) && a < (lit as number);
      };
    case 'lessThanInclusive':
      return (v) => {
        const a = v[fact] as number;
        return a === undefined ? null : typeof a === 'number' ? a <= (lit as number) : numberLike(a) && a <= (lit as number);
      };
    case 'greaterThan':
      return (v) => {
        const a = v[fact] as number;
        return a === undefined ? null : typeof a === 'number' ? a > (lit as number) : numberLike(a) && a > (lit as number);
      };
    case 'greaterThanInclusive':
      return (v) => {
        const a = v[fact] as number;
        return a === undefined ? null : typeof a === 'number' ? a >= (lit as number) : numberLike(a) && a >= (lit as number);
      };
    default:
      return null;
  }
}

function resolveValue(v: ConditionValue, param: ParamLookup): { literal?: unknown; fact?: string } {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if ('fact' in v) return { fact: v.fact };
    if ('param' in v) return { literal: param(v.param) };
  }
  return { literal: v };
}

/** Compiles a condition tree: a closure with Kleene three-valued logic, and json-rules-engine's JSON. */
export function compileCondition(key: string, c: Condition, param: ParamLookup): CompiledCondition {
  const facts = new Set<string>();
  function jre(n: Condition): Record<string, unknown> {
    if (isLeaf(n)) {
      const r = resolveValue(n.value, param);
      return { fact: n.fact, operator: n.operator, value: r.fact !== undefined ? { fact: r.fact } : r.literal };
    }
    if ('all' in n) return { all: n.all.map(jre) };
    if ('any' in n) return { any: n.any.map(jre) };
    return { not: jre(n.not) };
  }
  function fast(n: Condition): (v: Values) => Tri {
    if (isLeaf(n)) {
      facts.add(n.fact);
      const fact = n.fact;
      const op = OPS[n.operator];
      const r = resolveValue(n.value, param);
      if (r.fact !== undefined) {
        const other = r.fact;
        facts.add(other);
        return (v) => {
          const a = v[fact];
          const b = v[other];
          if (a === undefined || b === undefined) return null;
          return op(a, b);
        };
      }
      return leafAgainst(fact, n.operator, r.literal) ?? ((v) => {
        const a = v[fact];
        return a === undefined ? null : op(a, r.literal);
      });
    }
    if ('all' in n) {
      const subs = n.all.map(fast);
      return (v) => {
        let unknown = false;
        for (const s of subs) {
          const r = s(v);
          if (r === false) return false;
          if (r === null) unknown = true;
        }
        return unknown ? null : true;
      };
    }
    if ('any' in n) {
      const subs = n.any.map(fast);
      return (v) => {
        let unknown = false;
        for (const s of subs) {
          const r = s(v);
          if (r === true) return true;
          if (r === null) unknown = true;
        }
        return unknown ? null : false;
      };
    }
    const sub = fast(n.not);
    return (v) => {
      const r = sub(v);
      return r === null ? null : !r;
    };
  }
  const root = jre(c);
  const wrapped = isLeaf(c) ? { all: [root] } : root;
  let jreKey: string | undefined;
  return {
    key,
    source: c,
    jre: wrapped,
    fast: fast(c),
    facts: [...facts],
    get jreKey() {
      return (jreKey ??= JSON.stringify(wrapped));
    },
  };
}

/** Builds one json-rules-engine Engine holding every condition of a rule set, one rule each. */
export function buildJreEngine(conds: CompiledCondition[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, replaceFactsInEventParams: false });
  for (const c of conds) {
    engine.addRule({ name: c.key, conditions: c.jre as any, event: { type: c.key } });
  }
  return engine;
}

/** Runs json-rules-engine once over all conditions; missing facts are given as null and refolded to "undecided". */
export async function runJre(engine: Engine, factIds: string[], values: Values): Promise<Map<string, { conditions: any; result: boolean }>> {
  // A copy of the fact map keeps its shape (every fact and derived value has its place where the platform allows: dossier.ts), then missing ones become null.
  const facts: Record<string, unknown> = { ...values };
  for (const id of factIds) if (facts[id] === undefined) facts[id] = null;
  const out = await engine.run(facts);
  // A rule result has the rule's name, its result and its condition tree with each leaf's result.
  const byKey = new Map<string, { conditions: any; result: boolean }>();
  for (const r of out.results) byKey.set((r as any).name, r as any);
  for (const r of out.failureResults) byKey.set((r as any).name, r as any);
  return byKey;
}

/**
 * Where each condition's leaves sit in a run's leaf results: a slot per leaf, depth first, in the tree json-rules-engine
 * runs (buildDecider). Conditions with the same tree (the same requirement read by several items, as their jreKey says)
 * share their slots: it is decided once. Fixed per compiled rule set.
 */
export interface LeafSlots {
  at: Map<string, number>;
  size: number;
}
export function leafSlots(conds: CompiledCondition[]): LeafSlots {
  const byTree = new Map<string, number>();
  let size = 0;
  for (const c of distinctTrees(conds)) {
    byTree.set(c.jreKey, size);
    size += leafCount(c.jre);
  }
  return { at: new Map(conds.map((c) => [c.key, byTree.get(c.jreKey)!])), size };
}

/**
 * The conditions json-rules-engine is given, once per distinct tree, in slot order (a lone leaf is given as itself: the
 * `all` a rule of its own needs around it would be one more node to copy and run, with the same leaf result).
 */
function distinctTrees(conds: Iterable<CompiledCondition>): CompiledCondition[] {
  const seen = new Set<string>();
  const trees: CompiledCondition[] = [];
  for (const c of conds) {
    if (seen.has(c.jreKey)) continue;
    seen.add(c.jreKey);
    trees.push(c);
  }
  return trees;
}

/** The children of a condition tree's node (json-rules-engine's form or its result tree); undefined for a leaf. */
const kidsOf = (n: any): any[] | undefined => n.all ?? n.any ?? (n.not ? [n.not] : undefined);

/** The leaves of a condition tree. */
function leafCount(n: any): number {
  const kids = kidsOf(n);
  if (!kids) return 1;
  let k = 0;
  for (const x of kids) k += leafCount(x);
  return k;
}

/** Writes the leaf results of one json-rules-engine result tree from slot `i` on (1 held, 0 did not or was not run); gives the next slot. */
function writeLeaves(j: any, bits: Uint8Array, i: number): number {
  const kids = kidsOf(j);
  if (!kids) {
    bits[i] = j.result ? 1 : 0;
    return i + 1;
  }
  for (const x of kids) i = writeLeaves(x, bits, i);
  return i;
}

/** One result tree's leaf results on their own (slot 0 on), as the explainers read them. */
export function leafResultsOf(tree: any): Uint8Array {
  const bits = new Uint8Array(leafCount(tree));
  writeLeaves(tree, bits, 0);
  return bits;
}

/**
 * The engine the explained path runs: one rule whose conditions are every distinct condition tree, in slot order, under
 * one `all`. json-rules-engine runs every child of an `all` whose children share a priority (they all do: no fact or
 * condition sets one), so each leaf is decided as in a rule of its own (test/engine/explain.test.ts and the bench hold
 * the two alike); the per-rule work of a run (a result object, a deep copy of the rule's conditions, two events) is
 * done once, and a requirement several items read is decided once.
 */
const ALL_CONDITIONS = 'all-conditions';
export interface Decider {
  engine: Engine;
  /** The facts and derived values the conditions read: all json-rules-engine is given. */
  facts: string[];
}
export function buildDecider(conds: CompiledCondition[]): Decider {
  const engine = new Engine([], { allowUndefinedFacts: false, replaceFactsInEventParams: false });
  const trees = distinctTrees(conds);
  engine.addRule({ name: ALL_CONDITIONS, conditions: { all: trees.map((c) => (isLeaf(c.source) ? (c.jre.all as Record<string, unknown>[])[0] : c.jre)) } as any, event: { type: ALL_CONDITIONS } });
  return { engine, facts: [...new Set(trees.flatMap((c) => c.facts))] };
}

/** Every fact is a constant of its run: json-rules-engine need not hash it into its cache of computed facts. */
const CONSTANT = { cache: false };

/**
 * Runs json-rules-engine once over all conditions (the one rule of buildDecider) and keeps only what an explanation
 * reads of it: each leaf's result, at the condition's slots. Its result tree is let go as soon as the run ends, so it
 * is not carried, and copied by the garbage collector, through the rest of the evaluation.
 */
export async function decideLeaves(decider: Decider, values: Values, slots: LeafSlots): Promise<Uint8Array> {
  const facts: Record<string, Fact> = {};
  for (const id of decider.facts) {
    const v = values[id];
    facts[id] = new Fact(id, v === undefined ? null : v, CONSTANT);
  }
  const out = await decider.engine.run(facts);
  const bits = new Uint8Array(slots.size);
  const r = (out.results[0] ?? out.failureResults[0]) as any;
  if (writeLeaves(r.conditions, bits, 0) !== slots.size) throw new Error('json-rules-engine gave a result tree unlike the conditions it was given');
  return bits;
}

/** Folds json-rules-engine's per-leaf results into a three-valued trace, marking leaves whose facts are missing. */
export function traceFromJre(
  source: Condition,
  jreTree: any,
  values: Values,
  missingOf: (fact: string) => string[],
  param: ParamLookup,
): ConditionTrace {
  const src = isLeaf(source) ? { all: [source] } : source;
  const t = fold(src, jreTree);
  return isLeaf(source) ? t.children![0] : t;

  function fold(n: Condition, j: any): ConditionTrace {
    if (isLeaf(n)) return leaf(n, j);
    if ('all' in n) {
      const children = n.all.map((c, i) => fold(c, j.all[i]));
      const result = children.some((c) => c.result === false) ? false : children.some((c) => c.result === null) ? null : true;
      return { op: 'all', result, children, ...(n.label ? { label: n.label } : {}) };
    }
    if ('any' in n) {
      const children = n.any.map((c, i) => fold(c, j.any[i]));
      const result = children.some((c) => c.result === true) ? true : children.some((c) => c.result === null) ? null : false;
      return { op: 'any', result, children, ...(n.label ? { label: n.label } : {}) };
    }
    const child = fold(n.not, j.not);
    return { op: 'not', result: child.result === null ? null : !child.result, children: [child] };
  }

  function leaf(n: LeafCondition, j: any): ConditionTrace {
    const r = resolveValue(n.value, param);
    const missing: string[] = [];
    if (values[n.fact] === undefined) missing.push(...missingOf(n.fact));
    if (r.fact !== undefined && values[r.fact] === undefined) missing.push(...missingOf(r.fact));
    const compareTo =
      r.fact !== undefined
        ? { value: values[r.fact] ?? null, source: 'fact' as const, ref: r.fact }
        : typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value) && 'param' in n.value
          ? { value: r.literal, source: 'param' as const, ref: n.value.param }
          : { value: r.literal, source: 'literal' as const };
    const decided = missing.length === 0 && values[n.fact] !== undefined && (r.fact === undefined || values[r.fact] !== undefined);
    return {
      op: 'leaf',
      result: decided ? Boolean(j?.result) : null,
      fact: n.fact,
      operator: n.operator,
      factValue: values[n.fact] ?? null,
      compareTo,
      ...(missing.length ? { missing: [...new Set(missing)] } : {}),
      ...(n.label ? { label: n.label } : {}),
    };
  }
}
