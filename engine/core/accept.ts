// A fast accept path compiled from a zod schema: closures that return what zod's parse returns for a value the schema
// accepts, and REJECT for anything else (the caller then runs zod itself, which words the issues). Zod stays the one
// source of the schema: this reads the schema's own definitions (shapes, checks, refinements) and compiles only the
// kinds a dossier schema is made of; any other kind compiles to "always ask zod". Pure.
import type { z } from 'zod';
import type { FactDef } from '../schema/ruleSet.js';
import { generateAccept } from './acceptCode.js';

/** Returned when the fast path does not accept a value: zod decides (and explains) instead. */
export const REJECT: unique symbol = Symbol('reject');
/**
 * `accept(x)` is zod's parse of x or REJECT. Compiled from a dossier schema, `accept(x, values, evidence)` also fills the fact
 * map and evidence with the facts it accepts (see registerFactNode); where a schema has no fact nodes they are left alone.
 */
export type Accept = (x: unknown, values?: Record<string, unknown>, evidence?: Record<string, unknown>) => unknown | typeof REJECT;

const reject: Accept = () => REJECT;

type FactMap = Record<string, unknown>;

/**
 * The schema nodes that check one fact each (the union of its bare and wrapped forms), registered by the dossier
 * schema (dossier.ts): an accept path writes a fact's value to the fact map it is given where it accepts the fact.
 */
const factNodes = new WeakMap<object, FactDef>();
export function registerFactNode(node: z.ZodType, fact: FactDef): void {
  factNodes.set(node, fact);
}
/** The fact a shape member checks (itself or, optional, its inner node). */
export function factAt(member: unknown): FactDef | undefined {
  const f = factNodes.get(member as object);
  if (f) return f;
  const d = defOf(member);
  return d.type === 'optional' ? factNodes.get(d.innerType) : undefined;
}

/** A fact's value into the fact map and, when it is written wrapped ({value, evidence, source, …}), the rest of the wrapper into evidence. */
export function putFact(f: FactDef, v: unknown, values: FactMap, evidence: FactMap) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v) {
    const { value, ...rest } = v as { value: unknown };
    values[f.id] = value;
    evidence[f.id] = rest;
  } else values[f.id] = v;
}
const PLAIN = Object.prototype;

/**
 * Whether this platform may compile generated source: in Node.js, yes; in a browser page the content security policy
 * forbids evaluating strings (and a refused attempt is reported on the console), so the closures serve there.
 */
export const CAN_GENERATE = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/**
 * Compiles a zod schema to an accept function; `accept(x)` equals `schema.parse(x)` whenever it is not REJECT. With
 * `generate` (the default where the platform allows it) the checks are generated as one JavaScript function per
 * schema node with every bound and key written in (acceptCode.ts); otherwise they are closures. Both give the same.
 */
export function compileAccept(schema: z.ZodType, opts: { generate?: boolean } = {}): Accept {
  if (opts.generate ?? CAN_GENERATE) return generateAccept(schema);
  return node(schema);
}

// Zod's definitions are read through `_zod.def`, the introspection surface zod 4 gives library authors.
export type Def = Record<string, any> & { type: string };
export const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

function node(s: unknown): Accept {
  const d = defOf(s);
  switch (d.type) {
    case 'object':
      return object(d);
    case 'optional': {
      // Absent keys are handled by the object; an explicit undefined is left to zod.
      return node(d.innerType);
    }
    case 'default': {
      const inner = node(d.innerType);
      return (x, values, evidence) => (x === undefined ? d.defaultValue : inner(x, values, evidence));
    }
    case 'union': {
      const options = (d.options as unknown[]).map(node);
      if (d.inclusive === false || d.discriminator !== undefined) return reject;
      if (options.length === 2) {
        // A fact's two forms, bare and wrapped: one call each, no loop.
        const [a, b] = options;
        return (x) => {
          const r = a(x);
          return r !== REJECT ? r : b(x);
        };
      }
      return (x) => {
        for (const o of options) {
          const r = o(x);
          if (r !== REJECT) return r;
        }
        return REJECT;
      };
    }
    case 'array': {
      if (d.checks?.length) return reject;
      const el = node(d.element);
      return (x) => {
        if (!Array.isArray(x)) return REJECT;
        const out = new Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const r = el(x[i]);
          if (r === REJECT) return REJECT;
          out[i] = r;
        }
        return out;
      };
    }
    case 'string':
      return string(d);
    case 'number':
      return number(d);
    case 'boolean':
      return d.checks?.length ? reject : (x) => (typeof x === 'boolean' ? x : REJECT);
    case 'enum': {
      const allowed = new Set(Object.values(d.entries as Record<string, unknown>));
      return d.checks?.length ? reject : (x) => (typeof x === 'string' && allowed.has(x) ? x : REJECT);
    }
    case 'literal': {
      const values = d.values as unknown[];
      return (x) => (values.includes(x) ? x : REJECT);
    }
    case 'unknown':
      return (x) => (x === undefined ? REJECT : x);
    default:
      return reject;
  }
}

