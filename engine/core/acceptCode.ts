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
      case 'string': {
        let min = 0;
        for (const c of d.checks ?? []) {
          const cd = defOf(c);
          if (cd.check === 'min_length') min = Math.max(min, cd.minimum);
          else return 'return R;';
        }
        return `return typeof x === 'string' && x.length >= ${num(min)} ? x : R;`;
      }
      case 'number':
        return number(d);
      case 'boolean':
        return d.checks?.length ? 'return R;' : `return typeof x === 'boolean' ? x : R;`;
      case 'enum': {
        if (d.checks?.length) return 'return R;';
        const allowed = Object.values(d.entries as Record<string, unknown>);
        if (!allowed.every((v) => typeof v === 'string')) return `return typeof x === 'string' && ${konst(new Set(allowed))}.has(x) ? x : R;`;
        return `switch (x) {\n${allowed.map((v) => `case ${lit(v as string)}:`).join('\n')}\nreturn x;\n}\nreturn R;`;
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
   * A strict object. The checks run over the keys the value has (for…in, then a switch on the key: reading a key the
   * value may lack costs more than visiting the keys it has); unknown keys, explicit undefined and an absent required
   * key are refused. When every value comes back as given and no default fills a key, the object itself is the result
   * (zod's parse would give an equal copy); otherwise a copy is built in the shape's key order, as zod builds it.
   */
  function object(d: Def): string {
    if (d.checks?.length) return 'return R;';
    if (!d.catchall || defOf(d.catchall).type !== 'never') return 'return R;';
    const shape = d.shape as Record<string, unknown>;
    const keys = Object.keys(shape);
    const kind = keys.map((k) => defOf(shape[k]).type);
    const required = kind.filter((t) => t !== 'optional' && t !== 'default').length;
    const defaults = kind.filter((t) => t === 'default').length;
    const lines = [`if (x === null || typeof x !== 'object' || getPrototypeOf(x) !== P) return R;`, 'let req = 0, def = 0, same = true, v, r;', 'for (const k in x) {', 'v = x[k];', 'if (v === undefined) return R;', 'switch (k) {'];
    keys.forEach((k, i) => {
      const count = kind[i] === 'optional' ? '' : kind[i] === 'default' ? 'def++; ' : 'req++; ';
      const fact = factAt(shape[k]);
      // A fact's value goes to its place in the fact map (a named store); the wrapped form also carries its evidence.
      const store = fact
        ? ` if (V !== null) { if (r !== null && typeof r === 'object' && !isArray(r) && 'value' in r) put(D[${D.push(fact) - 1}], r, V, E); else V[${lit(fact.id)}] = r; }`
        : '';
      lines.push(`case ${lit(k)}: ${count}if ((r = ${fn(shape[k])}(v)) === R) return R; if (r !== v) same = false;${store} break;`);
    });
    lines.push('default: return R;', '}', '}', `if (req !== ${required}) return R;`, `if (same && def === ${defaults}) return x;`, 'const out = {};');
    keys.forEach((k, i) => {
      const f = fn(shape[k]);
      lines.push(`v = x[${lit(k)}];`, `if (v !== undefined) out[${lit(k)}] = ${f}(v);${kind[i] === 'default' ? ` else out[${lit(k)}] = ${f}(undefined);` : ''}`);
    });
    lines.push('return out;');
    return lines.join('\n');
  }

  function number(d: Def): string {
    const n = numberChecks(d);
    if (!n) return 'return R;';
    const { int, lo, loIncl, hi, hiIncl } = n;
    const refinements = n.refinements.map(konst);
    const lines = [`if (typeof x !== 'number' || !isFinite(x)) return R;`];
    if (int) lines.push('if (!isSafeInteger(x)) return R;');
    if (lo !== -Infinity) lines.push(`if (x ${loIncl ? '<' : '<='} ${num(lo)}) return R;`);
    if (hi !== Infinity) lines.push(`if (x ${hiIncl ? '>' : '>='} ${num(hi)}) return R;`);
    for (const f of refinements) lines.push(`{ const ok = ${f}(x); if (!ok || ok instanceof Promise) return R; }`);
    lines.push('return x;');
    return lines.join('\n');
  }

  const root = fn(schema);
  // V and E: the fact map and evidence of the call in progress (null when the caller gives none).
  const entry = `function accept(x, values, evidence) {\nV = values === undefined ? null : values;\nE = evidence === undefined ? null : evidence;\nconst r = ${root}(x);\nV = null;\nE = null;\nreturn r;\n}`;
  const source = `"use strict";\nlet V = null, E = null;\n${fns.join('\n')}\n${entry}\nreturn accept;`;
  const make = new Function('R', 'K', 'D', 'put', 'P', 'getPrototypeOf', 'isArray', 'isFinite', 'isSafeInteger', source) as (...a: unknown[]) => Accept;
  return make(REJECT, K, D, putFact, Object.prototype, Object.getPrototypeOf, Array.isArray, Number.isFinite, Number.isSafeInteger);
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
