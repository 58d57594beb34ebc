// The accept path generated as source: the same decisions as accept.ts's closures, written out as one JavaScript
// function per schema node, with keys, bounds and enum members in the text, so checking a dossier costs a few
// property reads and comparisons per fact instead of a closure call per node. An accepted value is returned as given
// where zod would return an equal copy (building a copy of a 60-key object whose keys vary dossier by dossier costs
// more than all the checks), so the caller must not change a dossier after checking it. Nothing from the schema is pasted as
// code: keys are JSON string literals, numbers pass a finiteness check or go through the constants array K, and
// refinements and sets are called from K. Used where the platform allows generated code (CAN_GENERATE in accept.ts).
import type { z } from 'zod';
import { REJECT, defOf, factAt, numberChecks, putFact, type Accept, type Def } from './accept.js';
import type { FactDef } from '../schema/ruleSet.js';
import type { FactTree, Flatten } from './dossier.js';

/** A key as a JavaScript string literal (JSON's string syntax is a subset of JavaScript's). */
const lit = (k: string): string => JSON.stringify(k);

/**
 * Generates the accept function of a zod schema; a node kind it does not know rejects (zod then decides). A fact's
 * node (factOf) writes its accepted value to the fact map given as `accept(x, values, evidence)`, so the facts are read
 * once (the values of a dossier it then rejects are left partial: the caller starts again from zod's result).
 */