/** A strict object (unknown keys refused), built in the shape's key order as zod builds it. */
function object(d: Def): Accept {
  if (d.checks?.length) return reject;
  if (!d.catchall || defOf(d.catchall).type !== 'never') return reject;
  const shape = d.shape as Record<string, unknown>;
  const keys = Object.keys(shape);
  const known = new Set(keys);
  const checks = keys.map((k) => node(shape[k]));
  const facts = keys.map((k) => factAt(shape[k]));
  // Absent keys: optional ones are left out, defaulted ones get their default, required ones are zod's to report.
  const absent = keys.map((k) => {
    const t = defOf(shape[k]).type;
    return t === 'optional' ? 'skip' : t === 'default' ? 'default' : 'required';
  });
  const n = keys.length;
  return (x, values, evidence) => {
    if (x === null || typeof x !== 'object' || Object.getPrototypeOf(x) !== PLAIN) return REJECT;
    const o = x as Record<string, unknown>;
    for (const k in o) if (!known.has(k) || o[k] === undefined) return REJECT;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const v = o[k];
      if (v === undefined) {
        if (absent[i] === 'skip') continue;
        if (absent[i] === 'required') return REJECT;
      }
      const fact = facts[i];
      // A fact's value goes to the fact map; the levels above a fact pass the map on.
      const r = fact ? checks[i](v) : checks[i](v, values, evidence);
      if (r === REJECT) return REJECT;
      out[k] = r;
      if (fact && values) putFact(fact, r, values, evidence!);
    }
    return out;
  };
}

function string(d: Def): Accept {
  let min = 0;
  for (const c of d.checks ?? []) {
    const cd = defOf(c);
    if (cd.check === 'min_length') min = Math.max(min, cd.minimum);
    else return reject;
  }
  return (x) => (typeof x === 'string' && x.length >= min ? x : REJECT);
}

/** A number schema's checks read as bounds and refinements; null when it has a check the accept paths do not know. */
export interface NumberChecks {
  int: boolean;
  lo: number;
  loIncl: boolean;
  hi: number;
  hiIncl: boolean;
  refinements: ((x: number) => unknown)[];
}
export function numberChecks(d: Def): NumberChecks | null {
  const n: NumberChecks = { int: false, lo: -Infinity, loIncl: true, hi: Infinity, hiIncl: true, refinements: [] };
  for (const c of d.checks ?? []) {
    const cd = defOf(c);
    if (cd.check === 'number_format' && cd.format === 'safeint') n.int = true;
    else if (cd.check === 'greater_than' && (cd.value > n.lo || (cd.value === n.lo && !cd.inclusive))) {
      n.lo = cd.value;
      n.loIncl = cd.inclusive;
    } else if (cd.check === 'less_than' && (cd.value < n.hi || (cd.value === n.hi && !cd.inclusive))) {
      n.hi = cd.value;
      n.hiIncl = cd.inclusive;
    } else if (cd.check === 'custom' && typeof cd.fn === 'function' && !cd.when) n.refinements.push(cd.fn);
    else if (cd.check !== 'greater_than' && cd.check !== 'less_than') return null;
  }
  return n;
}

function number(d: Def): Accept {
  const n = numberChecks(d);
  if (!n) return reject;
  const { int, lo, loIncl, hi, hiIncl, refinements } = n;
  return (x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) return REJECT;
    if (int && !Number.isSafeInteger(x)) return REJECT;
    if (loIncl ? x < lo : x <= lo) return REJECT;
    if (hiIncl ? x > hi : x >= hi) return REJECT;
    for (const f of refinements) {
      const r = f(x);
      if (!r || r instanceof Promise) return REJECT;
    }
    return x;
  };
}