export function generateAccept(schema: z.ZodType): Accept {
  const fns: string[] = [];
  const K: unknown[] = [];
  const D: FactDef[] = [];
  const konst = (v: unknown): string => `K[${K.push(v) - 1}]`;
  /** A number in the text when it is an ordinary finite number, else through K. */
  const num = (v: number): string => (Number.isFinite(v) ? String(v) : konst(v));
  const cache = new Map<unknown, string>();

  /** The name of the generated function checking schema node `s`: `fN(x)` returns the parsed value or R. */
  function fn(s: unknown): string {
    const known = cache.get(s);
    if (known) return known;
    const i = fns.push('') - 1;
    const name = `f${i}`;
    cache.set(s, name);
    fns[i] = `function ${name}(x) {\n${body(defOf(s))}\n}`;
    return name;
  }

  function body(d: Def): string {
    switch (d.type) {
      case 'object':
        return object(d);
      case 'optional':
        // Absent keys are handled by the object; an explicit undefined is left to zod.
        return `return ${fn(d.innerType)}(x);`;
      case 'default':
        return `return x === undefined ? ${konst(d.defaultValue)} : ${fn(d.innerType)}(x);`;
      case 'union': {
        if (d.inclusive === false || d.discriminator !== undefined) return 'return R;';
        const options = (d.options as unknown[]).map(fn);
        return `let r;\n${options.map((o) => `if ((r = ${o}(x)) !== R) return r;`).join('\n')}\nreturn R;`;
      }
      case 'array': {
        if (d.checks?.length) return 'return R;';
        const el = fn(d.element);
        return `if (!Array.isArray(x)) return R;\nconst n = x.length;\nlet out = null;\nfor (let i = 0; i < n; i++) { const r = ${el}(x[i]); if (r === R) return R; if (r !== x[i] && out === null) out = x.slice(0, i); if (out !== null) out.push(r); }\nreturn out === null ? x : out;`;
      }
      case 'string':
      case 'number':
      case 'boolean':
      case 'enum': {
        const t = test(d, 'x');
        return t === null ? 'return R;' : `return ${t} ? x : R;`;
      }
      case 'literal':
        return `return ${konst(d.values)}.includes(x) ? x : R;`;
      case 'unknown':
        return 'return x === undefined ? R : x;';
      default:
        return 'return R;';
    }
  }

  /**
   * A strict object. The checks run over the keys the value has (for…in: reading a key the value may lack costs more
   * than visiting the keys it has); unknown keys, explicit undefined and an absent required key are refused. A key is
   * matched to its place in the shape by a cursor: keys mostly come in the shape's order (a dossier written from the rule
   * set, some facts left out), so the key is the one at the cursor or a few after it, and the check is chosen by its place
   * (a switch on a small integer, a jump table) rather than by comparing the key with every declared key in turn. When
   * every value comes back as given and no default fills a key, the object itself is the result (zod's parse would
   * give an equal copy); otherwise a copy is built in the shape's key order, as zod builds it.
   */
  function object(d: Def): string {
    if (d.checks?.length) return 'return R;';
    if (!d.catchall || defOf(d.catchall).type !== 'never') return 'return R;';
    const shape = d.shape as Record<string, unknown>;
    const keys = Object.keys(shape);
    const kind = keys.map((k) => defOf(shape[k]).type);
    const required = kind.filter((t) => t !== 'optional' && t !== 'default').length;
    const defaults = kind.filter((t) => t === 'default').length;
    const names = konst(keys);
    const lines = [
      `if (x === null || typeof x !== 'object' || getPrototypeOf(x) !== P) return R;`,
      ...(keys.length > SETTLE_ABOVE ? [`${lit(keys[0])} in x;`] : []),
      `const N = ${names};`,
      'let req = 0, def = 0, same = true, v, r, j = 0;',
      'for (const k in x) {',
      'v = x[k];',
      'if (v === undefined) return R;',
      `if (j >= ${keys.length} || N[j] !== k) { j = place(N, k, j); if (j < 0) return R; }`,
      'switch (j++) {',
    ];
    keys.forEach((k, i) => {
      const count = kind[i] === 'optional' ? '' : kind[i] === 'default' ? 'def++; ' : 'req++; ';
      const fact = factAt(shape[k]);
      // A fact's value goes to its place in the fact map (a named store); the wrapped form also carries its evidence.
      const store = fact
        ? ` if (V !== null) { if (r !== null && typeof r === 'object' && !isArray(r) && 'value' in r) put(D[${D.push(fact) - 1}], r, V, E); else V[${lit(fact.id)}] = r; }`
        : '';
      const general = `if ((r = ${fn(shape[k])}(v)) === R) return R; if (r !== v) same = false;${store}`;
      const q = kind[i] === 'default' ? null : quick(shape[k], 'v');
      lines.push(q === null ? `case ${i}: ${count}${general} break;` : `case ${i}: ${count}if (${q}) {${fact ? ` if (V !== null) V[${lit(fact.id)}] = v;` : ''} } else { ${general} } break;`);
    });
    lines.push('default: return R;', '}', '}', `if (req !== ${required}) return R;`, `if (same && def === ${defaults}) return x;`, 'const out = {};');
    keys.forEach((k, i) => {
      const f = fn(shape[k]);
      lines.push(`v = x[${lit(k)}];`, `if (v !== undefined) out[${lit(k)}] = ${f}(v);${kind[i] === 'default' ? ` else out[${lit(k)}] = ${f}(undefined);` : ''}`);
    });
    lines.push('return out;');
    return lines.join('\n');
  }

  /**
   * The check of a scalar node (string, number, boolean, enum) as one condition on the variable named `x`: true when
   * the node accepts the value, which it then returns as given; null for a node of another kind or with a check the
   * accept paths do not know (zod decides).
   */
  function test(d: Def, x: string): string | null {
    switch (d.type) {
      case 'string': {
        let min = 0;
        for (const c of d.checks ?? []) {
          const cd = defOf(c);
          if (cd.check === 'min_length') min = Math.max(min, cd.minimum);
          else return null;
        }
        return `typeof ${x} === 'string' && ${x}.length >= ${num(min)}`;
      }
      case 'number': {
        const n = numberChecks(d);
        if (!n) return null;
        const parts = [`typeof ${x} === 'number'`, `isFinite(${x})`];
        if (n.int) parts.push(`isSafeInteger(${x})`);
        if (n.lo !== -Infinity) parts.push(`${x} ${n.loIncl ? '>=' : '>'} ${num(n.lo)}`);
        if (n.hi !== Infinity) parts.push(`${x} ${n.hiIncl ? '<=' : '<'} ${num(n.hi)}`);
        for (const f of n.refinements) parts.push(`refined(${konst(f)}, ${x})`);
        return parts.join(' && ');
      }
      case 'boolean':
        return d.checks?.length ? null : `typeof ${x} === 'boolean'`;
      case 'enum': {
        if (d.checks?.length) return null;
        const allowed = Object.values(d.entries as Record<string, unknown>);
        if (!allowed.every((v) => typeof v === 'string')) return `typeof ${x} === 'string' && ${konst(new Set(allowed))}.has(${x})`;
        return `(${allowed.map((v) => `${x} === ${lit(v as string)}`).join(' || ')})`;
      }
      default:
        return null;
    }
  }

  /**
   * A condition under which node `s` accepts the value in variable `x` as given, or null: where it holds, the object
   * holding the value takes it without calling the node's function; where it does not, the function decides. A fact
   * written bare meets its union's first form (the scalar), so it costs a few comparisons in the object's own code.
   */
  function quick(s: unknown, x: string): string | null {
    const d = defOf(s);
    if (d.type === 'optional') return quick(d.innerType, x);
    if (d.type === 'union') return d.inclusive === false || d.discriminator !== undefined ? null : quick((d.options as unknown[])[0], x);
    return test(d, x);
  }

  const root = fn(schema);
  // V and E: the fact map and evidence of the call in progress (null when the caller gives none).
  const entry = `function accept(x, values, evidence) {\nV = values === undefined ? null : values;\nE = evidence === undefined ? null : evidence;\nconst r = ${root}(x);\nV = null;\nE = null;\nreturn r;\n}`;
  const source = `"use strict";\nlet V = null, E = null;\n${fns.join('\n')}\n${entry}\nreturn accept;`;
  const make = new Function('R', 'K', 'D', 'put', 'place', 'refined', 'P', 'getPrototypeOf', 'isArray', 'isFinite', 'isSafeInteger', source) as (...a: unknown[]) => Accept;
  return make(REJECT, K, D, putFact, place, refined, Object.prototype, Object.getPrototypeOf, Array.isArray, Number.isFinite, Number.isSafeInteger);
}

/*
 * An object of more than SETTLE_ABOVE declared keys is settled before its for…in: `"firstKey" in x` (the generated
 * code's first line after the type check). A for…in loop remembers whether every object it has visited came with its
 * keys and field positions cached on its hidden class; the first one that did not (an object whose hidden class was
 * retired: JSON.parse of many dossiers retires classes as a field seen as an integer turns out to hold fractions in a
 * later dossier) turns the loop generic for good, and each `x[k]` in it becomes a lookup. A property lookup moves such
 * an object to its current class first. Measured on the benchmark's dossiers: a loop over their facts objects took
 * 2.2 µs a dossier generic, 0.3 µs fast.
 */
/** Objects of up to this many declared keys are not settled: a lookup costs about what a generic loop over a few keys does. */
const SETTLE_ABOVE = 4;

/** Whether a refinement (a zod custom check) passes: a truthy result that is not a promise, as zod's parse requires. */
function refined(f: (x: unknown) => unknown, x: unknown): boolean {
  const ok = f(x);
  return !!ok && !(ok instanceof Promise);
}

/**
 * The place of key `k` among an object shape's keys `names`, searched from just after the cursor `j` (where the previous
 * key was found: keys mostly come in the shape's order), then from the start; -1 when it is not a declared key.
 */
function place(names: readonly string[], k: string, j: number): number {
  const n = names.length;
  for (let i = j + 1; i < n; i++) if (names[i] === k) return i;
  for (let i = 0; i < j && i < n; i++) if (names[i] === k) return i;
  return -1;
}

/**
 * The facts object walked by its own keys (for…in and a switch per level of dotted ids), as accept's generated code
 * does (generateAccept): reading every declared path costs more than visiting the keys a dossier has. Keys are JSON string literals;
 * the fact definitions are reached through the array D.
 */
export function generateFlatten(tree: FactTree, isDef: (x: FactTree | FactDef) => x is FactDef): Flatten {
  const D: FactDef[] = [];
  const fns: string[] = [];
  const level = (t: FactTree): string => {
    const i = fns.push('') - 1;
    const cases = Object.entries(t).map(([k, v]) =>
      isDef(v) ? `case ${lit(k)}: put(D[${D.push(v) - 1}], v, values, evidence); break;` : `case ${lit(k)}: if (v !== null && typeof v === 'object') ${level(v)}(v, values, evidence); break;`,
    );
    fns[i] = `function w${i}(x, values, evidence) {\nfor (const k in x) {\nconst v = x[k];\nif (v === undefined) continue;\nswitch (k) {\n${cases.join('\n')}\n}\n}\n}`;
    return `w${i}`;
  };
  const root = level(tree);
  return new Function('D', 'put', `"use strict";\n${fns.join('\n')}\nreturn ${root};`)(D, putFact) as Flatten;
}

/**
 * A constructor of fact maps holding every id as an own property (undefined until a value is put): all the fact maps
 * of a rule set share one hidden class, so copying one ({...values}) is a block copy and reading a fact is a fixed
 * offset, where a map grown key by key turns into a hash table past a few dozen keys (copying one cost 20 µs).
 * Ids are written as JSON string literals.
 */
export function generateShape(ids: string[]): new () => Record<string, unknown> {
  return new Function(`"use strict";\nreturn function FactValues() {\n${ids.map((id) => `this[${lit(id)}] = undefined;`).join('\n')}\n};`)();
}
